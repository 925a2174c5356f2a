import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { listRepoFiles, REPO_ROOT } from './repo-files';

/**
 * Comments and docs that name a repo file must name one that exists: files get renamed while the
 * prose pointing at them does not (issue 9). Checked: every comment of the .ts files and every
 * markdown file. A path counts when it starts at a top-level folder (`pacer/src/api/…`, `docs/…`)
 * and is not a pattern (`*`, `<id>`, `{a,b}`).
 */
const TOP_LEVEL = ['core', 'gateway', 'legacy-adapter', 'pacer', 'migration', 'dashboards', 'runbooks', 'docs', 'test', 'scripts', 'bench', 'config'];
const CODE_FOLDERS = ['core', 'gateway', 'legacy-adapter', 'pacer', 'migration', 'dashboards', 'test', 'scripts', 'bench'];
const PATH = new RegExp(`(?<![\\w./-])((?:${TOP_LEVEL.join('|')})/[\\w./*<>{},@-]*)`, 'g');

/** Repo-relative paths named in `text` (patterns and trailing punctuation left out). */
function namedPaths(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(PATH)) {
    const token = (match[1] ?? '').replace(/[.,:]+$/, '');
    if (/[*<>{}]/.test(token) || token.includes('//') || !looksLikePath(token)) continue;
    out.push(token);
  }
  return out;
}

/** A folder (`pacer/src/`, `pacer/src/api`) or a file (`docs/compatibility.md`), not prose like "gateway/broker". */
function looksLikePath(token: string): boolean {
  const segments = token.split('/');
  return token.endsWith('/') || segments.length >= 3 || (segments[segments.length - 1] ?? '').includes('.');
}

/** The text of every comment in a TypeScript source. */
function commentsOf(fileName: string, source: string): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const seen = new Set<number>();
  const out: string[] = [];
  const collect = (ranges: ts.CommentRange[] | undefined): void => {
    for (const r of ranges ?? []) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      out.push(source.slice(r.pos, r.end));
    }
  };
  const visit = (node: ts.Node): void => {
    collect(ts.getLeadingCommentRanges(source, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(source, node.getEnd()));
    ts.forEachChild(node, visit);
  };
  visit(sf);
  collect(ts.getLeadingCommentRanges(source, sf.endOfFileToken.getFullStart()));
  return out;
}

function missingPaths(file: string, texts: string[]): string[] {
  return [...new Set(texts.flatMap(namedPaths))]
    .filter((named) => !existsSync(path.join(REPO_ROOT, named)))
    .map((named) => `${file}: ${named}`);
}

describe('paths named in comments and docs', () => {
  it('finds paths in prose and skips patterns', () => {
    expect(namedPaths('see `pacer/src/api/router.ts`, docs/a.md. and gateway/src/x/ then core/src/*.ts or test/<id>/x')).toEqual([
      'pacer/src/api/router.ts', 'docs/a.md', 'gateway/src/x/',
    ]);
    expect(namedPaths('bullmq src/classes/ and packages/test-helpers/src and my-core/src/x.ts, gateway/broker ratio')).toEqual([]);
    expect(commentsOf('x.ts', "// one core/a.ts\nconst s = 'core/b.ts'; /* two\n docs/c.md */\n")).toEqual(['// one core/a.ts', '/* two\n docs/c.md */']);
  });

  it('every one exists, in .ts comments', () => {
    const missing = CODE_FOLDERS
      .flatMap((folder) => listRepoFiles(folder, (name) => name.endsWith('.ts') && !name.endsWith('.d.ts')))
      .flatMap((file) => missingPaths(file, commentsOf(file, readFileSync(path.join(REPO_ROOT, file), 'utf8'))));
    expect(missing).toEqual([]);
  });

  it('every one exists, in markdown docs', () => {
    const missing = listRepoFiles('.', (name) => name.endsWith('.md'))
      .flatMap((file) => missingPaths(file, [readFileSync(path.join(REPO_ROOT, file), 'utf8')]));
    expect(missing).toEqual([]);
  });
});
