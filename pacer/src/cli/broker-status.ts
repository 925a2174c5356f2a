/**
 * `pacer-broker-status`: one dequeue broker's own view, from its `status` RPC (pacer/thrift/
 * broker.thrift, through the repo's Thrift client src/rpc/thrift-broker-client.ts; no generated
 * Python bindings needed): its id, the partitions it owns with their fencing epoch and the ready
 * jobs it buffers for each, and its counters since it started. Exit codes:
 *   0  OK: the broker answered
 *   1  error: --broker missing or invalid, or the broker unreachable or silent for --timeout-ms
 *
 *   npx tsx pacer/src/cli/broker-status.ts --broker 127.0.0.1:9020 [--json]
 *   npx pinlater-ops pacer broker-status --broker 127.0.0.1:9020    (the same command)
 *
 * The same document is served as JSON by the broker's admin port: GET /status
 * (src/broker/broker-admin-server.ts). `brokerStatusCommand` declares the command;
 * `runBrokerStatus` is what it does, so the operator CLI runs it as a subcommand.
 */
import { Command } from 'commander';
import { EndpointError, parseEndpoint } from '../../../core/src/config/endpoint';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';
import { ThriftBrokerClient, type BrokerStatusReply } from '../rpc/thrift-broker-client';
import type { PacerCliContext } from './status';

export const BROKER_STATUS_EXIT_CODES = { OK: 0, ERROR: 1 } as const;

const DEFAULT_TIMEOUT_MS = 5000;

export interface BrokerStatusOptions {
  readonly broker?: string;
  readonly timeoutMs?: string;
  readonly json?: boolean;
}

const HELP = `
Columns: QUEUE, PARTITION, EPOCH (the fencing epoch of the broker's ownership; it grows with every
new owner), BUFFERED (ready jobs read from MySQL and waiting in the broker's memory for a dequeue).
Counters count since the broker started. The same document as JSON: the broker's admin port,
GET /status (e.g. curl -s http://127.0.0.1:9021/status).

Exit codes:
  0  OK: the broker answered
  1  error: --broker missing or invalid, or the broker unreachable or silent for --timeout-ms`;

/** The command's declaration (no action): `name` is `pacer-broker-status` standalone, `broker-status` under `pinlater-ops pacer`. */
export function brokerStatusCommand(name: string): Command {
  const example = name === 'pacer-broker-status' ? 'npx tsx pacer/src/cli/broker-status.ts' : 'pinlater-ops pacer broker-status';
  return new Command(name)
    .description("Print one Pacer dequeue broker's status: its id, owned partitions, buffered jobs per partition, counters")
    .option('--broker <host:port>', "the broker's Thrift endpoint (the local bring-up's: 127.0.0.1:9020)")
    .option('--timeout-ms <ms>', `bound on connecting and on the answer (default ${DEFAULT_TIMEOUT_MS})`)
    .option('--json', 'print JSON instead of a table (the status RPC\'s fields, with "broker" and "exitCode")')
    .addHelpText('after', `${HELP}\n\nExamples:\n  ${example} --broker 127.0.0.1:9020\n  ${example} --broker 127.0.0.1:9020 --json | jq '.partitions[] | select(.buffered > 0)'`);
}

/** Asks the broker; resolves with the exit code (errors are printed, exit 1). */
export async function runBrokerStatus(options: BrokerStatusOptions, context: PacerCliContext): Promise<number> {
  try {
    const { endpoint, timeoutMs } = parseOptions(options);
    const client = new ThriftBrokerClient(timeoutMs);
    try {
      const status = await client.status(endpoint);
      const broker = `${endpoint.host}:${endpoint.port}`;
      context.stdout.write(options.json === true ? `${JSON.stringify({ broker, ...status, exitCode: BROKER_STATUS_EXIT_CODES.OK }, null, 2)}\n` : `${formatBrokerStatus(broker, status)}\n`);
      return BROKER_STATUS_EXIT_CODES.OK;
    } finally {
      await client.close();
    }
  } catch (e) {
    context.stderr.write(`${context.label}: ${coerceError(e).message}\n`);
    return BROKER_STATUS_EXIT_CODES.ERROR;
  }
}

function parseOptions(options: BrokerStatusOptions): { endpoint: { host: string; port: number }; timeoutMs: number } {
  if (options.broker === undefined) throw new Error("--broker <host:port> is required (the broker's Thrift port; locally 127.0.0.1:9020)");
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : Number(options.timeoutMs);
  if (!/^\d+$/.test(options.timeoutMs ?? '1') || !Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw new Error(`--timeout-ms must be a positive integer, got '${options.timeoutMs}'`);
  try {
    return { endpoint: parseEndpoint(options.broker, 'broker endpoint'), timeoutMs };
  } catch (e) {
    if (e instanceof EndpointError) throw new Error(`--broker: ${e.message}`);
    throw e;
  }
}

/** The status as text: a headline, one row per owned partition, the counters. */
export function formatBrokerStatus(broker: string, s: BrokerStatusReply): string {
  const buffered = s.partitions.reduce((n, p) => n + p.buffered, 0);
  const rows = [...s.partitions].sort((a, b) => a.queue.localeCompare(b.queue) || a.partition - b.partition)
    .map((p) => [renderUntrusted(p.queue, 100), String(p.partition), String(p.epoch), String(p.buffered)]);
  const lines = [`Broker ${renderUntrusted(s.brokerId)} at ${broker}: owns ${s.partitions.length} partition(s), ${buffered} job(s) buffered`];
  lines.push(rows.length === 0 ? '  (no partitions owned)' : table(['QUEUE', 'PARTITION', 'EPOCH', 'BUFFERED'], rows));
  lines.push('Counters since the broker started:');
  lines.push(`  dequeue calls ${s.dequeueCalls} (waited for a MySQL read: ${s.dequeueReads}, of which found nothing new: ${s.emptyDequeueReads})`);
  lines.push(`  refill reads ${s.refills} (found nothing new: ${s.emptyRefills}), claim batches ${s.claimBatches}, claimed jobs ${s.claimedJobs}`);
  return lines.join('\n');
}

function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`;
  return [line(headers), ...rows.map(line)].join('\n');
}

if (require.main === module) {
  const command = brokerStatusCommand('pacer-broker-status').parse(process.argv);
  const context: PacerCliContext = { env: {}, stdout: process.stdout, stderr: process.stderr, label: 'pacer-broker-status' };
  runBrokerStatus(command.opts<BrokerStatusOptions>(), context).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`pacer-broker-status: ${coerceError(e).message}\n`);
      process.exit(BROKER_STATUS_EXIT_CODES.ERROR);
    },
  );
}
