/**
 * The hash table behind each database's keys, in place of a JS Map<string, V>.
 *
 * Why not a Map: over a million keys, V8's Map lookup was 23-30 % of the server's CPU for
 * GET and SET (perf, redis-benchmark -r 1000000). Its buckets hold chains of entries at
 * an average length near 2, and each step of a chain loads an entry and then the key
 * string to compare: several dependent cache and TLB misses per lookup. Here the index is
 * an open-addressed Int32Array of (hash, position) pairs probed linearly, so a probe
 * compares 32-bit hashes in one cache line and touches a key string only when the hash
 * matches: measured in isolation with the cache thrashed between lookups, 620-790 ns per
 * Map lookup against 345-380 ns here.
 *
 * What a Map gave that this keeps:
 * - insertion order: entries live in `slots` (key and value side by side) in the order
 *   they were added; a deleted entry leaves a hole, and holes are squeezed out once they
 *   outnumber the live entries;
 * - live iterators: an iterator walks positions, skips holes, reaches entries added after
 *   it started, and survives compaction by following the position remappings each
 *   compaction leaves behind (as V8's OrderedHashMap does with its obsolete tables). SCAN
 *   cursors, the snapshot walk and the eviction sampler rely on this.
 *
 * Limit: MAX_KEYS per table, as a Map had (2^24). Past it set() throws, as Map#set did,
 * rather than let `slots` reach V8's array length limit, which aborts the process.
 */
import { randomBytes } from 'node:crypto';

/** A random basis per process, so nobody can precompute keys that all collide. */
const SEED = randomBytes(4).readInt32LE(0);

