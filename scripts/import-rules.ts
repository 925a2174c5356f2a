/**
 * Pure import rules for `scripts/check-imports.ts` (TEAM-NOTES: no import cycles, no `export *`,
 * the gateway is a composition root that never reaches into another folder's internals, and other
 * folders reach the gateway only through `gateway/index.ts`).
 *
 * Input: repo-relative paths of the .ts files and their source text. Output: violations, each
 * a human-readable line. Only relative specifiers are followed; packages are not checked.
 */
import * as path from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Repo-relative path of the importing file. */
  readonly from: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** Repo-relative resolved target (a known .ts file, or the normalized path when unresolved). */
  readonly to: string;
  readonly line: number;
}

export interface ParsedFile {
  readonly imports: readonly { specifier: string; line: number }[];
  /** Lines of `export * from` / `export * as x from`. */
  readonly exportStarLines: readonly number[];
}

/** Import/export/require/import() specifiers of one file, and its `export *` statements. */
export function parseFile(fileName: string, source: string): ParsedFile {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const imports: { specifier: string; line: number }[] = [];
  const exportStarLines: number[] = [];
  const lineOf = (node: ts.Node): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    const specifier = specifierOf(node);
    if (specifier !== undefined) imports.push({ specifier, line: lineOf(node) });
    if (ts.isExportDeclaration(node) && (!node.exportClause || ts.isNamespaceExport(node.exportClause))) {
      exportStarLines.push(lineOf(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { imports, exportStarLines };
}

function specifierOf(node: ts.Node): string | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
    return ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined;
  }
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    const expr = node.moduleReference.expression;
    return ts.isStringLiteral(expr) ? expr.text : undefined;
  }
  if (ts.isCallExpression(node) && isRequireOrImport(node) && node.arguments.length === 1) {
    const arg = node.arguments[0];
    return arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
  }
  return undefined;
}

function isRequireOrImport(call: ts.CallExpression): boolean {
  if (call.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
  return ts.isIdentifier(call.expression) && call.expression.text === 'require';
}

const CANDIDATE_SUFFIXES = ['', '.ts', '/index.ts'];

/** Resolves a relative specifier against the known files (`.js` written for a `.ts` file too). */
export function resolveSpecifier(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..') {
    return undefined;
  }
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const stems = /\.(c|m)?js$/.test(base) ? [base, base.replace(/\.(c|m)?js$/, '')] : [base];
  for (const stem of stems) {
    for (const suffix of CANDIDATE_SUFFIXES) {
      if (known.has(stem + suffix)) return stem + suffix;
    }
  }
  return base;
}

/** All relative import edges between the given files. */
export function buildEdges(files: ReadonlyMap<string, ParsedFile>): ImportEdge[] {
  const known = new Set(files.keys());
  const edges: ImportEdge[] = [];
  for (const [from, parsed] of files) {
    for (const { specifier, line } of parsed.imports) {
      const to = resolveSpecifier(from, specifier, known);
      if (to !== undefined) edges.push({ from, specifier, to, line });
    }
  }
  return edges;
}

/** Every import cycle among known files, as `a.ts -> b.ts -> a.ts` (one per strongly connected set). */
export function findCycles(edges: readonly ImportEdge[], known: ReadonlySet<string>): string[][] {
  const graph = new Map<string, string[]>();
  for (const e of edges) {
    if (!known.has(e.to)) continue;
    graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
  }
  return stronglyConnected(graph)
    .filter((scc) => scc.length > 1 || (graph.get(scc[0] as string) ?? []).includes(scc[0] as string))
    .map((scc) => cycleThrough(scc, graph));
}

/** Tarjan's algorithm, iterative (no recursion limit on deep graphs). */
function stronglyConnected(graph: ReadonlyMap<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  let counter = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const targets = graph.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++] as string;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(target) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        const scc: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          scc.push(member);
        } while (member !== frame.node);
        result.push(scc.sort());
      }
    }
  }
  return result;
}

/** A concrete cycle inside one strongly connected set, starting at its first member (BFS). */
function cycleThrough(scc: readonly string[], graph: ReadonlyMap<string, string[]>): string[] {
  const members = new Set(scc);
  const start = scc[0] as string;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) return [...pathTo(node, previous, start), start];
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [...scc, start];
}

function pathTo(node: string, previous: ReadonlyMap<string, string>, start: string): string[] {
  const out = [node];
  let current = node;
  while (current !== start) {
    current = previous.get(current) as string;
    out.unshift(current);
  }
  return out;
}

/** Folders whose public entry point (`<folder>/index.ts`) the gateway may import. */
export const GATEWAY_PUBLIC_ENTRY_FOLDERS = ['legacy-adapter', 'pacer', 'migration'];

/**
 * gateway/ may import gateway/**, core/** and `<folder>/index.ts` of legacy-adapter, pacer and
 * migration; its unit specs (`*.spec.ts`) may also use test/support/**. Everything else is a
 * reach into another folder's internals.
 */
export function gatewayBoundaryViolations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    if (!e.from.startsWith('gateway/') || gatewayMayImport(e.from, e.to)) continue;
    out.push(`${e.from}:${e.line} imports '${e.specifier}' (${e.to}): gateway may import only core/** and ` +
      `${GATEWAY_PUBLIC_ENTRY_FOLDERS.map((f) => `${f}/index.ts`).join(', ')}`);
  }
  return out;
}

function gatewayMayImport(from: string, to: string): boolean {
  const top = to.split('/')[0] ?? '';
  if (top === 'gateway' || top === 'core') return true;
  if (GATEWAY_PUBLIC_ENTRY_FOLDERS.includes(top)) return to === `${top}/index.ts`;
  return from.endsWith('.spec.ts') && to.startsWith('test/support/');
}

/**
 * Folders whose code may import gateway/ only through its public entry point `gateway/index.ts`
 * (the operator CLI in migration/ reads the routing config and builds backends the gateway's way).
 * test/, bench/ and scripts/ may reach into gateway internals (they test and measure them).
 */
export const GATEWAY_ENTRY_ONLY_FOLDERS = ['core', 'legacy-adapter', 'pacer', 'migration', 'dashboards'];

/** Imports of gateway internals from a folder of GATEWAY_ENTRY_ONLY_FOLDERS. */
export function gatewayEntryViolations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const fromTop = e.from.split('/')[0] ?? '';
    if (!GATEWAY_ENTRY_ONLY_FOLDERS.includes(fromTop) || !e.to.startsWith('gateway/') || e.to === 'gateway/index.ts') continue;
    out.push(`${e.from}:${e.line} imports '${e.specifier}' (${e.to}): outside gateway/, import gateway only through gateway/index.ts`);
  }
  return out;
}

export interface CheckResult {
  readonly files: number;
  readonly edges: number;
  readonly violations: readonly string[];
}

/** Runs every rule over the given sources (repo-relative path → text). */
export function checkImports(sources: ReadonlyMap<string, string>): CheckResult {
  const parsed = new Map<string, ParsedFile>();
  for (const [file, text] of sources) parsed.set(file, parseFile(file, text));
  const edges = buildEdges(parsed);
  const violations: string[] = [];
  for (const [file, p] of parsed) {
    for (const line of p.exportStarLines) violations.push(`${file}:${line} uses 'export *': re-export names explicitly`);
  }
  for (const cycle of findCycles(edges, new Set(parsed.keys()))) violations.push(`import cycle: ${cycle.join(' -> ')}`);
  violations.push(...gatewayBoundaryViolations(edges));
  violations.push(...gatewayEntryViolations(edges));
  return { files: parsed.size, edges: edges.length, violations };
}
