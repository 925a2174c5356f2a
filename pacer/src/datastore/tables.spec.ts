import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSqlLoader, slotNames } from '../../../core/src/sql/sql-loader';
import { normalizeSql } from '../../../core/src/sql/sql-text';
import { sql, type SqlName } from './sql-loader';
import { TABLES } from './tables';

const SQL_DIR = join(__dirname, 'sql');
const FILES = readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql')).sort();
const NAMES = FILES.map((f) => f.replace(/\.sql$/, '') as SqlName);

/** Slots a caller fills per call (sqlWithSlots: claim-jobs, claim-leases-insert, lease-read-rule.ts); every other slot is a table's. */
const PER_CALL_SLOTS = new Set(['claimDescriptor', 'leaseRows', 'leasedJobs', 'settledDescriptor', 'leaseSelects', 'lease']);

describe('Pacer table names come from tables.ts only', () => {
  it('no statement names a table literally: each goes through its {{slot}}', () => {
    const literal: string[] = [];
    for (const file of FILES) {
      const text = normalizeSql(readFileSync(join(SQL_DIR, file), 'utf8')).replace(/\{\{\w+\}\}/g, ' ');
      for (const table of Object.values(TABLES)) {
        if (new RegExp(`(?<![\\w.])\`?${table}\`?(?![\\w])`).test(text)) literal.push(`${file}: ${table}`);
      }
    }
    expect(literal).toEqual([]);
  });

  it('every slot left after loading is a known per-call slot (a table slot typo would be left unfilled)', () => {
    const left = NAMES.flatMap((name) => slotNames(sql(name)).filter((slot) => !PER_CALL_SLOTS.has(slot)).map((slot) => `${name}: {{${slot}}}`));
    expect(left).toEqual([]);
  });

  it('renaming a table in the slot values renames it in every statement', () => {
    const renamed = Object.fromEntries(Object.keys(TABLES).map((slot) => [slot, `renamed_${slot}`]));
    const loader = createSqlLoader<SqlName>(SQL_DIR, renamed);
    const mentions = (text: string, table: string): boolean => new RegExp(`(?<![\\w.])${table}(?![\\w])`).test(text);
    for (const name of NAMES) {
      const text = loader.load(name);
      for (const [slot, table] of Object.entries(TABLES)) {
        expect(mentions(text, table)).toBe(false);
        expect(mentions(text, `renamed_${slot}`)).toBe(mentions(sql(name), table));
      }
    }
  });

  it('table names are plain identifiers (pasted unquoted), and statements use them', () => {
    for (const table of Object.values(TABLES)) expect(table).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(sql('queue-list')).toBe('SELECT name FROM queues ORDER BY name');
    expect(sql('owner-set')).toBe('UPDATE partition_owners SET owner_id = ?, epoch = ?, updated_at_ms = ? WHERE queue = ? AND part = ?');
  });
});