/** 32-bit hash of a latin1 string: FNV-1a over its chars, then murmur3's finalizer to spread the bits linear probing uses. */
export function hashKey(key: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const MIN_CAPACITY = 8;
/** slots never exceeds 4 * MAX_KEYS + 32 elements (holes included), far below V8's ~2^27. */
export const MAX_KEYS = 1 << 24;
/** Holes tolerated in `slots` before compaction, beyond one per live entry. */
const MIN_HOLES = 16;

/**
 * Left behind by a compaction: where each old position went. Iterators created before it
 * hold the old Transition and follow `next` links to the current one.
 */
class Transition {
  remap: Int32Array | null = null;
  next: Transition | null = null;
}

/** What an iterator yields. */
const KEYS = 0;
const VALUES = 1;
const ENTRIES = 2;
type Kind = typeof KEYS | typeof VALUES | typeof ENTRIES;

export class KeyTable<V> implements Iterable<[string, V]> {
  /** Live entries. */
  size = 0;
  /** Key at 2p, value at 2p + 1, for each position p < used; a deleted key is `undefined`. */
  private slots: (string | V | undefined)[] = [];
  /** Positions taken in slots, holes included. */
  private used = 0;
  /** Open addressing: pairs (hash, position + 1); position 0 marks an empty slot. */
  private index = new Int32Array(2 * MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private transition = new Transition();
  /** The last key hashed: SET looks a key up and then inserts it. */
  private lastKey = '';
  private lastHash = hashKey('');

  constructor(private readonly maxKeys = MAX_KEYS) {}

  private hashOf(key: string): number {
    if (key === this.lastKey) return this.lastHash;
    const h = hashKey(key);
    this.lastKey = key;
    this.lastHash = h;
    return h;
  }

  /** The index slot holding key, or -1. */
  private find(key: string): number {
    const h = this.hashOf(key);
    const index = this.index;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const p = index[2 * i + 1]!;
      if (p === 0) return -1;
      if (index[2 * i] === h && this.slots[2 * (p - 1)] === key) return i;
    }
  }

  get(key: string): V | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : (this.slots[2 * this.index[2 * i + 1]! - 1] as V);
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  set(key: string, value: V): this {
    const h = this.hashOf(key);
    const index = this.index;
    const mask = this.mask;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const p = index[2 * i + 1]!;
      if (p === 0) break;
      if (index[2 * i] === h && this.slots[2 * (p - 1)] === key) {
        this.slots[2 * p - 1] = value;
        return this;
      }
    }
    if (this.size >= this.maxKeys) throw new RangeError('key table maximum size exceeded');
    this.slots.push(key, value);
    const position = this.used++;
    index[2 * i] = h;
    index[2 * i + 1] = position + 1;
    this.size++;
    if (this.size * 2 > index.length / 2) this.resize(index.length);
    return this;
  }

  delete(key: string): boolean {
    let i = this.find(key);
    if (i < 0) return false;
    const index = this.index;
    const mask = this.mask;
    const position = index[2 * i + 1]! - 1;
    this.slots[2 * position] = undefined;
    this.slots[2 * position + 1] = undefined;
    this.size--;
    // Backward-shift deletion: pull later members of the probe run into the gap, so the
    // index needs no tombstones and lookups stop at the first empty slot.
    for (let j = (i + 1) & mask; index[2 * j + 1] !== 0; j = (j + 1) & mask) {
      const home = index[2 * j]! & mask;
      // The entry at j may move to i unless its home lies cyclically within (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      index[2 * i] = index[2 * j]!;
      index[2 * i + 1] = index[2 * j + 1]!;
      i = j;
    }
    index[2 * i] = 0;
    index[2 * i + 1] = 0;
    if (this.used - this.size > Math.max(MIN_HOLES, this.size)) this.compact();
    else if (this.size * 8 < index.length / 2 && index.length > 2 * MIN_CAPACITY) this.resize(index.length / 4);
    return true;
  }

  /**
   * A key drawn uniformly at random, or undefined when empty: positions are drawn until
   * one holds a key. Holes are at most max(MIN_HOLES, size) of the positions, so that
   * takes two draws on average once the table has a few dozen keys.
   */
  randomKey(random: () => number = Math.random): string | undefined {
    if (this.size === 0) return undefined;
    for (;;) {
      const key = this.slots[2 * Math.floor(random() * this.used)];
      if (key !== undefined) return key as string;
    }
  }

  keys(): IterableIterator<string> {
    return new KeyTableIterator<V, string>(this, KEYS);
  }

  values(): IterableIterator<V> {
    return new KeyTableIterator<V, V>(this, VALUES);
  }

  entries(): IterableIterator<[string, V]> {
    return new KeyTableIterator<V, [string, V]>(this, ENTRIES);
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /** A new index of `capacity` slots with every live entry re-placed; slots do not move. */
  private resize(capacity: number): void {
    const old = this.index;
    const index = new Int32Array(2 * capacity);
    const mask = capacity - 1;
    for (let k = 0; k < old.length; k += 2) {
      const p = old[k + 1]!;
      if (p === 0) continue;
      let i = old[k]! & mask;
      while (index[2 * i + 1] !== 0) i = (i + 1) & mask;
      index[2 * i] = old[k]!;
      index[2 * i + 1] = p;
    }
    this.index = index;
    this.mask = mask;
  }

  /** Squeezes the holes out of slots, renumbering positions in the index and for iterators. */
  private compact(): void {
    const slots = this.slots;
    const used = this.used;
    // remap[p]: the new position of the first live entry at or after old position p.
    const remap = new Int32Array(used + 1);
    let w = 0;
    for (let p = 0; p < used; p++) {
      remap[p] = w;
      if (slots[2 * p] === undefined) continue;
      slots[2 * w] = slots[2 * p];
      slots[2 * w + 1] = slots[2 * p + 1];
      w++;
    }
    remap[used] = w;
    slots.length = 2 * w;
    this.used = w;
    const index = this.index;
    for (let k = 1; k < index.length; k += 2) {
      const p = index[k]!;
      if (p !== 0) index[k] = remap[p - 1]! + 1;
    }
    this.transition.remap = remap;
    this.transition = this.transition.next = new Transition();
  }

  /** The position `position` of an iterator made at `from` now has; returns the current transition. */
  static follow(from: Transition, position: number): [Transition, number] {
    let t = from;
    let p = position;
    while (t.next !== null) {
      const remap = t.remap!;
      p = remap[Math.min(p, remap.length - 1)]!;
      t = t.next;
    }
    return [t, p];
  }

  /** The key and value at a position, or undefined for a hole or a position past the end. */
  keyAt(position: number): string | undefined {
    return position < this.used ? (this.slots[2 * position] as string | undefined) : undefined;
  }

  valueAt(position: number): V {
    return this.slots[2 * position + 1] as V;
  }

  get positions(): number {
    return this.used;
  }

  get currentTransition(): Transition {
    return this.transition;
  }
}

class KeyTableIterator<V, T> implements IterableIterator<T> {
  private position = 0;
  private transition: Transition;
  private done = false;

  constructor(
    private readonly table: KeyTable<V>,
    private readonly kind: Kind,
  ) {
    this.transition = table.currentTransition;
  }

  next(): IteratorResult<T> {
    if (this.done) return { value: undefined, done: true };
    const table = this.table;
    if (this.transition !== table.currentTransition) {
      [this.transition, this.position] = KeyTable.follow(this.transition, this.position);
    }
    const end = table.positions;
    while (this.position < end) {
      const p = this.position++;
      const key = table.keyAt(p);
      if (key === undefined) continue;
      const value: unknown = this.kind === KEYS ? key : this.kind === VALUES ? table.valueAt(p) : [key, table.valueAt(p)];
      return { value: value as T, done: false };
    }
    // Like a Map iterator: once exhausted, it stays exhausted.
    this.done = true;
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this;
  }
}
