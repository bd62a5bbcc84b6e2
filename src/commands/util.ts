/**
 * Argument parsing with Redis's rules, and the error texts Redis shares between commands.
 */
import type { Session } from '../engine/session.js';
import { NO_INT_STRING, RAW_STRING, type Entry } from '../store/keyspace.js';
import { parseLongDouble } from './longdouble.js';

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX = 'ERR syntax error';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const NOT_FLOAT = 'ERR value is not a valid float';
export const NO_SUCH_KEY = 'ERR no such key';
export const DB_OUT_OF_RANGE = 'ERR DB index is out of range';
export const SAME_OBJECT = 'ERR source and destination objects are the same';

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * Redis's string2ll: an optional '-', digits without leading zeros, nothing else, within
 * int64. Returns the value as a number, exact up to 2^53; beyond that use parseInt64Exact.
 */
export function parseInt64(s: string): number | null {
  const len = s.length;
  if (len === 0 || len > 20) return null;
  let i = 0;
  let negative = false;
  if (s.charCodeAt(0) === 45) {
    if (len === 1) return null;
    negative = true;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return len === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  let value = 0;
  for (; i < len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    value = value * 10 + c;
  }
  if (len - (negative ? 1 : 0) >= 19) {
    // Near the int64 bounds a double cannot decide: ask BigInt.
    const exact = BigInt(s);
    if (exact > INT64_MAX || exact < INT64_MIN) return null;
  }
  return negative ? -value : value;
}

/** parseInt64 with the exact value, for arithmetic that must detect int64 overflow. */
export function parseInt64Exact(s: string): bigint | null {
  const n = parseInt64(s);
  if (n === null) return null;
  return Number.isSafeInteger(n) ? BigInt(n) : BigInt(s);
}

/** A string Redis's string2ll accepts in canonical form: what an intset may hold. */
export function isIntegerString(s: string): boolean {
  return s.length <= 20 && parseInt64(s) !== null;
}

/** Redis's getLongLongFromObjectOrReply: the integer, or null after replying the error. */
export function intArg(s: Session, arg: string, error = NOT_INTEGER): number | null {
  const n = parseInt64(arg);
  if (n === null) s.reply.error(error);
  return n;
}

/** getIntFromObjectOrReply: like intArg, within int32. */
export function int32Arg(s: Session, arg: string, error = NOT_INTEGER): number | null {
  const n = parseInt64(arg);
  if (n === null || n > 2147483647 || n < -2147483648) {
    s.reply.error(error);
    return null;
  }
  return n;
}

/**
 * Redis's string2d / strtod acceptance for doubles given as arguments: decimal or hex
 * float, optional sign and exponent, "inf"/"infinity"; no leading space, no trailing
 * garbage, no NaN.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  if (DECIMAL_FLOAT.test(s)) {
    const v = Number(s);
    return Number.isNaN(v) ? null : v;
  }
  const lower = s.toLowerCase();
  if (/^[+-]?inf(inity)?$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  return null;
}

const DECIMAL_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The value of type T at key: undefined if the key is missing, null after replying
 * WRONGTYPE. `write` looks up for writing (no hit/miss statistics), as Redis's
 * lookupKeyWrite.
 */
export function readTyped<T>(s: Session, key: string, type: abstract new (...args: never[]) => T, write = false): T | undefined | null {
  const entry = write ? s.db.write(key, !s.noTouch) : s.db.read(key, !s.noTouch);
  if (entry === undefined) return undefined;
  if (!(entry.value instanceof type)) {
    s.reply.error(WRONGTYPE);
    return null;
  }
  return entry.value;
}

/** True when the entry holds a string; otherwise replies WRONGTYPE. */
export function isStringOrReply(s: Session, entry: Entry): boolean {
  if (typeof entry.value === 'string') return true;
  s.reply.error(WRONGTYPE);
  return false;
}

/** Redis's OBJECT ENCODING for a string value, given Entry.stringKind. */
export function stringEncoding(value: string, kind = 0): string {
  if (kind & RAW_STRING) return 'raw';
  if (!(kind & NO_INT_STRING) && value.length <= 20 && parseInt64(value) !== null) return 'int';
  return value.length <= 44 ? 'embstr' : 'raw';
}

/** Replies with Redis's help format: a header, the lines, and the HELP footer. */
export function replyHelp(s: Session, command: string, lines: string[]): void {
  s.reply.array(lines.length + 3);
  s.reply.simple(`${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const line of lines) s.reply.simple(line);
  s.reply.simple('HELP');
  s.reply.simple('    Prints this help.');
}

/**
 * Redis's getTimeoutFromObjectOrReply in seconds: a float, not negative; 0 blocks
 * forever. Returns the absolute deadline in ms (0 for none), or null after a reply.
 */
export function timeoutArg(s: Session, arg: string): number | null {
  const parsed = parseLongDouble(arg);
  if (parsed === null) {
    s.reply.error('ERR timeout is not a float or out of range');
    return null;
  }
  // Redis casts seconds * 1000 to int64; infinity and values past int64 come out negative
  // (x86 gives INT64_MIN), so they are "negative" rather than "out of range".
  let ms = 'inf' in parsed ? -1 : Math.trunc(Number(arg) * 1000);
  if (ms >= 9223372036854775807) ms = -1;
  if (ms < 0 || Number.isNaN(ms)) {
    s.reply.error('ERR timeout is negative');
    return null;
  }
  if (ms === 0) return 0;
  if (BigInt(ms) > INT64_MAX - BigInt(s.engine.clock.now)) {
    s.reply.error('ERR timeout is out of range');
    return null;
  }
  return s.engine.clock.now + ms;
}
