/**
 * A Lua 5.1 state (the Lua Redis embeds) running in WebAssembly (wasmoon-lua5.1), driven
 * through Lua's C API. Strings cross the boundary as bytes: a Redis value is binary, so
 * nothing here goes through UTF-8. Knows nothing of Redis; scripting.ts builds on it.
 *
 * The WebAssembly module is compiled once per process (loadLua) and shared: each state is
 * an independent lua_State inside it, with its own allocation budget.
 */
import wasmoon from 'wasmoon-lua5.1';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Module = any;

export const LUA_REGISTRYINDEX = -10000;
export const LUA_GLOBALSINDEX = -10002;
export const LUA_MULTRET = -1;
export const enum LuaType {
  None = -1,
  Nil = 0,
  Boolean = 1,
  LightUserdata = 2,
  Number = 3,
  String = 4,
  Table = 5,
  Function = 6,
  Userdata = 7,
  Thread = 8,
}
const LUA_GCCOLLECT = 2;
const LUA_GCCOUNT = 3;

let module: Module | null = null;
let loading: Promise<void> | null = null;

/** Compiles the WebAssembly Lua once per process. */
export function loadLua(): Promise<void> {
  if (loading === null) {
    loading = wasmoon.LuaApi.initialize().then((api: { module: Module }) => {
      module = api.module;
    });
  }
  return loading;
}

export function luaLoaded(): boolean {
  return module !== null;
}

/** A JS function Lua calls as a C function: reads its arguments off the state, returns how many results it pushed. */
export type LuaFunction = (state: LuaState) => number;

export class LuaState {
  readonly m: Module;
  /** The thread the C API calls act on: the main one, or the coroutine calling a LuaFunction now. */
  L: number;
  /** The state's main thread. */
  readonly mainThread: number;
  private used = 0;
  private readonly allocator: number;
  private readonly functions: number[] = [];
  /** A reusable buffer in the WebAssembly heap for bytes going into Lua. */
  private scratch = 0;
  private scratchSize = 0;
  private readonly lengthOut: number;
  private cScratch = 0;
  private cScratchSize = 0;
  private readonly cstrings = new Map<string, number>();
  closed = false;

  /** memoryLimit: bytes Lua may hold; an allocation beyond it fails as "not enough memory". */
  constructor(readonly memoryLimit: number) {
    if (module === null) throw new Error('Lua is not loaded (loadLua)');
    const m = (this.m = module);
    // Lua's allocator, with the budget: refusing an allocation makes Lua raise a memory
    // error the script's caller sees, instead of the process running out of memory.
    this.allocator = m.addFunction((_ud: number, ptr: number, oldSize: number, newSize: number) => {
      if (newSize === 0) {
        if (ptr !== 0) {
          this.used -= oldSize;
          m._free(ptr);
        }
        return 0;
      }
      const delta = ptr !== 0 ? newSize - oldSize : newSize;
      if (delta > 0 && this.used + delta > this.memoryLimit) return 0;
      const out = m._realloc(ptr, newSize);
      if (out !== 0) this.used += delta;
      return out;
    }, 'iiiii');
    this.L = m._lua_newstate(this.allocator, 0);
    if (this.L === 0) throw new Error('lua_newstate failed');
    this.mainThread = this.L;
    this.lengthOut = m._malloc(4);
  }

  /** Bytes Lua holds now. */
  get memoryUsed(): number {
    return this.used;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.m._lua_close(this.mainThread);
    this.m.removeFunction(this.allocator);
    for (const f of this.functions) this.m.removeFunction(f);
    if (this.scratch !== 0) this.m._free(this.scratch);
    if (this.cScratch !== 0) this.m._free(this.cScratch);
    this.m._free(this.lengthOut);
    for (const p of this.cstrings.values()) this.m._free(p);
  }

  /** A NUL-terminated copy of an ASCII name, kept for the state's life (field names). */
  cstr(name: string): number {
    let p = this.cstrings.get(name);
    if (p === undefined) {
      p = this.m.stringToNewUTF8(name) as number;
      this.cstrings.set(name, p);
    }
    return p;
  }

  private bytesIn(s: string): number {
    const n = s.length;
    if (n > this.scratchSize) {
      if (this.scratch !== 0) this.m._free(this.scratch);
      this.scratchSize = Math.max(n, 256, this.scratchSize * 2);
      this.scratch = this.m._malloc(this.scratchSize);
      if (this.scratch === 0) {
        this.scratchSize = 0;
        throw new Error('out of WebAssembly memory');
      }
    }
    const heap: Uint8Array = this.m.HEAPU8;
    const p = this.scratch;
    if (n < 64) for (let i = 0; i < n; i++) heap[p + i] = s.charCodeAt(i);
    else heap.set(Buffer.from(s, 'latin1'), p);
    return p;
  }

