/**
 * The Lua libraries Redis compiles into its scripting engine, in JS with the same
 * behaviour and error texts: bit (LuaBitOp), struct (Roberto's struct 0.2, as on a 64-bit
 * host), cjson (lua-cjson 2.1.0) and cmsgpack (lua-cmsgpack 0.4.0). Each is a table of C
 * functions set as a global before the prelude makes the globals read-only.
 */
import { LUA_GLOBALSINDEX, LuaType, type LuaFunction, type LuaState } from './lua.js';
import { formatG } from './format.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);

/** Sets name = { fn... } in the globals table. */
function setLibrary(lua: LuaState, name: string, functions: Record<string, LuaFunction>): void {
  lua.newTable(0, Object.keys(functions).length);
  for (const [key, fn] of Object.entries(functions)) {
    lua.pushFunction(fn);
    lua.rawSetField(-2, key);
  }
  lua.setGlobal(name);
}

// ---- bit ----

/** LuaBitOp's barg: the number's low 32 bits after rounding (the 2^52+2^51 trick). */
function barg(st: LuaState, idx: number): number {
  const m = st.m;
  f64[0] = m._lua_tonumber(st.L, idx) + 6755399441055744.0;
  const b = u32[0]!;
  if (b === 0 && m._lua_isnumber(st.L, idx) === 0) m._luaL_typerror(st.L, idx, st.cstr('number'));
  return b;
}

function bitResult(st: LuaState, b: number): number {
  st.pushNumber(b | 0);
  return 1;
}

function variadic(op: (a: number, b: number) => number): LuaFunction {
  return (st) => {
    let b = barg(st, 1);
    for (let i = st.top; i > 1; i--) b = op(b, barg(st, i));
    return bitResult(st, b);
  };
}

function shift(op: (b: number, n: number) => number): LuaFunction {
  return (st) => {
    const b = barg(st, 1);
    const n = barg(st, 2) & 31;
    return bitResult(st, op(b, n));
  };
}

function openBit(lua: LuaState): void {
  setLibrary(lua, 'bit', {
    tobit: (st) => bitResult(st, barg(st, 1)),
    bnot: (st) => bitResult(st, ~barg(st, 1)),
    band: variadic((a, b) => a & b),
    bor: variadic((a, b) => a | b),
    bxor: variadic((a, b) => a ^ b),
    lshift: shift((b, n) => b << n),
    rshift: shift((b, n) => b >>> n),
    arshift: shift((b, n) => (b | 0) >> n),
    rol: shift((b, n) => (b << n) | (b >>> (32 - n))),
    ror: shift((b, n) => (b << (32 - n)) | (b >>> n)),
    bswap: (st) => {
      const b = barg(st, 1);
      return bitResult(st, ((b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24)) >>> 0);
    },
    tohex: (st) => {
      let b = barg(st, 1);
      let n = st.type(2) === LuaType.None ? 8 : barg(st, 2) | 0;
      let digits = '0123456789abcdef';
      if (n < 0) {
        n = -n;
        digits = '0123456789ABCDEF';
      }
      if (n > 8) n = 8;
      let out = '';
      for (let i = 0; i < n; i++) {
        out = digits[b & 15]! + out;
        b >>>= 4;
      }
      st.pushString(out);
      return 1;
    },
  });
}

// ---- struct ----

const MAXINTSIZE = 32;
/** The strictest alignment on the 64-bit hosts Redis runs on (a double's). */
const MAXALIGN = 8;

interface StructHeader {
  little: boolean;
  align: number;
}

class FormatReader {
  pos = 0;
  constructor(readonly fmt: string) {}
  get done(): boolean {
    return this.pos >= this.fmt.length || this.fmt.charCodeAt(this.pos) === 0;
  }
  next(): string {
    return this.fmt[this.pos++]!;
  }
  num(st: LuaState, fallback: number): number {
    const isDigit = (): boolean => {
      const c = this.fmt.charCodeAt(this.pos);
      return c >= 48 && c <= 57;
    };
    if (!isDigit()) return fallback;
    let a = 0;
    do {
      const d = this.fmt.charCodeAt(this.pos) - 48;
      if (a > Math.floor(2147483647 / 10) || a * 10 > 2147483647 - d) st.error('integral size overflow');
      a = a * 10 + d;
      this.pos++;
    } while (isDigit());
    return a;
  }
}

function optSize(st: LuaState, opt: string, f: FormatReader): number {
  switch (opt) {
    case 'B':
    case 'b':
      return 1;
    case 'H':
    case 'h':
      return 2;
    case 'L':
    case 'l':
    case 'T':
      return 8;
    case 'f':
      return 4;
    case 'd':
      return 8;
    case 'x':
      return 1;
    case 'c':
      return f.num(st, 1);
    case 'i':
    case 'I': {
      const size = f.num(st, 4);
      if (size > MAXINTSIZE) st.error(`integral size ${size} is larger than limit of ${MAXINTSIZE}`);
      return size;
    }
    default:
      return 0;
  }
}

