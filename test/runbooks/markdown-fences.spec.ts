import { markdownFences } from './markdown-fences';
import { parseRunbookPage } from './runbook-page';

describe('markdownFences', () => {
  it('finds fences with their info string and line, de-indenting blocks inside list items', () => {
    const text = [
      '# Title', //                    1
      '1. Step:', //                   2
      '   ```bash runnable', //        3
      '   echo "$(cat x)"', //         4
      '     indented more', //         5
      '   ```', //                     6
      '~~~', //                        7
      '```not a closing fence', //     8
      '~~~', //                        9
      'inline ```code``` span', //     10
    ].join('\n');
    expect(markdownFences(text)).toEqual([
      { info: 'bash runnable', line: 3, content: 'echo "$(cat x)"\n  indented more' },
      { info: '', line: 7, content: '```not a closing fence' },
    ]);
  });

  it('runs an unclosed fence to the end of the text', () => {
    expect(markdownFences('```bash\necho a\n')).toEqual([{ info: 'bash', line: 1, content: 'echo a\n' }]);
  });
});

describe('parseRunbookPage', () => {
  it('reads kinds, timeouts and the scenario; other blocks are not runnable', () => {
    const page = parseRunbookPage('p.md', [
      '<!-- runbook-scenario: pacer-broker-down -->',
      '```bash runnable setup', 'source runbooks/pl.sh', '```',
      '```bash', 'echo docs', '```',
      '```bash runnable timeout=120', 'echo fix', '```',
      '```bash runnable verify', 'echo ok', '```',
    ].join('\n'));
    expect(page.problems).toEqual([]);
    expect(page.scenario).toBe('pacer-broker-down');
    expect(page.blocks.map((b) => [b.kind, b.line, b.timeoutSeconds, b.script])).toEqual([
      ['setup', 2, 60, 'source runbooks/pl.sh'],
      ['run', 8, 120, 'echo fix'],
      ['verify', 11, 60, 'echo ok'],
    ]);
  });

  it('refuses a timeout out of bounds and two scenarios', () => {
    const page = parseRunbookPage('p.md', '<!-- runbook-scenario: a -->\n<!-- runbook-scenario: b -->\n```bash runnable timeout=0\n```\n```bash runnable verify timeout=601\n```\n');
    expect(page.problems).toEqual([
      expect.stringContaining('p.md:3: info string `bash runnable timeout=0`: unknown word `timeout=0`'),
      expect.stringContaining('p.md:5: info string `bash runnable verify timeout=601`'),
      'p.md: more than one scenario (a, b); a page fixes one problem',
      'p.md: declares scenario a but has no `bash runnable verify` block',
    ]);
  });
});
