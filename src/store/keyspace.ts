/**
 * The keyspace: numbered databases of keys, each key an Entry holding its value, its
 * absolute expiry time and its LRU/LFU clock. Knows nothing of RESP or sockets.
 *
 * Keys and string values are latin1 strings (one char per byte; binary safe). A short or
 * very long string value is stored as the JS string itself; a mid-sized one (arena.ts)
 * lives off-heap in the keyspace's Arena and the entry holds its ref, a number. The type
 * is told by `typeof`, so neither case costs a wrapper object. Aggregate types are objects
 * carrying a `type` tag.
 *
 * Only code that asks for it (find's KEEP_BLOB) sees a ref; any other lookup turns the
 * value back into a JS string first, so commands that work on string contents need not
 * know about the arena.
 */
import { Arena, fitsArena } from './arena.js';
import { Bitmap } from './bitmap.js';
import { Clock } from './clock.js';
import { KeyTable, PREFETCH_MAX } from './key-table.js';
import { KEY_BYTES, Meter, stringBytes, VOLATILE_BYTES } from './memory.js';

/** Values of the aggregate types implement this; strings are plain strings. */
export interface AggregateValue {
  readonly type: string;
  /** Redis's OBJECT ENCODING name for the current representation. */
  encoding(): string;
  /** Estimated heap bytes of the value (store/memory.ts). */
  readonly bytes: number;
  /** Where changes of `bytes` are reported while the value is stored. */
  meter: Meter | null;
  /** `bytes` recomputed from the contents, O(n). */
  measure(): number;
}

/** A string, a string's ref in the keyspace's Arena (a number), or an aggregate. */
export type Value = string | number | AggregateValue;

export function typeName(value: Value): string {
  return typeof value === 'object' ? value.type : 'string';
}

/** find() modes: which stored representations the caller handles as they are. */
export const KEEP_BITMAP = 1;
export const KEEP_BLOB = 2;
/** For callers that do not read a string's contents (EXISTS, TYPE, TTL, EXPIRE...). */
export const KEEP_ALL = KEEP_BITMAP | KEEP_BLOB;

/**
 * Bit 24 of Entry.lru, above the 24-bit LRU/LFU clock: the string value is what Redis
 * calls a raw string (built by APPEND or SETRANGE), which OBJECT ENCODING reports even
 * for short values. Kept in the clock field so no key pays a field for it.
 */
export const RAW_STRING = 1 << 24;
/** Bit 25: a string Redis never integer-encodes (INCRBYFLOAT's result): embstr or raw. */
export const NO_INT_STRING = 1 << 25;
/**
 * Bit 26: which snapshot generation has written this key. A snapshot in progress writes
 * each key once, either in its walk or early, just before a command changes it; the bit
 * says which keys are done without a set of names (see persistence/snapshot.ts).
 */
export const SNAPSHOT_BIT = 1 << 26;
const CLOCK_BITS = RAW_STRING - 1;
const STRING_BITS = RAW_STRING | NO_INT_STRING;
/** Everything in Entry.lru that is not the access clock. Bits stay below 2^30: a V8 small integer. */
const FLAG_BITS = STRING_BITS | SNAPSHOT_BIT;

export class Entry {
  constructor(
    public value: Value,
    /**
     * Absolute unix time in ms after which the key is gone; 0 for none. V8 keeps this
     * field tagged (a class field starts out undefined before the constructor assigns it),
     * so 0 is stored inline and only a key with a TTL pays for a heap number. Were the
     * field to hold nothing but numbers, V8 would box it in every Entry, 0 included
     * (16 bytes and a heap object per key; measured on Node 20).
     */
    public expireAt: number,
    /** LRU clock (seconds) or, under an LFU policy, (minutes << 8) | log counter; plus RAW_STRING. */
    public lru: number,
  ) {}

