/**
 * The name of a queue's worker pool: a Kubernetes object name (DNS-1123 label: lowercase letters,
 * digits and '-', at most 63 characters) that is unique per queue even though queue names are
 * case-sensitive and may hold '_' and run to 255 characters: `pw-<readable part>-<hash of the
 * queue>`. The exact queue travels in the `pinlater.io/queue` annotation and the worker's
 * environment, never through this name.
 */
import { createHash } from 'node:crypto';

const PREFIX = 'pw-';
const HASH_CHARS = 8;
/** 63 (a label), minus room for the ReplicaSet and pod suffixes Kubernetes appends (-<10>-<5>). */
const MAX_NAME = 47;

export function poolName(queue: string): string {
  const hash = createHash('sha256').update(queue).digest('hex').slice(0, HASH_CHARS);
  const room = MAX_NAME - PREFIX.length - HASH_CHARS - 1;
  const readable = queue.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, room).replace(/-+$/, '');
  return `${PREFIX}${readable === '' ? 'q' : readable}-${hash}`;
}
