/**
 * The engine: keyspace, configuration, command table and the execution of one command for
 * one session. The network server and the embedded API both drive this; neither the
 * engine nor the commands know about sockets.
 */
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { ConfigValues } from '../config/config.js';
import { ActiveExpirer } from '../store/expiry.js';
import { Clock } from '../store/clock.js';
import { Keyspace } from '../store/keyspace.js';
import { CommandTable } from '../commands/table.js';
import type { Command } from '../commands/types.js';
import { allCommands } from '../commands/index.js';
import { keysOf } from '../commands/server.js';
import { Persistence } from '../persistence/persistence.js';
import { Aof } from '../persistence/aof.js';
import { BlockingManager } from './blocking.js';
import { PubSub } from './pubsub.js';
import { timerAt, type LongTimer } from './timers.js';
import { WatchRegistry } from './watch.js';
import { Tracking } from './tracking.js';
import { NOTIFY_EXPIRED, NOTIFY_KEY_MISS, NOTIFY_KEYEVENT, NOTIFY_KEYSPACE, NOTIFY_NEW, publishKeyspaceEvent } from './notify.js';
import { Logger } from './log.js';
import { createScripting, type Scripting } from '../scripting/scripting.js';
import { Functions } from '../scripting/functions.js';
import { luaLoaded } from '../scripting/lua.js';
import type { BusyScript } from '../scripting/runtime.js';
import { Session, type SessionReply, type Transport } from './session.js';
import type { Database } from '../store/keyspace.js';
import { EVICT_FAIL, MemoryBudget, OOM_ERROR } from './memory.js';
import { FLAG_ALLOW_OOM, FLAG_NO_WRITES } from '../scripting/runtime.js';


export interface ServerStats {
  startedAt: number;
  connectionsReceived: number;
  rejectedConnections: number;
  commandsProcessed: number;
  errorReplies: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** Reset by CONFIG RESETSTAT, like Redis's stat_* fields. */
  errorCodes: Map<string, number>;
}

/** Commands a client in MULTI may still send when over maxmemory (Redis's processCommand). */
const OOM_SAFE_IN_MULTI = new Set(['exec', 'discard', 'quit', 'reset']);
/** Commands whose denyoom flag comes from the script they run, when it declares flags. */
const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** Commands that run at once inside MULTI instead of being queued. */
const TRANSACTION_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** What a RESP2 client may run while subscribed. */
const PUBSUB_MODE_COMMANDS = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** Redis's shared.bgsaveerr. */
export const MISCONF_RDB =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

const SKIP_NEXT = 1;
const SKIP_CURRENT = 2;

export class Engine {
  readonly clock = new Clock();
  readonly keyspace: Keyspace;
  readonly expirer: ActiveExpirer;
  readonly commands = new CommandTable(allCommands);
  readonly sessions = new Map<number, Session>();
  readonly monitors = new Set<Session>();
  readonly pubsub = new PubSub(
    () => this.config.clientOutputBufferLimit.pubsub,
    (s, why) => {
      this.log.warning(`Client id=${s.id} addr=${s.transport.addr} closed for overcoming of output buffer limits (pubsub ${why} limit).`);
      s.transport.close(false);
    },
  );
  readonly watches = new WatchRegistry();
  readonly tracking = new Tracking(
    (id) => this.sessions.get(id),
    () => this.sessions.values(),
    () => this.config.trackingTableMaxKeys,
  );
  readonly persistence: Persistence;
  readonly aof: Aof;
  readonly memory: MemoryBudget;
  /**
   * Used memory was over maxmemory, with nothing left to evict, when the current client
   * command started (Redis's pre_command_oom_state): a script may then not begin writing.
   */
  preCommandOom = false;
  /** start() was called: configuration changes may now open or close files. */
  private started = false;
  readonly blocking = new BlockingManager(
    (s, argv) => {
      this.beginBatch();
      this.execute(s, argv);
    },
    (s) => s.reply.nilArray(),
  );
  readonly stats: ServerStats = {
    startedAt: Date.now(),
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    errorReplies: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    errorCodes: new Map(),
  };
  /** Access policy the keyspace reads on every touch; kept in step with config. */
  private readonly accessPolicy = { lfu: false, lfuLogFactor: 10, lfuDecayTime: 1 };
  private nextSessionId = 1;
  /** CLIENT PAUSE: until when (ms), and whether everything or only writes wait. */
  pausedUntil = 0;
  pauseAll = false;
  private pauseTimer: LongTimer | null = null;
  private readonly postponed = new Set<Session>();
  /** Set by the server: what SHUTDOWN does. */
  shutdownHandler: ((reason: string) => void) | null = null;
  /** Set by the server: the addresses it listens on, for INFO. */
  listening: { port: number; tcpPort: number } = { port: 0, tcpPort: 0 };
  /** The config file given at start-up, for INFO and CONFIG REWRITE. */
  configFile: string | null = null;
  /** Commands per second over the last sampling period (INFO instantaneous_ops_per_sec). */
  opsPerSec = 0;
  private opsSample = { at: Date.now(), commands: 0 };
  /** False when embedded in an application: never chdir, never exit. */
  ownsProcess = true;
  /** The directory last chdir'ed to; the embedded API leaves the process's own alone. */
  private appliedDir: string;