  /**
   * Stores a string value: as SET does (encoding follows the value), as APPEND/SETRANGE
   * do ('raw'), or as INCRBYFLOAT does ('noint': never an integer encoding).
   */
  setString(value: string | number, kind: 'plain' | 'raw' | 'noint' = 'plain'): void {
    this.value = value;
    const bits = kind === 'raw' ? RAW_STRING : kind === 'noint' ? NO_INT_STRING : 0;
    this.lru = (this.lru & (CLOCK_BITS | SNAPSHOT_BIT)) | bits;
  }

  /** Takes another entry's access clock and string kind (RENAME, MOVE), keeping its own snapshot bit. */
  adoptClock(from: Entry): void {
    this.lru = (from.lru & ~SNAPSHOT_BIT) | (this.lru & SNAPSHOT_BIT);
  }

  /** The encoding hint bits for OBJECT ENCODING (RAW_STRING, NO_INT_STRING). */
  get stringKind(): number {
    return this.lru & STRING_BITS;
  }
}

/** An expiry time in unix ms: a number, or a bigint for an int64 beyond 2^53 that a double would round (Redis takes any int64). */
export type ExpireTime = number | bigint;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Exact expiry times beyond 2^53 ms, by entry. Entry.expireAt holds their nearest double,
 * which is all comparisons with the clock need; replies, the AOF and RDB files take the
 * exact value (a rounded 2^63 is no int64 at all: the RDB writer threw on it).
 */
const exactExpiry = new WeakMap<Entry, bigint>();

/** Sets entry's expiry time (0: none), keeping the exact value aside when a double would round it. */
function storeExpiry(entry: Entry, when: ExpireTime): void {
  if (!Number.isSafeInteger(entry.expireAt)) exactExpiry.delete(entry);
  if (typeof when === 'number' && Number.isSafeInteger(when)) {
    entry.expireAt = when;
    return;
  }
  // A double past 2^53 is an integer, so BigInt takes it exactly; 2^63 itself is clamped.
  let exact = typeof when === 'bigint' ? when : BigInt(when);
  if (exact > INT64_MAX) exact = INT64_MAX;
  else if (exact < INT64_MIN) exact = INT64_MIN;
  entry.expireAt = Number(exact);
  if (!Number.isSafeInteger(entry.expireAt)) exactExpiry.set(entry, exact);
}

/** The key's expiry time exactly (0: none), as replies and files give it. */
export function expireTime(entry: Entry): ExpireTime {
  const at = entry.expireAt;
  return Number.isSafeInteger(at) ? at : (exactExpiry.get(entry) ?? BigInt(at));
}

export interface KeyspaceStats {
  expiredKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  /** Percentage of keys found already expired in the last active expiry cycle. */
  expiredStalePerc: number;
  expireCycleCpuMs: number;
}

/** Redis's LFU constants. */
const LFU_INIT_VAL = 5;

export interface AccessPolicy {
  /** True under allkeys-lfu / volatile-lfu. */
  lfu: boolean;
  lfuLogFactor: number;
  lfuDecayTime: number;
}

/** A value's estimated bytes (a blob: its arena chunk). */
function valueBytes(value: Value, arena: Arena): number {
  return typeof value === 'string' ? stringBytes(value) : typeof value === 'number' ? arena.chunkBytes(value) : value.bytes;
}

/** Keys a database holds before prefetch() is worth its passes (about what stays in a CPU cache). */
const PREFETCH_MIN_KEYS = 1 << 16;
const prefetchPositions = new Int32Array(PREFETCH_MAX);

export class Database {
  keys = new KeyTable<Entry>();
  /**
   * Keys that have an expiry time, each with its Entry (the same object as in `keys`):
   * what the active expiry cycle walks and the volatile eviction policies sample. A
   * KeyTable, not a Set: with a million keys expiring, a Set's one-shot shrink rehash and
   * the young table it allocates (which the next scavenge has to scan) stalled requests
   * for 10-40 ms; a KeyTable shrinks incrementally and has random access by position.
   */
  volatile = new KeyTable<Entry>();
  /** Estimated heap bytes of this database's keys and values. */
  meter = new Meter();

