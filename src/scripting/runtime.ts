/**
 * The runtime under EVAL and functions: Redis's Lua scripting on a Lua 5.1 state (lua.ts).
 * A script runs to completion inside one command, so it is atomic: nothing else runs
 * meanwhile. Its
 * redis.call()s run commands on a session of its own (Redis's "lua client"), whose
 * replies are built as values and converted to Lua by Redis's rules; the script's result
 * is converted back into the caller's reply.
 *
 * Writes a script makes are logged to the AOF as their effects, inside MULTI/EXEC.
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { OOM_ERROR } from '../engine/memory.js';
import { Session, detachedTransport, type SessionReply } from '../engine/session.js';
import { REDIS_VERSION } from '../engine/version.js';
import { keysOf } from '../commands/server.js';
import type { Command } from '../commands/types.js';
import { LUA_GLOBALSINDEX, LUA_MULTRET, LuaState, LuaType, type LuaFunction } from './lua.js';
import { PRELUDE } from './prelude.js';
import { formatG17 } from './format.js';
import { openRedisLibraries } from './libraries.js';

export { formatG17 };

/** Lua's own memory budget per engine: a runaway script fails with an error, the server lives. */
export const LUA_MEMORY_LIMIT = 256 * 1024 * 1024;
/** Nesting a reply may have on its way into or out of Lua. */
const MAX_DEPTH = 1000;

class Status {
  constructor(readonly text: string) {}
}
class ErrorText {
  constructor(readonly text: string) {}
}
class MapReply {
  constructor(readonly items: ReplyNode[]) {}
}
class SetReply {
  constructor(readonly items: ReplyNode[]) {}
}
class DoubleReply {
  constructor(readonly value: number) {}
}
class Verbatim {
  constructor(readonly text: string) {}
}
/** A command's reply as values; false is RESP2's nil, null RESP3's. */
type ReplyNode = string | number | boolean | null | Status | ErrorText | MapReply | SetReply | DoubleReply | Verbatim | ReplyNode[];

interface Frame {
  kind: 'array' | 'map' | 'set';
  items: ReplyNode[];
  size: number;
}

/** The script client's reply sink: builds ReplyNodes. */
class ScriptReply implements SessionReply {
  resp: 2 | 3 = 2;
  errors = 0;
  readonly values: ReplyNode[] = [];
  private readonly stack: Frame[] = [];

  take(): ReplyNode | undefined {
    const v = this.values[0];
    this.values.length = 0;
    this.stack.length = 0;
    return v;
  }
  mark(): number {
    return this.stack.length === 0 ? this.values.length : -1;
  }
  rewind(mark: number): void {
    this.stack.length = 0;
    this.values.length = Math.max(0, mark);
  }
  rawWrite(): void {}
  private emit(v: ReplyNode): void {
    let frame = this.stack[this.stack.length - 1];
    if (frame === undefined) {
      this.values.push(v);
      return;
    }
    frame.items.push(v);
    while (frame.items.length === frame.size) {
      this.stack.pop();
      const done = frame.kind === 'map' ? new MapReply(frame.items) : frame.kind === 'set' ? new SetReply(frame.items) : frame.items;
      const parent = this.stack[this.stack.length - 1];
      if (parent === undefined) {
        this.values.push(done);
        return;
      }
      parent.items.push(done);
      frame = parent;
    }
  }
  private open(kind: Frame['kind'], size: number): void {
    if (size === 0) this.emit(kind === 'map' ? new MapReply([]) : kind === 'set' ? new SetReply([]) : []);
    else this.stack.push({ kind, items: [], size });
  }
  ok(): void {
    this.emit(new Status('OK'));
  }
  simple(text: string): void {
    this.emit(new Status(text));
  }
  error(message: string): void {
    this.errors++;
    this.emit(new ErrorText(message));
  }
  integer(n: number | bigint | string): void {
    this.emit(Number(n));
  }
  bulk(value: string): void {
    this.emit(value);
  }
  nil(): void {
    this.emit(this.resp === 2 ? false : null);
  }
  nilArray(): void {
    this.emit(this.resp === 2 ? false : null);
  }
  array(length: number): void {
    this.open('array', length);
  }
  map(pairs: number): void {
    if (this.resp === 2) this.open('array', pairs * 2);
    else this.open('map', pairs * 2);
  }
  set(length: number): void {
    this.open(this.resp === 2 ? 'array' : 'set', length);
  }
  double(value: number, text?: string): void {
    if (this.resp === 2) this.emit(text ?? formatReplyDouble(value));
    else this.emit(new DoubleReply(value));
  }
  boolean(value: boolean): void {
    if (this.resp === 2) this.emit(value ? 1 : 0);
    else this.emit(value);
  }
  verbatim(text: string): void {
    if (this.resp === 2) this.emit(text);
    else this.emit(new Verbatim(text));
  }
  push(length: number): void {
    this.open('array', length);
  }
}