  constructor(
    readonly config: ConfigValues,
    readonly log: Logger,
  ) {
    this.appliedDir = config.dir;
    this.keyspace = new Keyspace(config.databases, this.clock, this.accessPolicy);
    this.keyspace.keyReady = (db, key) => this.blocking.signal(db, key);
    this.keyspace.keyExpired = (db, key) => {
      this.keyModified(db, key, null);
      this.notify(NOTIFY_EXPIRED, 'expired', key, db);
      // Expired by the active cycle, outside any command: nothing else would serve the
      // clients waiting on it (an XREADGROUP learns that its stream is gone).
      if (this.blocking.hasReady) this.serveBlockedSoon();
    };
    this.memory = new MemoryBudget(this);
    // The configured limit applies from the first command; nothing to evict before loading.
    this.appliedMaxmemory = config.maxmemory;
    this.configChanged();
    this.expirer = new ActiveExpirer(this.keyspace);
    this.persistence = new Persistence(this);
    this.aof = new Aof(this);
  }

  start(): void {
    // Lua states are made now, as Redis makes its own at start-up: the first EVAL or FCALL
    // should not pay for building one.
    if (luaLoaded()) {
      void this.scripting;
      void this.functions;
    }
    if (this.config.hz > 0) this.expirer.start(this.config.hz);
    this.persistence.start();
    this.started = true;
  }

  stop(): void {
    this.expirer.stop();
    this.persistence.stop();
    this.aof.close();
    this.pauseTimer?.cancel();
    this.scriptingEngine?.close();
    this.scriptingEngine = null;
    this.functionsEngine?.close();
    this.functionsEngine = null;
  }

  private appliedMaxmemory = 0;
  private appliedPolicy = 'noeviction';