  /**
   * The meter's figure recomputed by walking every key (O(n)): equal to meter.bytes unless
   * some change bypassed the accounting, which the tests look for.
   */
  recount(): number {
    let n = 0;
    const arena = this.space.arena;
    for (const [key, entry] of this.keys) {
      const v = entry.value;
      n += KEY_BYTES + stringBytes(key) + (entry.expireAt !== 0 ? VOLATILE_BYTES : 0);
      n += typeof v === 'string' ? stringBytes(v) : typeof v === 'number' ? arena.chunkBytes(v) : v.measure();
    }
    return n;
  }

  /** What a key costs: its name, its slot and Entry, its value, its TTL bookkeeping (MEMORY USAGE). */
  entryBytes(key: string, entry: Entry): number {
    return KEY_BYTES + stringBytes(key) + valueBytes(entry.value, this.space.arena) + (entry.expireAt !== 0 ? VOLATILE_BYTES : 0);
  }

  /** A string value's text, wherever it is stored (entry holds a string or a blob). */
  text(value: string | number): string {
    return typeof value === 'string' ? value : this.space.arena.read(value);
  }

  constructor(
    readonly id: number,
    private readonly space: Keyspace,
  ) {}

  get size(): number {
    return this.keys.size;
  }

  /**
   * The live entry for key, or undefined. An expired key found here is deleted (lazy
   * expiry). Does not touch the access clock: callers that count as access use read().
   */
  find(key: string, keep = 0): Entry | undefined {
    const entry = this.keys.get(key);
    if (entry === undefined) return undefined;
    if (entry.expireAt !== 0 && entry.expireAt < this.space.clock.now) {
      this.expire(key);
      return undefined;
    }
    const value = entry.value;
    if (typeof value === 'number') {
      // Callers that read string contents without KEEP_BLOB get a JS string, kept as such
      // (they are mostly about to change it: APPEND, SETRANGE, INCR...).
      if (!(keep & KEEP_BLOB)) this.unblob(entry, value);
    } else if (!(keep & KEEP_BITMAP) && value instanceof Bitmap) {
      // Only the bitmap commands work on a Bitmap; everyone else sees a string.
      this.setString(entry, value.toString(), 'raw');
    }
    return entry;
  }

  /**
   * A hint before a batch of commands on these keys: loads what their lookups will touch
   * (KeyTable.prefetch, then each entry and the start of its value) with the cache misses
   * of all keys overlapped instead of taken one key at a time. Reads only: no lazy expiry,
   * no access clock, no statistics. Tables small enough to stay in the cache are skipped,
   * where the extra passes would only cost time.
   */
  prefetch(keys: readonly string[], n: number): number {
    if (n < 2 || !this.prefetches) return 0;
    const table = this.keys;
    const positions = prefetchPositions;
    let sink = table.prefetch(keys, n, positions);
    if (n > PREFETCH_MAX) n = PREFETCH_MAX;
    for (let j = 0; j < n; j++) {
      const p = positions[j]!;
      if (p >= 0) sink ^= table.valueAt(p).lru;
    }
    const arena = this.space.arena;
    for (let j = 0; j < n; j++) {
      const p = positions[j]!;
      if (p < 0) continue;
      const value = table.valueAt(p).value;
      if (typeof value === 'number') sink ^= arena.peek(value);
      else if (typeof value === 'string') sink ^= value.length;
    }
    return sink;
  }

  /** Whether prefetch() does anything: the table is past PREFETCH_MIN_KEYS. */
  get prefetches(): boolean {
    return this.keys.size >= PREFETCH_MIN_KEYS;
  }

  /** Moves a blob value back into the JS heap, keeping its string kind. */
  private unblob(entry: Entry, ref: number): void {
    const arena = this.space.arena;
    const text = arena.read(ref);
    this.meter.bytes += stringBytes(text) - arena.chunkBytes(ref);
    arena.free(ref);
    entry.value = text;
  }

