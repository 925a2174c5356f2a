import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../core/src/logging/logger';
import { BrokerServer, createDequeueBroker, createPacerBackend, StaticPartitionDirectory } from '../pacer';
import { migrateDatabase } from '../pacer/src/migrate';
const HOST = '127.0.0.1';
const BODY = Buffer.alloc(64, 'x');
const W = Number(process.argv[2] ?? 1);
const LIMIT = Number(process.argv[3] ?? 10);
async function status(c: mysql.Connection) {
  const [rows] = await c.query<mysql.RowDataPacket[]>("SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions','Com_select','Com_update','Com_commit','Com_begin','Com_insert','Innodb_os_log_fsyncs','Innodb_data_fsyncs','Handler_commit')");
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}
async function main() {
  const admin = await mysql.createConnection({ host: HOST, port: 3306, user: 'root', password: '' });
  const db = `pacer_probe_${randomBytes(4).toString('hex')}`;
  await migrateDatabase({ host: HOST, port: 3306, user: 'root', password: '', database: db });
  const broker = createDequeueBroker({ brokerId: 'probe', mysql: { host: HOST, port: 3306, user: 'root', password: '', database: db, connectionLimit: 10 }, autoAssign: true, monitor: { enabled: false } });
  const server = await BrokerServer.listen(broker, HOST, 0, silentLogger());
  const directory = new StaticPartitionDirectory({ fallback: { host: HOST, port: server.port } });
  const pacer = await createPacerBackend({ mysql: { host: HOST, port: 3306, user: 'root', password: '', database: db, connectionLimit: 40 }, directory, defaultPartitions: 4 });
  await pacer.createQueue('q');
  for (let i = 0; i < 60000; i += 500) await pacer.enqueueJobs({ queue: 'q', jobs: Array.from({ length: 500 }, () => ({ body: BODY, priority: 1, attemptsAllowed: 2, customStatus: '' })) });
  await pacer.dequeueJobs({ queue: 'q', limit: 1, dryRun: false, coverage: 1, claimDescriptor: 'warm' });
  await new Promise((r) => setTimeout(r, 500));
  const s0 = await status(admin);
  const c0 = { ...broker.counters };
  let jobs = 0; let calls = 0; const deadline = Date.now() + 5000; const t0 = Date.now();
  let n = 0;
  await Promise.all(Array.from({ length: W }, async () => {
    while (Date.now() < deadline) {
      const r = await pacer.dequeueJobs({ queue: 'q', limit: LIMIT, dryRun: false, coverage: 1, claimDescriptor: `p:${n++}` });
      calls++;
      if (r.jobs.length === 0) break;
      await pacer.ackDequeuedJobs({ queue: 'q', succeeded: r.jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
      jobs += r.jobs.length;
    }
  }));
  const secs = (Date.now() - t0) / 1000;
  const s1 = await status(admin);
  console.log(`W=${W} limit=${LIMIT}: ${(jobs / secs).toFixed(0)} jobs/s, ${calls} calls, ${(jobs / calls).toFixed(1)} jobs/call`);
  for (const k of Object.keys(s0)) console.log(`  ${k.padEnd(22)} per call ${((s1[k] - s0[k]) / calls).toFixed(2)}  per job ${((s1[k] - s0[k]) / jobs).toFixed(3)}`);
  const c1 = broker.counters as unknown as Record<string, number>;
  console.log('  broker', Object.fromEntries(Object.entries(c1).map(([k, v]) => [k, v - (c0 as unknown as Record<string, number>)[k]!])));
  const g = globalThis as any; console.log("claim ms avg", Number(g.__claimNs) / g.__claimN / 1e6, "n", g.__claimN, "ack ms avg", Number(g.__ackNs) / g.__ackN / 1e6, "n", g.__ackN);
  await pacer.close(); await server.close(); await broker.close(); await directory.close();
  await admin.query(`DROP DATABASE ${db}`); await admin.end();
}
main();
