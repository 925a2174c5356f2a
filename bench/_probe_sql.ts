import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { migrateDatabase } from '../pacer/src/migrate';
import { createPacerBackend } from '../pacer';
const B = Number(process.argv[2] ?? 72);
const VARIANT = process.argv[3] ?? 'full';
async function main() {
  const db = `pacer_sqlp_${randomBytes(3).toString('hex')}`;
  await migrateDatabase({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: db });
  const p = await createPacerBackend({ mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: db } });
  await p.createQueue('q');
  for (let i = 0; i < 60000; i += 1000) await p.enqueueJobs({ queue: 'q', jobs: Array.from({ length: 1000 }, () => ({ body: Buffer.alloc(64, 'x'), priority: 1, attemptsAllowed: 2, customStatus: '' })) });
  await p.close();
  const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: db });
  await c.query("UPDATE partition_owners SET owner_id='b', epoch=1");
  const [rows] = await c.query<any[]>('SELECT id, part FROM jobs ORDER BY id');
  let i = 0; const t0 = Date.now(); let n = 0; let tc = 0n, ta = 0n;
  while (Date.now() - t0 < 5000 && i + B <= rows.length) {
    const batch = rows.slice(i, i + B); i += B;
    const ids = batch.map((r) => r.id); const now = Date.now();
    const a = process.hrtime.bigint();
    if (VARIANT === 'once') await c.query(`UPDATE jobs FORCE INDEX (PRIMARY) SET state = 1, claim_descriptor = ?, updated_at_ms = ? WHERE id IN (?) AND state = 0 AND run_after_ms <= ? AND (SELECT COUNT(*) FROM partition_owners WHERE owner_id = ? AND (queue, part, epoch) IN (?)) = ?`, ['d', now, ids, now, 'b', [['q', 0, 1], ['q', 1, 1], ['q', 2, 1], ['q', 3, 1]], 4]);
    else if (VARIANT === 'simple') await c.query('UPDATE jobs FORCE INDEX (PRIMARY) SET state=1, claim_descriptor=?, updated_at_ms=? WHERE id IN (?) AND state=0', ['d', now, ids]);
    else await c.query(`UPDATE jobs j FORCE INDEX (PRIMARY) SET j.state = 1, j.claim_descriptor = ?, j.updated_at_ms = ? WHERE j.id IN (?) AND j.state = 0 AND j.run_after_ms <= ? AND EXISTS (SELECT 1 FROM partition_owners o WHERE o.queue = j.queue AND o.part = j.part AND o.owner_id = ? AND (o.queue, o.part, o.epoch) IN (?))`, ['d', now, ids, now, 'b', [['q', 0, 1], ['q', 1, 1], ['q', 2, 1], ['q', 3, 1]]]);
    const b = process.hrtime.bigint();
    if (VARIANT === 'once') await c.query('UPDATE jobs FORCE INDEX (PRIMARY) SET state = 2, updated_at_ms = ? WHERE id IN (?) AND state = 1 AND (queue, part, priority, id) IN (?)', [now, ids, batch.map((r) => ['q', r.part, 1, r.id])]);
    else if (VARIANT === 'simple') await c.query('UPDATE jobs FORCE INDEX (PRIMARY) SET state=2, updated_at_ms=? WHERE id IN (?) AND state=1', [now, ids]);
    else await c.query('UPDATE jobs FORCE INDEX (PRIMARY) SET state = 2, custom_status = LEFT(CONCAT(custom_status, ?), 5000), updated_at_ms = ? WHERE id IN (?) AND state = 1 AND (queue, part, priority, id) IN (?)', ['', now, ids, batch.map((r) => ['q', r.part, 1, r.id])]);
    tc += b - a; ta += process.hrtime.bigint() - b;
    n += B;
  }
  const s = (Date.now() - t0) / 1000;
  console.log(`${VARIANT} batch ${B}: ${(n / s).toFixed(0)} jobs/s; claim ${(Number(tc) / 1e6 / (n / B)).toFixed(2)} ms, ack ${(Number(ta) / 1e6 / (n / B)).toFixed(2)} ms per statement`);
  await c.query(`DROP DATABASE ${db}`); await c.end();
}
main();
