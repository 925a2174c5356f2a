import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqlLoader, fillSlots, slotNames } from './sql-loader';

describe('the one SQL loader', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sql-loader-'));
    writeFileSync(join(dir, 'claim.sql'), '-- claim: header\n-- params: ids\nUPDATE {{jobs}} j\n  SET j.owner = {{owner}}\nWHERE j.id IN (?)\n');
    writeFileSync(join(dir, 'plain.sql'), '-- plain\nSELECT 1\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fills the fixed slots when it reads a file and leaves per-call slots for render', () => {
    const loader = createSqlLoader<'claim' | 'plain'>(dir, { jobs: '`pacer_jobs`' });
    expect(loader.load('claim')).toBe('UPDATE `pacer_jobs` j SET j.owner = {{owner}} WHERE j.id IN (?)');
    expect(loader.render('claim', { owner: '?' })).toBe('UPDATE `pacer_jobs` j SET j.owner = ? WHERE j.id IN (?)');
    expect(loader.render('plain')).toBe('SELECT 1');
  });

  it('refuses a slot without a value, naming the statement', () => {
    const loader = createSqlLoader<'claim'>(dir);
    expect(() => loader.render('claim', { owner: '?' })).toThrow('SQL slot {{jobs}} of claim has no value');
    expect(() => fillSlots('SELECT {{nope}}', {})).toThrow(/\{\{nope\}\}/);
  });

  it('reads each file once', () => {
    const loader = createSqlLoader<'plain'>(dir);
    expect(loader.load('plain')).toBe('SELECT 1');
    writeFileSync(join(dir, 'plain.sql'), 'SELECT 2\n');
    expect(loader.load('plain')).toBe('SELECT 1');
    writeFileSync(join(dir, 'plain.sql'), '-- plain\nSELECT 1\n');
  });

  it('lists the slots left in a text', () => {
    expect(slotNames('UPDATE {{jobs}} SET a = {{owner}}, b = {{jobs}}')).toEqual(['jobs', 'owner', 'jobs']);
  });
});
