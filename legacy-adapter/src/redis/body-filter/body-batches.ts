import { BODY_BATCH_BYTES } from '../redis-batch-limits';
import type { ShardCommands } from '../shard-commands';

/** One job's `bd` and the extra hash fields asked for, in order; null where a field is missing. */
export interface FetchedJob<T> {
  item: T;
  fields: unknown[];
}

/**
 * The hashes of `items` (`HMGET <prefix><id> bd ...extraFields`), in their order, fetched in
 * pipelined batches of at most BODY_BATCH_BYTES of bodies (plus one body larger on its own):
 * first every body's length (HSTRLEN, pipelined), then the batches. The consumer handles a batch
 * before the next is fetched, so the gateway holds one batch of bodies at a time whatever their
 * sizes, and yields to the event loop between batches.
 */
export async function* fetchBodyBatches<T extends { id: string }>(
  cmd: ShardCommands,
  hashPrefix: string,
  items: readonly T[],
  extraFields: readonly string[],
): AsyncGenerator<Array<FetchedJob<T>>> {
  const lengths = await Promise.all(items.map((it) => cmd.text<number>(['HSTRLEN', `${hashPrefix}${it.id}`, 'bd'])));
  let first = 0;
  while (first < items.length) {
    let end = first;
    let bytes = 0;
    do {
      bytes += Number(lengths[end]);
      end++;
    } while (end < items.length && bytes + Number(lengths[end]) <= BODY_BATCH_BYTES);
    const batch = items.slice(first, end);
    const replies = await Promise.all(batch.map((it) => cmd.bytes<unknown[]>(['HMGET', `${hashPrefix}${it.id}`, 'bd', ...extraFields])));
    yield batch.map((item, i) => ({ item, fields: replies[i] ?? [] }));
    first = end;
  }
}
