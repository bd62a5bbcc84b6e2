/**
 * Redis functions: libraries of Lua code loaded once (FUNCTION LOAD), whose registered
 * functions clients call by name (FCALL). Libraries are data, like keys: they persist in
 * RDB and AOF and travel in FUNCTION DUMP payloads. All libraries share one Lua runtime,
 * separate from EVAL's; FUNCTION FLUSH throws it away with them.
 */
import type { Engine } from '../engine/engine.js';
import type { Session } from '../engine/session.js';
import { parseInt64 } from '../commands/util.js';
import { ByteSource, TruncatedError } from '../persistence/byte-source.js';
import { crc64 } from '../persistence/crc64.js';
import { RdbDecoder, RdbError } from '../persistence/rdb-decoder.js';
import { RdbEncoder } from '../persistence/rdb-encoder.js';
import { OPCODE_FUNCTION, OPCODE_FUNCTION2, RDB_VERSION } from '../persistence/rdb-format.js';
import { verifyPayload } from '../persistence/dump.js';
import { encodingLimits } from '../persistence/persistence.js';
import { LuaType, type LuaState } from './lua.js';
import { FLAG_ALLOW_OOM, FLAG_NO_WRITES, LuaRuntime, SCRIPT_FLAG_NAMES, mayRun, mayYield, scriptFlagBit } from './runtime.js';

/** FUNCTION LOAD's time budget for a library's top-level code, as Redis's (none when replaying the AOF). */
export const FUNCTION_LOAD_TIMEOUT_MS = 500;

export interface FunctionInfo {
  name: string;
  ref: number;
  flags: number;
  description: string | null;
}

export interface Library {
  name: string;
  /** The whole payload, shebang included, as FUNCTION LIST WITHCODE shows it. */
  code: string;
  /** By exact name, in registration order. */
  functions: Map<string, FunctionInfo>;
}

/** Libraries and their functions; function names are case-insensitive, as in Redis. */
class LibrarySet {
  readonly libraries = new Map<string, Library>();
  readonly functions = new Map<string, FunctionInfo>();

  link(lib: Library): void {
    this.libraries.set(lib.name, lib);
    for (const fn of lib.functions.values()) {
      const key = fn.name.toLowerCase();
      if (!this.functions.has(key)) this.functions.set(key, fn);
    }
  }

  unlink(lib: Library): void {
    this.libraries.delete(lib.name);
    for (const fn of lib.functions.values()) {
      const key = fn.name.toLowerCase();
      if (this.functions.get(key) === fn) this.functions.delete(key);
    }
  }

  /** The first function of lib whose name another library here already has, or null. */
  collision(lib: Library): FunctionInfo | null {
    for (const fn of lib.functions.values()) if (this.functions.has(fn.name.toLowerCase())) return fn;
    return null;
  }
}

/** Redis's function and library names: letters, digits and underscores, at least one. */
function validName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}

const NAME_ERROR = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** Redis's sdssplitargs-free reading of "#!lua name=x": engine and name, or the error. */
function libraryMetadata(code: string): { engine: string; name: string; body: string } | { error: string } {
  if (!code.startsWith('#!')) return { error: 'ERR Missing library metadata' };
  const end = code.indexOf('\n');
  if (end < 0) return { error: 'ERR Invalid library metadata' };
  const parts = code
    .slice(0, end)
    .split(/[ \t\r\f\v]+/)
    .filter((p) => p !== '');
  if (parts.length === 0) return { error: 'ERR Invalid library metadata' };
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return { error: 'ERR Invalid metadata value, name argument was given multiple times' };
      name = part.slice(5);
      continue;
    }
    return { error: `ERR Invalid metadata value given: ${part}` };
  }
  if (name === null) return { error: 'ERR Library name was not given' };
  return { engine: parts[0]!.slice(2), name, body: code.slice(end) };
}

export class Functions {
  private runtime: LuaRuntime;
  private current = new LibrarySet();
  /** The library whose code is running under FUNCTION LOAD, collecting its functions. */
  private loading: Library | null = null;

  constructor(private readonly engine: Engine) {
    this.runtime = this.newRuntime();
  }