function toAlign(len: number, h: StructHeader, opt: string, size: number): number {
  if (size === 0 || opt === 'c') return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function controlOption(st: LuaState, opt: string, f: FormatReader, h: StructHeader): void {
  switch (opt) {
    case ' ':
      return;
    case '>':
      h.little = false;
      return;
    case '<':
      h.little = true;
      return;
    case '!': {
      const a = f.num(st, MAXALIGN);
      if (a <= 0 || (a & (a - 1)) !== 0) st.error(`alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default:
      st.argError(1, `invalid format option '${opt}'`);
  }
}

const isIntegerOption = (opt: string): boolean => 'bBhHlLTiI'.includes(opt);

/** C's (long)n then (unsigned long): the two's-complement 64 bits of a Lua number. */
function toUint64(n: number): bigint {
  if (Number.isNaN(n) || !Number.isFinite(n)) return 0x8000000000000000n;
  const t = BigInt(Math.trunc(n));
  return BigInt.asUintN(64, t);
}

function structPack(st: LuaState): number {
  const f = new FormatReader(st.checkString(1));
  const h: StructHeader = { little: true, align: 1 };
  let arg = 2;
  let total = 0;
  // As in the C library, a nil marks the end of the arguments (a missing one reads as nil).
  st.pushNil();
  const parts: string[] = [];
  while (!f.done) {
    const opt = f.next();
    let size = optSize(st, opt, f);
    const pad = toAlign(total, h, opt, size);
    total += pad;
    if (pad > 0) parts.push('\0'.repeat(pad));
    if (isIntegerOption(opt)) {
      let value = toUint64(st.checkNumber(arg++));
      let bytes = '';
      for (let i = 0; i < size; i++) {
        bytes += String.fromCharCode(Number(value & 0xffn));
        value >>= 8n;
      }
      parts.push(h.little ? bytes : [...bytes].reverse().join(''));
    } else if (opt === 'x') {
      parts.push('\0');
    } else if (opt === 'f' || opt === 'd') {
      const buf = Buffer.alloc(size);
      const n = st.checkNumber(arg++);
      if (opt === 'f') {
        if (h.little) buf.writeFloatLE(n, 0);
        else buf.writeFloatBE(n, 0);
      } else if (h.little) buf.writeDoubleLE(n, 0);
      else buf.writeDoubleBE(n, 0);
      parts.push(buf.toString('latin1'));
    } else if (opt === 'c' || opt === 's') {
      const s = st.checkString(arg++);
      if (size === 0) size = s.length;
      if (s.length < size) st.argError(arg, 'string too short');
      parts.push(s.slice(0, size));
      if (opt === 's') {
        parts.push('\0');
        size++;
      }
    } else controlOption(st, opt, f, h);
    total += size;
  }
  st.pushString(parts.join(''));
  return 1;
}

function getInteger(data: string, at: number, little: boolean, signed: boolean, size: number): number {
  let l = 0n;
  for (let i = 0; i < size; i++) {
    const byte = BigInt(data.charCodeAt(little ? at + size - 1 - i : at + i));
    // C shifts a 64-bit value: bytes past the eighth push the first ones out.
    l = BigInt.asUintN(64, (l << 8n) | byte);
  }
  if (!signed) return Number(l);
  const shiftBy = BigInt((size * 8 - 1) & 63);
  const mask = BigInt.asUintN(64, ~0n << shiftBy);
  if ((l & mask) !== 0n) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

function structUnpack(st: LuaState): number {
  const f = new FormatReader(st.checkString(1));
  const data = st.checkString(2);
  const ld = data.length;
  let pos = st.optInteger(3, 1);
  // size_t arithmetic in C: a negative offset wraps to a huge one.
  if (pos === 0) st.argError(3, 'offset must be 1 or greater');
  pos = pos < 0 ? Number.MAX_SAFE_INTEGER : pos - 1;
  const h: StructHeader = { little: true, align: 1 };
  let n = 0;
  while (!f.done) {
    const opt = f.next();
    let size = optSize(st, opt, f);
    pos += toAlign(pos, h, opt, size);
    if (!(size <= ld && pos <= ld - size)) st.argError(2, 'data string too short');
    if (!st.checkStack(2)) st.error('stack overflow (too many results)');
    if (isIntegerOption(opt)) {
      st.pushNumber(getInteger(data, pos, h.little, opt === opt.toLowerCase(), size));
      n++;
    } else if (opt === 'x') {
      // padding only
    } else if (opt === 'f' || opt === 'd') {
      const buf = Buffer.from(data.slice(pos, pos + size), 'latin1');
      st.pushNumber(opt === 'f' ? (h.little ? buf.readFloatLE(0) : buf.readFloatBE(0)) : h.little ? buf.readDoubleLE(0) : buf.readDoubleBE(0));
      n++;
    } else if (opt === 'c') {
      if (size === 0) {
        if (n === 0 || st.type(-1) !== LuaType.Number) st.error("format 'c0' needs a previous size");
        size = Math.trunc(st.toNumber(-1));
        st.pop();
        n--;
        if (!(size <= ld && pos <= ld - size)) st.argError(2, 'data string too short');
      }
      st.pushString(data.slice(pos, pos + size));
      n++;
    } else if (opt === 's') {
      const end = data.indexOf('\0', pos);
      if (end < 0) st.error('unfinished string in data');
      size = end - pos + 1;
      st.pushString(data.slice(pos, end));
      n++;
    } else controlOption(st, opt, f, h);
    pos += size;
  }
  st.pushNumber(pos + 1);
  return n + 1;
}

function structSize(st: LuaState): number {
  const f = new FormatReader(st.checkString(1));
  const h: StructHeader = { little: true, align: 1 };
  let pos = 0;
  while (!f.done) {
    const opt = f.next();
    const size = optSize(st, opt, f);
    pos += toAlign(pos, h, opt, size);
    if (opt === 's') st.argError(1, "option 's' has no fixed size");
    else if (opt === 'c' && size === 0) st.argError(1, "option 'c0' has no fixed size");
    if (!/[0-9A-Za-z]/.test(opt)) controlOption(st, opt, f, h);
    pos += size;
  }
  st.pushNumber(pos);
  return 1;
}

function openStruct(lua: LuaState): void {
  setLibrary(lua, 'struct', { pack: structPack, unpack: structUnpack, size: structSize });
}

// ---- cjson ----

/** Per-instance settings, kept in a Lua table that is each function's upvalue (cjson.new makes another). */
const enum Cfg {
  SparseConvert = 1,
  SparseRatio,
  SparseSafe,
  EncodeMaxDepth,
  DecodeMaxDepth,
  EncodeInvalidNumbers,
  DecodeInvalidNumbers,
  KeepBuffer,
  Precision,
}
const CFG_DEFAULTS: [Cfg, number][] = [
  [Cfg.SparseConvert, 0],
  [Cfg.SparseRatio, 2],
  [Cfg.SparseSafe, 10],
  [Cfg.EncodeMaxDepth, 1000],
  [Cfg.DecodeMaxDepth, 1000],
  [Cfg.EncodeInvalidNumbers, 0],
  [Cfg.DecodeInvalidNumbers, 1],
  [Cfg.KeepBuffer, 1],
  [Cfg.Precision, 14],
];
const CONFIG_UPVALUE = LUA_GLOBALSINDEX - 1;

function readConfig(st: LuaState): number[] {
  const cfg: number[] = [];
  for (const [key] of CFG_DEFAULTS) {
    st.rawGetI(CONFIG_UPVALUE, key);
    cfg[key] = st.toNumber(-1);
    st.pop();
  }
  return cfg;
}

function writeConfig(st: LuaState, key: Cfg, value: number): void {
  st.pushNumber(value);
  st.rawSetI(CONFIG_UPVALUE, key);
}

const JSON_ESCAPES: (string | null)[] = (() => {
  const table: (string | null)[] = new Array(256).fill(null);
  for (let i = 0; i < 32; i++) table[i] = `\\u${i.toString(16).padStart(4, '0')}`;
  table[8] = '\\b';
  table[9] = '\\t';
  table[10] = '\\n';
  table[12] = '\\f';
  table[13] = '\\r';
  table[34] = '\\"';
  table[47] = '\\/';
  table[92] = '\\\\';
  table[127] = '\\u007f';
  return table;
})();

function jsonString(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const esc = JSON_ESCAPES[s.charCodeAt(i)];
    if (esc === null || esc === undefined) continue;
    out += s.slice(from, i) + esc;
    from = i + 1;
  }
  return out + s.slice(from) + '"';
}

const TYPE_NAMES = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];

interface EncodeFrame {
  array: boolean;
  index: number;
  length: number;
  comma: boolean;
}

class JsonEncoder {
  readonly parts: string[] = [];
  private depth = 0;
  constructor(
    private readonly st: LuaState,
    private readonly cfg: number[],
  ) {}

  private fail(idx: number, reason: string): never {
    this.st.error(`Cannot serialise ${TYPE_NAMES[this.st.type(idx)] ?? 'no value'}: ${reason}`);
    throw new Error('unreachable');
  }

  private number(idx: number): void {
    const n = this.st.toNumber(idx);
    if (!Number.isFinite(n)) {
      const mode = this.cfg[Cfg.EncodeInvalidNumbers];
      if (mode === 0) this.fail(idx, 'must not be NaN or Inf');
      if (mode === 1) {
        this.parts.push(Number.isNaN(n) ? 'NaN' : n < 0 ? '-Infinity' : 'Infinity');
        return;
      }
      if (Number.isNaN(n)) {
        this.parts.push('nan');
        return;
      }
    }
    this.parts.push(formatG(n, this.cfg[Cfg.Precision]!));
  }

  /** The array length of the table on top, or -1 when it must be an object. */
  private arrayLength(): number {
    const st = this.st;
    let max = 0;
    let items = 0;
    st.pushNil();
    while (st.m._lua_next(st.L, -2) !== 0) {
      if (st.type(-2) === LuaType.Number) {
        const k = st.toNumber(-2);
        if (k !== 0 && Math.floor(k) === k && k >= 1) {
          if (k > max) max = k;
          items++;
          st.pop();
          continue;
        }
      }
      st.pop(2);
      return -1;
    }
    const ratio = this.cfg[Cfg.SparseRatio]!;
    if (ratio > 0 && max > items * ratio && max > this.cfg[Cfg.SparseSafe]!) {
      if (!this.cfg[Cfg.SparseConvert]) this.fail(-1, 'excessively sparse array');
      return -1;
    }
    return max;
  }

  /** Appends a scalar on top of the stack (null), or opens the table there (its frame). */
  private begin(): EncodeFrame | null {
    const st = this.st;
    switch (st.type(-1)) {
      case LuaType.String:
        this.parts.push(jsonString(st.toString(-1)));
        return null;
      case LuaType.Number:
        this.number(-1);
        return null;
      case LuaType.Boolean:
        this.parts.push(st.toBoolean(-1) ? 'true' : 'false');
        return null;
      case LuaType.Nil:
        this.parts.push('null');
        return null;
      case LuaType.LightUserdata:
        if (st.m._lua_touserdata(st.L, -1) === 0) {
          this.parts.push('null');
          return null;
        }
        break;
      case LuaType.Table: {
        this.depth++;
        if (this.depth > this.cfg[Cfg.EncodeMaxDepth]! || !st.checkStack(3)) st.error(`Cannot serialise, excessive nesting (${this.depth})`);
        const len = this.arrayLength();
        if (len > 0) {
          this.parts.push('[');
          return { array: true, index: 0, length: len, comma: false };
        }
        this.parts.push('{');
        // The traversal key of lua_next sits above the table.
        st.pushNil();
        return { array: false, index: 0, length: 0, comma: false };
      }
    }
    return this.fail(-1, 'type not supported');
  }

  /**
   * Appends the value on top of the stack (left there). Iterative, with the open tables in
   * a list: nesting is bounded by encode_max_depth and the Lua stack, not by the JS stack.
   * An open array keeps its table on top; an open object its table and lua_next's key.
   */
  value(): void {
    const st = this.st;
    const open: EncodeFrame[] = [];
    for (;;) {
      const frame = this.begin();
      if (frame !== null) open.push(frame);
      else if (open.length === 0) return;
      else st.pop();
      // Find the next value to append, closing the tables that are done.
      for (;;) {
        const f = open[open.length - 1]!;
        if (f.array) {
          if (f.index < f.length) {
            if (f.index > 0) this.parts.push(',');
            st.rawGetI(-1, ++f.index);
            break;
          }
          this.parts.push(']');
        } else {
          if (st.m._lua_next(st.L, -2) !== 0) {
            if (f.comma) this.parts.push(',');
            else f.comma = true;
            const keyType = st.type(-2);
            if (keyType === LuaType.Number) {
              this.parts.push('"');
              this.number(-2);
              this.parts.push('":');
            } else if (keyType === LuaType.String) {
              this.parts.push(jsonString(st.toString(-2)), ':');
            } else this.fail(-2, 'table key must be a number or string');
            break;
          }
          this.parts.push('}');
        }
        open.pop();
        this.depth--;
        if (open.length === 0) return;
        st.pop();
      }
    }
  }
}

const T_NAMES = ['T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER', 'T_BOOLEAN', 'T_NULL', 'T_COLON', 'T_COMMA', 'T_END'];
const enum T {
  ObjBegin,
  ObjEnd,
  ArrBegin,
  ArrEnd,
  String,
  Number,
  Boolean,
  Null,
  Colon,
  Comma,
  End,
  Error,
}
interface Token {
  type: T;
  index: number;
  value: string | number | boolean | null;
  /** What a T_ERROR token found ("invalid token"...). */
  error: string;
}

const STRTOD_HEX = /[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?/y;
const STRTOD_DEC = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const STRTOD_SPECIAL = /[+-]?(?:inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?)/iy;

/** C's strtod on text at i: the value and how many characters it took (0: none). */
function strtod(text: string, i: number): [number, number] {
  for (const re of [STRTOD_HEX, STRTOD_DEC, STRTOD_SPECIAL]) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) continue;
    const s = m[0];
    const negative = s.startsWith('-');
    const body = s.replace(/^[+-]/, '');
    let value: number;
    if (re === STRTOD_SPECIAL) value = body[0]!.toLowerCase() === 'i' ? Infinity : NaN;
    else if (re === STRTOD_HEX) {
      const [mant, exp] = body.slice(2).split(/[pP]/) as [string, string | undefined];
      const [whole, frac = ''] = mant.split('.') as [string, string | undefined];
      value = (whole === '' ? 0 : parseInt(whole, 16)) + (frac === '' ? 0 : parseInt(frac, 16) / 16 ** frac.length);
      if (exp !== undefined) value *= 2 ** Number(exp);
    } else value = Number(body);
    return [negative ? -value : value, s.length];
  }
  return [0, 0];
}

class JsonDecoder {
  private index = 0;
  private depth = 0;
  constructor(
    private readonly st: LuaState,
    private readonly text: string,
    private readonly cfg: number[],
  ) {}

  private ch(i: number): number {
    return i < this.text.length ? this.text.charCodeAt(i) : 0;
  }

  private invalidNumber(): boolean {
    let i = this.index;
    const c = this.ch(i);
    if (c === 43) return true; // '+'
    if (c === 45) i++; // '-'
    const d = this.ch(i);
    if (d === 48) {
      const c2 = this.ch(i + 1);
      return (c2 | 0x20) === 120 || (c2 >= 48 && c2 <= 57);
    } else if (d <= 57) return false;
    const word = this.text.slice(i, i + 3).toLowerCase();
    return word === 'inf' || word === 'nan';
  }

  private next(): Token {
    const token: Token = { type: T.End, index: 0, value: null, error: '' };
    let c = this.ch(this.index);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = this.ch(++this.index);
    token.index = this.index;
    const fail = (error: string): Token => {
      token.type = T.Error;
      token.index = this.index;
      token.error = error;
      return token;
    };
    const single: Record<number, T> = { 123: T.ObjBegin, 125: T.ObjEnd, 91: T.ArrBegin, 93: T.ArrEnd, 44: T.Comma, 58: T.Colon };
    if (c === 0) return token;
    const s = single[c];
    if (s !== undefined) {
      token.type = s;
      this.index++;
      return token;
    }
    const text = this.text;
    if (c === 34) return this.string(token, fail);
    const startsNumber = c === 45 || (c >= 48 && c <= 57);
    const allowBad = this.cfg[Cfg.DecodeInvalidNumbers] !== 0;
    if (startsNumber || c === 43 || c === 105 || c === 73 || c === 110 || c === 78 || c === 116 || c === 102) {
      if (startsNumber) {
        if (!allowBad && this.invalidNumber()) return fail('invalid number');
        return this.number(token, fail);
      }
      if (text.startsWith('true', this.index)) {
        this.index += 4;
        return { ...token, type: T.Boolean, value: true };
      }
      if (text.startsWith('false', this.index)) {
        this.index += 5;
        return { ...token, type: T.Boolean, value: false };
      }
      if (text.startsWith('null', this.index)) {
        this.index += 4;
        return { ...token, type: T.Null };
      }
      if (allowBad && this.invalidNumber()) return this.number(token, fail);
    }
    return fail('invalid token');
  }

  private number(token: Token, fail: (e: string) => Token): Token {
    const [value, length] = strtod(this.text, this.index);
    if (length === 0) return fail('invalid number');
    this.index += length;
    token.type = T.Number;
    token.value = value;
    return token;
  }

  private string(token: Token, fail: (e: string) => Token): Token {
    const text = this.text;
    this.index++;
    let out = '';
    for (;;) {
      const c = this.ch(this.index);
      if (c === 34) break;
      if (c === 0) return fail('unexpected end of string');
      if (c !== 92) {
        const end = text.indexOf('\\', this.index);
        const quote = text.indexOf('"', this.index);
        const nul = text.indexOf('\0', this.index);
        let stop = text.length;
        for (const x of [end, quote, nul]) if (x >= 0 && x < stop) stop = x;
        out += text.slice(this.index, stop);
        this.index = stop;
        continue;
      }
      const e = String.fromCharCode(this.ch(this.index + 1));
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', t: '\t', n: '\n', f: '\f', r: '\r' };
      if (e === 'u') {
        const decoded = this.unicodeEscape();
        if (decoded === null) return fail('invalid unicode escape code');
        out += decoded;
        continue;
      }
      const mapped = simple[e];
      if (mapped === undefined) return fail('invalid escape code');
      out += mapped;
      this.index += 2;
    }
    this.index++;
    token.type = T.String;
    token.value = out;
    return token;
  }

  private hex4(at: number): number {
    const h = this.text.slice(at, at + 4);
    return /^[0-9a-fA-F]{4}$/.test(h) ? parseInt(h, 16) : -1;
  }

  /** \uXXXX (and a surrogate pair) at index, as UTF-8 bytes; null when malformed. */
  private unicodeEscape(): string | null {
    let codepoint = this.hex4(this.index + 2);
    if (codepoint < 0) return null;
    let length = 6;
    if ((codepoint & 0xf800) === 0xd800) {
      if (codepoint & 0x400) return null;
      if (this.ch(this.index + 6) !== 92 || this.ch(this.index + 7) !== 117) return null;
      const low = this.hex4(this.index + 8);
      if (low < 0 || (low & 0xfc00) !== 0xdc00) return null;
      codepoint = (((codepoint & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      length = 12;
    }
    this.index += length;
    return Buffer.from(String.fromCodePoint(codepoint), 'utf8').toString('latin1');
  }

  private throwParse(expected: string, token: Token): never {
    const found = token.type === T.Error ? token.error : T_NAMES[token.type]!;
    this.st.error(`Expected ${expected} but found ${found} at character ${token.index + 1}`);
    throw new Error('unreachable');
  }

  private descend(slots: number): void {
    this.depth++;
    if (this.depth <= this.cfg[Cfg.DecodeMaxDepth]! && this.st.checkStack(slots)) return;
    this.st.error(`Found too many nested data structures (${this.depth}) at character ${this.index}`);
  }

  private scalar(token: Token): boolean {
    const st = this.st;
    switch (token.type) {
      case T.String:
        st.pushString(token.value as string);
        return true;
      case T.Number:
        st.pushNumber(token.value as number);
        return true;
      case T.Boolean:
        st.pushBoolean(token.value as boolean);
        return true;
      case T.Null:
        st.m._lua_pushlightuserdata(st.L, 0);
        return true;
      default:
        return false;
    }
  }

  /** An object member's key (token) and colon: pushes the key, returns the value's first token. */
  private memberKey(token: Token): Token {
    if (token.type !== T.String) this.throwParse('object key string', token);
    this.st.pushString(token.value as string);
    const colon = this.next();
    if (colon.type !== T.Colon) this.throwParse('colon', colon);
    return this.next();
  }

  /**
   * Decodes the whole text onto the stack. Iterative, with the open containers in a list:
   * nesting is bounded by decode_max_depth and the Lua stack, not by the JS stack.
   */
  run(): void {
    const st = this.st;
    const open: { object: boolean; index: number }[] = [];
    let token = this.next();
    for (;;) {
      // token starts a value.
      if (token.type === T.ObjBegin || token.type === T.ArrBegin) {
        const object = token.type === T.ObjBegin;
        this.descend(object ? 3 : 2);
        st.newTable();
        token = this.next();
        if (token.type !== (object ? T.ObjEnd : T.ArrEnd)) {
          open.push({ object, index: 1 });
          if (object) token = this.memberKey(token);
          continue;
        }
        this.depth--;
      } else if (!this.scalar(token)) this.throwParse('value', token);
      // A complete value is on top: it goes into the containers it closes.
      for (;;) {
        const frame = open[open.length - 1];
        if (frame === undefined) {
          token = this.next();
          if (token.type !== T.End) this.throwParse('the end', token);
          return;
        }
        if (frame.object) st.m._lua_rawset(st.L, -3);
        else st.rawSetI(-2, frame.index++);
        token = this.next();
        if (token.type === (frame.object ? T.ObjEnd : T.ArrEnd)) {
          open.pop();
          this.depth--;
          continue;
        }
        if (token.type !== T.Comma) this.throwParse(frame.object ? 'comma or object end' : 'comma or array end', token);
        token = this.next();
        if (frame.object) token = this.memberKey(token);
        break;
      }
    }
  }
}

/** lua-cjson's json_arg_init: at most `args` arguments, padded with nils. */
function argInit(st: LuaState, args: number): void {
  if (st.top > args) st.argError(args + 1, 'found too many arguments');
  while (st.top < args) st.pushNil();
}

function integerOption(st: LuaState, idx: number, key: Cfg, min: number, max: number): void {
  if (st.type(idx) !== LuaType.Nil && st.type(idx) !== LuaType.None) {
    const value = st.m._luaL_checkinteger(st.L, idx) as number;
    if (!(min <= value && value <= max)) st.argError(idx, `expected integer between ${min} and ${max}`);
    writeConfig(st, key, value);
  }
  st.rawGetI(CONFIG_UPVALUE, key);
}

function enumOption(st: LuaState, idx: number, key: Cfg, options: string[] = ['off', 'on']): void {
  if (st.type(idx) !== LuaType.Nil && st.type(idx) !== LuaType.None) {
    let setting: number;
    if (st.type(idx) === LuaType.Boolean) setting = st.toBoolean(idx) ? 1 : 0;
    else {
      const name = st.checkString(idx);
      setting = options.indexOf(name);
      if (setting < 0) st.argError(idx, `invalid option '${name}'`);
    }
    writeConfig(st, key, setting);
  }
  st.rawGetI(CONFIG_UPVALUE, key);
  const setting = st.toNumber(-1);
  st.pop();
  if (setting === 0 || setting === 1) st.pushBoolean(setting === 1);
  else st.pushString(options[setting]!);
}

const CJSON_FUNCTIONS: Record<string, LuaFunction> = {
  encode: (st) => {
    if (st.top !== 1) st.argError(1, 'expected 1 argument');
    const encoder = new JsonEncoder(st, readConfig(st));
    encoder.value();
    st.pushString(encoder.parts.join(''));
    return 1;
  },
  decode: (st) => {
    if (st.top !== 1) st.argError(1, 'expected 1 argument');
    const text = st.checkString(1);
    if (text.length >= 2 && (text.charCodeAt(0) === 0 || text.charCodeAt(1) === 0)) st.error('JSON parser does not support UTF-16 or UTF-32');
    new JsonDecoder(st, text, readConfig(st)).run();
    return 1;
  },
  encode_sparse_array: (st) => {
    argInit(st, 3);
    enumOption(st, 1, Cfg.SparseConvert);
    integerOption(st, 2, Cfg.SparseRatio, 0, 2147483647);
    integerOption(st, 3, Cfg.SparseSafe, 0, 2147483647);
    return 3;
  },
  encode_max_depth: (st) => {
    argInit(st, 1);
    integerOption(st, 1, Cfg.EncodeMaxDepth, 1, 2147483647);
    return 1;
  },
  decode_max_depth: (st) => {
    argInit(st, 1);
    integerOption(st, 1, Cfg.DecodeMaxDepth, 1, 2147483647);
    return 1;
  },
  encode_number_precision: (st) => {
    argInit(st, 1);
    integerOption(st, 1, Cfg.Precision, 1, 14);
    return 1;
  },
  encode_keep_buffer: (st) => {
    argInit(st, 1);
    enumOption(st, 1, Cfg.KeepBuffer);
    return 1;
  },
  encode_invalid_numbers: (st) => {
    argInit(st, 1);
    enumOption(st, 1, Cfg.EncodeInvalidNumbers, ['off', 'on', 'null']);
    return 1;
  },
  decode_invalid_numbers: (st) => {
    argInit(st, 1);
    enumOption(st, 1, Cfg.DecodeInvalidNumbers);
    return 1;
  },
};

/** Pushes a cjson module table with a fresh configuration (luaopen_cjson, cjson.new). */
function pushCjson(st: LuaState, pointers: Map<string, number>): void {
  st.newTable(0, CFG_DEFAULTS.length);
  for (const [key, value] of CFG_DEFAULTS) {
    st.pushNumber(value);
    st.rawSetI(-2, key);
  }
  const config = st.top;
  st.newTable(0, pointers.size + 4);
  for (const [name, ptr] of pointers) {
    st.pushValue(config);
    st.pushClosure(ptr, 1);
    st.rawSetField(-2, name);
  }
  st.m._lua_pushlightuserdata(st.L, 0);
  st.rawSetField(-2, 'null');
  st.pushString('cjson');
  st.rawSetField(-2, '_NAME');
  st.pushString('2.1.0');
  st.rawSetField(-2, '_VERSION');
  st.m._lua_remove(st.L, config);
}

function openCjson(lua: LuaState): void {
  const pointers = new Map<string, number>();
  for (const [name, fn] of Object.entries(CJSON_FUNCTIONS)) pointers.set(name, lua.register(fn));
  pointers.set(
    'new',
    lua.register((st) => {
      pushCjson(st, pointers);
      return 1;
    }),
  );
  pushCjson(lua, pointers);
  lua.setGlobal('cjson');
}

// ---- cmsgpack ----

const MSGPACK_MAX_NESTING = 16;

class MsgpackEncoder {
  readonly bytes: number[] = [];
  constructor(private readonly st: LuaState) {}

  private be(value: bigint, size: number): void {
    for (let i = size - 1; i >= 0; i--) this.bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  }

  private int(n: bigint): void {
    const b = this.bytes;
    if (n >= 0n) {
      if (n <= 127n) b.push(Number(n));
      else if (n <= 0xffn) b.push(0xcc, Number(n));
      else if (n <= 0xffffn) (b.push(0xcd), this.be(n, 2));
      else if (n <= 0xffffffffn) (b.push(0xce), this.be(n, 4));
      else (b.push(0xcf), this.be(n, 8));
    } else if (n >= -32n) b.push(Number(n) & 0xff);
    else if (n >= -128n) b.push(0xd0, Number(n) & 0xff);
    else if (n >= -32768n) (b.push(0xd1), this.be(BigInt.asUintN(16, n), 2));
    else if (n >= -2147483648n) (b.push(0xd2), this.be(BigInt.asUintN(32, n), 4));
    else (b.push(0xd3), this.be(BigInt.asUintN(64, n), 8));
  }

  private number(n: number): void {
    // IS_INT64_EQUIVALENT: finite and unchanged by a cast to int64 (2^63 and up are not).
    if (Number.isFinite(n) && Math.trunc(n) === n && n >= -9223372036854775808 && n < 9223372036854775808) {
      this.int(BigInt(n));
      return;
    }
    f32[0] = n;
    if (f32[0] === n) {
      const buf = Buffer.alloc(4);
      buf.writeFloatBE(n, 0);
      this.bytes.push(0xca, ...buf);
    } else {
      const buf = Buffer.alloc(8);
      // x86's 0/0 is the negative quiet NaN, which is what Redis writes.
      if (Number.isNaN(n)) buf.writeBigUInt64BE(0xfff8000000000000n, 0);
      else buf.writeDoubleBE(n, 0);
      this.bytes.push(0xcb, ...buf);
    }
  }

  private string(s: string): void {
    const len = s.length;
    const b = this.bytes;
    if (len < 32) b.push(0xa0 | len);
    else if (len <= 0xff) b.push(0xd9, len);
    else if (len <= 0xffff) (b.push(0xda), this.be(BigInt(len), 2));
    else (b.push(0xdb), this.be(BigInt(len), 4));
    for (let i = 0; i < len; i++) b.push(s.charCodeAt(i));
  }

  private header(n: number, fix: number, b16: number, b32: number): void {
    if (n <= 15) this.bytes.push(fix | n);
    else if (n <= 65535) (this.bytes.push(b16), this.be(BigInt(n), 2));
    else (this.bytes.push(b32), this.be(BigInt(n), 4));
  }

  private isArray(): boolean {
    const st = this.st;
    let count = 0;
    let max = 0;
    const top = st.top;
    st.pushNil();
    while (st.m._lua_next(st.L, -2) !== 0) {
      st.pop();
      const n = st.type(-1) === LuaType.Number ? st.toNumber(-1) : NaN;
      if (!(n > 0) || Math.trunc(n) !== n || n > 2147483647) {
        st.top = top;
        return false;
      }
      if (n > max) max = n;
      count++;
    }
    st.top = top;
    return max === count;
  }

  /** Encodes and pops the value on top of the stack. */
  value(level: number): void {
    const st = this.st;
    let t = st.type(-1);
    if (t === LuaType.Table && level === MSGPACK_MAX_NESTING) t = LuaType.Nil;
    switch (t) {
      case LuaType.String:
        this.string(st.toString(-1));
        break;
      case LuaType.Boolean:
        this.bytes.push(st.toBoolean(-1) ? 0xc3 : 0xc2);
        break;
      case LuaType.Number:
        this.number(st.toNumber(-1));
        break;
      case LuaType.Table:
        if (!st.checkStack(4)) st.error('stack overflow (in function mp_encode_lua_table)');
        if (this.isArray()) {
          const len = st.m._lua_objlen(st.L, -1) as number;
          this.header(len, 0x90, 0xdc, 0xdd);
          for (let j = 1; j <= len; j++) {
            st.pushNumber(j);
            st.m._lua_gettable(st.L, -2);
            this.value(level + 1);
          }
        } else {
          let len = 0;
          st.pushNil();
          while (st.m._lua_next(st.L, -2) !== 0) {
            st.pop();
            len++;
          }
          this.header(len, 0x80, 0xde, 0xdf);
          st.pushNil();
          while (st.m._lua_next(st.L, -2) !== 0) {
            st.pushValue(-2);
            this.value(level + 1);
            this.value(level + 1);
          }
        }
        break;
      default:
        this.bytes.push(0xc0);
    }
    st.pop();
  }
}

class MsgpackError extends Error {}

interface Container {
  map: boolean;
  len: number;
}

class MsgpackDecoder {
  pos: number;
  constructor(
    private readonly st: LuaState,
    private readonly data: string,
    offset: number,
  ) {
    this.pos = offset;
  }

  get left(): number {
    return this.data.length - this.pos;
  }

  private need(n: number): void {
    if (this.left < n) throw new MsgpackError('Missing bytes in input.');
  }

  private u(at: number, size: number): bigint {
    let v = 0n;
    for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(this.data.charCodeAt(at + i));
    return v;
  }

  private str(headerLen: number, len: number): null {
    this.need(headerLen + len);
    this.st.pushString(this.data.slice(this.pos + headerLen, this.pos + headerLen + len));
    this.pos += headerLen + len;
    return null;
  }

  /** Pushes a new table for an array or map of len items (pairs). */
  private open(map: boolean, headerLen: number, len: number): Container {
    const st = this.st;
    this.pos += headerLen;
    st.newTable();
    // Redis's checks and texts: the array's own, and for a map the one that then fires.
    st.m._luaL_checkstack(st.L, 1, st.cstr(map ? 'too many return values at once; use unpack_one or unpack_limit instead.' : 'in function mp_decode_to_lua_array'));
    return { map, len };
  }

  /**
   * Pushes the next value. Iterative, with the open arrays and maps in a list: nesting is
   * bounded by the Lua stack (as in Redis), not by the JS stack.
   */
  value(): void {
    const st = this.st;
    const open: { map: boolean; left: number; keyDone: boolean; index: number }[] = [];
    for (;;) {
      const frame = open[open.length - 1];
      // An array's element goes under its index, pushed first as Redis does.
      if (frame !== undefined && !frame.map) st.pushNumber(frame.index++);
      const container = this.item();
      if (container !== null && container.len > 0) {
        open.push({ map: container.map, left: container.len, keyDone: false, index: 1 });
        continue;
      }
      // A complete value is on top: it goes into the containers it completes.
      for (;;) {
        const f = open[open.length - 1];
        if (f === undefined) return;
        if (f.map && !f.keyDone) {
          f.keyDone = true;
          break;
        }
        f.keyDone = false;
        st.m._lua_settable(st.L, -3);
        if (--f.left > 0) break;
        open.pop();
      }
    }
  }

  /** Pushes one scalar, or the table of an array or map and what it holds. */
  private item(): Container | null {
    const st = this.st;
    this.need(1);
    const p = this.pos;
    const c = this.data.charCodeAt(p);
    const num = (headerLen: number, value: number): null => {
      this.need(headerLen);
      st.pushNumber(value);
      this.pos += headerLen;
      return null;
    };
    if (c <= 0x7f) return num(1, c);
    if (c >= 0xe0) return num(1, c - 256);
    if ((c & 0xe0) === 0xa0) return this.str(1, c & 0x1f);
    if ((c & 0xf0) === 0x90) return this.open(false, 1, c & 0x0f);
    if ((c & 0xf0) === 0x80) return this.open(true, 1, c & 0x0f);
    switch (c) {
      case 0xc0:
        st.pushNil();
        this.pos++;
        return null;
      case 0xc2:
      case 0xc3:
        st.pushBoolean(c === 0xc3);
        this.pos++;
        return null;
      case 0xcc:
        this.need(2);
        return num(2, Number(this.u(p + 1, 1)));
      case 0xcd:
        this.need(3);
        return num(3, Number(this.u(p + 1, 2)));
      case 0xce:
        this.need(5);
        return num(5, Number(this.u(p + 1, 4)));
      case 0xcf:
        this.need(9);
        return num(9, Number(this.u(p + 1, 8)));
      case 0xd0:
        this.need(2);
        return num(2, Number(BigInt.asIntN(8, this.u(p + 1, 1))));
      case 0xd1:
        this.need(3);
        return num(3, Number(BigInt.asIntN(16, this.u(p + 1, 2))));
      case 0xd2:
        this.need(5);
        return num(5, Number(BigInt.asIntN(32, this.u(p + 1, 4))));
      case 0xd3:
        this.need(9);
        return num(9, Number(BigInt.asIntN(64, this.u(p + 1, 8))));
      case 0xca:
        this.need(5);
        return num(5, Buffer.from(this.data.slice(p + 1, p + 5), 'latin1').readFloatBE(0));
      case 0xcb:
        this.need(9);
        return num(9, Buffer.from(this.data.slice(p + 1, p + 9), 'latin1').readDoubleBE(0));
      case 0xd9:
      case 0xc4:
        this.need(2);
        return this.str(2, Number(this.u(p + 1, 1)));
      case 0xda:
      case 0xc5:
        this.need(3);
        return this.str(3, Number(this.u(p + 1, 2)));
      case 0xdb:
      case 0xc6:
        this.need(5);
        return this.str(5, Number(this.u(p + 1, 4)));
      case 0xdc:
        this.need(3);
        return this.open(false, 3, Number(this.u(p + 1, 2)));
      case 0xdd:
        this.need(5);
        return this.open(false, 5, Number(this.u(p + 1, 4)));
      case 0xde:
        this.need(3);
        return this.open(true, 3, Number(this.u(p + 1, 2)));
      case 0xdf:
        this.need(5);
        return this.open(true, 5, Number(this.u(p + 1, 4)));
    }
    throw new MsgpackError('Bad data format in input.');
  }
}

/** lua-cmsgpack's mp_unpack_full: limit 0 and offset 0 decode everything. */
function unpackFull(st: LuaState, limit: number, offset: number): number {
  const data = st.checkString(1);
  const all = limit === 0 && offset === 0;
  if (offset < 0 || limit < 0) return st.error(`Invalid request to unpack with offset of ${offset} and limit of ${data.length}.`);
  if (offset > data.length) return st.error(`Start offset ${offset} greater than input length ${data.length}.`);
  if (all) limit = 2147483647;
  const decoder = new MsgpackDecoder(st, data, offset);
  let count = 0;
  try {
    for (; decoder.left > 0 && count < limit; count++) {
      if (!st.checkStack(1)) st.error('too many results to unpack');
      decoder.value();
    }
  } catch (e) {
    if (e instanceof MsgpackError) return st.error(e.message);
    throw e;
  }
  if (all) return count;
  st.pushNumber(decoder.left === 0 ? -1 : decoder.pos);
  st.m._lua_insert(st.L, 2);
  return count + 1;
}

function openCmsgpack(lua: LuaState): void {
  setLibrary(lua, 'cmsgpack', {
    pack: (st) => {
      const nargs = st.top;
      if (nargs === 0) return st.argError(0, 'MessagePack pack needs input.');
      const encoder = new MsgpackEncoder(st);
      for (let i = 1; i <= nargs; i++) {
        st.pushValue(i);
        encoder.value(0);
      }
      st.pushString(Buffer.from(encoder.bytes).toString('latin1'));
      return 1;
    },
    unpack: (st) => unpackFull(st, 0, 0),
    unpack_one: (st) => {
      const offset = st.optInteger(2, 0);
      st.top = 1;
      return unpackFull(st, 1, offset);
    },
    unpack_limit: (st) => {
      const limit = st.m._luaL_checkinteger(st.L, 2) as number;
      const offset = st.optInteger(3, 0);
      st.top = 1;
      return unpackFull(st, limit, offset);
    },
  });
  lua.getGlobal('cmsgpack');
  for (const [key, value] of [
    ['_NAME', 'cmsgpack'],
    ['_VERSION', 'lua-cmsgpack 0.4.0'],
    ['_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo'],
    ['_DESCRIPTION', 'MessagePack C implementation for Lua'],
  ] as const) {
    lua.pushString(value);
    lua.rawSetField(-2, key);
  }
  lua.pop();
}

/** Opens bit, struct, cjson and cmsgpack as globals (before the sandbox seals them). */
export function openRedisLibraries(lua: LuaState): void {
  openBit(lua);
  openStruct(lua);
  openCjson(lua);
  openCmsgpack(lua);
}
