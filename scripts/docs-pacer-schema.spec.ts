/**
 * docs/pacer-schema.md documents exactly the schema of pacer/schema-snapshot.sql (the committed
 * dump of what the migrations create): one section per table with its `TABLES` name from
 * pacer/src/datastore/tables.ts, one row per column in the snapshot's order, and every key.
 */
import { TABLES } from '../pacer/src/datastore/tables';
import { readDocPage, readRepoFile } from './docs-page';

const PAGE = readDocPage('pacer-schema.md');
const SNAPSHOT = readRepoFile('pacer/schema-snapshot.sql');

interface TableShape {
  readonly columns: string[];
  /** Names of secondary keys and constraints (the primary key has none). */
  readonly keys: string[];
}

/** Tables of the snapshot's `CREATE TABLE` statements, with their columns in order and key names. */
function snapshotTables(sql: string): Map<string, TableShape> {
  const tables = new Map<string, TableShape>();
  for (const [, name, body] of sql.matchAll(/^CREATE TABLE `(\w+)` \(\n([\s\S]*?)\n\)/gm)) {
    const lines = (body ?? '').split('\n');
    const columns = lines.flatMap((line) => /^\s*`(\w+)` /.exec(line)?.[1] ?? []);
    const keys = lines.flatMap((line) => /^\s*(?:(?:UNIQUE )?KEY|CONSTRAINT) `(\w+)`/.exec(line)?.[1] ?? []);
    tables.set(name ?? '', { columns, keys });
  }
  return tables;
}

/** The page's `## \`table\`` sections, by table name. */
function pageSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const part of markdown.split(/^## /m).slice(1)) {
    const name = /^`(\w+)`\n/.exec(part)?.[1];
    if (name !== undefined) sections.set(name, part);
  }
  return sections;
}

/** The columns a section's table lists: rows starting with a backquoted name. */
function documentedColumns(section: string): string[] {
  return [...section.matchAll(/^\| `(\w+)` \|/gm)].map((match) => match[1] ?? '');
}

const tables = snapshotTables(SNAPSHOT);
const sections = pageSections(PAGE);

describe('docs/pacer-schema.md', () => {
  it('the snapshot parses into tables with columns (so the checks below check something)', () => {
    expect(tables.size).toBeGreaterThanOrEqual(4);
    for (const shape of tables.values()) expect(shape.columns.length).toBeGreaterThan(0);
  });

  it('has one section per table of pacer/schema-snapshot.sql, and no other', () => {
    expect([...sections.keys()].sort()).toEqual([...tables.keys()].sort());
  });

  it.each([...tables.keys()])('documents every column of `%s`, in the snapshot order', (table) => {
    expect(documentedColumns(sections.get(table) ?? '')).toEqual(tables.get(table)?.columns);
  });

  it.each([...tables.keys()])('names every key of `%s`', (table) => {
    for (const key of tables.get(table)?.keys ?? []) expect(sections.get(table)).toContain(`\`${key}\``);
  });

  it.each(Object.entries(TABLES))('gives TABLES.%s (`%s`) as the code name of its section', (codeName, table) => {
    expect(tables.has(table)).toBe(true);
    expect(sections.get(table)).toContain(`Code name: \`TABLES.${codeName}\``);
  });
});
