/**
 * The memory budget: what Cairn counts as used memory, and eviction when maxmemory is
 * exceeded (Redis's performEvictions), with its time limit per call (eviction tenacity)
 * and a continuation on later event-loop turns when one call could not free enough.
 *
 * used_memory is the dataset estimate (store/memory.ts: within a few percent of the heap
 * the keys really take), client query and output buffers, the AOF buffer, the script
 * caches, and a fixed allowance for the server's own tables. It leaves out the V8
 * runtime, compiled code and the Lua VMs' heaps (Redis leaves the Lua heap out too), which
 * do not grow with the data.
 */
import type { Engine } from './engine.js';
import { KeyChooser } from '../store/eviction.js';
import type { Database } from '../store/keyspace.js';
import { KEY_BYTES, VOLATILE_BYTES } from '../store/memory.js';
import { NOTIFY_EVICTED } from './notify.js';

/** Memory an empty server counts as used (Redis's used_memory_startup is about 0.9 MB). */
export const STARTUP_BYTES = 1024 * 1024;

/**
 * The process's memory as INFO's allocator_* fields show it. V8 counts each arena slab
 * whole as external memory; only the chunks in use are allocated, the rest of the slabs
 * is active but free (fragmentation, as jemalloc reports it for Redis).
 */
export function allocatorFigures(engine: Engine): { allocated: number; active: number; m: NodeJS.MemoryUsage } {
  const m = process.memoryUsage();
  const arena = engine.keyspace.arena;
  return { allocated: m.heapUsed + m.external - arena.slabBytes + arena.usedBytes, active: m.heapTotal + m.external, m };
}

export const EVICT_OK = 0;
export const EVICT_RUNNING = 1;
export const EVICT_FAIL = 2;
export type EvictResult = typeof EVICT_OK | typeof EVICT_RUNNING | typeof EVICT_FAIL;

/** Redis's shared.oomerr. */
export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

export class MemoryBudget {
  evictedKeys = 0;
  /** Clients disconnected because all clients together passed maxmemory-clients. */
  evictedClients = 0;
  /** ms spent over maxmemory in finished episodes (INFO total_eviction_exceeded_time). */
  exceededMs = 0;
  /** When the current episode of being over maxmemory began (0: not over). */
  exceededSince = 0;
  peak = 0;
  /**
   * Client query and output buffers and the script caches, refreshed by sample() from the
   * server's cron and INFO: summing them for every command would cost O(clients).
   */
  clientsNormal = 0;
  scripts = 0;
  private readonly chooser: KeyChooser;
  private continuing = false;

  constructor(private readonly engine: Engine) {
    this.chooser = new KeyChooser(engine.keyspace);
  }

  /** Bytes appended to the AOF and not yet written out. */
  aofBufferBytes(): number {
    const aof = this.engine.aof;
    return aof.enabled ? aof.appended - aof.written : 0;
  }

  /** INFO used_memory. */
  used(): number {
    const n = this.counted() + this.aofBufferBytes();
    if (n > this.peak) this.peak = n;
    return n;
  }

  /** What maxmemory is compared with: the AOF buffer is left out, as Redis does, lest DELs of evicted keys cause more eviction. */
  private counted(): number {
    return STARTUP_BYTES + this.engine.keyspace.datasetBytes + this.clientsNormal + this.scripts;
  }

  /**
   * Redis's getMemoryOverheadData, for INFO memory and MEMORY STATS: what is not the data
   * itself (the keyspace's own slots and entries per database, buffers, caches) and the rest.
   */
  overhead(): { used: number; aof: number; dbs: { id: number; main: number; expires: number }[]; total: number; dataset: number } {
    this.sample();
    const used = this.used();
    const aof = this.aofBufferBytes();
    const dbs = this.engine.keyspace.dbs
      .filter((db) => db.size > 0)
      .map((db) => ({ id: db.id, main: db.size * KEY_BYTES + db.keys.indexBytes, expires: db.volatile.size * VOLATILE_BYTES + db.volatile.indexBytes }));
    let total = STARTUP_BYTES + this.clientsNormal + aof + this.scripts;
    for (const db of dbs) total += db.main + db.expires;
    return { used, aof, dbs, total, dataset: Math.max(0, used - total) };
  }

