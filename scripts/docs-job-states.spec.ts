/**
 * docs/job-states.md stays true to the code: its diagram names exactly the states of
 * core/src/types/job-state.ts, and every transition label is explained in its table (and the other
 * way round). That every file it cites exists is checked for all docs by scripts/doc-paths.spec.ts.
 */
import { ALL_JOB_STATES, JobState } from '../core/src/types/job-state';
import { fencedBlocks, readDocPage } from './docs-page';

const PAGE = readDocPage('job-states.md');
const TRANSITION = /^\s*(\S+)\s*-->\s*([^\s:]+)\s*(?::\s*(.*))?$/;

interface Diagram {
  readonly states: Set<string>;
  readonly labels: string[];
}

/** The page's one mermaid state diagram: the states its transitions name, and their labels. */
function diagram(markdown: string): Diagram {
  const blocks = fencedBlocks(markdown, 'mermaid');
  if (blocks.length !== 1) throw new Error(`expected one mermaid block in docs/job-states.md, found ${blocks.length}`);
  const [header, ...lines] = (blocks[0] ?? '').split('\n').filter((line) => line.trim() !== '');
  if (header?.trim() !== 'stateDiagram-v2') throw new Error(`the mermaid block must be a stateDiagram-v2, starts with '${header}'`);
  const states = new Set<string>();
  const labels: string[] = [];
  for (const line of lines) {
    const match = TRANSITION.exec(line);
    if (!match) throw new Error(`not a transition line: '${line}'`);
    for (const end of [match[1], match[2]]) if (end !== undefined && end !== '[*]') states.add(end);
    labels.push(match[3] ?? '');
  }
  return { states, labels };
}

/** Transition numbers (`T<n>`) in a text. */
function transitionIds(text: string): string[] {
  return [...text.matchAll(/\bT(\d+)\b/g)].map((match) => `T${match[1]}`);
}

describe('docs/job-states.md', () => {
  it('the diagram names exactly the states of core/src/types/job-state.ts', () => {
    const codeStates = ALL_JOB_STATES.map((state) => JobState[state]);
    expect([...diagram(PAGE).states].sort()).toEqual([...codeStates].sort());
  });

  it('every transition carries a T<n> label, and the table explains exactly those', () => {
    const { labels } = diagram(PAGE);
    for (const label of labels) expect(transitionIds(label)).not.toEqual([]);
    const inDiagram = new Set(labels.flatMap(transitionIds));
    const inTable = new Set([...PAGE.matchAll(/^\| (T\d+) \|/gm)].map((match) => match[1]));
    expect([...inTable].sort()).toEqual([...inDiagram].sort());
  });
});
