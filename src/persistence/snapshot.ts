/**
 * A point-in-time snapshot of the keyspace in RDB format, taken without fork(): the walk
 * over the databases runs in slices between requests while writes go on, and a key that
 * is about to change before the walk reached it is written out first, as it was (the
 * technique Dragonfly uses). Memory grows by the output buffer and by the old maps of
 * databases flushed meanwhile, never by a copy of the dataset.
 *
 * Which keys are done is one bit in each Entry (SNAPSHOT_BIT). Between snapshots every
 * entry carries the same value of that bit; a snapshot flips the meaning: an entry whose
 * bit equals `done` was written (or created after the snapshot began, so it must not be).
 */
import { SNAPSHOT_BIT, type Database, type Entry, type Keyspace } from '../store/keyspace.js';
import type { KeyTable } from '../store/key-table.js';
import { RdbEncoder } from './rdb-encoder.js';
import { AofEncoder } from './aof-encoder.js';
import { REDIS_VERSION } from '../engine/version.js';

interface Source {
  /** The database number this map had when the snapshot began (SWAPDB may move it since). */
  db: number;
  map: KeyTable<Entry>;
  size: number;
  expires: number;
}

export interface SnapshotOptions {
  compress: boolean;
  /** Write LRU idle times (under an LRU policy) or LFU counters (LFU), as Redis does. */
  accessInfo: 'none' | 'lru' | 'lfu';
  /** AUX fields beyond the standard ones (aof-base, repl ids...). */
  aux?: [string, string][];
  /** Commands instead of RDB (an AOF base with aof-use-rdb-preamble no). */
  commands?: boolean;
  /** Function libraries' code, written before the keys as Redis does. */
  functions?: string[];
}

/** What a snapshot writes with: RdbEncoder, or AofEncoder for a command-format AOF base. */
export interface SnapshotEncoder {
  readonly pending: number;
  take(): Buffer;
  header(): void;
  aux(key: string, value: string): void;
  functionLibrary(code: string): void;
  selectDb(db: number, size: number, expires: number): void;
  keyValue(key: string, entry: Entry, idleSeconds: number, lfuCounter: number): void;
  eof(): void;
  /** What ends the file after the last take() (RDB: the CRC-64). */
  digest(): Buffer;
}

export class Snapshot {
  readonly encoder: SnapshotEncoder;
  private readonly sources: Source[] = [];
  private readonly byMap = new Map<KeyTable<Entry>, Source>();
  private current = 0;
  private iterator: Iterator<[string, Entry]> | null = null;
  /** The database the output stream has selected last (SELECTDB), -1 before the first. */
  private streamDb = -1;
  /** The SNAPSHOT_BIT value that means "written by this snapshot". */
  private readonly done: number;
  finished = false;
  /** Stopped before completion: its output must never become a data file. */
  aborted = false;
  keysWritten = 0;
  readonly keysTotal: number;
  readonly startedAt = Date.now();

  constructor(
    private readonly keyspace: Keyspace,
    private readonly options: SnapshotOptions,
  ) {
    if (keyspace.beforeChange !== null) throw new Error('a snapshot is already running');
    this.encoder = options.commands ? new AofEncoder(keyspace.arena) : new RdbEncoder(options.compress, undefined, keyspace.arena);
    this.done = keyspace.newEntryMark ^ SNAPSHOT_BIT;
    let total = 0;
    for (const db of keyspace.dbs) {
      if (db.keys.size === 0) continue;
      const source = { db: db.id, map: db.keys, size: db.keys.size, expires: db.volatile.size };
      this.sources.push(source);
      this.byMap.set(db.keys, source);
      total += db.keys.size;
    }
    this.keysTotal = total;
    keyspace.newEntryMark = this.done;
    keyspace.beforeChange = (db, key, entry) => this.preserveEntry(db, key, entry);
    const enc = this.encoder;
    enc.header();
    enc.aux('redis-ver', REDIS_VERSION);
    enc.aux('redis-bits', '64');
    enc.aux('ctime', String(Math.floor(Date.now() / 1000)));
    enc.aux('used-mem', String(process.memoryUsage().heapUsed));
    for (const [k, v] of options.aux ?? []) enc.aux(k, v);
    for (const code of options.functions ?? []) enc.functionLibrary(code);
  }

  /** Called before a command changes key in db: writes the key's current state if still due. */
  preserve(db: Database, key: string): void {
    if (this.finished) return;
    const entry = db.keys.get(key);
    if (entry !== undefined) this.preserveEntry(db, key, entry);
  }

  private preserveEntry(db: Database, key: string, entry: Entry): void {
    if ((entry.lru & SNAPSHOT_BIT) === this.done) return;
    const source = this.byMap.get(db.keys);
    // An entry not yet done lives in a map the snapshot walks; anything else is a bug.
    if (source === undefined) throw new Error(`snapshot invariant: undone key in an unknown map (db ${db.id})`);
    this.write(source, key, entry);
  }

  private write(source: Source, key: string, entry: Entry): void {
    entry.lru = (entry.lru & ~SNAPSHOT_BIT) | this.done;
    if (this.streamDb !== source.db) {
      this.encoder.selectDb(source.db, source.size, source.expires);
      this.streamDb = source.db;
    }
    const info = this.options.accessInfo;
    this.encoder.keyValue(
      key,
      entry,
      info === 'lru' ? this.keyspace.idleSeconds(entry) : -1,
      info === 'lfu' ? this.keyspace.lfuDecayed(entry) : -1,
    );
    this.keysWritten++;
  }

  /**
   * Walks on until about `bytes` of output are pending or `deadline` (performance.now())
   * passes. Returns true when the walk is complete and the trailer written.
   */
  step(bytes: number, deadline: number): boolean {
    if (this.finished) return true;
    let n = 0;
    while (this.current < this.sources.length) {
      const source = this.sources[this.current]!;
      if (this.iterator === null) this.iterator = source.map.entries();
      for (;;) {
        const next = this.iterator.next();
        if (next.done) break;
        const [key, entry] = next.value;
        if ((entry.lru & SNAPSHOT_BIT) === this.done) continue;
        this.write(source, key, entry);
        if ((++n & 63) === 0 && (this.encoder.pending >= bytes || performance.now() >= deadline)) return false;
      }
      this.iterator = null;
      this.current++;
    }
    this.complete();
    return true;
  }

  private complete(): void {
    this.finished = true;
    this.release();
    this.encoder.eof();
  }

  /** Stops early (an error, FLUSHALL, shutdown): marks every remaining key so the next snapshot starts clean. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    this.aborted = true;
    for (let i = this.current; i < this.sources.length; i++) {
      for (const entry of this.sources[i]!.map.values()) entry.lru = (entry.lru & ~SNAPSHOT_BIT) | this.done;
    }
    this.release();
  }

  private release(): void {
    this.keyspace.beforeChange = null;
    this.iterator = null;
    this.keyspace.snapshotEnded();
    // From now on, every entry carries `done`: it is the resting value of the bit.
  }

  /** The remaining output including the checksum (after step() returned true). */
  trailer(): Buffer {
    const body = this.encoder.take();
    return Buffer.concat([body, this.encoder.digest()]);
  }
}
