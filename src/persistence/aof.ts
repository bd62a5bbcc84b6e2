/**
 * The append-only file, in Redis 7's multi-part layout: a directory (appenddirname)
 * holding a base file (an RDB snapshot, aof-use-rdb-preamble), incremental files of
 * commands in RESP, and a manifest naming them in order:
 *
 *   appendonlydir/appendonly.aof.1.base.rdb
 *   appendonlydir/appendonly.aof.1.incr.aof
 *   appendonlydir/appendonly.aof.manifest   "file appendonly.aof.1.base.rdb seq 1 type b" ...
 *
 * Every write command is appended (as its deterministic effect, see propagate.ts) and
 * written to the file before any reply leaves the process, so a killed process loses
 * nothing it acknowledged. fsync follows appendfsync: `always` holds a client's replies
 * until an fsync covering its writes completes, one fsync serving every client waiting
 * at that moment (group commit; the fsync runs off the event loop); `everysec` fsyncs
 * once a second off the event loop; `no` leaves it to the OS.
 */
import { closeSync, existsSync, fdatasync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { detachedTransport, type Session } from '../engine/session.js';
import type { Command } from '../commands/types.js';
import { ValueReply, ReplyError } from '../embedded/value-reply.js';
import { ByteSource, TruncatedError } from './byte-source.js';
import { propagated } from './propagate.js';
import { encodeCommand } from './aof-encoder.js';
import type { Snapshot } from './snapshot.js';

export interface ManifestEntry {
  name: string;
  seq: number;
  type: 'b' | 'i' | 'h';
}

export class AofError extends Error {}

/** Bytes appended but not yet written above which writing happens at once, not at the end of the batch. */
const WRITE_HIGH_WATER = 4 * 1024 * 1024;

/** Bases and incremental files are numbered separately, as in Redis. */
function nextSeq(entries: ManifestEntry[], type: 'b' | 'i'): number {
  return Math.max(0, ...entries.filter((e) => e.type === type).map((e) => e.seq)) + 1;
}

/** The C library's wording for an errno, which Redis puts in its MISCONF error. */
function strerror(e: NodeJS.ErrnoException): string {
  const texts: Record<string, string> = {
    ENOSPC: 'No space left on device',
    EDQUOT: 'Disk quota exceeded',
    EIO: 'Input/output error',
    EBADF: 'Bad file descriptor',
    EROFS: 'Read-only file system',
    EACCES: 'Permission denied',
    EFBIG: 'File too large',
  };
  return (e.code && texts[e.code]) ?? e.message;
}

export class Aof {
  /** appendonly yes and the files are open. */
  enabled = false;
  /** Replaying the log at start-up: nothing is appended meanwhile. */
  loading = false;
  private fd = -1;
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Bytes appended since start (a logical offset across files), written, and known durable. */
  appended = 0;
  written = 0;
  synced = 0;
  private syncing = false;
  private waiters: { offset: number; done: () => void }[] = [];
  /** Clients whose writes failed to reach the file, waiting for a retry that succeeds. */
  private unwritten: { offset: number; done: () => void }[] = [];
  private incrName = '';
  private selectedDb = -1;
  private inTransaction = false;
  private writeScheduled = false;
  private everysecTimer: NodeJS.Timeout | null = null;
  manifest: ManifestEntry[] = [];
  /** The last write or fsync error, cleared by the next success (MISCONF while set). */
  lastWriteError: string | null = null;
  /** Size of the current incremental file, and of the base, for INFO and auto-rewrite. */
  incrSize = 0;
  baseSize = 0;
  /** BGREWRITEAOF: when the running rewrite started (0: none), and its history. */
  rewriteStartedAt = 0;
  rewriteScheduled = false;
  lastRewriteOk = true;
  lastRewriteSeconds = -1;
  rewrites = 0;
  /** Size of the whole AOF right after the last rewrite (or start), for auto-rewrite. */
  private rewriteBaseSize = 0;
  private tempCounter = 0;

  constructor(private readonly engine: Engine) {}

  private get config() {
    return this.engine.config;
  }

  get dirPath(): string {
    return join(this.config.dir, this.config.appenddirname);
  }

  private get manifestName(): string {
    return `${this.config.appendfilename}.manifest`;
  }

  /** Writes are refused (MISCONF) while the log cannot be written. */
  get deniesWrites(): boolean {
    return this.lastWriteError !== null;
  }

  // ---- appending ----

  /** Logs a write command that changed data. Called by the engine after the command. */
  feed(s: Session, cmd: Command, argv: string[]): void {
    const commands = propagated(s, cmd.fullName, argv);
    if (commands.length === 0) return;
    let text = '';
    if (s.inExec && !this.inTransaction) {
      text += encodeCommand(['MULTI']);
      this.inTransaction = true;
    }
    if (s.dbIndex !== this.selectedDb) {
      text += encodeCommand(['SELECT', String(s.dbIndex)]);
      this.selectedDb = s.dbIndex;
    }
    for (const c of commands) text += encodeCommand(c);
    this.append(text);
    s.aofOffset = this.appended;
  }

  /** Logs a deletion the server made by itself (eviction): DEL, or UNLINK when lazyfree applies. */
  feedDeletion(dbIndex: number, key: string, lazy: boolean): void {
    let text = '';
    if (dbIndex !== this.selectedDb) {
      text += encodeCommand(['SELECT', String(dbIndex)]);
      this.selectedDb = dbIndex;
    }
    this.append(text + encodeCommand([lazy ? 'UNLINK' : 'DEL', key]));
  }

  /** After EXEC: closes the MULTI opened for the writes it logged. */
  endTransaction(s: Session): void {
    if (!this.inTransaction) return;
    this.inTransaction = false;
    this.append(encodeCommand(['EXEC']));
    s.aofOffset = this.appended;
  }

  private append(text: string): void {
    this.pending.push(text);
    this.pendingBytes += text.length;
    this.appended += text.length;
    if (this.pendingBytes >= WRITE_HIGH_WATER) this.writePending();
    else if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(() => this.writePending());
    }
  }

  /**
   * Writes what was appended to the file (the OS has it: a killed process loses nothing).
   * Called before replies are sent and at the end of each event-loop turn.
   */
  writePending(): void {
    this.writeScheduled = false;
    if (this.pendingBytes === 0 || this.fd < 0) return;
    const data = Buffer.from(this.pending.join(''), 'latin1');
    const sizeBefore = this.incrSize;
    let done = 0;
    try {
      while (done < data.length) done += writeSync(this.fd, data, done, data.length - done);
    } catch (e) {
      // A partial write would leave half a command: cut it off and keep everything pending.
      if (done > 0) {
        try {
          ftruncateSync(this.fd, sizeBefore);
        } catch {
          // The next successful write starts with what is pending; the loader can cut a torn tail.
        }
      }
      this.writeFailed('Error writing to the AOF file', e as NodeJS.ErrnoException);
      return;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.written += data.length;
    this.incrSize += data.length;
    if (this.lastWriteError !== null) {
      this.engine.log.warning('AOF write error looks solved. Cairn can write again.');
      this.lastWriteError = null;
    }
    if (this.unwritten.length > 0) {
      // Their replies may go now (under always, once the fsync below covers them).
      const ready = this.unwritten.splice(0);
      for (const w of ready) queueMicrotask(w.done);
    }
    if (this.config.appendfsync === 'always' && this.waiters.length > 0) this.syncNow();
  }

  private writeFailed(context: string, error: NodeJS.ErrnoException): void {
    const text = strerror(error);
    if (this.lastWriteError === null) this.engine.log.warning(`${context}: ${text}`);
    this.lastWriteError = text;
  }

  /**
   * Whether s's replies may be sent now. Under appendfsync always, false until its last
   * write is on disk; then `ready` is called once it is.
   */
  repliesMayGo(s: Session, ready: () => void): boolean {
    if (!this.enabled) return true;
    // Not written yet: the replies wait for the one write per event-loop turn that carries
    // every client's commands (scheduled by append), as Redis writes once before sleeping.
    // A write that could not reach the file (a full disk) is not acknowledged until it does.
    if (s.aofOffset > this.written) {
      this.unwritten.push({ offset: s.aofOffset, done: ready });
      return false;
    }
    if (this.config.appendfsync !== 'always' || s.aofOffset <= this.synced) return true;
    this.waiters.push({ offset: s.aofOffset, done: ready });
    this.syncNow();
    return false;
  }

  /**
   * For in-process callers, whose calls return at once: under appendfsync always, writes
   * and fsyncs s's writes before the call returns. Throws if that fails.
   */
  commitSync(s: Session): void {
    if (!this.enabled || this.config.appendfsync !== 'always' || s.aofOffset <= this.synced) return;
    this.writePending();
    if (this.lastWriteError !== null) throw new Error(`MISCONF Errors writing to the AOF file: ${this.lastWriteError}`);
    fsyncSync(this.fd);
    this.synced = this.written;
  }

  /** Starts an fsync of everything written, unless one runs: it will start another when done. */
  private syncNow(): void {
    if (this.syncing || this.fd < 0 || this.written === this.synced || this.lastWriteError !== null) return;
    this.syncing = true;
    const target = this.written;
    const fd = this.fd;
    fdatasync(fd, (error) => {
      this.syncing = false;
      if (error) {
        this.writeFailed('Error syncing the AOF file', error);
        return;
      }
      this.synced = Math.max(this.synced, target);
      const still: typeof this.waiters = [];
      for (const w of this.waiters) (w.offset <= this.synced ? w.done : () => still.push(w))();
      this.waiters = still;
      if (this.waiters.length > 0) {
        this.writePending();
        this.syncNow();
      }
    });
  }

  /** Once a second: everysec's fsync, retries after a write error, automatic rewrite. */
  private tick(): void {
    if (this.lastWriteError !== null) this.retryAfterError();
    if (this.config.appendfsync === 'everysec') this.syncNow();
    this.maybeAutoRewrite();
  }

  /**
   * After a write error, reopens the incremental file by its name (a descriptor that saw
   * EIO may stay broken) and writes what is pending again.
   */
  private retryAfterError(): void {
    if (this.fd >= 0 && this.incrName !== '') {
      try {
        const fd = openSync(join(this.dirPath, this.incrName), 'a');
        closeSync(this.fd);
        this.fd = fd;
      } catch {
        // Keep the old descriptor; the write below reports the error again.
      }
    }
    this.writePending();
    if (this.lastWriteError === null) this.syncNow();
  }

  /** auto-aof-rewrite-percentage / -min-size: rewrite once the AOF doubled (by default) since the last rewrite. */
  private maybeAutoRewrite(): void {
    const c = this.config;
    if (!this.enabled || this.rewriteStartedAt !== 0 || this.rewriteScheduled || c.autoAofRewritePercentage === 0) return;
    // A rewrite must not start halfway through a (paused) script's transaction.
    if (this.engine.busyScript !== null) return;
    const size = this.baseSize + this.incrSize;
    if (size < c.autoAofRewriteMinSize) return;
    const base = Math.max(1, this.rewriteBaseSize);
    const growth = ((size - base) * 100) / base;
    if (growth < c.autoAofRewritePercentage) return;
    this.engine.log.notice(`Starting automatic rewriting of AOF on ${Math.round(growth)}% growth`);
    this.rewrite();
  }

  /** BGSAVE ended: a rewrite that was waiting for it starts. */
  startScheduledRewrite(): void {
    if (this.rewriteScheduled && this.engine.persistence.background === null && this.engine.busyScript === null) {
      this.rewriteScheduled = false;
      this.rewrite();
    }
  }

  /**
   * BGREWRITEAOF. Writes go to a fresh incremental file from now on; a point-in-time
   * snapshot of the data as of this moment becomes the new base, written in slices between
   * requests (no fork, no second copy of the data). Until it is complete the manifest names
   * the old base and every incremental file, so a crash at any point leaves a complete log.
   * Returns the reply text, or an error starting with ERR.
   */
  rewrite(): string {
    if (this.rewriteStartedAt !== 0) return 'ERR Background append only file rewriting already in progress';
    if (!this.enabled) return 'ERR Cairn rewrites the append only file only while appendonly is yes';
    const persistence = this.engine.persistence;
    if (persistence.background !== null) {
      this.rewriteScheduled = true;
      return 'Background append only file rewriting scheduled';
    }
    try {
      this.writePending();
      if (this.lastWriteError !== null) throw new Error(this.lastWriteError);
      fsyncSync(this.fd);
      this.synced = this.written;
      closeSync(this.fd);
      this.fd = -1;
      this.startIncr(nextSeq(this.manifest, 'i'), this.manifest);
    } catch (e) {
      this.lastRewriteOk = false;
      return `ERR Can't rewrite append only file in background: ${(e as Error).message}`;
    }
    const snap = persistence.snapshot(!this.config.aofUseRdbPreamble);
    persistence.background = snap;
    persistence.backgroundKind = 'aof';
    this.rewriteStartedAt = Date.now();
    this.engine.log.notice(`Background append only file rewriting started (${snap.keysTotal} keys, incremental snapshot)`);
    void this.finishRewrite(snap);
    return 'Background append only file rewriting started';
  }

  private async finishRewrite(snap: Snapshot): Promise<void> {
    const persistence = this.engine.persistence;
    const tmp = join(this.dirPath, `temp-rewriteaof-bg-${process.pid}-${++this.tempCounter}.aof`);
    let ok = false;
    try {
      await persistence.writeSnapshotFile(snap, tmp);
      if (!this.enabled) throw new Error('appendonly was turned off');
      const seq = nextSeq(this.manifest, 'b');
      const baseName = this.baseName(seq);
      renameSync(tmp, join(this.dirPath, baseName));
      // The new base covers everything logged before the switch: only the incremental
      // files opened since (the last one) stay.
      const current = this.manifest.filter((e) => e.type === 'i').slice(-1);
      this.writeManifest([{ name: baseName, seq, type: 'b' }, ...current]);
      this.removeUnlisted();
      this.baseSize = statSync(join(this.dirPath, baseName)).size;
      this.rewriteBaseSize = this.baseSize + this.incrSize;
      ok = true;
    } catch (e) {
      snap.abort();
      try {
        unlinkSync(tmp);
      } catch {
        // Never created.
      }
      this.engine.log.warning(`Background AOF rewrite failed: ${(e as Error).message}`);
    }
    if (persistence.background === snap) persistence.background = null;
    this.lastRewriteSeconds = Math.round((Date.now() - this.rewriteStartedAt) / 1000);
    this.rewriteStartedAt = 0;
    this.lastRewriteOk = ok;
    if (ok) {
      this.rewrites++;
      this.engine.log.notice('Background AOF rewrite finished successfully');
    }
  }

  // ---- files ----

  private readManifest(): ManifestEntry[] | null {
    const path = join(this.dirPath, this.manifestName);
    if (!existsSync(path)) return null;
    const entries: ManifestEntry[] = [];
    const lines = readFileSync(path, 'latin1').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      const words = line.split(/\s+/);
      const fields = new Map<string, string>();
      for (let j = 0; j + 1 < words.length; j += 2) fields.set(words[j]!, words[j + 1]!);
      const name = fields.get('file');
      const seq = Number(fields.get('seq'));
      const type = fields.get('type');
      if (name === undefined || !Number.isInteger(seq) || (type !== 'b' && type !== 'i' && type !== 'h')) {
        throw new AofError(`Invalid AOF manifest file format: ${path}, line ${i + 1}`);
      }
      entries.push({ name, seq, type });
    }
    return entries.filter((e) => e.type !== 'h');
  }

  private writeManifest(entries: ManifestEntry[]): void {
    const text = entries.map((e) => `file ${e.name} seq ${e.seq} type ${e.type}\n`).join('');
    const path = join(this.dirPath, this.manifestName);
    const tmp = `${path}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    fsyncDirectory(this.dirPath);
    this.manifest = entries;
  }

  /**
   * Start-up with appendonly yes: replays the files the manifest names. Without an AOF yet,
   * the data loaded from dump.rdb (if any) becomes the first base. Throws AofError.
   */
  loadAtStartup(loadRdbFile: (path: string) => void, rdbPath: string): void {
    this.removeStaleTemp();
    const manifest = this.readManifest();
    if (manifest === null) {
      // Unlike Redis 7.0, which starts empty here, an existing dump.rdb is kept: turning
      // on appendonly must not lose data.
      if (existsSync(rdbPath)) loadRdbFile(rdbPath);
      this.create();
      return;
    }
    const base = manifest.filter((e) => e.type === 'b');
    const incrs = manifest.filter((e) => e.type === 'i').sort((a, b) => a.seq - b.seq);
    if (base.length > 1) throw new AofError('Found more than one base AOF file in the manifest');
    this.loading = true;
    try {
      for (const b of base) {
        const path = join(this.dirPath, b.name);
        if (!existsSync(path)) throw new AofError(`Cannot open the base AOF file ${path}: it does not exist`);
        this.baseSize = statSync(path).size;
        if (isRdb(path)) loadRdbFile(path);
        else this.replay(path, false);
      }
      incrs.forEach((e, i) => {
        const path = join(this.dirPath, e.name);
        if (!existsSync(path)) throw new AofError(`Cannot open the incremental AOF file ${path}: it does not exist`);
        this.replay(path, i === incrs.length - 1);
      });
    } finally {
      this.loading = false;
    }
    this.manifest = manifest;
    this.rewriteBaseSize = this.baseSize + incrs.reduce((n, e) => n + statSync(join(this.dirPath, e.name)).size, 0);
    const last = incrs[incrs.length - 1];
    if (last === undefined) {
      this.startIncr(nextSeq(manifest, 'i'), manifest);
    } else {
      this.openIncr(last.name);
    }
  }

  /**
   * A new base from the current data, an empty incremental file, and their manifest (at
   * start-up without an AOF, or CONFIG SET appendonly yes). Files of an older AOF in the
   * directory are superseded (the data is what is in memory now) and removed.
   */
  create(): void {
    mkdirSync(this.dirPath, { recursive: true });
    let old: ManifestEntry[] = [];
    try {
      old = this.readManifest() ?? [];
    } catch {
      // An unreadable manifest is replaced below.
    }
    const seq = nextSeq(old, 'b');
    const baseName = this.baseName(seq);
    this.engine.persistence.writeSnapshotTo(join(this.dirPath, baseName), !this.config.aofUseRdbPreamble);
    this.baseSize = statSync(join(this.dirPath, baseName)).size;
    this.startIncr(nextSeq(old, 'i'), [{ name: baseName, seq, type: 'b' }]);
    this.removeUnlisted();
    this.rewriteBaseSize = this.baseSize;
    this.engine.log.notice(`Creating AOF base file ${baseName} and incr file in ${this.dirPath}`);
  }

  /** Redis's names: .base.rdb with an RDB preamble, .base.aof when the base is commands. */
  private baseName(seq: number): string {
    return `${this.config.appendfilename}.${seq}.base.${this.config.aofUseRdbPreamble ? 'rdb' : 'aof'}`;
  }

  private startIncr(seq: number, entries: ManifestEntry[]): void {
    const name = `${this.config.appendfilename}.${seq}.incr.aof`;
    closeSync(openSync(join(this.dirPath, name), 'w'));
    this.writeManifest([...entries.filter((e) => e.type === 'b'), ...entries.filter((e) => e.type === 'i'), { name, seq, type: 'i' }]);
    this.openIncr(name);
  }

  private openIncr(name: string): void {
    const path = join(this.dirPath, name);
    this.incrName = name;
    this.fd = openSync(path, 'a');
    this.incrSize = statSync(path).size;
    this.selectedDb = -1;
    this.enabled = true;
    this.everysecTimer ??= setInterval(() => this.tick(), 1000);
    this.everysecTimer.unref();
  }

  /** Writes and fsyncs what is pending, and closes the file (shutdown). */
  close(): void {
    if (this.fd < 0) return;
    this.writePending();
    try {
      fsyncSync(this.fd);
    } catch (e) {
      this.engine.log.warning(`Error syncing the AOF file on shutdown: ${(e as Error).message}`);
    }
    closeSync(this.fd);
    this.fd = -1;
    this.enabled = false;
    if (this.everysecTimer !== null) clearInterval(this.everysecTimer);
    this.everysecTimer = null;
    for (const w of this.waiters.splice(0)) w.done();
    for (const w of this.unwritten.splice(0)) w.done();
  }

  /**
   * Replays one file of commands through the engine. A file cut short (a crash while
   * appending) is truncated back to its last whole command when it is the last file and
   * aof-load-truncated allows; anything else unreadable stops start-up, naming the file
   * and offset, and nothing is changed.
   */
  private replay(path: string, last: boolean): void {
    const size = statSync(path).size;
    const src = ByteSource.fromFile(path, size);
    const engine = this.engine;
    const reply = new ValueReply({ buffers: false, mapsAsObjects: false });
    reply.resp = 2;
    const session = engine.openSession(reply, LOADER_TRANSPORT);
    let good = 0;
    let multiStart = -1;
    let commands = 0;
    try {
      for (;;) {
        if (src.atEnd) break;
        const start = src.offset;
        let argv: string[];
        try {
          argv = readCommand(src);
        } catch (e) {
          if (e instanceof TruncatedError) {
            good = multiStart >= 0 ? multiStart : good;
            this.truncated(path, last, good, size);
            return;
          }
          throw new AofError(`Bad file format reading the append only file ${path} at offset ${start}: ${(e as Error).message}. Make a backup of it, then fix or remove the damaged part; nothing was changed.`);
        }
        const name = argv[0]!.toLowerCase();
        if (name === 'multi') multiStart = start;
        engine.beginBatch();
        engine.execute(session, argv);
        for (const v of reply.take()) {
          if (v instanceof ReplyError) {
            throw new AofError(`Error replaying the append only file ${path} at offset ${start} (${argv[0]}): ${v.message}`);
          }
        }
        if (name === 'exec') multiStart = -1;
        if (multiStart < 0) good = src.offset;
        commands++;
      }
      if (multiStart >= 0) {
        // MULTI without its EXEC: the transaction never completed.
        session.multi = null;
        this.truncated(path, last, multiStart, size);
        return;
      }
    } finally {
      src.close();
      engine.closeSession(session);
    }
    engine.log.notice(`AOF ${path} loaded: ${commands} commands`);
  }

  private truncated(path: string, last: boolean, good: number, size: number): void {
    const log = this.engine.log;
    if (!last || !this.config.aofLoadTruncated) {
      throw new AofError(
        `Unexpected end of file reading the append only file ${path} at offset ${good}. ` +
          (last ? "Set 'aof-load-truncated yes' to load it anyway (the torn tail is cut off), or fix the file." : 'It is not the last file of the manifest, so it cannot be a torn tail.'),
      );
    }
    log.warning(`!!! Warning: short read while loading the AOF file ${path}!!!`);
    log.warning(`!!! Truncating the AOF at offset ${good} (${size - good} bytes of an incomplete command) !!!`);
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, good);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    log.warning('AOF loaded anyway because aof-load-truncated is enabled');
  }

  /** A rewrite interrupted by a crash left its half-written base: it is never data. */
  private removeStaleTemp(): void {
    if (!existsSync(this.dirPath)) return;
    for (const name of readdirSync(this.dirPath)) {
      if (/^temp-rewriteaof-bg-\d+(-\d+)?\.aof$/.test(name)) {
        unlinkSync(join(this.dirPath, name));
        this.engine.log.notice(`Removed ${name}, left behind by an interrupted AOF rewrite`);
      }
    }
  }

  /** Removes files of the AOF directory the manifest no longer names (after a rewrite). */
  removeUnlisted(): void {
    const listed = new Set([...this.manifest.map((e) => e.name), this.manifestName]);
    for (const name of readdirSync(this.dirPath)) {
      if (!listed.has(name) && name.startsWith(this.config.appendfilename)) {
        try {
          unlinkSync(join(this.dirPath, name));
        } catch {
          // Gone already.
        }
      }
    }
  }
}

const LOADER_TRANSPORT = detachedTransport('aof-loader');

function isRdb(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(5);
    const n = readSync(fd, head, 0, 5, 0);
    return n === 5 && head.toString('latin1') === 'REDIS';
  } finally {
    closeSync(fd);
  }
}

/** Reads one "*<n>\r\n($<len>\r\n<bytes>\r\n)*n" command. Throws TruncatedError at EOF. */
function readCommand(src: ByteSource): string[] {
  if (src.u8() !== 42 /* '*' */) throw new Error("expected '*'");
  const count = readNumber(src);
  if (count < 1) throw new Error('invalid command length');
  const argv: string[] = [];
  for (let i = 0; i < count; i++) {
    if (src.u8() !== 36 /* '$' */) throw new Error("expected '$'");
    const len = readNumber(src);
    if (len < 0) throw new Error('invalid argument length');
    argv.push(src.latin1(len));
    if (src.u8() !== 13 || src.u8() !== 10) throw new Error('expected CRLF after an argument');
  }
  return argv;
}

function readNumber(src: ByteSource): number {
  let n = 0;
  let digits = 0;
  for (;;) {
    const c = src.u8();
    if (c === 13) break;
    if (c < 48 || c > 57 || digits > 15) throw new Error('invalid number');
    n = n * 10 + (c - 48);
    digits++;
  }
  if (src.u8() !== 10 || digits === 0) throw new Error('invalid number');
  return n;
}

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