  /** Pushes a latin1 string (one char per byte) as a Lua string. */
  pushString(s: string): void {
    const p = s.length === 0 ? this.cstr('') : this.bytesIn(s);
    this.m._lua_pushlstring(this.L, p, s.length);
  }

  /** The bytes of the string (or number, as Lua converts it) at idx, as latin1. */
  toString(idx: number): string {
    const m = this.m;
    const p = m._lua_tolstring(this.L, idx, this.lengthOut);
    if (p === 0) return '';
    const len = m.HEAPU32[this.lengthOut >> 2] as number;
    return Buffer.from(m.HEAPU8.buffer, p, len).toString('latin1');
  }

  pushNumber(n: number): void {
    this.m._lua_pushnumber(this.L, n);
  }
  pushBoolean(b: boolean): void {
    this.m._lua_pushboolean(this.L, b ? 1 : 0);
  }
  pushNil(): void {
    this.m._lua_pushnil(this.L);
  }
  newTable(narr = 0, nrec = 0): void {
    this.m._lua_createtable(this.L, narr, nrec);
  }
  /** t[n] = top (pops it), t at idx. */
  rawSetI(idx: number, n: number): void {
    this.m._lua_rawseti(this.L, idx, n);
  }
  rawGetI(idx: number, n: number): void {
    this.m._lua_rawgeti(this.L, idx, n);
  }
  /** t[name] = top (pops it), without metamethods. */
  rawSetField(idx: number, name: string): void {
    const abs = idx < 0 && idx > LUA_REGISTRYINDEX ? this.top + idx + 1 : idx;
    this.pushString(name);
    this.m._lua_insert(this.L, -2);
    this.m._lua_rawset(this.L, abs);
  }
  /** Pushes t[name] without metamethods. */
  rawGetField(idx: number, name: string): void {
    const abs = idx < 0 && idx > LUA_REGISTRYINDEX ? this.top + idx + 1 : idx;
    this.pushString(name);
    this.m._lua_rawget(this.L, abs);
  }
  setGlobal(name: string): void {
    this.m._lua_setfield(this.L, LUA_GLOBALSINDEX, this.cstr(name));
  }
  getGlobal(name: string): void {
    this.m._lua_getfield(this.L, LUA_GLOBALSINDEX, this.cstr(name));
  }
  type(idx: number): LuaType {
    return this.m._lua_type(this.L, idx);
  }
  toNumber(idx: number): number {
    return this.m._lua_tonumber(this.L, idx);
  }
  toBoolean(idx: number): boolean {
    return this.m._lua_toboolean(this.L, idx) !== 0;
  }
  get top(): number {
    return this.m._lua_gettop(this.L);
  }
  set top(n: number) {
    this.m._lua_settop(this.L, n);
  }
  pop(n = 1): void {
    this.m._lua_settop(this.L, -n - 1);
  }
  pushValue(idx: number): void {
    this.m._lua_pushvalue(this.L, idx);
  }
  checkStack(n: number): boolean {
    return this.m._lua_checkstack(this.L, n) !== 0;
  }
  /** Pops the top value into the registry: a handle that keeps it alive. */
  ref(): number {
    return this.m._luaL_ref(this.L, LUA_REGISTRYINDEX);
  }
  unref(ref: number): void {
    this.m._luaL_unref(this.L, LUA_REGISTRYINDEX, ref);
  }
  pushRef(ref: number): void {
    this.m._lua_rawgeti(this.L, LUA_REGISTRYINDEX, ref);
  }

  /** Compiles a chunk onto the stack; returns null or the error message (left popped). */
  load(code: string, chunkName: string): string | null {
    const p = code.length === 0 ? this.cstr('') : this.bytesIn(code);
    const rc = this.m._luaL_loadbuffer(this.L, p, code.length, this.cstr(chunkName));
    if (rc === 0) return null;
    const message = this.toString(-1);
    this.pop();
    return message;
  }

  /** lua_pcall; 0 when it succeeded. */
  pcall(nargs: number, nresults: number, errfunc: number): number {
    return this.m._lua_pcall(this.L, nargs, nresults, errfunc);
  }

