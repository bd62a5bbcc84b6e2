/**
 * RDB persistence for one engine: SAVE (blocking), BGSAVE (an incremental snapshot in
 * slices between requests), save points, loading at start-up, and the status INFO and
 * stop-writes-on-bgsave-error read. Files are written to a temporary name, fsynced, and
 * renamed over dbfilename, so a crash at any moment leaves the previous file intact.
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { ByteSource } from './byte-source.js';
import { loadRdb, RdbError, type EncodingLimits } from './rdb-decoder.js';
import { Snapshot } from './snapshot.js';
import { AofEncoder } from './aof-encoder.js';

/** Output bytes a slice produces before it yields to requests. */
const SLICE_BYTES = 1024 * 1024;
/** CPU time a slice may take, in ms. */
const SLICE_MS = 1;
/** rdb-save-incremental-fsync: fsync every this many bytes, so the final fsync is short and the page cache does not balloon. */
const INCREMENTAL_FSYNC_BYTES = 32 * 1024 * 1024;
/** After a failed BGSAVE, save points wait this long before trying again (Redis: 5 s). */
const RETRY_AFTER_ERROR_MS = 5000;

export function encodingLimits(engine: Engine): EncodingLimits {
  const c = engine.config;
  return {
    hashMaxListpackEntries: c.hashMaxListpackEntries,
    hashMaxListpackValue: c.hashMaxListpackValue,
    setMaxIntsetEntries: c.setMaxIntsetEntries,
    zsetMaxListpackEntries: c.zsetMaxListpackEntries,
    zsetMaxListpackValue: c.zsetMaxListpackValue,
  };
}

export class Persistence {
  /** Unix seconds of the last successful save (LASTSAVE). */
  lastSave = Math.floor(Date.now() / 1000);
  /** keyspace.dirty when the last successful save began. */
  private dirtyAtLastSave = 0;
  private dirtyAtSaveStart = 0;
  lastBgsaveOk = true;
  lastBgsaveSeconds = -1;
  private lastBgsaveTry = 0;
  saves = 0;
  lastLoad = { keys: 0, expired: 0 };
  /** The snapshot BGSAVE is writing, or null. */
  background: Snapshot | null = null;
  /** What the background snapshot is for: a BGSAVE, or the base of an AOF rewrite. */
  backgroundKind: 'rdb' | 'aof' = 'rdb';
  private tempCounter = 0;
  private cronTimer: NodeJS.Timeout | null = null;
  /** Output per BGSAVE slice; tests make it small to interleave many writes with one snapshot. */
  sliceBytes = SLICE_BYTES;
  /** Set for an in-memory embedded database: why SAVE and friends cannot write. */
  disabled: string | null = null;

  constructor(private readonly engine: Engine) {}

  get path(): string {
    return join(this.engine.config.dir, this.engine.config.dbfilename);
  }

  get changesSinceLastSave(): number {
    return this.engine.keyspace.dirty - this.dirtyAtLastSave;
  }

  /** stop-writes-on-bgsave-error: writes are refused after a failed save while save points are set. */
  get deniesWrites(): boolean {
    const c = this.engine.config;
    // lastBgsaveOk first: on every command's path, the common case is one field read.
    return !this.lastBgsaveOk && c.stopWritesOnBgsaveError && c.savePoints.length > 0;
  }

  start(): void {
    if (this.cronTimer !== null) return;
    this.cronTimer = setInterval(() => this.cron(), 1000);
    this.cronTimer.unref();
  }

  stop(): void {
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    this.cronTimer = null;
  }

  /** Save points: BGSAVE once enough changes are older than a point's seconds. */
  cron(): void {
    // A snapshot must not start halfway through a (paused) script.
    if (this.background !== null || this.engine.busyScript !== null) return;
    this.engine.aof.startScheduledRewrite();
    const now = Date.now();
    const changes = this.changesSinceLastSave;
    for (const sp of this.engine.config.savePoints) {
      if (changes >= sp.changes && now - this.lastSave * 1000 >= sp.seconds * 1000 && (this.lastBgsaveOk || now - this.lastBgsaveTry > RETRY_AFTER_ERROR_MS)) {
        this.engine.log.notice(`${sp.changes} changes in ${sp.seconds} seconds. Saving...`);
        this.startBackground();
        return;
      }
    }
  }

