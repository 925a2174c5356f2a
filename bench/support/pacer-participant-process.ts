/**
 * A bare Helix participant process for benchmarks and chaos tests: joins the cluster and accepts
 * every transition (no broker behind it). Prints `participant <name> joined` when live.
 *
 *   npx tsx bench/support/pacer-participant-process.ts <zkConnect> <cluster> <instance> <sessionTimeoutMs>
 */
import pino from 'pino';
import { systemClock } from '../../core/src/util/clock';
import { HelixParticipant } from '../../pacer/src/coordination/participant';
import { ZkSessionManager } from '../../core/src/zookeeper/zk-session-manager';

async function main(): Promise<void> {
  const [connectString = '', cluster = 'pacer', instance = 'p', timeout = '4000'] = process.argv.slice(2);
  const logger = pino({ level: 'silent' });
  const sessions = ZkSessionManager.forConnectString({ connectString, sessionTimeoutMs: Number(timeout) }, { name: instance, clock: systemClock, logger });
  await sessions.start();
  const participant = new HelixParticipant({
    cluster,
    instance,
    endpoint: { host: '127.0.0.1', port: 1 },
    sessions,
    handler: { onBecomeOnline: async () => undefined, onBecomeOffline: async () => undefined, onSessionLost: () => undefined, onSessionSuspended: () => undefined, onSessionResumed: () => undefined },
    clock: systemClock,
    logger,
  });
  await participant.start();
  process.stdout.write(`participant ${instance} joined\n`);
  process.on('SIGTERM', () => {
    participant.close().then(() => sessions.close()).then(() => process.exit(0), (e: unknown) => {
      process.stderr.write(`close failed: ${String(e)}\n`);
      process.exit(1);
    });
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`participant failed: ${String(e)}\n`);
  process.exit(1);
});