  /** find() as an access: counts a hit or miss and updates the key's LRU/LFU clock. */
  read(key: string, touch = true, keep = 0): Entry | undefined {
    const entry = this.find(key, keep);
    if (entry === undefined) {
      this.space.stats.keyspaceMisses++;
      if (this.space.keyMissed !== null) this.space.keyMissed(this, key);
      return undefined;
    }
    this.space.stats.keyspaceHits++;
    if (touch) this.space.touch(entry);
    return entry;
  }

  /** find() for a write: updates the access clock, counts no hit or miss. */
  write(key: string, touch = true, keep = 0): Entry | undefined {
    const entry = this.find(key, keep);
    if (entry !== undefined && touch) this.space.touch(entry);
    return entry;
  }

  /** Creates a key that does not exist (callers checked with find()). */
  add(key: string, value: Value, expireAt: ExpireTime = 0): Entry {
    const stored = this.store(value);
    const entry = new Entry(stored, 0, this.space.initialClock());
    if (expireAt !== 0) storeExpiry(entry, expireAt);
    this.keys.set(key, entry);
    this.meter.bytes += KEY_BYTES + stringBytes(key) + this.attach(stored);
    if (expireAt !== 0) {
      this.volatile.set(key, entry);
      this.meter.bytes += VOLATILE_BYTES;
    }
    if (this.space.keyAdded !== null) this.space.keyAdded(this, key);
    // A new aggregate under a name clients block on (RENAME, MOVE, COPY, LPUSH...).
    if (typeof value !== 'string' && this.space.keyReady !== null) this.space.keyReady(this, key);
    return entry;
  }

  /**
   * Sets key to value, creating it or overwriting whatever it held (any type). The TTL is
   * dropped unless keepTtl, as SET does.
   */
  set(key: string, value: Value, keepTtl = false): Entry {
    const entry = this.find(key, KEEP_BLOB);
    if (entry === undefined) return this.add(key, value);
    this.space.beforeChange?.(this, key, entry);
    const stored = this.store(value);
    this.meter.bytes += this.attach(stored) - this.detach(entry.value);
    entry.value = stored;
    entry.lru &= CLOCK_BITS | SNAPSHOT_BIT;
    if (typeof value !== 'string' && this.space.keyReady !== null) this.space.keyReady(this, key);
    if (!keepTtl && entry.expireAt !== 0) {
      storeExpiry(entry, 0);
      this.volatile.delete(key);
      this.meter.bytes -= VOLATILE_BYTES;
    }
    this.space.touch(entry);
    return entry;
  }

  /** Deletes a live key; false when there was none. */
  delete(key: string): boolean {
    const entry = this.find(key, KEEP_ALL);
    if (entry === undefined) return false;
    this.remove(key, entry);
    return true;
  }

  remove(key: string, entry: Entry): void {
    this.space.beforeChange?.(this, key, entry);
    this.keys.delete(key);
    this.forget(key, entry);
  }

  /** Takes a deleted entry's bytes off the meter. */
  private forget(key: string, entry: Entry): void {
    this.meter.bytes -= KEY_BYTES + stringBytes(key) + this.detach(entry.value);
    if (entry.expireAt !== 0) {
      this.volatile.delete(key);
      this.meter.bytes -= VOLATILE_BYTES;
    }
  }

  setExpire(key: string, entry: Entry, expireAt: ExpireTime): void {
    if (entry.expireAt === 0) {
      this.volatile.set(key, entry);
      this.meter.bytes += VOLATILE_BYTES;
    }
    storeExpiry(entry, expireAt);
  }

  persist(key: string, entry: Entry): boolean {
    if (entry.expireAt === 0) return false;
    storeExpiry(entry, 0);
    this.volatile.delete(key);
    this.meter.bytes -= VOLATILE_BYTES;
    return true;
  }