  snapshot(commands = false): Snapshot {
    const c = this.engine.config;
    const policy = c.maxmemoryPolicy;
    const accessInfo = policy.endsWith('-lru') ? 'lru' : policy.endsWith('-lfu') ? 'lfu' : 'none';
    const functions = this.engine.loadedFunctions?.libraryCodes() ?? [];
    return new Snapshot(this.engine.keyspace, { compress: c.rdbcompression, accessInfo, aux: [['aof-base', '0']], commands, functions });
  }

  /** A fresh temporary name: a cancelled BGSAVE may still be closing its own file. */
  private tempPath(): string {
    return join(this.engine.config.dir, `temp-${process.pid}-${++this.tempCounter}.rdb`);
  }

  /** Writes the whole dataset to path now (a temporary name, fsync, rename), as RDB or as commands. Throws. */
  writeSnapshotTo(path: string, commands = false): void {
    const tmp = this.tempPath();
    const snap = this.snapshot(commands);
    let fd = -1;
    try {
      fd = openSync(tmp, 'w');
      let unsynced = 0;
      for (;;) {
        const finished = snap.step(SLICE_BYTES * 8, Infinity);
        const chunk = finished ? this.finalBytes(snap) : snap.encoder.take();
        writeAll(fd, chunk);
        unsynced += chunk.length;
        if (this.engine.config.rdbSaveIncrementalFsync && unsynced >= INCREMENTAL_FSYNC_BYTES) {
          fsyncSync(fd);
          unsynced = 0;
        }
        if (finished) break;
      }
      fsyncSync(fd);
      closeSync(fd);
      fd = -1;
      renameSync(tmp, path);
    } catch (e) {
      snap.abort();
      if (fd >= 0) closeSync(fd);
      removeQuietly(tmp);
      throw e;
    }
  }

  /** SAVE: writes the whole dataset now, blocking. Returns an error text or null. */
  saveSync(): string | null {
    if (this.disabled !== null) return this.disabled;
    if (this.background !== null) return 'ERR Background save already in progress';
    this.dirtyAtSaveStart = this.engine.keyspace.dirty;
    try {
      this.writeSnapshotTo(this.path);
      fsyncDir(this.engine.config.dir);
    } catch (e) {
      this.engine.log.warning(`Failed saving the DB: ${(e as Error).message}`);
      this.lastBgsaveOk = false;
      return 'ERR';
    }
    this.saved();
    this.engine.log.notice('DB saved on disk');
    return null;
  }


  private finalBytes(snap: Snapshot): Buffer {
    const out = snap.trailer();
    // rdbchecksum no: Redis writes a zero checksum, which loaders skip.
    if (!this.engine.config.rdbchecksum && !(snap.encoder instanceof AofEncoder)) out.fill(0, out.length - 8);
    return out;
  }

  private saved(): void {
    this.dirtyAtLastSave = this.dirtyAtSaveStart;
    this.lastSave = Math.floor(Date.now() / 1000);
    this.lastBgsaveOk = true;
    this.saves++;
  }

  /** BGSAVE: starts an incremental snapshot. Returns an error text or null. */
  startBackground(): string | null {
    if (this.disabled !== null) return this.disabled;
    if (this.background !== null && this.backgroundKind === 'aof') {
      return "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.";
    }
    if (this.background !== null) return 'ERR Background save already in progress';
    this.lastBgsaveTry = Date.now();
    this.dirtyAtSaveStart = this.engine.keyspace.dirty;
    const snap = this.snapshot();
    this.background = snap;
    this.backgroundKind = 'rdb';
    this.engine.log.notice(`Background saving started (${snap.keysTotal} keys, without fork: incremental snapshot)`);
    void this.runBackground(snap);
    return null;
  }