function formatReplyDouble(value: number): string {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

/** Redis's numeric reply of a Lua number: truncated to int64 (the C cast). */
function luaNumberToInteger(n: number): number | bigint {
  if (Number.isNaN(n) || n >= 9223372036854775807 || n < -9223372036854775808) return -9223372036854775808n;
  const t = Math.trunc(n);
  // Past 2^53 a double prints in JS as digits and zeros ("4611686018427388000"); C's cast
  // prints its exact integer value.
  if (!Number.isSafeInteger(t)) return BigInt(t);
  return Object.is(t, -0) ? 0 : t;
}

/** Error text as a reply may carry it: one line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

export function sha1hex(text: string): string {
  return createHash('sha1').update(Buffer.from(text, 'latin1')).digest('hex');
}

/** Flags a script (shebang) or function declares, in Redis's order (scripts_flags_def). */
export const SCRIPT_FLAG_NAMES = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'] as const;
export const FLAG_NO_WRITES = 1;
export const FLAG_ALLOW_OOM = 2;

/** The bit of a flag name (case-insensitive, as Redis compares), or 0 for an unknown one. */
export function scriptFlagBit(name: string): number {
  const i = SCRIPT_FLAG_NAMES.indexOf(name.toLowerCase() as (typeof SCRIPT_FLAG_NAMES)[number]);
  return i < 0 ? 0 : 1 << i;
}

/** What Redis checks before running a script that declared flags (scriptPrepareForRun); false after replying. */
export function mayRun(s: Session, flags: number, readonlyCommand: boolean): boolean {
  if ((flags & FLAG_NO_WRITES) !== 0) return true;
  // Without allow-oom the command counted as denyoom (scriptFlagsToCmdFlags).
  if ((flags & FLAG_ALLOW_OOM) === 0 && s.engine.preCommandOom) {
    s.reply.error(OOM_ERROR);
    return false;
  }
  // Declared flags make the command a write (scriptFlagsToCmdFlags): refused as any write is.
  const refusal = s.engine.writesRefused();
  if (refusal !== null) {
    s.reply.error(refusal);
    return false;
  }
  if (readonlyCommand) {
    s.reply.error('ERR Can not execute a script with write flag using *_ro command.');
    return false;
  }
  return true;
}

/**
 * Whether a script run for s may pause past busy-reply-threshold: a network client's
 * command may end later, but not one inside EXEC (the rest of the transaction would have
 * to wait too) nor the embedded API's synchronous calls.
 */
export function mayYield(s: Session): boolean {
  return s.transport.suspendable === true && !s.inExec;
}

/** A script or function invocation. */
export interface Invocation {
  /** The script's sha or the function's name, for error texts. */
  name: string;
  /** The compiled function, in the Lua registry. */
  ref: number;
  /** The command's arguments: keys start at argv[3], numkeys of them, then the args. */
  argv: string[];
  numkeys: number;
  /** EVAL sets KEYS and ARGV globals; a function gets (keys, args) as parameters. */
  asGlobals: boolean;
  /** Writes are refused (no-writes, or an _RO command). */
  readonly: boolean;
  /** Declared allow-oom: denyoom commands run even when used memory was over maxmemory. */
  allowOom: boolean;
}

const LUA_YIELD = 1;
const LUA_ERRMEM = 4;
const LUA_MASKLINE = 4;
const LUA_MASKCOUNT = 8;
/** Instructions between two looks at the clock while a script runs. */
const BUSY_HOOK_INSTRUCTIONS = 100_000;
/** How long a slow script runs between two turns of the event loop (others get BUSY meanwhile). */
const BUSY_SLICE_MS = 5;

/** SCRIPT KILL and FUNCTION KILL (isEval tells which): Redis's scriptKill. */
export function killScript(s: Session, isEval: boolean): void {
  const script = s.engine.busyScript;
  if (script === null) return s.reply.error('NOTBUSY No scripts in execution right now.');
  if (script.wrote()) {
    return s.reply.error(
      'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
    );
  }
  // Each kind is killed by its own command; the other one answers BUSY.
  if (isEval !== script.isEval) return s.reply.error(s.engine.busyError());
  script.kill();
  s.reply.ok();
}

/** A script that outlived busy-reply-threshold, as the engine sees it while others wait. */
export interface BusyScript {
  isEval: boolean;
  /** The sha or function name. */
  name: string;
  argv: string[];
  startedAt: number;
  /** Whether it ran a write command (then it cannot be killed). */
  wrote(): boolean;
  kill(): void;
}

interface Running {
  s: Session;
  call: Invocation;
  startedAt: number;
  sliceStart: number;
  /** The engine clock when it started: what it sees throughout. */
  clock: number;
  dirtyBefore: number;
  wrote: boolean;
  yieldable: boolean;
  suspended: boolean;
  killed: boolean;
}
/** Instructions between two checks of a FUNCTION LOAD's time budget. */
const LOAD_HOOK_INSTRUCTIONS = 100_000;

/**
 * One Lua state with Redis's scripting environment: the redis library, the sandbox, and
 * the bridge that runs redis.call()s on a session of its own (Redis's "lua client"). EVAL
 * and functions each have one (as in Redis, they share nothing).
 */
export class LuaRuntime {
  readonly lua: LuaState;
  private readonly client: Session;
  private readonly replySink = new ScriptReply();
  private readonly globalsRef: number;
  private readonly loadModeRef: number;
  /** The session whose script is running, or null. */
  private caller: Session | null = null;
  private readonlyScript = false;
  private allowOom = false;
  /** Keys the running script read, for its caller's CLIENT TRACKING. */
  private readKeys: string[] = [];
  private loadDeadline = 0;
  private loadHook = 0;
  private readonly errorWhereRef: number;
  /** The coroutine scripts run on (reused until one raises), and its registry ref. */
  private thread = 0;
  private threadRef = 0;
  private readonly hook: number;
  private running: Running | null = null;

  /** registerFunction: redis.register_function while a library loads (functions only). */
  constructor(
    private readonly engine: Engine,
    registerFunction: LuaFunction | null = null,
  ) {
    this.lua = new LuaState(LUA_MEMORY_LIMIT);
    const lua = this.lua;
    for (const lib of ['base', 'table', 'string', 'math', 'debug']) lua.openLibrary(lib);
    openRedisLibraries(lua);
    this.client = new Session(0, engine, this.replySink, detachedTransport('lua'));
    this.client.authenticated = true;
    this.client.name = '';
    const err = lua.load(PRELUDE, '=cairn');
    if (err !== null) throw new Error(`Lua prelude: ${err}`);
    // redis.call and redis.pcall are C functions, as in Redis: "return redis.call(...)" is
    // then no tail call, and a failing call reports the script's own line.
    lua.pushFunction((st) => {
      const results = this.callFromLua(st);
      if (results === 2) {
        st.pop();
        return st.raise();
      }
      return results;
    });
    lua.pushFunction((st) => {
      const results = this.callFromLua(st);
      if (results === 2) st.pop();
      return 1;
    });
    lua.pushFunction((st) => {
      // wrap(f): a C function that calls f with its arguments and returns its results.
      st.pushValue(1);
      const ref = st.ref();
      st.top = 0;
      st.pushFunction((inner) => {
        const n = inner.top;
        inner.pushRef(ref);
        inner.m._lua_insert(inner.L, 1);
        inner.m._lua_call(inner.L, n, LUA_MULTRET);
        return inner.top;
      });
      return 1;
    });
    lua.pushFunction((st) => {
      const text = st.toString(1);
      st.top = 0;
      st.pushString(sha1hex(text));
      return 1;
    });
    lua.pushFunction((st) => {
      const level = st.toNumber(1);
      const text = st.toString(2);
      st.top = 0;
      const log = this.engine.log;
      if (level === 0) log.debug(text);
      else if (level === 1) log.verbose(text);
      else if (level === 2) log.notice(text);
      else log.warning(text);
      return 0;
    });
    lua.pushFunction((st) => {
      this.replySink.resp = st.toNumber(1) === 3 ? 3 : 2;
      st.top = 0;
      return 0;
    });
    lua.pushFunction((st) => {
      this.client.propagateWrites = (st.toNumber(1) & 1) !== 0;
      st.top = 0;
      return 0;
    });
    lua.pushFunction((st) => {
      const name = st.type(1) === LuaType.String ? st.toString(1) : '';
      st.top = 0;
      if (this.engine.commands.get(name) === undefined) st.pushNil();
      else st.pushBoolean(true);
      return 1;
    });
    lua.pushFunction(
      registerFunction ??
        ((st) => {
          st.top = 0;
          this.pushErrorTable('ERR redis.register_function can only be called on FUNCTION LOAD command');
          return st.raise();
        }),
    );
    lua.pushFunction((st) => {
      st.pushBoolean(st.L === this.thread);
      return 1;
    });
    lua.pushString(REDIS_VERSION);
    const [major, minor, patch] = REDIS_VERSION.split('.').map(Number) as [number, number, number];
    lua.pushNumber((major << 16) | (minor << 8) | patch);
    if (lua.pcall(12, 3, 0) !== 0) throw new Error(`Lua prelude: ${lua.toString(-1)}`);
    this.loadModeRef = lua.ref();
    this.errorWhereRef = lua.ref();
    // From here on, code sees the read-only proxy as its globals; the real table stays
    // reachable through the registry for KEYS and ARGV.
    lua.pushValue(LUA_GLOBALSINDEX);
    this.globalsRef = lua.ref();
    // pairs(t) = next, t, nil with the prelude's see-through next; a C function, so a bad
    // argument is reported as Redis reports it ("bad argument #1 to 'pairs'").
    const pairs = lua.register((st) => {
      st.m._luaL_checktype(st.L, 1, LuaType.Table);
      st.pushValue(LUA_GLOBALSINDEX - 1);
      st.pushValue(1);
      st.pushNil();
      return 3;
    });
    lua.pushRef(this.globalsRef);
    lua.rawGetField(-1, 'next');
    lua.pushClosure(pairs, 1);
    lua.rawSetField(-2, 'pairs');
    lua.pop();
    lua.m._lua_replace(lua.L, LUA_GLOBALSINDEX);
    this.hook = lua.m.addFunction((L: number) => this.onHook(L), 'vii');
  }

  close(): void {
    this.running = null;
    this.lua.m.removeFunction(this.hook);
    if (this.loadHook !== 0) this.lua.m.removeFunction(this.loadHook);
    this.lua.close();
  }

  get memoryUsed(): number {
    return this.lua.memoryUsed;
  }

  /** Compiles code into the registry: its ref, or the compiler's message. */
  compile(code: string, chunkName: string): number | string {
    const err = this.lua.load(code, chunkName);
    return err !== null ? err : this.lua.ref();
  }

  release(ref: number): void {
    this.lua.unref(ref);
  }

  collectGarbage(): void {
    this.lua.fullGc();
  }

  /**
   * Runs a library's code (FUNCTION LOAD) with only the load-time API in reach, within
   * timeoutMs (0: no limit). Returns null, or Redis's error text.
   */
  loadLibrary(code: string, timeoutMs: number): string | null {
    const lua = this.lua;
    const compiled = lua.load(code, '@user_function');
    if (compiled !== null) return oneLine(`ERR Error compiling function: ${compiled}`);
    this.setLoadMode(true);
    if (timeoutMs > 0) {
      if (this.loadHook === 0) {
        // Raising from a count hook is allowed: the library's code stops where it is.
        this.loadHook = lua.m.addFunction((L: number) => {
          if (performance.now() <= this.loadDeadline) return;
          lua.m._lua_sethook(L, 0, 0, 0);
          this.pushErrorTable('ERR FUNCTION LOAD timeout');
          lua.raise();
        }, 'vii');
      }
      this.loadDeadline = performance.now() + timeoutMs;
      lua.m._lua_sethook(lua.L, this.loadHook, LUA_MASKCOUNT, LOAD_HOOK_INSTRUCTIONS);
    }
    let rc: number;
    try {
      rc = lua.pcall(0, 0, 0);
    } finally {
      lua.m._lua_sethook(lua.L, 0, 0, 0);
      this.setLoadMode(false);
    }
    if (rc === 0) return null;
    let message: string;
    if (lua.type(-1) === LuaType.Table) {
      lua.rawGetField(-1, 'err');
      message = lua.type(-1) === LuaType.String ? lua.toString(-1) : 'ERR unknown error';
      lua.pop();
    } else message = `ERR ${lua.type(-1) === LuaType.String ? lua.toString(-1) : 'unknown error'}`;
    lua.top = 0;
    if (rc === 4) lua.fullGc();
    return oneLine(`ERR Error registering functions: ${message}`);
  }

  private setLoadMode(on: boolean): void {
    const lua = this.lua;
    lua.pushRef(this.loadModeRef);
    lua.pushBoolean(on);
    if (lua.pcall(1, 0, 0) !== 0) throw new Error(`Lua load mode: ${lua.toString(-1)}`);
  }

  /**
   * Runs a compiled script or function for s and writes its reply. It runs as a coroutine:
   * past busy-reply-threshold, a yieldable run gives the event loop a turn every few
   * milliseconds (others get BUSY, SCRIPT KILL can stop it) and finishes later; s is
   * suspended meanwhile (Session.suspended) and its reply comes when the script ends.
   */
  run(s: Session, call: Invocation, yieldable: boolean): void {
    const lua = this.lua;
    if (this.running !== null) throw new Error('a script is already running on this Lua runtime');
    if (this.thread === 0) {
      const { thread, ref } = lua.newThread();
      this.thread = thread;
      this.threadRef = ref;
      lua.m._lua_sethook(thread, this.hook, LUA_MASKCOUNT, BUSY_HOOK_INSTRUCTIONS);
    }
    const { argv, numkeys } = call;
    const nargs = argv.length - 3 - numkeys;
    // Stack: the function, then (EVAL) the globals table that gets KEYS and ARGV.
    lua.pushRef(call.ref);
    if (call.asGlobals) lua.pushRef(this.globalsRef);
    lua.newTable(numkeys, 0);
    for (let i = 0; i < numkeys; i++) {
      lua.pushString(argv[3 + i]!);
      lua.rawSetI(-2, i + 1);
    }
    if (call.asGlobals) lua.rawSetField(-2, 'KEYS');
    lua.newTable(nargs, 0);
    for (let i = 0; i < nargs; i++) {
      lua.pushString(argv[3 + numkeys + i]!);
      lua.rawSetI(-2, i + 1);
    }
    if (call.asGlobals) {
      lua.rawSetField(-2, 'ARGV');
      lua.pop();
    }
    // The function (and a function's keys and args) move to the script's thread.
    const params = call.asGlobals ? 0 : 2;
    lua.moveTo(this.thread, params + 1);

    const client = this.client;
    client.select(s.dbIndex);
    client.inExec = true;
    this.replySink.resp = 2;
    this.caller = s;
    this.readonlyScript = call.readonly;
    this.allowOom = call.allowOom;
    client.propagateWrites = true;
    this.readKeys = [];
    const now = performance.now();
    this.running = {
      s,
      call,
      startedAt: now,
      sliceStart: now,
      clock: this.engine.clock.now,
      dirtyBefore: this.engine.keyspace.dirty,
      wrote: false,
      yieldable,
      suspended: false,
      killed: false,
    };
    this.step(params);
  }

  /** Resumes the script's thread; it finishes or yields again. */
  private step(nargs: number): void {
    const run = this.running!;
    let rc: number;
    try {
      rc = this.lua.m._lua_resume(this.thread, nargs);
    } catch (e) {
      // A JS exception out of Lua (a bug in a bridge function): the script fails, the server goes on.
      this.engine.log.warning(`Lua script failed: ${(e as Error).stack ?? e}`);
      this.lua.m._lua_settop(this.thread, 0);
      this.lua.pushString(`internal error: ${(e as Error).message}`);
      this.lua.moveTo(this.thread, 1);
      rc = 2;
    }
    if (rc === LUA_YIELD) {
      run.sliceStart = performance.now();
      if (!run.suspended) {
        run.suspended = true;
        this.engine.log.warning(
          `Slow script detected: still in execution after ${Math.round(run.sliceStart - run.startedAt)} milliseconds. You can try killing the script using the ${run.call.asGlobals ? 'SCRIPT KILL' : 'FUNCTION KILL'} command. Script name is: ${run.call.name}.`,
        );
        this.engine.scriptSuspended(run.s, this.busyInfo(run));
      }
      setImmediate(() => {
        if (this.running !== run || this.lua.closed) return;
        // The script sees one instant, as it would had it run without a pause.
        this.engine.clock.now = run.clock;
        this.engine.tracking.current = run.s;
        this.step(0);
      });
      return;
    }
    this.finish(run, rc);
  }

  private finish(run: Running, rc: number): void {
    const lua = this.lua;
    const { s, call } = run;
    const client = this.client;
    this.running = null;
    this.caller = null;
    client.inExec = false;
    const aof = this.engine.aof;
    // A script's writes are one transaction in the log (unless the caller's EXEC is one already).
    if (aof.enabled && !s.inExec) aof.endTransaction(client);
    if (client.aofOffset > s.aofOffset) s.aofOffset = client.aofOffset;
    // As Redis does, only a script that wrote nothing leaves its reads tracked.
    if (this.readKeys.length > 0 && this.engine.keyspace.dirty === run.dirtyBefore) this.engine.tracking.remember(s, this.readKeys);
    const thread = this.thread;
    if (rc === 0) {
      // The first result (nil when none) goes to the main thread for conversion.
      lua.m._lua_settop(thread, 1);
      lua.m._lua_xmove(thread, lua.L, 1);
      this.replyFromLua(s.reply, -1, 0);
    } else {
      lua.m._lua_xmove(thread, lua.L, 1);
      if (rc !== LUA_ERRMEM) {
        // Where it failed: the dead thread's stack is still there to read.
        lua.pushRef(this.errorWhereRef);
        lua.m._lua_insert(lua.L, -2);
        lua.pushRef(this.threadRef);
        lua.m._lua_insert(lua.L, -2);
        if (lua.pcall(2, 1, 0) !== 0) lua.top = 0;
      }
      this.replyScriptError(s, call.name, rc);
      // A thread that raised cannot run again.
      lua.unref(this.threadRef);
      this.thread = 0;
      this.threadRef = 0;
    }
    lua.top = 0;
    if (this.thread !== 0) lua.m._lua_settop(this.thread, 0);
    if (run.suspended) this.engine.scriptFinished(s);
  }

  private busyInfo(run: Running): BusyScript {
    return {
      isEval: run.call.asGlobals,
      name: run.call.name,
      argv: run.call.argv,
      startedAt: run.startedAt,
      wrote: () => run.wrote,
      kill: () => {
        run.killed = true;
        // The hook fires at once on resume, and on every line after: a pcall cannot catch it for good.
        this.lua.m._lua_sethook(this.thread, this.hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
      },
    };
  }

  /** The count hook on the script's thread: kills, and yields once the script is slow. */
  private onHook(L: number): void {
    const run = this.running;
    if (run === null) return;
    if (run.killed) {
      this.lua.m._lua_sethook(L, this.hook, LUA_MASKLINE, 0);
      this.lua.L = L;
      try {
        this.pushErrorTable('ERR Script killed by user with SCRIPT KILL...');
        this.lua.raise();
      } finally {
        this.lua.L = this.lua.mainThread;
      }
      return;
    }
    if (!run.yieldable || L !== this.thread) return;
    const threshold = this.engine.config.busyReplyThreshold;
    if (threshold <= 0) return;
    const now = performance.now();
    if (now - run.startedAt < threshold) return;
    if (run.suspended && now - run.sliceStart < BUSY_SLICE_MS) return;
    if (!this.lua.mayYield(L)) return;
    this.lua.m._lua_yield(L, 0);
  }

  private replyScriptError(s: Session, sha: string, rc: number): void {
    const lua = this.lua;
    let message: string;
    let where = '';
    if (lua.type(-1) === LuaType.Table) {
      lua.rawGetField(-1, 'err');
      message = lua.type(-1) === LuaType.String ? lua.toString(-1) : 'ERR unknown error';
      lua.pop();
      lua.rawGetField(-1, 'source');
      const source = lua.type(-1) === LuaType.String ? lua.toString(-1) : null;
      lua.pop();
      lua.rawGetField(-1, 'line');
      const line = lua.type(-1) === LuaType.Number ? lua.toNumber(-1) : null;
      lua.pop();
      if (source !== null && line !== null) where = `, on ${source}:${line}.`;
    } else if (rc === 4) {
      message = `ERR Lua script used more than ${LUA_MEMORY_LIMIT / 1024 / 1024} MB of memory`;
      // Give the memory back now rather than at the next collection.
      lua.top = 0;
      lua.fullGc();
    } else {
      message = `ERR ${lua.type(-1) === LuaType.String ? lua.toString(-1) : 'unknown error'}`;
    }
    s.reply.error(oneLine(`${message} script: ${sha}${where}`));
  }

  /** redis.call / redis.pcall: returns (reply) or (error table, true). */
  private callFromLua(lua: LuaState): number {
    const n = lua.top;
    const fail = (text: string): number => {
      lua.top = 0;
      this.pushErrorTable(text);
      lua.pushBoolean(true);
      return 2;
    };
    if (n === 0) return fail('ERR Please specify at least one argument for this redis lib call');
    const argv: string[] = new Array(n);
    for (let i = 1; i <= n; i++) {
      const t = lua.type(i);
      if (t === LuaType.String) argv[i - 1] = lua.toString(i);
      else if (t === LuaType.Number) argv[i - 1] = formatG17(lua.toNumber(i));
      else return fail('ERR Lua redis lib command arguments must be strings or integers');
    }
    lua.top = 0;
    const caller = this.caller;
    if (caller === null) return fail('ERR redis.call used outside a script');
    const engine = this.engine;
    let cmd: Command | undefined = engine.commands.get(argv[0]!);
    if (cmd !== undefined && cmd.subcommandTable !== null && argv.length >= 2) cmd = cmd.subcommandTable.get(argv[1]!.toLowerCase());
    if (cmd === undefined || cmd.handler === undefined) return fail('ERR Unknown Redis command called from script');
    if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) return fail('ERR Wrong number of args calling Redis command from script');
    if (cmd.flagSet.has('noscript')) return fail('ERR This Redis command is not allowed from script');
    if (cmd.isWrite) {
      if (this.readonlyScript) return fail('ERR Write commands are not allowed from read-only scripts.');
      const refusal = engine.writesRefused();
      if (refusal !== null) return fail(refusal);
    }
    // Over maxmemory when the script started: its first write may not grow memory (Redis's
    // scriptVerifyOOM); after a write it must go on, or it would stop half done.
    if (engine.preCommandOom && !this.allowOom && cmd.flagSet.has('denyoom') && !(this.running?.wrote ?? false)) return fail(OOM_ERROR);
    if (cmd.isWrite) {
      // From here on SCRIPT KILL refuses: the dataset may have changed (Redis's SCRIPT_WRITE_DIRTY).
      if (this.running !== null) this.running.wrote = true;
    }
    engine.runHandler(this.client, cmd, argv);
    cmd.stats.calls++;
    engine.stats.commandsProcessed++;
    const reply = this.replySink.take();
    if (reply instanceof ErrorText) {
      cmd.stats.failed++;
      return fail(reply.text);
    }
    // A script's reads count as its caller's for client-side caching (see run()).
    if (caller.tracking !== null && !caller.tracking.bcast && cmd.flagSet.has('readonly')) {
      const positions = keysOf(cmd, argv);
      if (positions !== null) for (const i of positions) this.readKeys.push(argv[i]!);
    }
    if (!lua.checkStack(8)) return fail('ERR reached lua stack limit');
    this.pushNode(reply ?? null, 0);
    return 1;
  }

  private pushErrorTable(text: string): void {
    // An error reply "CODE message" is kept whole; Redis's luaPushErrorBuff.
    const lua = this.lua;
    lua.newTable(0, 1);
    lua.pushString(text.startsWith('-') ? text.slice(1) : text);
    lua.rawSetField(-2, 'err');
  }

  /** A command reply converted to Lua by Redis's RESP-to-Lua rules. */
  private pushNode(node: ReplyNode, depth: number): void {
    const lua = this.lua;
    if (depth > MAX_DEPTH || !lua.checkStack(4)) {
      lua.pushNil();
      return;
    }
    if (typeof node === 'string') lua.pushString(node);
    else if (typeof node === 'number') lua.pushNumber(node);
    else if (typeof node === 'boolean') lua.pushBoolean(node);
    else if (node === null) lua.pushNil();
    else if (Array.isArray(node)) {
      lua.newTable(node.length, 0);
      for (let i = 0; i < node.length; i++) {
        this.pushNode(node[i]!, depth + 1);
        lua.rawSetI(-2, i + 1);
      }
    } else if (node instanceof Status) {
      lua.newTable(0, 1);
      lua.pushString(node.text);
      lua.rawSetField(-2, 'ok');
    } else if (node instanceof ErrorText) {
      this.pushErrorTable(node.text);
    } else if (node instanceof MapReply) {
      lua.newTable(0, 1);
      lua.newTable(0, node.items.length / 2);
      for (let i = 0; i < node.items.length; i += 2) {
        this.pushNode(node.items[i]!, depth + 1);
        this.pushNode(node.items[i + 1]!, depth + 1);
        lua.m._lua_rawset(lua.L, -3);
      }
      lua.rawSetField(-2, 'map');
    } else if (node instanceof SetReply) {
      lua.newTable(0, 1);
      lua.newTable(0, node.items.length);
      for (const item of node.items) {
        this.pushNode(item, depth + 1);
        lua.pushBoolean(true);
        lua.m._lua_rawset(lua.L, -3);
      }
      lua.rawSetField(-2, 'set');
    } else if (node instanceof DoubleReply) {
      lua.newTable(0, 1);
      lua.pushNumber(node.value);
      lua.rawSetField(-2, 'double');
    } else if (node instanceof Verbatim) {
      lua.newTable(0, 1);
      lua.newTable(0, 2);
      lua.pushString('txt');
      lua.rawSetField(-2, 'format');
      lua.pushString(node.text);
      lua.rawSetField(-2, 'string');
      lua.rawSetField(-2, 'verbatim_string');
    } else lua.pushNil();
  }

  /** The Lua value at idx written as a reply, by Redis's Lua-to-RESP rules. */
  private replyFromLua(r: SessionReply, idx: number, depth: number): void {
    const lua = this.lua;
    const abs = idx < 0 ? lua.top + idx + 1 : idx;
    if (depth > MAX_DEPTH || !lua.checkStack(4)) {
      r.error('ERR reached lua stack limit');
      return;
    }
    switch (lua.type(abs)) {
      case LuaType.String:
        r.bulk(lua.toString(abs));
        return;
      case LuaType.Boolean:
        if (this.replySink.resp === 2) {
          if (lua.toBoolean(abs)) r.integer(1);
          else r.nil();
        } else r.boolean(lua.toBoolean(abs));
        return;
      case LuaType.Number:
        r.integer(luaNumberToInteger(lua.toNumber(abs)));
        return;
      case LuaType.Table:
        break;
      default:
        r.nil();
        return;
    }
    // {err=...}, {ok=...}, RESP3 shapes, or an array up to the first nil.
    lua.rawGetField(abs, 'err');
    if (lua.type(-1) === LuaType.String) {
      const text = lua.toString(-1);
      lua.pop();
      r.error(oneLine(text));
      return;
    }
    lua.pop();
    lua.rawGetField(abs, 'ok');
    if (lua.type(-1) === LuaType.String) {
      const text = lua.toString(-1);
      lua.pop();
      r.simple(oneLine(text));
      return;
    }
    lua.pop();
    lua.rawGetField(abs, 'double');
    if (lua.type(-1) === LuaType.Number) {
      const value = lua.toNumber(-1);
      lua.pop();
      r.double(value);
      return;
    }
    lua.pop();
    lua.rawGetField(abs, 'map');
    if (lua.type(-1) === LuaType.Table) {
      this.replyPairs(r, lua.top, depth, false);
      lua.pop();
      return;
    }
    lua.pop();
    lua.rawGetField(abs, 'set');
    if (lua.type(-1) === LuaType.Table) {
      this.replyPairs(r, lua.top, depth, true);
      lua.pop();
      return;
    }
    lua.pop();
    let n = 0;
    for (;;) {
      lua.rawGetI(abs, n + 1);
      const nil = lua.type(-1) === LuaType.Nil;
      lua.pop();
      if (nil) break;
      n++;
    }
    r.array(n);
    for (let i = 1; i <= n; i++) {
      lua.rawGetI(abs, i);
      this.replyFromLua(r, -1, depth + 1);
      lua.pop();
    }
  }

  /** A {map=...} or {set=...} table: its pairs (or keys) as a map (or set) reply. */
  private replyPairs(r: SessionReply, abs: number, depth: number, keysOnly: boolean): void {
    const lua = this.lua;
    let count = 0;
    lua.pushNil();
    while (lua.m._lua_next(lua.L, abs) !== 0) {
      count++;
      lua.pop();
    }
    if (keysOnly) r.set(count);
    else r.map(count);
    lua.pushNil();
    while (lua.m._lua_next(lua.L, abs) !== 0) {
      // Key at -2, value at -1; lua_next needs the key back unchanged.
      this.replyFromLua(r, -2, depth + 1);
      if (!keysOnly) this.replyFromLua(r, -1, depth + 1);
      lua.pop();
    }
  }
}
