/**
 * Creates the demo queues through a gateway (createQueue is idempotent: an existing queue stays
 * where it is; a new one goes where the gateway sends new queues, Pacer on the local routing
 * gateway). scripts/up.sh runs it before routing the demo queues with `pinlater-ops route`, which
 * needs each queue to exist on some system.
 *
 *   npx tsx scripts/demo/create-queues.ts --port 9010 --queues demo_redis,demo_pacer
 *
 * Exit codes: 0 every queue exists; 1 a call failed or the flags are invalid.
 */
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { parseConfig } from '../../core/src/config/parse-config';
import { coerceError } from '../../core/src/errors/coerce-error';
import { isValidQueueName } from '../../core/src/types/queue-name';
import { DemoClient } from './demo-client';

const schema = z.strictObject({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65_535),
  queues: z.array(z.string().refine(isValidQueueName, { message: 'not a PinLater queue name' })).min(1),
});

function flags(argv: readonly string[]): z.output<typeof schema> {
  const opts = new Command('create-demo-queues')
    .description('Creates the demo queues through a gateway (idempotent)')
    .option('--host <host>', 'the gateway host', '127.0.0.1')
    .option('--port <port>', 'the gateway Thrift port', '9010')
    .requiredOption('--queues <list>', 'comma-separated queue names', (v: string) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
    .exitOverride()
    .parse([...argv])
    .opts<Record<string, unknown>>();
  return parseConfig('create-queues flags', schema, opts);
}

async function main(): Promise<void> {
  const config = flags(process.argv);
  const client = new DemoClient(config.host, config.port, 'pinlater-demo:setup');
  try {
    for (const queue of config.queues) await client.createQueue(queue);
    process.stdout.write(`demo queues ready: ${config.queues.join(', ')}\n`);
  } finally {
    client.close();
  }
}

main().catch((e: unknown) => {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 1);
  process.stderr.write(`create-queues: ${coerceError(e).message}\n`);
  process.exit(1);
});