  private newRuntime(): LuaRuntime {
    return new LuaRuntime(this.engine, (st) => this.registerFunction(st));
  }

  close(): void {
    this.runtime.close();
  }

  get libraryCount(): number {
    return this.current.libraries.size;
  }

  get functionCount(): number {
    return this.current.functions.size;
  }

  get memoryUsed(): number {
    return this.runtime.memoryUsed;
  }

  /** Bytes of library code and function records held (INFO's used_memory_functions, roughly). */
  get overheadBytes(): number {
    let n = 0;
    for (const lib of this.current.libraries.values()) n += lib.code.length + lib.name.length + 64 + lib.functions.size * 96;
    return n;
  }

  /** Library codes, for RDB, AOF rewrite and FUNCTION DUMP. */
  libraryCodes(): string[] {
    return [...this.current.libraries.values()].map((lib) => lib.code);
  }

  /**
   * Compiles and links a library into set (the current one unless given). Returns the
   * library's name, or Redis's error text.
   */
  create(code: string, replace: boolean, timeoutMs: number, set: LibrarySet = this.current): { name: string } | { error: string } {
    const meta = libraryMetadata(code);
    if ('error' in meta) return meta;
    if (!validName(meta.name)) return { error: `ERR ${NAME_ERROR}` };
    if (meta.engine.toLowerCase() !== 'lua') return { error: `ERR Engine '${meta.engine}' not found` };
    const old = set.libraries.get(meta.name) ?? null;
    if (old !== null && !replace) return { error: `ERR Library '${meta.name}' already exists` };
    const lib: Library = { name: meta.name, code, functions: new Map() };
    if (old !== null) set.unlink(old);
    this.loading = lib;
    let error: string | null;
    try {
      error = this.runtime.loadLibrary(meta.body, timeoutMs);
    } finally {
      this.loading = null;
    }
    if (error === null && lib.functions.size === 0) error = 'ERR No functions registered';
    if (error === null) {
      const clash = set.collision(lib);
      if (clash !== null) error = `ERR Function ${clash.name} already exists`;
    }
    if (error !== null) {
      this.releaseLibrary(lib);
      if (old !== null) set.link(old);
      return { error };
    }
    set.link(lib);
    if (old !== null) this.releaseLibrary(old);
    return { name: lib.name };
  }

  private releaseLibrary(lib: Library): void {
    for (const fn of lib.functions.values()) this.runtime.release(fn.ref);
  }

