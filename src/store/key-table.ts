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
 *   it started, and survives compaction by replaying the position remappings each
 *   compaction step logs while iterators are open (as V8's OrderedHashMap does with its
 *   obsolete tables). The active expiry cycle and the snapshot walk rely on this.
 *
 * Unlike a Map, no single call does O(n) work on a large table (a Map rehashes in one go:
 * with 1M keys expiring, that and a one-shot compaction stalled requests for 20-40 ms).
 * Compaction of a large table is incremental: each set() and delete() moves a few entries
 * down over the holes (COMPACT_STEP positions), re-pointing their index slots, until the
 * squeeze reaches the end. The index of a large table is not shrunk when keys go (an
 * O(capacity) rehash), only when the table empties or is small; it still grows in one go.
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
/** Positions a compaction step visits per set() or delete() of a large table. */
const COMPACT_STEP = 16;
/** Tables up to this many positions are compacted, and their index shrunk, in one go (well under a millisecond). */
const SMALL_TABLE = 1 << 15;

/**
 * Compaction steps are logged as numbers, not objects, for the iterators open at the
 * time: per step a record [low, from, to, end, slice...]. The step squeezed positions
 * [from, to) down to start at `low` ([low, from) were already holes); slice has to - from
 * + 1 entries, slice[p - from] being the new position of the first live entry at or after
 * p (slice[to - from]: the step's write end); `end` is where positions at or past `to`
 * went when the step ended the compaction (the new end), else -1.
 *
 * Why numbers: with an object per step linked to the next (as V8's obsolete tables are),
 * a step's object that had lived long enough to be promoted, though garbage, kept every
 * later step's young object alive through its link (the young generation treats old
 * objects as roots), so while a million keys expired each scavenge copied and promoted
 * 1-2 MB of dead links, one at a time, and took 5-25 ms. A log of small integers holds no
 * pointers at all, and is written only while some iterator may replay it.
 */
const RECORD_HEADER = 4;
/** Log length at which replayed records are dropped (and the registry of readers pruned). */
const LOG_TRIM = 4096;
/** Registry length at which dead and finished readers are pruned. */
const READERS_PRUNE = 16;

