/**
 * Issue 15: what the lean Thrift stack (core/src/thrift/lean-framed-transport.ts) saves against npm
 * thrift's own TFramedTransport + TBinaryProtocol, on the broker's hottest message.
 *
 *   npx tsx bench/broker-rpc-codec.ts [--seconds 6]
 *
 * The message: a BrokerDequeueResponse as a lease-mode broker sends it (generated code,
 * pacer/src/generated/broker_types.js), 10 and 100 jobs of 64-byte bodies with their descriptors,
 * times and lease ids; each stack is handed its i64s as it takes them best (npm thrift: node-int64
 * objects over 8 bytes, as brokers made them before; lean: what the broker passes now, int64.ts
 * toI64, plain numbers, which it writes without an object and reads back as numbers). One round trip of the codec = the broker's side (write the reply, frame it)
 * + the API's side (split the frame off a chunk, read the reply; the loop ends on the underrun
 * the runtime's read loops stop on, as theirs do). Both stacks run in this process in alternating
 * 250 ms slices (B A A B …) for --seconds each, so drift hits both alike; printed per shape:
 * messages/s of each and lean/runtime, and the CPU microseconds per message (process.cpuUsage,
 * GC included). The bytes are checked equal before timing.
 *
 * The whole-system effect is in bench/pacer-vs-legacy-mysql.ts (CPU per process per run).
 */
import thrift from 'thrift';
import ttypes from '../pacer/src/generated/broker_types';
import { LeanBinaryProtocol, LeanFramedTransport } from '../core/src/thrift/lean-framed-transport';
import Int64 from 'node-int64';
import { toI64 } from '../pacer/src/rpc/int64';
import { exitWithHeaderHelp } from './support/header-help';

exitWithHeaderHelp(__filename);

const SECONDS_FLAG = process.argv.indexOf('--seconds');
const SECONDS = SECONDS_FLAG < 0 ? 6 : Number(process.argv[SECONDS_FLAG + 1]);
if (!(SECONDS > 0)) throw new Error('--seconds takes a positive number');
const SLICE_MS = 250;

/** The generated struct's codec methods (the .d.ts leaves them out). */
type Codec = { write(out: thrift.TProtocol): void; read(input: thrift.TProtocol): void };
type Transport = new (buffer?: Buffer, callback?: (msg: Buffer, seqid?: number) => void) => thrift.TTransport;
type Protocol = new (trans: thrift.TTransport) => thrift.TProtocol;
interface Stack { name: string; transport: Transport & { receiver: typeof thrift.TFramedTransport.receiver }; protocol: Protocol }

const runtime: Stack = { name: 'npm thrift', transport: thrift.TFramedTransport as unknown as Stack['transport'], protocol: thrift.TBinaryProtocol };
const lean: Stack = { name: 'lean', transport: LeanFramedTransport as unknown as Stack['transport'], protocol: LeanBinaryProtocol as unknown as Protocol };

/** How a stack is handed i64s: npm thrift node-int64 objects over 8 bytes, the lean stack what the broker passes (int64.ts). */
type I64Of = (n: number) => Int64;
const int64Object: I64Of = (n) => new Int64(Buffer.from(new Int64(n).buffer));

function reply(jobs: number, i64: I64Of, now: number): InstanceType<typeof ttypes.BrokerDequeueResponse> {
  return new ttypes.BrokerDequeueResponse({
    jobs: Array.from({ length: jobs }, (_, i) => new ttypes.BrokerJob({
      descriptor: `bench_queue:p${i % 4}:1:${1_000_000 + i}:s3:bench-broker:1`,
      body: Buffer.alloc(64, 'x'), attemptsAllowed: 2, attemptsRemaining: 2, createdAtMs: i64(now), updatedAtMs: i64(now),
    })),
    notOwned: [],
    readyLeft: [512],
    leaseIds: Array.from({ length: jobs }, () => i64(4_294_967_296 + 12_345)),
  });
}