  /** Replaces a string value in place (APPEND, INCR, SETRANGE...); see Entry.setString. */
  setString(entry: Entry, value: string, kind: 'plain' | 'raw' | 'noint' = 'plain'): void {
    const old = entry.value;
    // Raw strings (APPEND, SETRANGE) stay in the heap: they are built to be changed again.
    if (kind === 'plain' && fitsArena(value.length)) {
      const arena = this.space.arena;
      if (typeof old === 'number') {
        // Overwriting a blob (SET on a cached value): in place when the size class is the same.
        const before = arena.chunkBytes(old);
        const ref = arena.replace(old, value);
        if (ref >= 0) {
          this.meter.bytes += arena.chunkBytes(ref) - before;
          entry.setString(ref, kind);
          return;
        }
        // The arena is full (old freed): fall back to the heap.
        this.meter.bytes += stringBytes(value) - before;
        entry.setString(value, kind);
        return;
      }
      const ref = arena.alloc(value);
      if (ref >= 0) {
        this.meter.bytes += arena.chunkBytes(ref) - this.detach(old);
        entry.setString(ref, kind);
        return;
      }
    }
    this.meter.bytes += stringBytes(value) - this.detach(old);
    entry.setString(value, kind);
  }

  /**
   * Stores a string value written by bytes (bitmap and HyperLogLog commands) at key,
   * creating it if entry is undefined: a string raw-encoded, as Redis un-shares such values,
   * or a Bitmap. TTL and access clock stay.
   */
  putBytes(key: string, entry: Entry | undefined, value: string | Bitmap): void {
    if (typeof value === 'string') this.setString(entry ?? this.add(key, ''), value, 'raw');
    else if (entry === undefined) this.add(key, value);
    else if (entry.value !== value) this.setBitmap(entry, value);
  }

  /** Replaces a string value by its Bitmap form, keeping TTL and access clock. */
  setBitmap(entry: Entry, bitmap: Bitmap): void {
    this.meter.bytes += this.attach(bitmap) - this.detach(entry.value);
    entry.setString('', 'raw');
    entry.value = bitmap;
  }

  /** A value joins this database: its later changes count here. Returns its bytes. */
  private attach(value: Value): number {
    if (typeof value === 'string') return stringBytes(value);
    if (typeof value === 'number') return this.space.arena.chunkBytes(value);
    value.meter = this.meter;
    return value.bytes;
  }

  /**
   * A value leaves this database (unless it already joined another). Returns its bytes.
   * A blob's chunk is freed: its entry is being deleted or given another value.
   */
  private detach(value: Value): number {
    if (typeof value === 'string') return stringBytes(value);
    if (typeof value === 'number') {
      const arena = this.space.arena;
      const bytes = arena.chunkBytes(value);
      arena.free(value);
      return bytes;
    }
    if (value.meter === this.meter) value.meter = null;
    return value.bytes;
  }

  /**
   * What an entry keeps for value: a mid-sized string goes to the arena (unless it is
   * full). Values come from commands, which only ever hold strings: a ref here would be
   * a second owner of one chunk.
   */
  private store(value: Value): Value {
    if (typeof value === 'string') {
      if (!fitsArena(value.length)) return value;
      const ref = this.space.arena.alloc(value);
      return ref >= 0 ? ref : value;
    }
    if (typeof value === 'number') throw new Error('keyspace invariant: a blob ref given as a new value');
    return value;
  }

  /** Deletes an expired key and counts it. */
  expire(key: string): void {
    const entry = this.keys.get(key);
    if (entry === undefined) {
      this.volatile.delete(key);
      return;
    }
    this.space.beforeChange?.(this, key, entry);
    this.keys.delete(key);
    this.forget(key, entry);
    this.space.stats.expiredKeys++;
    this.space.dirty++;
    if (this.space.keyExpired !== null) this.space.keyExpired(this, key);
  }

  clear(): void {
    this.space.releaseBlobs(this.keys);
    this.keys = new KeyTable<Entry>();
    this.volatile = new KeyTable<Entry>();
    this.meter = new Meter();
  }

  /**
   * A random live key, or null (RANDOMKEY): uniform over the table; an expired key drawn
   * is deleted and another drawn, as Redis's dbRandomKey does. Bounded: every failed draw
   * removes a key.
   */
  randomKey(): string | null {
    while (this.keys.size > 0) {
      const key = this.keys.randomKey()!;
      if (this.find(key) !== undefined) return key;
    }
    return null;
  }
}