/** Keys one prefetch() call looks at; the rest of a longer batch is not prefetched. */
export const PREFETCH_MAX = 32;
const prefetchHashes = new Int32Array(PREFETCH_MAX);

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
  /** Compaction records not yet replayed by every open iterator; see RECORD_HEADER. */
  private log: number[] = [];
  /** The offset of log[0] among every number ever logged: iterators hold such offsets. */
  private logBase = 0;
  private logTrimAt = LOG_TRIM;
  /** Iterators that may still replay the log: weak, so one dropped half-way pins nothing for long. */
  private readers: WeakRef<KeyTableIterator<V, unknown>>[] = [];
  private readersPruneAt = READERS_PRUNE;
  /** While a compaction is under way: its write and read positions (everything in [compactW, compactR) is a hole); -1 otherwise. */
  private compactW = -1;
  private compactR = 0;
  /** The last key hashed: SET looks a key up and then inserts it. */
  private lastKey = '';
  private lastHash = hashKey('');

  constructor(
    private readonly maxKeys = MAX_KEYS,
    /** Up to how many positions a table counts as small (compacted and shrunk in one go); tests lower it. */
    private readonly smallTable = SMALL_TABLE,
  ) {}

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
    if (this.compactW >= 0) this.compactStep(COMPACT_STEP);
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
    if (this.size === 0) this.reset();
    else if (this.compactW >= 0) this.compactStep(COMPACT_STEP);
    else if (this.used - this.size > Math.max(MIN_HOLES, this.size)) {
      this.compactW = this.compactR = 0;
      this.compactStep(this.used <= this.smallTable ? this.used : COMPACT_STEP);
    } else if (this.size * 8 < index.length / 2 && index.length > 2 * MIN_CAPACITY && index.length <= 2 * this.smallTable) {
      this.resize(index.length / 4);
    }
    return true;
  }

  /**
   * Loads into the CPU cache what looking up each of keys[0..n) will touch (the index
   * slot, the key's position in `slots`, the key string) and sets positions[j] to where
   * keys[j] is (for valueAt), or -1. Changes nothing: it is a hint for a batch of lookups
   * about to run.
   *
   * Why: in a table of a million keys each of those is a cache (and TLB) miss, taken one
   * after the other because each address comes from the previous load; a GET spent most
   * of its time waiting for them (perf annotate). Done in passes, one kind of load for
   * every key before the next kind, the loads of one pass do not depend on each other and
   * the CPU overlaps their misses. No pass stores a heap pointer: V8's write barrier would
   * read the header of the page the pointer leads to, one more miss per key.
   */
  prefetch(keys: readonly string[], n: number, positions: Int32Array): number {
    if (n > PREFETCH_MAX) n = PREFETCH_MAX;
    const index = this.index;
    const mask = this.mask;
    const slots = this.slots;
    const hashes = prefetchHashes;
    let sink = 0;
    for (let j = 0; j < n; j++) hashes[j] = hashKey(keys[j]!);
    for (let j = 0; j < n; j++) sink ^= index[2 * (hashes[j]! & mask) + 1]!;
    for (let j = 0; j < n; j++) {
      const h = hashes[j]!;
      let p = 0;
      for (let i = h & mask; ; i = (i + 1) & mask) {
        p = index[2 * i + 1]!;
        if (p === 0 || index[2 * i] === h) break;
      }
      positions[j] = p - 1;
      // Loads the slot without following the pointer in it.
      if (p !== 0 && slots[2 * (p - 1)] === undefined) sink++;
    }
    for (let j = 0; j < n; j++) {
      const p = positions[j]!;
      if (p >= 0 && slots[2 * p] !== keys[j]) positions[j] = -1;
    }
    return sink;
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

  /**
   * One step of compaction: visits up to `budget` positions from the read position,
   * moving live entries down to the write position and re-pointing their index slots;
   * ends the compaction when the read position reaches the end.
   */
  private compactStep(budget: number): void {
    const slots = this.slots;
    const w0 = this.compactW;
    const r0 = this.compactR;
    const stop = Math.min(this.used, r0 + budget);
    const log = this.readers.length > 0 ? this.log : null;
    const record = log === null ? 0 : log.length;
    if (log !== null) log.push(w0, r0, stop, -1);
    let w = w0;
    for (let r = r0; r < stop; r++) {
      if (log !== null) log.push(w);
      const key = slots[2 * r];
      if (key === undefined) continue;
      if (r !== w) {
        slots[2 * w] = key;
        slots[2 * w + 1] = slots[2 * r + 1];
        slots[2 * r] = undefined;
        slots[2 * r + 1] = undefined;
        this.repoint(key as string, r, w);
      }
      w++;
    }
    if (log !== null) log.push(w);
    if (stop === this.used) {
      if (log !== null) log[record + 3] = w;
      slots.length = 2 * w;
      this.used = w;
      this.compactW = -1;
    } else {
      this.compactW = w;
      this.compactR = stop;
    }
    // Trimmed when long, and when the compaction ends: no record lingers for iterators long done.
    if (log !== null && (log.length >= this.logTrimAt || this.compactW < 0)) this.trimLog();
  }

  /** Drops the records every open iterator has replayed; forgets iterators that are gone or done. */
  private trimLog(): void {
    const end = this.logEnd;
    let oldest = end;
    let live = 0;
    for (const ref of this.readers) {
      const it = ref.deref();
      if (it === undefined || it.finished) continue;
      this.readers[live++] = ref;
      oldest = Math.min(oldest, it.mark);
    }
    this.readers.length = live;
    this.readersPruneAt = Math.max(READERS_PRUNE, 2 * live);
    const drop = oldest - this.logBase;
    // Invariant: records are dropped only once every open iterator has replayed them.
    if (drop < 0) throw new Error('key table invariant: an iterator behind the log');
    if (drop === this.log.length) this.log.length = 0;
    else if (drop > 0) {
      this.log.copyWithin(0, drop);
      this.log.length -= drop;
    }
    this.logBase = oldest;
    // A reader that lags keeps its records; trimming again only when the log doubles keeps the copying linear.
    this.logTrimAt = Math.max(LOG_TRIM, 2 * this.log.length);
  }

  /** Offset just past the last logged number: an iterator holding it has nothing to replay. */
  get logEnd(): number {
    return this.logBase + this.log.length;
  }

  /** Lets an iterator replay the compactions that happen while it is open. */
  register(reader: KeyTableIterator<V, unknown>): void {
    if (this.readers.length >= this.readersPruneAt) this.trimLog();
    this.readers.push(new WeakRef(reader));
  }

  /** Where position `position` of an iterator that has replayed the log up to `mark` is now. */
  replay(mark: number, position: number): number {
    const log = this.log;
    let i = mark - this.logBase;
    if (i < 0) throw new Error('key table invariant: an iterator behind the log');
    let p = position;
    while (i < log.length) {
      const low = log[i]!;
      const from = log[i + 1]!;
      const to = log[i + 2]!;
      const end = log[i + 3]!;
      const slice = i + RECORD_HEADER;
      if (p < low) {
        // before the squeezed range: unmoved
      } else if (p < from) p = log[slice]!;
      else if (p < to) p = log[slice + p - from]!;
      else if (end >= 0) p = end;
      i = slice + (to - from) + 1;
    }
    return p;
  }

  /** The index slot of key, at position `from`, now names position `to`. */
  private repoint(key: string, from: number, to: number): void {
    const index = this.index;
    const mask = this.mask;
    for (let i = hashKey(key) & mask; ; i = (i + 1) & mask) {
      const p = index[2 * i + 1]!;
      // Invariant: every live entry has its index slot on its probe run.
      if (p === 0) throw new Error('key table invariant: a live entry missing from the index');
      if (p === from + 1) {
        index[2 * i + 1] = to + 1;
        return;
      }
    }
  }

  /** The last key went: everything starts over, small (iterators resume at 0, the new start). */
  private reset(): void {
    this.slots = [];
    this.used = 0;
    this.compactW = -1;
    if (this.index.length > 2 * MIN_CAPACITY) {
      this.index = new Int32Array(2 * MIN_CAPACITY);
      this.mask = MIN_CAPACITY - 1;
    }
    // Every position an open iterator may hold maps to 0, the new start.
    if (this.readers.length > 0) this.log.push(0, 0, 0, 0, 0);
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

  /**
   * Bytes of the index beyond an empty table's: it lives off the V8 heap (a typed array),
   * so no per-key heap constant covers it; the memory estimate adds it as it is.
   */
  get indexBytes(): number {
    return this.index.byteLength - 8 * MIN_CAPACITY;
  }

  /** Numbers in the compaction log (the tests check it stays empty when nobody iterates). */
  get logLength(): number {
    return this.log.length;
  }

  /** A compaction is under way (the tests check that one delete does not finish it). */
  get compacting(): boolean {
    return this.compactW >= 0;
  }
}

class KeyTableIterator<V, T> implements IterableIterator<T> {
  private position = 0;
  /** How much of the table's compaction log this iterator has replayed (a log offset). */
  mark: number;
  /** Exhausted or closed: it replays nothing more. */
  finished = false;

  constructor(
    private readonly table: KeyTable<V>,
    private readonly kind: Kind,
  ) {
    this.mark = table.logEnd;
    table.register(this as KeyTableIterator<V, unknown>);
  }

  next(): IteratorResult<T> {
    if (this.finished) return { value: undefined, done: true };
    const table = this.table;
    const logEnd = table.logEnd;
    if (this.mark !== logEnd) {
      this.position = table.replay(this.mark, this.position);
      this.mark = logEnd;
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
    this.finished = true;
    return { value: undefined, done: true };
  }

  /** A for-of loop left early: the table need not log for this iterator any more. */
  return(): IteratorResult<T> {
    this.finished = true;
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this;
  }
}
