/**
 * One client's state as commands see it: selected database, protocol version, name,
 * authentication, reply mode. The transport behind it (a socket, or an in-process
 * caller) is reached only through the Transport interface.
 */
import type { Reply } from '../protocol/reply.js';
import type { Database } from '../store/keyspace.js';
import type { BlockState } from './blocking.js';
import type { WatchedKey } from './watch.js';
import type { TrackingState } from './tracking.js';
import type { Engine } from './engine.js';

export interface Transport {
  /** "127.0.0.1:51234", for CLIENT LIST and MONITOR. */
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  /** Closes the connection after pending replies are written (CLIENT KILL, QUIT). */
  close(afterReply: boolean): void;
  /** Asks the transport to write out-of-band output (MONITOR lines) soon. */
  flushSoon(): void;
  /** Bytes waiting in the query buffer and the output buffer, for CLIENT LIST. */
  queryBufferBytes(): number;
  outputBufferBytes(): number;
  /** Called when a pause ends so postponed commands run. */
  resume(): void;
  /** A command may finish later (a slow script yields to the event loop); the embedded API's may not. */
  readonly suspendable?: boolean;
}

/** A transport with nothing behind it: for sessions the engine drives itself (loading the AOF) and for tests. */
export function detachedTransport(addr: string): Transport {
  return {
    addr,
    laddr: addr,
    fd: -1,
    close: () => {},
    flushSoon: () => {},
    queryBufferBytes: () => 0,
    outputBufferBytes: () => 0,
    resume: () => {},
  };
}

/** A writable reply sink whose output can be cut back (CLIENT REPLY OFF/SKIP). */
export interface SessionReply extends Reply {
  resp: 2 | 3;
  errors: number;
  mark(): number;
  rewind(mark: number): void;
  /** Appends already-encoded output (MONITOR lines). */
  rawWrite(text: string): void;
}

export class Session {
  name = '';
  libName = '';
  libVer = '';
  dbIndex = 0;
  db: Database;
  authenticated: boolean;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  lastCommand = 'NULL';
  noEvict = false;
  noTouch = false;
  monitor = false;
  /** CLIENT REPLY OFF */
  replyOff = false;
  /** CLIENT REPLY SKIP: 1 = skip the next command's reply, 2 = skipping this one. */
  skip = 0;
  /** Pub/sub subscriptions. */
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  /** When the output buffer first passed the pubsub soft limit (0: it is below). */
  softLimitSince = 0;
  /** WATCHed keys, and whether one of them was modified since. */
  watched: WatchedKey[] = [];
  watchDirty = false;
  /** Commands queued since MULTI, or null outside a transaction. */
  multi: string[][] | null = null;
  /** A command was rejected while queuing: EXEC will answer EXECABORT. */
  multiDirty = false;
  /** True while EXEC runs the queue: blocking commands must not block then. */
  inExec = false;
  /** Set while a blocking command (BLPOP...) waits for data. */
  blocked: BlockState | null = null;
  /** Set while this session's script runs past busy-reply-threshold: its command has not ended. */
  suspended = false;
  /**
   * Set by a command whose effect must be logged differently from how it was called
   * (SPOP logs SREM of what it popped); read and cleared after the command.
   */
  propagateAs: string[][] | null = null;
  /** False while a script said redis.set_repl(REPL_NONE): its writes stay out of the AOF. */
  propagateWrites = true;
  /** Append-only-file offset of this client's last logged write: its replies wait for it under appendfsync always. */
  aofOffset = 0;
  /** CLIENT TRACKING state, or null when tracking is off. */
  tracking: TrackingState | null = null;
  /** Set once the session is gone, so late callbacks do nothing. */
  closed = false;

  constructor(
    readonly id: number,
    readonly engine: Engine,
    readonly reply: SessionReply,
    readonly transport: Transport,
  ) {
    this.db = engine.keyspace.dbs[0]!;
    this.authenticated = engine.config.requirepass === '';
  }

  /**
   * Records that a command changed key (in db, default the selected one) `count` times:
   * counts the writes (Redis's server.dirty) and, when count > 0, invalidates WATCH.
   */
  changed(key: string, count = 1, db: Database = this.db): void {
    this.engine.keyspace.dirty += count;
    if (count > 0) this.engine.keyModified(db, key, this);
  }

  /** Invalidates WATCH (and client-side caches) on key without counting a write (the second key of RENAME...). */
  touchKey(key: string, db: Database = this.db): void {
    this.engine.keyModified(db, key, this);
  }

  /** A keyspace event for key in db (default the selected one); see Engine.notify. */
  notify(type: number, event: string, key: string, db: Database = this.db): void {
    if ((this.engine.config.notifyKeyspaceEvents & type) !== 0) this.engine.notify(type, event, key, db);
  }

  select(index: number): void {
    this.dbIndex = index;
    this.db = this.engine.keyspace.dbs[index]!;
  }

  /** Subscribed to anything: RESP2 clients are then in Redis's pub/sub mode. */
  get subscribed(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }

  /** Whether commands must wait for AUTH (Redis's authRequired()). */
  get authRequired(): boolean {
    return !this.authenticated && this.engine.config.requirepass !== '';
  }
}