export class Keyspace {
  readonly dbs: Database[];
  readonly stats: KeyspaceStats = {
    expiredKeys: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredStalePerc: 0,
    expireCycleCpuMs: 0,
  };
  /** Where this keyspace's mid-sized string values live (store/arena.ts). */
  readonly arena = new Arena();
  /** Flushed tables whose blobs are still to be freed (see releaseBlobs). */
  private retired: KeyTable<Entry>[] = [];
  private draining = false;
  private drainIterator: Iterator<Entry> | null = null;
  /** Writes since start (Redis's server.dirty); persistence will read it. */
  dirty = 0;
  /** Told when an aggregate value appears under a key (blocked clients may wait on it). */
  keyReady: ((db: Database, key: string) => void) | null = null;
  /** Told when an expired key is deleted (WATCH treats it as modified). */
  keyExpired: ((db: Database, key: string) => void) | null = null;
  /** Told when a key is created, and when a read finds none: only set while someone listens (keyspace notifications). */
  keyAdded: ((db: Database, key: string) => void) | null = null;
  keyMissed: ((db: Database, key: string) => void) | null = null;
  /**
   * Told before a key's entry is replaced, deleted or expired, while a snapshot runs: it
   * writes the key out first if it has not yet. Commands that change a value in place are
   * covered by the engine, which tells the snapshot about their keys before they run.
   */
  beforeChange: ((db: Database, key: string, entry: Entry) => void) | null = null;
  /** The SNAPSHOT_BIT value new entries get: "already written" while a snapshot runs. */
  newEntryMark = 0;

  constructor(
    databases: number,
    readonly clock: Clock,
    readonly policy: AccessPolicy,
  ) {
    this.dbs = [];
    for (let i = 0; i < databases; i++) this.dbs.push(new Database(i, this));
  }

  initialClock(): number {
    return (this.policy.lfu ? (this.lfuMinutes() << 8) | LFU_INIT_VAL : this.clock.lruSeconds) | this.newEntryMark;
  }

  /** Records an access to entry for LRU/LFU. */
  touch(entry: Entry): void {
    if (!this.policy.lfu) {
      entry.lru = (entry.lru & FLAG_BITS) | this.clock.lruSeconds;
      return;
    }
    const counter = this.lfuDecayed(entry);
    entry.lru = (entry.lru & FLAG_BITS) | (this.lfuMinutes() << 8) | this.lfuIncrement(counter);
  }

  /**
   * Sets a loaded or restored key's access clock from an RDB IDLE time or LFU counter (-1:
   * absent), when it means something under the current policy, as Redis does.
   */
  restoreAccess(entry: Entry, idleSeconds: number, lfuCounter: number): void {
    if (!this.policy.lfu && idleSeconds >= 0) {
      const now = this.clock.lruSeconds;
      const idle = Math.min(idleSeconds, LRU_CLOCK_MAX);
      const clock = now >= idle ? now - idle : LRU_CLOCK_MAX - (idle - now);
      entry.lru = (entry.lru & FLAG_BITS) | clock;
    } else if (this.policy.lfu && lfuCounter >= 0) {
      entry.lru = (entry.lru & FLAG_BITS) | (this.lfuMinutes() << 8) | Math.min(lfuCounter, 255);
    }
  }

  /** Seconds since the key was last accessed (OBJECT IDLETIME). */
  idleSeconds(entry: Entry): number {
    const now = this.clock.lruSeconds;
    const lru = entry.lru & CLOCK_BITS;
    return now >= lru ? now - lru : now + (LRU_CLOCK_MAX - lru);
  }

  /** The LFU counter after decay (OBJECT FREQ). */
  lfuDecayed(entry: Entry): number {
    const last = (entry.lru & CLOCK_BITS) >>> 8;
    let counter = entry.lru & 255;
    const now = this.lfuMinutes();
    const elapsed = now >= last ? now - last : 65535 - last + now;
    const periods = this.policy.lfuDecayTime > 0 ? Math.floor(elapsed / this.policy.lfuDecayTime) : 0;
    if (periods > 0) counter = periods > counter ? 0 : counter - periods;
    return counter;
  }

