/**
 * A map holding at most `capacity` entries: setting a new key beyond it evicts the least recently
 * used one (a `get` or `set` makes a key the most recent). The shadow engine's alias map (legacy
 * descriptor → shadow descriptor, shadow-engine.ts) and the drainer's early outcomes use it, so
 * their memory stays bounded whatever the traffic.
 *
 * A hash map of nodes on a doubly linked list (most recent at the head): every operation is O(1)
 * with one hash lookup. (Not a Map's insertion order with delete + re-set: V8 leaves deleted slots
 * at the front of a Map until it rehashes, so finding its oldest key after many evictions scanned
 * them: 5–30 µs per evicting set at 10k–100k entries, on the shadow path for every copied job.)
 */
interface Node<K, V> {
  readonly key: K;
  value: V;
  newer: Node<K, V> | undefined;
  older: Node<K, V> | undefined;
}

export class BoundedLru<K, V> {
  private readonly nodes = new Map<K, Node<K, V>>();
  private newest: Node<K, V> | undefined;
  private oldest: Node<K, V> | undefined;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.nodes.size;
  }

  get(key: K): V | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    this.unlink(node);
    this.pushNewest(node);
    return node.value;
  }

  /** Whether `key` is held, without making it recent. */
  has(key: K): boolean {
    return this.nodes.has(key);
  }

  set(key: K, value: V): void {
    const held = this.nodes.get(key);
    if (held !== undefined) {
      held.value = value;
      this.unlink(held);
      this.pushNewest(held);
      return;
    }
    const node: Node<K, V> = { key, value, newer: undefined, older: undefined };
    this.nodes.set(key, node);
    this.pushNewest(node);
    if (this.nodes.size > this.capacity && this.oldest !== undefined) this.remove(this.oldest);
  }

  /** Removes and returns the value (undefined when absent). */
  take(key: K): V | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    this.remove(node);
    return node.value;
  }

  private remove(node: Node<K, V>): void {
    this.nodes.delete(node.key);
    this.unlink(node);
  }

  private pushNewest(node: Node<K, V>): void {
    node.older = this.newest;
    node.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = node;
    this.newest = node;
    this.oldest ??= node;
  }

  private unlink(node: Node<K, V>): void {
    if (node.newer === undefined) this.newest = node.older;
    else node.newer.older = node.older;
    if (node.older === undefined) this.oldest = node.newer;
    else node.older.newer = node.newer;
    node.newer = undefined;
    node.older = undefined;
  }
}