  private async runBackground(snap: Snapshot): Promise<boolean> {
    const started = Date.now();
    const tmp = this.tempPath();
    let ok = false;
    try {
      await this.writeSnapshotFile(snap, tmp);
      await rename(tmp, this.path);
      fsyncDir(this.engine.config.dir);
      ok = true;
    } catch (e) {
      snap.abort();
      await unlink(tmp).catch(() => {});
      if (!snap.aborted || !cancelled.has(snap)) {
        this.engine.log.warning(`Background saving error: ${(e as Error).message}`);
        this.lastBgsaveOk = false;
      } else {
        this.engine.log.notice('Background saving cancelled');
      }
    }
    cancelled.delete(snap);
    this.lastBgsaveSeconds = Math.round((Date.now() - started) / 1000);
    if (this.background === snap) this.background = null;
    if (ok) {
      this.saved();
      this.engine.log.notice('Background saving terminated with success');
    }
    return ok;
  }

  /**
   * Writes a snapshot to path in slices between requests (BGSAVE, BGREWRITEAOF), fsynced.
   * Throws on error or when the snapshot is cancelled; the caller removes the file then.
   */
  async writeSnapshotFile(snap: Snapshot, path: string): Promise<void> {
    const fh = await open(path, 'w');
    try {
      let unsynced = 0;
      for (;;) {
        if (snap.aborted) throw new Error('cancelled');
        const finished = snap.step(this.sliceBytes, performance.now() + SLICE_MS);
        const chunk = finished ? this.finalBytes(snap) : snap.encoder.take();
        if (chunk.length > 0) await fh.write(chunk);
        else await new Promise((r) => setImmediate(r));
        unsynced += chunk.length;
        if (this.engine.config.rdbSaveIncrementalFsync && unsynced >= INCREMENTAL_FSYNC_BYTES) {
          await fh.sync();
          unsynced = 0;
        }
        if (finished) break;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (snap.aborted) throw new Error('cancelled');
  }

  /** Stops a BGSAVE at once (FLUSHALL, shutdown, DEBUG RELOAD): its writer notices and removes its file. */
  cancelBackgroundNow(): void {
    const snap = this.background;
    if (snap === null) return;
    cancelled.add(snap);
    snap.abort();
    this.background = null;
  }

  /** DEBUG RELOAD: saves (unless told not to), empties the keyspace and loads the file back. */
  reload(save: boolean): string | null {
    if (this.disabled !== null) return this.disabled;
    if (save) {
      this.cancelBackgroundNow();
      if (this.saveSync() !== null) return 'ERR';
    }
    const ks = this.engine.keyspace;
    for (const db of ks.dbs) this.engine.watches.touchDb(db);
    ks.flushAll();
    // The file holds the libraries too: they are loaded back, not merged.
    this.engine.loadedFunctions?.flush();
    try {
      this.loadFile(this.path);
    } catch (e) {
      this.engine.log.warning(`Error reloading ${this.path}: ${(e as Error).message}`);
      return 'ERR Error trying to load the RDB dump, check server logs.';
    }
    return null;
  }

  /** FLUSHALL with save points configured writes the now empty dataset, as Redis does. */
  afterFlushAll(): void {
    this.cancelBackgroundNow();
    if (this.engine.config.savePoints.length > 0) this.saveSync();
  }

  /**
   * Before the process exits (SHUTDOWN, SIGTERM): stops a BGSAVE and, with save points
   * configured or SHUTDOWN SAVE, saves synchronously. False when that save failed and
   * the caller must not exit (unless forced).
   */
  shutdownSave(mode: 'default' | 'save' | 'nosave', force: boolean): boolean {
    if (this.background !== null) {
      this.engine.log.warning('There is a background save in progress: stopping it.');
      this.cancelBackgroundNow();
    }
    const save = mode === 'save' || (mode === 'default' && this.engine.config.savePoints.length > 0);
    if (!save) return true;
    this.engine.log.notice('Saving the final RDB snapshot before exiting.');
    if (this.saveSync() === null) return true;
    this.engine.log.warning("Error trying to save the DB, can't exit.");
    return force;
  }

  /**
   * Loads dbfilename into the (empty) keyspace at start-up. Returns false with the error
   * logged when the file exists but cannot be loaded: the caller must not start, and the
   * file is left untouched.
   */
  loadAtStartup(): boolean {
    try {
      this.loadExisting();
      return true;
    } catch (e) {
      this.engine.log.warning((e as Error).message);
      return false;
    }
  }

  /** loadAtStartup's work; throws an Error whose message names the file and the offset. */
  loadExisting(): void {
    this.removeStaleTempFiles();
    const path = this.path;
    if (this.engine.config.appendonly) {
      // The append-only file is the source of truth when it is on, as in Redis.
      this.engine.aof.loadAtStartup((file) => this.loadFileReporting(file), path);
      return;
    }
    if (!existsSync(path)) return;
    this.loadFileReporting(path);
  }

  private loadFileReporting(path: string): void {
    try {
      this.loadFile(path);
    } catch (e) {
      const where = e instanceof RdbError ? ` at offset ${e.offset}` : '';
      throw new Error(`Error loading ${path}${where}: ${(e as Error).message}. The file was left as it is.`, { cause: e });
    }
  }

  /** Loads an RDB file on top of the current keyspace (callers flush first). Throws on error. */
  loadFile(path: string): void {
    const started = performance.now();
    const size = statSync(path).size;
    const src = ByteSource.fromFile(path, size);
    const ks = this.engine.keyspace;
    let lastLog = started;
    let loaded = 0;
    try {
      const result = loadRdb(
        src,
        encodingLimits(this.engine),
        {
          key: (dbIndex, key, value, expireAt, idle, freq) => {
            const db = ks.dbs[dbIndex]!;
            if (db.keys.has(key)) throw new RdbError(`duplicate key '${key}' in database ${dbIndex}`, src.offset);
            ks.restoreAccess(db.add(key, value, expireAt), idle, freq);
            if ((++loaded & 0xffff) === 0 && performance.now() - lastLog > 2000) {
              lastLog = performance.now();
              const mb = src.offset / 1048576;
              this.engine.log.notice(`Loading ${path}: ${loaded} keys, ${mb.toFixed(1)} MB of ${(size / 1048576).toFixed(1)} MB`);
            }
          },
          function: (code) => {
            const functions = this.engine.functions;
            if (functions === null) throw new RdbError('the file holds function libraries, which need the Lua VM: open with Cairn.open, not openSync', src.offset);
            try {
              functions.loadPersisted(code);
            } catch (e) {
              throw new RdbError((e as Error).message, src.offset);
            }
          },
        },
        ks.dbs.length,
        Date.now(),
      );
      const seconds = (performance.now() - started) / 1000;
      this.lastLoad = { keys: result.keys, expired: result.expired };
      this.engine.log.notice(
        `DB loaded from disk: ${seconds.toFixed(3)} seconds, ${result.keys} keys, ${result.expired} expired keys skipped, ${(size / 1048576 / Math.max(seconds, 0.001)).toFixed(1)} MB/s`,
      );
    } finally {
      src.close();
    }
    // Loaded data is what is on disk: nothing to save yet.
    this.dirtyAtLastSave = this.engine.keyspace.dirty;
  }

  private removeStaleTempFiles(): void {
    const dir = this.engine.config.dir;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (/^temp-\d+(-\d+)?\.rdb$/.test(name)) {
        removeQuietly(join(dir, name));
        this.engine.log.notice(`Removed ${name}, left behind by an interrupted save`);
      }
    }
  }
}

/** Snapshots stopped on purpose (not failed): their end is logged as a cancellation. */
const cancelled = new WeakSet<Snapshot>();

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
export function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