  /** Refreshes the client buffer and script cache figures. */
  sample(): void {
    let n = 0;
    for (const s of this.engine.sessions.values()) n += s.transport.queryBufferBytes() + s.transport.outputBufferBytes();
    this.clientsNormal = n;
    this.scripts = (this.engine.loadedScripting?.cacheBytes ?? 0) + (this.engine.loadedFunctions?.overheadBytes ?? 0);
  }

  /** Forgets pooled candidates after a policy change. */
  policyChanged(): void {
    this.chooser.reset();
  }

  /**
   * Evicts keys until used memory is within maxmemory or the time limit is reached
   * (eviction continues on later turns then). EVICT_FAIL: over the limit with nothing
   * that may be evicted, so commands that grow memory are refused.
   */
  perform(): EvictResult {
    const engine = this.engine;
    const config = engine.config;
    // Not while a script is paused mid-run, clients are paused, or the AOF is replayed: its
    // writes were acknowledged once and must all be loaded (Redis's isPerformEvictions).
    if (config.maxmemory === 0 || engine.busyScript !== null || engine.pausedUntil !== 0 || engine.aof.loading) return EVICT_OK;
    const used = this.counted();
    if (used <= config.maxmemory) {
      this.endEpisode();
      return EVICT_OK;
    }
    if (this.exceededSince === 0) this.exceededSince = Date.now();
    if (config.maxmemoryPolicy === 'noeviction') return EVICT_FAIL;
    const toFree = used - config.maxmemory;
    const limitUs = evictionTimeLimitUs(config.maxmemoryEvictionTenacity);
    const started = performance.now();
    let freed = 0;
    let evicted = 0;
    while (freed < toFree) {
      const victim = this.chooser.choose(config.maxmemoryPolicy, config.maxmemorySamples);
      if (victim === null) return EVICT_FAIL;
      freed += this.evict(victim.db, victim.key);
      evicted++;
      if (evicted % 16 === 0 && (performance.now() - started) * 1000 > limitUs) {
        this.continueLater();
        return EVICT_RUNNING;
      }
    }
    if (!this.continuing) this.endEpisode();
    return this.continuing ? EVICT_RUNNING : EVICT_OK;
  }

  private endEpisode(): void {
    if (this.exceededSince === 0) return;
    this.exceededMs += Date.now() - this.exceededSince;
    this.exceededSince = 0;
  }

  /** Redis's evictionTimeProc: keep evicting on later turns of the event loop until done. */
  private continueLater(): void {
    if (this.continuing) return;
    this.continuing = true;
    const step = (): void => {
      this.continuing = false;
      this.engine.beginBatch();
      // Reaching its time limit again, perform() schedules the next step itself: one
      // continuation at a time, so each event-loop turn gives eviction one time slice.
      this.perform();
      this.engine.tracking.flushPending();
    };
    setImmediate(step);
  }

  /** Deletes one key as eviction does, with its side effects. Returns the bytes it freed. */
  private evict(db: Database, key: string): number {
    const engine = this.engine;
    const entry = db.keys.get(key)!;
    const bytes = db.entryBytes(key, entry);
    const snapshot = engine.persistence.background;
    if (snapshot !== null) snapshot.preserve(db, key);
    db.remove(key, entry);
    engine.keyspace.dirty++;
    this.evictedKeys++;
    engine.keyModified(db, key, null);
    engine.notify(NOTIFY_EVICTED, 'evicted', key, db);
    if (engine.aof.enabled && !engine.aof.loading) engine.aof.feedDeletion(db.id, key, engine.config.lazyfreeLazyEviction);
    return bytes;
  }
}

/** Redis's evictionTimeLimitUs: tenacity 0..10 is 0..500 µs, then 15 % more per step, 100 is unlimited. */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return Math.floor(500 * Math.pow(1.15, tenacity - 10));
  return Number.POSITIVE_INFINITY;
}