  /** Re-reads settings that live outside ConfigValues. Called after every CONFIG SET. */
  configChanged(): void {
    if (this.config.maxmemoryPolicy !== this.appliedPolicy) {
      this.appliedPolicy = this.config.maxmemoryPolicy;
      this.memory.policyChanged();
    }
    // A lower limit takes effect at once, as Redis's updateMaxmemory does.
    if (this.config.maxmemory !== this.appliedMaxmemory) {
      this.appliedMaxmemory = this.config.maxmemory;
      this.preCommandOom = false;
      if (this.config.maxmemory !== 0) {
        const used = this.memory.used();
        if (this.config.maxmemory < used) {
          this.log.warning(
            `WARNING: the new maxmemory value set via CONFIG SET (${this.config.maxmemory}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
          );
        }
        this.memory.perform();
      }
    }
    const lfu = this.config.maxmemoryPolicy.endsWith('-lfu');
    const switched = lfu !== this.accessPolicy.lfu;
    this.accessPolicy.lfu = lfu;
    this.accessPolicy.lfuLogFactor = this.config.lfuLogFactor;
    this.accessPolicy.lfuDecayTime = this.config.lfuDecayTime;
    if (switched) this.keyspace.resetAccessClocks();
    this.log.level = this.config.loglevel;
    // Hooks on hot store paths exist only while their events are wanted.
    const events = this.config.notifyKeyspaceEvents;
    const published = (events & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT)) !== 0;
    this.keyspace.keyAdded = published && events & NOTIFY_NEW ? (db, key) => this.notify(NOTIFY_NEW, 'new', key, db) : null;
    this.keyspace.keyMissed = published && events & NOTIFY_KEY_MISS ? (db, key) => this.notify(NOTIFY_KEY_MISS, 'keymiss', key, db) : null;
    // CONFIG SET dir moves the working directory, as in Redis; the value was validated.
    // An embedded engine shares its process with the application: paths are absolute.
    if (this.config.dir !== this.appliedDir && !this.ownsProcess) {
      this.config.dir = resolve(this.config.dir);
      this.appliedDir = this.config.dir;
    } else if (this.config.dir !== this.appliedDir) {
      process.chdir(this.config.dir);
      this.appliedDir = this.config.dir;
      this.config.dir = process.cwd();
      this.appliedDir = this.config.dir;
    }
    if (this.expirer) {
      if (this.config.hz > 0) this.expirer.start(this.config.hz);
      else this.expirer.stop();
    }
    // CONFIG SET appendonly: start logging (from a fresh base of the current data) or stop.
    if (this.started && this.config.appendonly !== this.aof.enabled) {
      if (this.config.appendonly) {
        try {
          this.aof.create();
        } catch (e) {
          this.log.warning(`Could not start the append only file: ${(e as Error).message}`);
          this.config.appendonly = false;
        }
      } else this.aof.close();
    }
  }

  /** A key changed (Redis's signalModifiedKey): WATCH and client-side caches learn of it. */
  keyModified(db: Database, key: string, by: Session | null): void {
    this.watches.touch(db, key);
    this.tracking.invalidate(key, by);
    this.blocking.signalModified(db, key);
  }

  private scriptingEngine: Scripting | null = null;
  /** Lua scripting, created on first use once the Lua VM is loaded (loadLua); null until then. */
  get scripting(): Scripting | null {
    if (this.scriptingEngine === null) this.scriptingEngine = createScripting(this);
    return this.scriptingEngine;
  }

  /**
   * A script running past busy-reply-threshold, paused between time slices: until it ends,
   * other clients get BUSY (but for the allow_busy commands), and nothing else changes data
   * (active expiry, save points and AOF rewrites wait), so the script stays atomic.
   */
  busyScript: BusyScript | null = null;

  /** The BUSY error for the running script's kind, as Redis's shared.slowevalerr / slowscripterr. */
  busyError(): string {
    return `BUSY Redis is busy running a script. You can only call ${this.busyScript?.isEval === false ? 'FUNCTION' : 'SCRIPT'} KILL or SHUTDOWN NOSAVE.`;
  }

  /** Serves the clients whose keys became ready (re-running their commands), not re-entrantly. */
  private serveBlocked(): void {
    this.servingBlocked = true;
    try {
      this.blocking.serveReady();
    } finally {
      this.servingBlocked = false;
    }
  }

  private blockedServeScheduled = false;

  /** Serves clients whose keys became ready outside a command, on the next turn. */
  serveBlockedSoon(): void {
    if (this.blockedServeScheduled) return;
    this.blockedServeScheduled = true;
    setImmediate(() => {
      this.blockedServeScheduled = false;
      if (!this.blocking.hasReady || this.servingBlocked || this.busyScript !== null) return;
      this.beginBatch();
      this.serveBlocked();
      this.tracking.flushPending();
    });
  }

  scriptSuspended(s: Session, script: BusyScript): void {
    this.busyScript = script;
    s.suspended = true;
    this.expirer.held = true;
  }

  /** The suspended script of s ended (its reply is written): what follows a command now follows it. */
  scriptFinished(s: Session): void {
    this.busyScript = null;
    s.suspended = false;
    this.expirer.held = false;
    if (this.blocking.hasReady && !this.servingBlocked) this.serveBlocked();
    this.tracking.flushPending();
    this.tracking.current = null;
    s.transport.flushSoon();
    s.transport.resume();
  }

  private functionsEngine: Functions | null = null;
  /** Why a write would be refused now (a failed RDB save or AOF write: MISCONF), or null. */
  writesRefused(): string | null {
    if (this.persistence.deniesWrites) return MISCONF_RDB;
    if (this.aof.lastWriteError !== null) return `MISCONF Errors writing to the AOF file: ${this.aof.lastWriteError}`;
    return null;
  }

  /** The EVAL engine if a script ran yet (INFO need not create it). */
  get loadedScripting(): Scripting | null {
    return this.scriptingEngine;
  }

  /** The function libraries if any code touched them yet (persistence need not create them). */
  get loadedFunctions(): Functions | null {
    return this.functionsEngine;
  }

  /** Function libraries (FUNCTION, FCALL); null until the Lua VM is loaded. */
  get functions(): Functions | null {
    if (this.functionsEngine === null && luaLoaded()) this.functionsEngine = new Functions(this);
    return this.functionsEngine;
  }

  /**
   * A keyspace event (Redis's notifyKeyspaceEvent): published on the keyspace and keyevent
   * channels when notify-keyspace-events enables its class.
   */
  notify(type: number, event: string, key: string, db: Database): void {
    const flags = this.config.notifyKeyspaceEvents;
    if ((flags & type) === 0) return;
    publishKeyspaceEvent(this.pubsub, flags, event, key, db.id);
  }

  /** A database was emptied (FLUSHDB, FLUSHALL): client-side caches drop everything. */
  flushed(): void {
    this.tracking.flushed();
  }

  openSession(reply: SessionReply, transport: Transport): Session {
    const session = new Session(this.nextSessionId++, this, reply, transport);
    this.sessions.set(session.id, session);
    this.stats.connectionsReceived++;
    return session;
  }

  closeSession(session: Session): void {
    session.closed = true;
    this.sessions.delete(session.id);
    this.monitors.delete(session);
    this.postponed.delete(session);
    this.blocking.release(session);
    this.pubsub.forget(session);
    this.watches.unwatchAll(session);
    this.tracking.disable(session);
  }

  private servingBlocked = false;

  /** performance.now() when the previous command ended (commandstats timing). */
  private tick = performance.now();

  /**
   * Starts a batch of commands (one read event). The wall clock is read here rather than
   * per command: reading it cost ~3% of CPU at -P 16, and commands of one read see one
   * instant. Callers running long batches call it again every so often.
   */
  beginBatch(): void {
    const now = performance.now();
    this.clock.updateAt(now);
    this.tick = now;
  }

  /**
   * Runs one command (after beginBatch). Returns false when the command must wait (CLIENT
   * PAUSE): the caller keeps argv and calls again after transport.resume().
   */
  execute(s: Session, argv: string[]): boolean {
    const reply = s.reply;
    const quiet = s.replyOff || s.skip !== 0;
    const mark = quiet ? reply.mark() : 0;
    const tracking = this.tracking;
    const outerCommand = tracking.current;
    tracking.current = s;
    const cmd = this.lookup(s, argv);
    if (cmd !== null) {
      if (this.pausedUntil !== 0 && this.mustWait(cmd)) {
        this.postponed.add(s);
        tracking.current = outerCommand;
        return false;
      }
      s.lastCommand = cmd.fullName;
      const errorsBefore = reply.errors;
      this.runHandler(s, cmd, argv);
      // One clock read per command: the time since the previous one ended, which also
      // counts this command's parsing (a fraction of a microsecond).
      const ended = performance.now();
      cmd.stats.usec += (ended - this.tick) * 1000;
      this.tick = ended;
      cmd.stats.calls++;
      if (reply.errors !== errorsBefore) cmd.stats.failed++;
      this.stats.commandsProcessed++;
      if (this.monitors.size > 0 && !cmd.flagSet.has('skip_monitor') && !cmd.flagSet.has('admin')) {
        this.feedMonitors(s, argv, cmd);
      }
      const t = s.tracking;
      if (t !== null) {
        // Client-side caching: remember what a read-only command read (Redis's call()).
        if (!t.bcast && cmd.flagSet.has('readonly') && !cmd.flagSet.has('pubsub')) {
          const positions = keysOf(cmd, argv);
          if (positions !== null && positions.length > 0) tracking.remember(s, positions.map((i) => argv[i]!));
        }
        // CLIENT CACHING applies to the one command after it (a whole transaction counts as one).
        if (t.caching && !s.inExec && s.multi === null && cmd.parent?.name !== 'client' && cmd.name !== 'client') t.caching = false;
      }
    }
    if (quiet && (s.replyOff || s.skip === SKIP_CURRENT)) reply.rewind(mark);
    // Clients blocked on keys this command filled are served once it completed, as Redis
    // does after each command.
    // Not between the commands of an EXEC: a transaction is one step for other clients.
    if (this.blocking.hasReady && !this.servingBlocked && !s.inExec && this.busyScript === null) this.serveBlocked();
    if (s.skip !== 0) {
      if (s.skip === SKIP_CURRENT) s.skip = 0;
      else if (s.skip === SKIP_NEXT) s.skip = SKIP_CURRENT;
    }
    // Invalidations a command caused for its own client follow its reply (and a whole EXEC's).
    if (outerCommand === null && !s.inExec) tracking.flushPending();
    else tracking.current = outerCommand;
    return true;
  }

  /**
   * Runs a looked-up command's handler for s, for a client and for a script's redis.call
   * alike: a snapshot in progress first writes out the keys it may change, a write that
   * changed data is logged, and a failing handler answers an error instead of crashing.
   */
  runHandler(s: Session, cmd: Command, argv: string[]): void {
    const snapshot = this.persistence.background;
    if (snapshot !== null && cmd.isWrite) {
      const positions = keysOf(cmd, argv);
      if (positions !== null) for (const i of positions) snapshot.preserve(s.db, argv[i]!);
    }
    const reply = s.reply;
    const replyStart = reply.mark();
    const dirtyBefore = this.keyspace.dirty;
    try {
      cmd.handler!(s, argv);
      // Logged once it changed data, as Redis propagates a write that changed server.dirty.
      if (this.aof.enabled && !this.aof.loading && s.propagateWrites) {
        if (cmd.isWrite && this.keyspace.dirty !== dirtyBefore) this.aof.feed(s, cmd, argv);
        else if (cmd.fullName === 'exec') this.aof.endTransaction(s);
      }
    } catch (e) {
      // No input may crash the server: a failing command (a bug, or a V8 limit such as
      // "Map maximum size exceeded") answers an error and everyone else goes on.
      reply.rewind(replyStart);
      this.log.warning(`Command ${cmd.fullName} failed: ${(e as Error).stack ?? e}`);
      reply.error(`ERR internal error in '${cmd.fullName}': ${(e as Error).message}`);
    }
    s.propagateAs = null;
  }

  /**
   * The key of argv when the commands after it in a pipeline may be parsed before it runs
   * (Command.aheadKey), else null: the connection parses a pipeline ahead only that far.
   */
  keyAhead(argv: string[]): string | null {
    const cmd = this.commands.get(argv[0]!);
    if (cmd === undefined) return null;
    const at = cmd.aheadKey;
    return at > 0 && at < argv.length ? argv[at]! : null;
  }

  /** Whether the client's database is large enough for prefetch() to do anything. */
  prefetches(s: Session): boolean {
    return s.db.prefetches;
  }

  /** What prefetch() loaded, kept so the loads are not optimised away. */
  private prefetchSink = 0;

  /** Loads what looking up keys[0..n) in the client's database will touch (Database.prefetch). */
  prefetch(s: Session, keys: readonly string[], n: number): void {
    this.prefetchSink ^= s.db.prefetch(keys, n);
  }

  /** The command argv names, or null after replying with Redis's rejection. */
  private lookup(s: Session, argv: string[]): Command | null {
    let cmd = this.commands.get(argv[0]!);
    if (cmd === undefined) {
      let args = '';
      for (let i = 1; i < argv.length && args.length < 128; i++) {
        args += "'" + argv[i]!.slice(0, 128 - args.length) + "' ";
      }
      this.reject(s, null, `ERR unknown command '${argv[0]!.slice(0, 128)}', with args beginning with: ${args}`);
      return null;
    }
    if (cmd.subcommandTable !== null && argv.length >= 2) {
      const sub = cmd.subcommandTable.get(argv[1]!.toLowerCase());
      if (sub === undefined) {
        this.reject(s, null, `ERR unknown subcommand '${argv[1]!.slice(0, 128)}'. Try ${cmd.name.toUpperCase()} HELP.`);
        return null;
      }
      cmd = sub;
    }
    if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) {
      this.reject(s, cmd, `ERR wrong number of arguments for '${cmd.fullName}' command`);
      return null;
    }
    if (s.authRequired && !cmd.flagSet.has('no_auth')) {
      this.reject(s, cmd, 'NOAUTH Authentication required.');
      return null;
    }
    if (this.config.maxmemory !== 0 && !s.inExec && !this.servingBlocked && this.busyScript === null && this.outOfMemory(s, cmd, argv)) {
      this.reject(s, cmd, OOM_ERROR);
      return null;
    }
    // Redis refuses PING too after a failed RDB save (not after an AOF error).
    const refusal = cmd.isWrite ? this.writesRefused() : cmd.fullName === 'ping' && this.persistence.deniesWrites ? MISCONF_RDB : null;
    if (refusal !== null) {
      this.reject(s, cmd, refusal);
      return null;
    }
    // Checked when a command arrives, not again when EXEC runs what was queued.
    if (s.reply.resp === 2 && s.subscribed && !s.inExec && !PUBSUB_MODE_COMMANDS.has(cmd.fullName)) {
      this.reject(
        s,
        cmd,
        `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      );
      return null;
    }
    if (this.busyScript !== null && !cmd.flagSet.has('allow_busy')) {
      this.reject(s, cmd, this.busyError());
      return null;
    }
    if (s.multi !== null && !TRANSACTION_CONTROL.has(cmd.fullName)) {
      if (cmd.flagSet.has('no_multi')) {
        this.reject(s, cmd, 'ERR Command not allowed inside a transaction');
        return null;
      }
      s.multi.push(argv);
      s.reply.simple('QUEUED');
      return null;
    }
    if (cmd.isProtected && !this.protectedAllowed(s)) {
      this.reject(
        s,
        cmd,
        'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
      );
      return null;
    }
    return cmd;
  }

  /**
   * Redis's maxmemory step of processCommand, for a client command while maxmemory is set:
   * evicts what the policy allows, then tells whether the command must be refused (over
   * the limit with nothing left to evict, and the command may grow memory). Kept out of
   * lookup() so the common path stays small.
   */
  private outOfMemory(s: Session, cmd: Command, argv: string[]): boolean {
    const outOfMemory = this.memory.perform() === EVICT_FAIL;
    // Invalidations of evicted keys reach this client before the reply (Redis flushes them here).
    this.tracking.flushPending();
    this.tracking.current = s;
    this.preCommandOom = outOfMemory;
    if (!outOfMemory) return false;
    // Queuing in MULTI takes memory too: only EXEC, DISCARD, QUIT and RESET pass.
    if (s.multi !== null && !OOM_SAFE_IN_MULTI.has(cmd.fullName)) return true;
    return this.deniesOnOom(s, cmd, argv);
  }

  /**
   * Whether a command may grow memory (Redis's denyoom), EXEC by what it queued, and a
   * script command by the flags its script declares: without allow-oom or no-writes it
   * counts as denyoom (scriptFlagsToCmdFlags).
   */
  private deniesOnOom(s: Session, cmd: Command, argv: string[]): boolean {
    if (cmd.fullName === 'exec' && s.multi !== null) {
      for (const queued of s.multi) {
        let q = this.commands.get(queued[0]!);
        if (q !== undefined && q.subcommandTable !== null && queued.length >= 2) q = q.subcommandTable.get(queued[1]!.toLowerCase());
        if (q !== undefined && this.deniesOnOom(s, q, queued)) return true;
      }
      return false;
    }
    if (SCRIPT_COMMANDS.has(cmd.fullName) && argv.length >= 2) {
      const flags = cmd.fullName.startsWith('fcall')
        ? (this.loadedFunctions?.declaredFlags(argv[1]!) ?? null)
        : (this.loadedScripting?.declaredFlags(cmd.fullName.startsWith('evalsha'), argv[1]!) ?? null);
      if (flags !== null) return (flags & (FLAG_NO_WRITES | FLAG_ALLOW_OOM)) === 0;
    }
    return cmd.flagSet.has('denyoom');
  }

  private protectedAllowed(s: Session): boolean {
    return this.allowedBy(this.config.enableDebugCommand, s);
  }

  /** Redis's yes/no/local switches (enable-debug-command, enable-protected-configs). */
  allowedBy(mode: 'yes' | 'no' | 'local', s: Session): boolean {
    if (mode === 'yes') return true;
    if (mode === 'no') return false;
    const addr = s.transport.addr;
    return addr.startsWith('127.') || addr.startsWith('[::1]') || addr.startsWith('::1') || addr === 'embedded';
  }

  /**
   * client-output-buffer-limit for a client's replies (the normal class; a subscribed
   * client is of the pubsub class, which PubSub checks as it delivers). Closes the client
   * and returns true when its unsent replies passed the hard limit, or stayed over the
   * soft limit for longer than its seconds.
   */
  checkOutputLimit(s: Session): boolean {
    if (s.subscribed) return false;
    const { hard, soft, softSeconds } = this.config.clientOutputBufferLimit.normal;
    if (hard === 0 && soft === 0) return false;
    const bytes = s.transport.outputBufferBytes();
    let why: string | null = null;
    if (hard > 0 && bytes > hard) why = 'hard';
    else if (soft > 0 && bytes > soft) {
      const now = Date.now();
      if (s.softLimitSince === 0) s.softLimitSince = now;
      else if (now - s.softLimitSince > softSeconds * 1000) why = 'soft';
    } else s.softLimitSince = 0;
    if (why === null) return false;
    this.log.warning(`Client id=${s.id} addr=${s.transport.addr} closed for overcoming of output buffer limits (normal ${why} limit).`);
    s.transport.close(false);
    return true;
  }

  /**
   * The server's cron (every 100 ms): refreshes the memory figures, applies soft output
   * limits to clients that stopped reading, and disconnects the biggest clients while all
   * client buffers together pass maxmemory-clients (Redis's client eviction; CLIENT
   * NO-EVICT exempts a client).
   */
  cron(): void {
    this.sampleOps();
    this.memory.sample();
    for (const s of this.sessions.values()) if (s.softLimitSince !== 0) this.checkOutputLimit(s);
    const limit = this.config.maxmemoryClients;
    const max = limit < 0 ? Math.floor((this.config.maxmemory * -limit) / 100) : limit;
    if (max <= 0 || this.memory.clientsNormal <= max) return;
    const candidates = [...this.sessions.values()]
      .filter((s) => !s.noEvict)
      .map((s) => ({ s, bytes: s.transport.queryBufferBytes() + s.transport.outputBufferBytes() }))
      .sort((a, b) => b.bytes - a.bytes);
    let total = this.memory.clientsNormal;
    for (const { s, bytes } of candidates) {
      if (total <= max || bytes === 0) break;
      this.log.verbose(`Evicting client: id=${s.id} addr=${s.transport.addr}`);
      s.transport.close(false);
      this.memory.evictedClients++;
      total -= bytes;
    }
    this.memory.clientsNormal = total;
  }

  /** Called about every 100 ms by the server's cron. */
  sampleOps(): void {
    const now = Date.now();
    const elapsed = now - this.opsSample.at;
    if (elapsed <= 0) return;
    this.opsPerSec = Math.round(((this.stats.commandsProcessed - this.opsSample.commands) * 1000) / elapsed);
    this.opsSample = { at: now, commands: this.stats.commandsProcessed };
  }

  /** CONFIG RESETSTAT */
  resetStats(): void {
    const st = this.stats;
    st.connectionsReceived = 0;
    st.rejectedConnections = 0;
    st.commandsProcessed = 0;
    st.errorReplies = 0;
    st.netInputBytes = 0;
    st.netOutputBytes = 0;
    st.errorCodes.clear();
    const ks = this.keyspace.stats;
    ks.expiredKeys = 0;
    ks.keyspaceHits = 0;
    ks.keyspaceMisses = 0;
    ks.expiredStalePerc = 0;
    ks.expireCycleCpuMs = 0;
    this.memory.evictedKeys = 0;
    this.memory.evictedClients = 0;
    this.memory.exceededMs = 0;
    for (const cmd of this.commands.all()) cmd.stats = { calls: 0, usec: 0, rejected: 0, failed: 0 };
    this.opsSample = { at: Date.now(), commands: 0 };
  }

  private reject(s: Session, cmd: Command | null, message: string): void {
    if (cmd !== null) cmd.stats.rejected++;
    // A command refused while queuing poisons the transaction (EXECABORT), as in Redis;
    // a refused EXEC itself ends the transaction with the reason.
    if (s.multi !== null) s.multiDirty = true;
    if (cmd !== null && cmd.fullName === 'exec') {
      s.multi = null;
      s.multiDirty = false;
      message = `EXECABORT Transaction discarded because of: ${message.replace(/^ERR /, '')}`;
    }
    s.reply.error(message);
  }

  /** Counts an error reply by its code, for INFO errorstats. */
  countError(message: string): void {
    this.stats.errorReplies++;
    const space = message.indexOf(' ');
    const code = space < 0 ? message : message.slice(0, space);
    this.stats.errorCodes.set(code, (this.stats.errorCodes.get(code) ?? 0) + 1);
  }

  // ---- CLIENT PAUSE ----

  private mustWait(cmd: Command): boolean {
    if (Date.now() >= this.pausedUntil) {
      this.unpause();
      return false;
    }
    return this.pauseAll || cmd.isWrite || cmd.flagSet.has('may_replicate');
  }

  isPostponed(s: Session): boolean {
    return this.postponed.has(s);
  }

  /** Forgets a command postponed by CLIENT PAUSE whose caller cannot wait for it. */
  cancelPostponed(s: Session): void {
    this.postponed.delete(s);
  }

  pause(until: number, all: boolean): void {
    // A later or stronger pause wins, as in Redis.
    if (until > this.pausedUntil) this.pausedUntil = until;
    this.pauseAll = this.pauseAll || all;
    this.pauseTimer?.cancel();
    this.pauseTimer = timerAt(this.pausedUntil, () => this.unpause());
  }

  unpause(): void {
    this.pausedUntil = 0;
    this.pauseAll = false;
    this.pauseTimer?.cancel();
    this.pauseTimer = null;
    const waiting = [...this.postponed];
    this.postponed.clear();
    for (const s of waiting) if (!s.closed) s.transport.resume();
  }

  // ---- MONITOR ----

  private feedMonitors(s: Session, argv: string[], cmd: Command): void {
    const now = Date.now();
    const sec = Math.floor(now / 1000);
    const usec = String((now % 1000) * 1000).padStart(6, '0');
    let line = `+${sec}.${usec} [${s.dbIndex} ${s.transport.addr}]`;
    const redactFrom = cmd.fullName === 'auth' ? 1 : cmd.fullName === 'hello' ? helloAuthIndex(argv) : argv.length;
    for (let i = 0; i < argv.length; i++) line += ' ' + (i >= redactFrom ? '"(redacted)"' : quoteRepr(argv[i]!));
    line += '\r\n';
    for (const m of this.monitors) {
      if (m.closed) continue;
      m.reply.rawWrite(line);
      m.transport.flushSoon();
    }
  }
}

function helloAuthIndex(argv: string[]): number {
  for (let i = 2; i < argv.length; i++) if (argv[i]!.toLowerCase() === 'auth') return i + 1;
  return argv.length;
}

/** Redis's sdscatrepr: a double-quoted string with C escapes and \xHH for the rest. */
export function quoteRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 92:
        out += '\\\\';
        break;
      case 34:
        out += '\\"';
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      case 7:
        out += '\\a';
        break;
      case 8:
        out += '\\b';
        break;
      default:
        out += c >= 32 && c <= 126 ? s[i] : '\\x' + c.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

export { Session };
