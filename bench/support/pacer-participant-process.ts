/**
 * A bare Helix participant process for benchmarks and chaos tests: joins the cluster and accepts
 * every transition (no broker behind it). Prints `participant <name> joined` when live.
 *
 *   npx tsx bench/support/pacer-participant-process.ts <zkConnect> <cluster> <instance> <sessionTimeoutMs>
 */
import pino from 'pino';
import { systemClock } from '../../core/src/util/clock';
import { HelixParticipant } from '../../pacer/src/coordination/participant';
import { NodeZkClient } from '../../pacer/src/coordination/node-zk-client';

async function main(): Promise<void> {
  const [connectString = '', cluster = 'pacer', instance = 'p', timeout = '4000'] = process.argv.slice(2);
  const participant = new HelixParticipant({
    cluster,
    instance,
    endpoint: { host: '127.0.0.1', port: 1 },
    connect: () => NodeZkClient.connect({ connectString, sessionTimeoutMs: Number(timeout) }),
    handler: { onBecomeOnline: async () => undefined, onBecomeOffline: async () => undefined, onSessionLost: () => undefined, onSessionSuspended: () => undefined, onSessionResumed: () => undefined },
    clock: systemClock,
    logger: pino({ level: 'silent' }),
  });
  await participant.start();
  process.stdout.write(`participant ${instance} joined\n`);
  process.on('SIGTERM', () => void participant.close().then(() => process.exit(0)));
}

void main();
