/**
 * Clients blocked on keys (BLPOP and friends).
 *
 * A blocking command that finds nothing to pop calls block(): the session is registered
 * on each key, FIFO per key, with an optional deadline, and produces no reply; its
 * connection stops reading further commands from its pipeline. When a key may have data
 * (a push, or a list created under that name), it is marked ready; after the command that
 * did it completes, the clients blocked on it are served in order by running their
 * command again. The command either replies (the client is unblocked and its pipeline
 * resumes) or calls block() again, which here just leaves it where it was in the queue.
 */
import type { Database } from '../store/keyspace.js';
import { StreamValue } from '../store/stream.js';
import type { Session } from './session.js';
import { timerAt, type LongTimer } from './timers.js';

export interface BlockState {
  argv: string[];
  db: Database;
  keys: string[];
  /** Absolute ms, 0 for none. */
  deadline: number;
  timer: LongTimer | null;
}

export class BlockingManager {
  private readonly byKey = new Map<Database, Map<string, Set<Session>>>();
  private ready: [Database, string][] = [];
  private readySeen = new Set<string>();
  /** The session whose blocked command is being re-run, if any. */
  private serving: Session | null = null;
  /** Set when the re-run command asked to block again. */
  private stillBlocked = false;
  count = 0;

  constructor(
    /** Re-runs a command for a session (Engine.execute). */
    private readonly run: (s: Session, argv: string[]) => void,
    /** Replies what a timed-out blocking command replies (a null array). */
    private readonly onTimeout: (s: Session) => void,
  ) {}

  /** Blocks s on keys until data arrives or deadline (ms, 0 = never) passes. */
  block(s: Session, argv: string[], keys: string[], deadline: number): void {
    // Inside EXEC a blocking command cannot wait: it answers as if it timed out.
    if (s.inExec) {
      this.onTimeout(s);
      return;
    }
    if (this.serving === s) {
      this.stillBlocked = true;
      return;
    }
    const state: BlockState = { argv, db: s.db, keys, deadline, timer: null };
    let perDb = this.byKey.get(s.db);
    if (perDb === undefined) {
      perDb = new Map();
      this.byKey.set(s.db, perDb);
    }
    for (const key of keys) {
      let queue = perDb.get(key);
      if (queue === undefined) {
        queue = new Set();
        perDb.set(key, queue);
      }
      queue.add(s);
    }
    if (deadline > 0) state.timer = timerAt(deadline, () => this.timeout(s));
    s.blocked = state;
    this.count++;
  }

  /** Forgets s's registration (served, timed out, unblocked or disconnected). */
  release(s: Session): void {
    const state = s.blocked;
    if (state === null) return;
    s.blocked = null;
    this.count--;
    if (state.timer) state.timer.cancel();
    const perDb = this.byKey.get(state.db);
    if (perDb === undefined) return;
    for (const key of state.keys) {
      const queue = perDb.get(key);
      if (queue === undefined) continue;
      queue.delete(s);
      if (queue.size === 0) perDb.delete(key);
    }
  }

  /** Called when key in db may now satisfy blocked clients. Cheap when nobody blocks. */
  signal(db: Database, key: string): void {
    if (this.count === 0) return;
    if (!this.byKey.get(db)?.has(key)) return;
    const id = `${db.id}\0${key}`;
    if (this.readySeen.has(id)) return;
    this.readySeen.add(id);
    this.ready.push([db, key]);
  }

  /**
   * Called when key in db was written, deleted or expired: if it no longer holds a stream,
   * clients blocked in XREADGROUP on it are served, so that they learn it is gone (Redis's
   * signalDeletedKeyAsReady). Other blocked commands wait on, as in Redis.
   */
  signalModified(db: Database, key: string): void {
    if (this.count === 0) return;
    const queue = this.byKey.get(db)?.get(key);
    if (queue === undefined) return;
    // Only the stream's going counts (a change within it, even XGROUP SETID, does not wake
    // a reader in Redis; XGROUP DESTROY signals by itself).
    if (db.keys.get(key)?.value instanceof StreamValue) return;
    for (const s of queue) {
      if (s.blocked !== null && s.blocked.argv[0]!.toLowerCase() === 'xreadgroup') {
        this.signal(db, key);
        return;
      }
    }
  }

  /** signalModified for every key of db (FLUSHDB, FLUSHALL, SWAPDB changed them all). */
  signalModifiedAll(db: Database): void {
    const perDb = this.byKey.get(db);
    if (perDb === undefined) return;
    for (const key of perDb.keys()) this.signalModified(db, key);
  }

  /**
   * Signals every key of db that clients block on and that now holds a value (SWAPDB
   * changes what a whole database holds, as Redis's scanDatabaseForReadyKeys handles).
   */
  signalDatabase(db: Database): void {
    const perDb = this.byKey.get(db);
    if (perDb === undefined) return;
    for (const key of perDb.keys()) if (db.find(key) !== undefined) this.signal(db, key);
  }

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Serves clients blocked on keys that became ready, in FIFO order per key. */
  serveReady(): void {
    while (this.ready.length > 0) {
      const batch = this.ready;
      this.ready = [];
      this.readySeen.clear();
      for (const [db, key] of batch) {
        const queue = this.byKey.get(db)?.get(key);
        if (queue === undefined) continue;
        for (const s of [...queue]) {
          if (s.blocked === null || s.closed) continue;
          this.serving = s;
          this.stillBlocked = false;
          try {
            this.run(s, s.blocked.argv);
          } finally {
            this.serving = null;
          }
          if (this.stillBlocked) continue;
          this.release(s);
          s.transport.flushSoon();
          s.transport.resume();
        }
      }
    }
  }

  private timeout(s: Session): void {
    if (s.blocked === null || s.closed) return;
    this.release(s);
    this.onTimeout(s);
    s.transport.flushSoon();
    s.transport.resume();
  }

  /** CLIENT UNBLOCK: ends the block with the timeout reply, or with the given error. */
  unblock(s: Session, error: string | null): boolean {
    if (s.blocked === null) return false;
    this.release(s);
    if (error === null) this.onTimeout(s);
    else s.reply.error(error);
    s.transport.flushSoon();
    s.transport.resume();
    return true;
  }
}