  /** Pushes a JS function as a Lua C function; it acts on the thread that calls it. */
  pushFunction(fn: LuaFunction): void {
    this.pushClosure(this.register(fn), 0);
  }

  /** Makes a JS function callable as a C function; the pointer lives as long as the state. */
  register(fn: LuaFunction): number {
    const ptr = this.m.addFunction((L: number) => {
      const outer = this.L;
      this.L = L;
      try {
        return fn(this);
      } finally {
        // Also when lua_error unwinds through here (a JS exception in this build).
        this.L = outer;
      }
    }, 'ii');
    this.functions.push(ptr);
    return ptr;
  }

  /** Pushes a registered function as a C closure over the top `upvalues` values (popped). */
  pushClosure(ptr: number, upvalues: number): void {
    this.m._lua_pushcclosure(this.L, ptr, upvalues);
  }

  /** luaL_checklstring: the argument's bytes as latin1, or Lua's "bad argument" error. */
  checkString(idx: number): string {
    const m = this.m;
    const p = m._luaL_checklstring(this.L, idx, this.lengthOut);
    const len = m.HEAPU32[this.lengthOut >> 2] as number;
    return Buffer.from(m.HEAPU8.buffer, p, len).toString('latin1');
  }

  checkNumber(idx: number): number {
    return this.m._luaL_checknumber(this.L, idx);
  }

  optInteger(idx: number, fallback: number): number {
    return this.m._luaL_optinteger(this.L, idx, fallback);
  }

  /** luaL_argerror: "bad argument #n to 'f' (message)", raised. */
  argError(idx: number, message: string): number {
    return this.m._luaL_argerror(this.L, idx, this.scratchCString(message));
  }

  /** luaL_error: the message with the caller's position ("user_script:3: ..."), raised. */
  error(message: string): number {
    this.m._luaL_where(this.L, 1);
    this.pushString(message);
    this.m._lua_concat(this.L, 2);
    return this.raise();
  }

  /** A NUL-terminated copy of text in a buffer reused by the next call (for messages Lua copies at once). */
  private scratchCString(text: string): number {
    const bytes = Buffer.from(text + '\0', 'latin1');
    if (bytes.length > this.cScratchSize) {
      if (this.cScratch !== 0) this.m._free(this.cScratch);
      this.cScratchSize = Math.max(bytes.length, 256);
      this.cScratch = this.m._malloc(this.cScratchSize);
    }
    this.m.HEAPU8.set(bytes, this.cScratch);
    return this.cScratch;
  }

  /** A new coroutine (lua_newthread), kept alive by a registry ref; pointer and ref. */
  newThread(): { thread: number; ref: number } {
    const thread = this.m._lua_newthread(this.L);
    return { thread, ref: this.ref() };
  }

  /** Moves n values from the top of this.L's stack to thread's. */
  moveTo(thread: number, n: number): void {
    this.m._lua_xmove(this.L, thread, n);
  }

  /**
   * Whether a count hook running on thread may lua_yield: only when no C call (pcall, a
   * metamethod, a C function's callback) sits between it and the resume, which Lua 5.1
   * would refuse with an error. Reads lua_State's nCcalls and baseCcalls (wasm32 layout of
   * Lua 5.1.5's lstate.h: offsets 52 and 54, checked by a test).
   */
  mayYield(thread: number): boolean {
    const heap: Uint16Array = this.m.HEAPU16;
    return heap[(thread + 52) >> 1] === heap[(thread + 54) >> 1];
  }

  /** Opens one of Lua's standard libraries by its luaopen_ name ("base", "table"...). */
  openLibrary(name: string): void {
    const fn = this.m[`_luaopen_${name}`] as ((L: number) => number) | undefined;
    if (fn === undefined) throw new Error(`no Lua library ${name}`);
    // luaopen_* must run as a Lua call (it may raise): push it as a C function and call it.
    this.pushFunction(() => fn(this.L));
    this.pushString(name);
    if (this.pcall(1, 0, 0) !== 0) throw new Error(`opening Lua library ${name}: ${this.toString(-1)}`);
  }

  /** lua_error: raises the value on top of the stack (from within a LuaFunction, as its return). */
  raise(): number {
    return this.m._lua_error(this.L);
  }

    fullGc(): void {
    this.m._lua_gc(this.L, LUA_GCCOLLECT, 0);
  }

  /** Kilobytes in use by Lua's own count (lua_gc LUA_GCCOUNT). */
  gcCountKb(): number {
    return this.m._lua_gc(this.L, LUA_GCCOUNT, 0);
  }
}