  private lfuIncrement(counter: number): number {
    if (counter === 255) return 255;
    const base = Math.max(0, counter - LFU_INIT_VAL);
    const p = 1 / (base * this.policy.lfuLogFactor + 1);
    return Math.random() < p ? counter + 1 : counter;
  }

  private lfuMinutes(): number {
    return Math.floor(this.clock.now / 60000) & 65535;
  }

  /** Redis re-reads every key's clock when the policy switches between LRU and LFU. */
  resetAccessClocks(): void {
    const initial = this.initialClock() & CLOCK_BITS;
    for (const db of this.dbs) for (const entry of db.keys.values()) entry.lru = (entry.lru & FLAG_BITS) | initial;
  }

  /** Estimated heap bytes of every database's keys and values. */
  /** The databases' estimates plus their key tables' off-heap indexes (exact sizes). */
  get datasetBytes(): number {
    let n = 0;
    for (const db of this.dbs) n += db.meter.bytes + db.keys.indexBytes + db.volatile.indexBytes;
    return n;
  }

  get totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.keys.size;
    return n;
  }

  flushAll(): void {
    if (this.beforeChange === null && this.retired.length === 0) {
      // Nobody reads the old tables again: every blob goes at once, without a walk.
      for (const db of this.dbs) db.keys = new KeyTable<Entry>();
      this.arena.reset();
    }
    for (const db of this.dbs) db.clear();
  }

  /**
   * Frees the blobs of a table being dropped (FLUSHDB, FLUSHALL) over event-loop turns, a
   * slice of at most DRAIN_SLICE_MS at a time: a walk over a million keys would stall
   * every client for tens of milliseconds. Until then the chunks stay allocated (nobody
   * can reach them). While a snapshot runs, it may still walk that table: freeing waits
   * for its end (snapshotEnded).
   */
  releaseBlobs(table: KeyTable<Entry>): void {
    if (table.size === 0 || this.arena.count === 0) return;
    this.retired.push(table);
    this.scheduleDrain();
  }

  /** Called when a snapshot stops walking: the tables flushed meanwhile can let go of their blobs. */
  snapshotEnded(): void {
    this.scheduleDrain();
  }

  /**
   * Frees what flushed tables still hold and gives back the slabs of emptied size classes,
   * at once (MEMORY PURGE); false when a running snapshot still needs those tables.
   */
  releaseNow(): boolean {
    if (this.beforeChange !== null) return false;
    this.drain(Infinity);
    this.arena.trim();
    return true;
  }

  private scheduleDrain(): void {
    if (this.draining || this.retired.length === 0 || this.beforeChange !== null) return;
    this.draining = true;
    setImmediate(() => this.drain());
  }

  private drain(sliceMs = DRAIN_SLICE_MS): void {
    this.draining = false;
    if (this.beforeChange !== null) return;
    const deadline = performance.now() + sliceMs;
    while (this.retired.length > 0) {
      this.drainIterator ??= this.retired[0]!.values();
      for (let n = 1; ; n++) {
        const next = this.drainIterator.next();
        if (next.done) break;
        if (typeof next.value.value === 'number') this.arena.free(next.value.value);
        if ((n & 1023) === 0 && performance.now() > deadline) {
          this.scheduleDrain();
          return;
        }
      }
      this.retired.shift();
      this.drainIterator = null;
    }
  }

  swap(a: number, b: number): void {
    const da = this.dbs[a]!;
    const db = this.dbs[b]!;
    [da.keys, db.keys] = [db.keys, da.keys];
    [da.volatile, db.volatile] = [db.volatile, da.volatile];
    [da.meter, db.meter] = [db.meter, da.meter];
  }
}

/** The longest uninterrupted stretch of freeing a flushed table's blobs. */
const DRAIN_SLICE_MS = 2;

/** Redis's LRU clock is 24 bits of seconds. */
export const LRU_CLOCK_MAX = (1 << 24) - 1;
