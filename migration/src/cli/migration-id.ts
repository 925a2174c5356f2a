/**
 * A new migration's id: `<queue>-<UTC yyyymmddHHMMss>-<4 random hex>`, e.g.
 * `my_queue-20250301142005-9f3a`, readable in logs and sortable by start time per queue. The
 * ledger keys moves on it (Pacer's `job_moves.migration_id`, at most 100 ASCII characters), so a
 * long queue name is cut to fit; the time and the random part keep ids of one queue apart.
 */
import { randomBytes } from 'node:crypto';

export const MAX_MIGRATION_ID_LENGTH = 100;
/** `-yyyymmddHHMMss-hhhh` */
const SUFFIX_LENGTH = 20;

export function newMigrationId(queue: string, nowMs: number, randomHex: string = randomBytes(2).toString('hex')): string {
  if (!/^[0-9a-f]{4}$/.test(randomHex)) throw new RangeError(`randomHex must be 4 lowercase hex digits, got '${randomHex}'`);
  const stamp = new Date(nowMs).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${queue.slice(0, MAX_MIGRATION_ID_LENGTH - SUFFIX_LENGTH)}-${stamp}-${randomHex}`;
}