/** Broker side: the reply written and framed. */
function encode(stack: Stack, message: InstanceType<typeof ttypes.BrokerDequeueResponse>): Buffer {
  let frame: Buffer | undefined;
  const out = new stack.protocol(new stack.transport(undefined, (msg) => (frame = msg)));
  out.writeMessageBegin('dequeue', thrift.Thrift.MessageType.REPLY, 1);
  (message as unknown as Codec).write(out);
  out.writeMessageEnd();
  out.flush();
  return frame as Buffer;
}

/** API side: the frame split off its chunk and read, until the read past its end (the runtime's loop). */
function decode(stack: Stack, chunk: Buffer): number {
  let jobs = 0;
  const receive = stack.transport.receiver((trans) => {
    const input = new stack.protocol(trans);
    try {
      for (;;) {
        input.readMessageBegin();
        const r = new ttypes.BrokerDequeueResponse();
        (r as unknown as Codec).read(input);
        input.readMessageEnd();
        jobs += r.jobs.length;
      }
    } catch (e) {
      if (!(e instanceof (thrift as unknown as { InputBufferUnderrunError: new () => Error }).InputBufferUnderrunError)) throw e;
    }
  }, 0);
  receive.call(undefined, chunk);
  return jobs;
}

interface Tally { messages: number; cpuUs: number; wallMs: number }

function slice(stack: Stack, message: InstanceType<typeof ttypes.BrokerDequeueResponse>, jobs: number, tally: Tally): void {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + SLICE_MS;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i += 1) {
      if (decode(stack, encode(stack, message)) !== jobs) throw new Error(`${stack.name}: the reply read back is not the one written`);
    }
    n += 50;
  }
  const cpu = process.cpuUsage(cpu0);
  tally.messages += n;
  tally.cpuUs += cpu.user + cpu.system;
  tally.wallMs += performance.now() - t0;
}

function main(): void {
  const rows: string[] = ['| jobs per reply | npm thrift msgs/s | lean msgs/s | lean/npm thrift | CPU µs per message, npm thrift → lean |', '|---|---|---|---|---|'];
  for (const jobs of [10, 100]) {
    const now = Date.now();
    const messages = new Map<Stack, InstanceType<typeof ttypes.BrokerDequeueResponse>>([[runtime, reply(jobs, int64Object, now)], [lean, reply(jobs, toI64, now)]]);
    const message = (stack: Stack): InstanceType<typeof ttypes.BrokerDequeueResponse> => messages.get(stack) as InstanceType<typeof ttypes.BrokerDequeueResponse>;
    if (!encode(lean, message(lean)).equals(encode(runtime, message(runtime)))) throw new Error('the two stacks wrote different bytes');
    const tallies = new Map<Stack, Tally>([[runtime, { messages: 0, cpuUs: 0, wallMs: 0 }], [lean, { messages: 0, cpuUs: 0, wallMs: 0 }]]);
    for (let i = 0; i < 20; i += 1) { // warm up both
      decode(lean, encode(lean, message(lean)));
      decode(runtime, encode(runtime, message(runtime)));
    }
    const order = [runtime, lean, lean, runtime];
    const slices = Math.max(4, Math.round((2 * SECONDS * 1000) / SLICE_MS));
    for (let i = 0; i < slices; i += 1) {
      const stack = order[i % order.length] as Stack;
      slice(stack, message(stack), jobs, tallies.get(stack) as Tally);
    }
    const rate = (t: Tally): number => t.messages / (t.wallMs / 1000);
    const perMessage = (t: Tally): number => t.cpuUs / t.messages;
    const r = tallies.get(runtime) as Tally;
    const l = tallies.get(lean) as Tally;
    rows.push(`| ${jobs} | ${rate(r).toFixed(0)} | ${rate(l).toFixed(0)} | ${(rate(l) / rate(r)).toFixed(2)}x | ${perMessage(r).toFixed(1)} → ${perMessage(l).toFixed(1)} |`);
  }
  process.stdout.write(`BrokerDequeueResponse, written + framed + split + read, ${SECONDS} s per stack per shape in alternating slices\n${rows.join('\n')}\n`);
}

main();