  /** redis.register_function, called by a library's code while FUNCTION LOAD runs it. */
  private registerFunction(st: LuaState): number {
    let callbackRef = -1;
    const fail = (text: string): number => {
      if (callbackRef >= 0) st.unref(callbackRef);
      st.top = 0;
      st.newTable(0, 1);
      st.pushString(`ERR ${text}`);
      st.rawSetField(-2, 'err');
      return st.raise();
    };
    const lib = this.loading;
    if (lib === null) return fail('redis.register_function can only be called on FUNCTION LOAD command');
    const argc = st.top;
    if (argc < 1 || argc > 2) return fail('wrong number of arguments to redis.register_function');
    let name: string | null = null;
    let description: string | null = null;
    let flags = 0;
    // A string or a number reads as a string (Lua's lua_isstring), anything else is null.
    const stringAt = (idx: number): string | null => {
      const t = st.type(idx);
      if (t !== LuaType.String && t !== LuaType.Number) return null;
      st.pushValue(idx);
      const text = st.toString(-1);
      st.pop();
      return text;
    };
    if (argc === 2) {
      name = stringAt(1);
      if (name === null) return fail('first argument to redis.register_function must be a string');
      if (st.type(2) !== LuaType.Function) return fail('second argument to redis.register_function must be a function');
      st.pushValue(2);
      callbackRef = st.ref();
    } else {
      if (st.type(1) !== LuaType.Table) {
        return fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).');
      }
      st.pushNil();
      while (st.m._lua_next(st.L, 1) !== 0) {
        // Stack: table, key, value.
        const key = stringAt(-2);
        if (key === null) return fail('named argument key given to redis.register_function is not a string');
        switch (key.toLowerCase()) {
          case 'function_name':
            name = stringAt(-1);
            if (name === null) return fail('function_name argument given to redis.register_function must be a string');
            break;
          case 'description':
            description = stringAt(-1);
            if (description === null) return fail('description argument given to redis.register_function must be a string');
            break;
          case 'callback':
            if (st.type(-1) !== LuaType.Function) return fail('callback argument given to redis.register_function must be a function');
            if (callbackRef >= 0) st.unref(callbackRef);
            st.pushValue(-1);
            callbackRef = st.ref();
            break;
          case 'flags': {
            if (st.type(-1) !== LuaType.Table) return fail('flags argument to redis.register_function must be a table representing function flags');
            const table = st.top;
            for (let i = 1; ; i++) {
              st.rawGetI(table, i);
              if (st.type(-1) === LuaType.Nil) {
                st.pop();
                break;
              }
              const flag = stringAt(-1);
              st.pop();
              const bit = flag === null ? 0 : scriptFlagBit(flag);
              if (bit === 0) return fail('unknown flag given');
              flags |= bit;
            }
            break;
          }
          default:
            return fail('unknown argument given to redis.register_function');
        }
        st.pop();
      }
      if (name === null) return fail('redis.register_function must get a function name argument');
      if (callbackRef < 0) return fail('redis.register_function must get a callback argument');
    }
    if (!validName(name)) return fail(NAME_ERROR);
    if (lib.functions.has(name)) return fail('Function already exists in the library');
    st.top = 0;
    lib.functions.set(name, { name, ref: callbackRef, flags, description });
    return 0;
  }

  delete(name: string): boolean {
    const lib = this.current.libraries.get(name);
    if (lib === undefined) return false;
    this.current.unlink(lib);
    this.releaseLibrary(lib);
    return true;
  }

  /** FUNCTION FLUSH: every library goes, and the Lua state with them. */
  flush(): void {
    this.runtime.close();
    this.current = new LibrarySet();
    this.runtime = this.newRuntime();
  }

  /** The flags of a function, or null when there is none of that name. */
  declaredFlags(name: string): number | null {
    return this.current.functions.get(name.toLowerCase())?.flags ?? null;
  }

  /** FCALL / FCALL_RO name numkeys key... arg... */
  call(s: Session, argv: string[], readonlyCommand: boolean): void {
    const fn = this.current.functions.get(argv[1]!.toLowerCase());
    if (fn === undefined) return s.reply.error('ERR Function not found');
    const numkeys = parseInt64(argv[2]!);
    if (numkeys === null) return s.reply.error('ERR Bad number of keys provided');
    if (numkeys > argv.length - 3) return s.reply.error("ERR Number of keys can't be greater than number of args");
    if (numkeys < 0) return s.reply.error("ERR Number of keys can't be negative");
    if (!mayRun(s, fn.flags, readonlyCommand)) return;
    const readonly = readonlyCommand || (fn.flags & FLAG_NO_WRITES) !== 0;
    this.runtime.run(s, { name: fn.name, ref: fn.ref, argv, numkeys, asGlobals: false, readonly, allowOom: (fn.flags & FLAG_ALLOW_OOM) !== 0 }, mayYield(s));
  }

  /** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE], arguments already parsed. */
  list(s: Session, pattern: ((name: string) => boolean) | null, withCode: boolean): void {
    const r = s.reply;
    const libs = [...this.current.libraries.values()].filter((lib) => pattern === null || pattern(lib.name));
    r.array(libs.length);
    for (const lib of libs) {
      r.map(withCode ? 4 : 3);
      r.bulk('library_name');
      r.bulk(lib.name);
      r.bulk('engine');
      r.bulk('LUA');
      r.bulk('functions');
      r.array(lib.functions.size);
      for (const fn of lib.functions.values()) {
        r.map(3);
        r.bulk('name');
        r.bulk(fn.name);
        r.bulk('description');
        if (fn.description === null) r.nil();
        else r.bulk(fn.description);
        r.bulk('flags');
        const names = SCRIPT_FLAG_NAMES.filter((_, i) => (fn.flags & (1 << i)) !== 0);
        r.set(names.length);
        for (const flag of names) r.simple(flag);
      }
      if (withCode) {
        r.bulk('library_code');
        r.bulk(lib.code);
      }
    }
  }

  stats(s: Session): void {
    const r = s.reply;
    r.map(2);
    r.bulk('running_script');
    const busy = this.engine.busyScript;
    if (busy === null) r.nil();
    else {
      r.map(3);
      r.bulk('name');
      r.bulk(busy.name);
      r.bulk('command');
      r.array(busy.argv.length);
      for (const arg of busy.argv) r.bulk(arg);
      r.bulk('duration_ms');
      r.integer(Math.floor(performance.now() - busy.startedAt));
    }
    r.bulk('engines');
    r.map(1);
    r.bulk('LUA');
    r.map(2);
    r.bulk('libraries_count');
    r.integer(this.current.libraries.size);
    r.bulk('functions_count');
    r.integer(this.current.functions.size);
  }

  /** FUNCTION DUMP: each library as RDB's FUNCTION2 record, then the RDB version and a CRC-64. */
  dump(): string {
    const enc = new RdbEncoder(true);
    for (const code of this.libraryCodes()) {
      enc.byte(OPCODE_FUNCTION2);
      enc.string(code);
    }
    enc.byte(RDB_VERSION & 0xff);
    enc.byte(RDB_VERSION >> 8);
    const body = enc.take();
    return Buffer.concat([body, crc64(body)]).toString('latin1');
  }

  /** FUNCTION RESTORE payload with policy: null, or the error to reply. */
  restore(payloadText: string, policy: 'flush' | 'append' | 'replace'): string | null {
    const payload = Buffer.from(payloadText, 'latin1');
    if (!verifyPayload(payload)) return 'ERR DUMP payload version or checksum are wrong';
    const src = ByteSource.fromBuffer(payload.subarray(0, payload.length - 10));
    const dec = new RdbDecoder(src, encodingLimits(this.engine));
    const set = new LibrarySet();
    const fail = (error: string): string => {
      for (const lib of set.libraries.values()) this.releaseLibrary(lib);
      return error;
    };
    while (src.offset < payload.length - 10) {
      let code: string;
      try {
        const type = src.u8();
        if (type === OPCODE_FUNCTION) return fail('ERR Pre-GA function format not supported');
        if (type !== OPCODE_FUNCTION2) return fail('ERR given type is not a function');
        code = dec.string();
      } catch (e) {
        if (e instanceof RdbError || e instanceof TruncatedError) return fail('ERR failed loading the given functions payload');
        throw e;
      }
      // Loading from a payload has no time limit, as for a replica or the AOF in Redis.
      const created = this.create(code, false, 0, set);
      if ('error' in created) return fail(created.error);
    }
    if (policy === 'flush') {
      for (const lib of this.current.libraries.values()) this.releaseLibrary(lib);
      this.current = set;
      return null;
    }
    // Join: a name clash aborts (APPEND) or replaces the old library (REPLACE).
    const replaced: Library[] = [];
    for (const lib of set.libraries.values()) {
      const old = this.current.libraries.get(lib.name);
      if (old === undefined) continue;
      if (policy === 'append') return fail(`ERR Library ${lib.name} already exists`);
      this.current.unlink(old);
      replaced.push(old);
    }
    for (const lib of set.libraries.values()) {
      const clash = this.current.collision(lib);
      if (clash !== null) {
        for (const old of replaced) this.current.link(old);
        return fail(`ERR Function ${clash.name} already exists`);
      }
    }
    for (const lib of set.libraries.values()) this.current.link(lib);
    for (const old of replaced) this.releaseLibrary(old);
    return null;
  }

  /** A library from an RDB file or the AOF: no time limit; throws with Redis's reason on failure. */
  loadPersisted(code: string): void {
    const created = this.create(code, false, 0);
    if ('error' in created) throw new Error(`Failed loading library: ${created.error.replace(/^ERR /, '')}`);
  }
}

