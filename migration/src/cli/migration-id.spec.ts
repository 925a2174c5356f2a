import { MAX_MIGRATION_ID_LENGTH, newMigrationId } from './migration-id';

describe('newMigrationId', () => {
  it('is <queue>-<UTC yyyymmddHHMMss>-<4 hex>', () => {
    expect(newMigrationId('my_queue', Date.UTC(2025, 2, 1, 14, 20, 5, 999), '9f3a')).toBe('my_queue-20250301142005-9f3a');
  });

  it('draws a new random part each time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newMigrationId('q', 0)));
    expect(ids.size).toBeGreaterThan(1);
    for (const id of ids) expect(id).toMatch(/^q-19700101000000-[0-9a-f]{4}$/);
  });

  it('cuts a long queue name so the id fits the ledger column', () => {
    const id = newMigrationId('q'.repeat(255), 0, 'abcd');
    expect(id).toHaveLength(MAX_MIGRATION_ID_LENGTH);
    expect(id.endsWith('-19700101000000-abcd')).toBe(true);
  });
});
