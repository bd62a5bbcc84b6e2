/**
 * String commands. Values are latin1 strings; numbers are kept as their decimal text,
 * as Redis's replies show them.
 */
import { constants as bufferConstants } from 'node:buffer';
import type { Session } from '../engine/session.js';
import { Bitmap } from '../store/bitmap.js';
import { KEEP_ALL, KEEP_BLOB, type ExpireTime } from '../store/keyspace.js';
import type { CommandDecl } from './types.js';
import { NOTIFY_GENERIC, NOTIFY_STRING } from '../engine/notify.js';
import { add, formatHuman, fromInteger, isFinite, parseLongDouble } from './longdouble.js';
import {
  INT64_MAX,
  INT64_MIN,
  NOT_FLOAT,
  NOT_INTEGER,
  SYNTAX,
  WRONGTYPE,
  intArg,
  isStringOrReply,
  parseInt64,
  parseInt64Exact,
} from './util.js';

/** V8 cannot hold a longer string; below proto-max-bulk-len's default of 512 MB. */
const MAX_STRING = bufferConstants.MAX_STRING_LENGTH;

/** Redis's checkStringLength for APPEND and SETRANGE. */
function checkLength(s: Session, size: number, append: number): boolean {
  const total = size + append;
  if (total > s.engine.config.protoMaxBulkLen || total > MAX_STRING) {
    s.reply.error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    return false;
  }
  return true;
}

const F_NX = 1;
const F_XX = 2;
const F_GET = 4;
const F_KEEPTTL = 8;
const F_PERSIST = 16;
const F_EX = 32;
const F_PX = 64;
const F_EXAT = 128;
const F_PXAT = 256;
const ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

/**
 * Redis's parseExtendedStringArgumentsOrReply for SET (forSet) and GETEX. Returns the
 * flags and the expire argument, or null after replying a syntax error.
 */
function parseSetOptions(s: Session, argv: string[], start: number, forSet: boolean): { flags: number; expire: string | null } | null {
  let flags = 0;
  let expire: string | null = null;
  for (let j = start; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'nx' && !(flags & F_XX) && forSet) flags |= F_NX;
    else if (opt === 'xx' && !(flags & F_NX) && forSet) flags |= F_XX;
    else if (opt === 'get' && forSet) flags |= F_GET;
    else if (opt === 'keepttl' && !(flags & F_PERSIST) && !(flags & ANY_EXPIRE) && forSet) flags |= F_KEEPTTL;
    else if (opt === 'persist' && !forSet && !(flags & ANY_EXPIRE) && !(flags & F_KEEPTTL)) flags |= F_PERSIST;
    else if (opt === 'ex' && !(flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EX;
      expire = argv[++j]!;
    } else if (opt === 'px' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT)) && hasNext) {
      flags |= F_PX;
      expire = argv[++j]!;
    } else if (opt === 'exat' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EXAT;
      expire = argv[++j]!;
    } else if (opt === 'pxat' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX)) && hasNext) {
      flags |= F_PXAT;
      expire = argv[++j]!;
    } else {
      s.reply.error(SYNTAX);
      return null;
    }
  }
  return { flags, expire };
}

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expiry in ms for an EX/PX/EXAT/PXAT
 * argument, or null after replying the error.
 */
function expireMs(s: Session, arg: string, flags: number, command: string): ExpireTime | null {
  const seconds = (flags & (F_EX | F_EXAT)) !== 0;
  const relative = (flags & (F_EX | F_PX)) !== 0;
  const n = parseInt64(arg);
  if (n === null) {
    s.reply.error(NOT_INTEGER);
    return null;
  }
  const invalid = `ERR invalid expire time in '${command}' command`;
  if (Number.isSafeInteger(n) && n > 0 && n < 1e15) {
    // Common case: exact in doubles, far from any overflow.
    return (seconds ? n * 1000 : n) + (relative ? s.engine.clock.now : 0);
  }
  let ms = BigInt(arg);
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) {
    s.reply.error(invalid);
    return null;
  }
  if (seconds) ms *= 1000n;
  if (relative) ms += BigInt(s.engine.clock.now);
  if (ms > INT64_MAX) {
    s.reply.error(invalid);
    return null;
  }
  // Past 2^53 a double would round it: the keyspace keeps such times exact.
  return Number.isSafeInteger(Number(ms)) ? Number(ms) : ms;
}

/** GET's reply for key; false when the key holds another type (WRONGTYPE replied). */
function replyGet(s: Session, key: string): boolean {
  const entry = s.db.read(key, !s.noTouch, KEEP_BLOB);
  if (entry === undefined) {
    s.reply.nil();
    return true;
  }
  const value = entry.value;
  if (typeof value === 'object') {
    s.reply.error(WRONGTYPE);
    return false;
  }
  s.reply.bulk(s.db.text(value));
  return true;
}

function setGeneric(s: Session, flags: number, key: string, value: string, expireArg: string | null, command: string, okReply: (() => void) | null, abortReply: (() => void) | null): void {
  let expireAt: ExpireTime = 0;
  if (expireArg !== null) {
    const ms = expireMs(s, expireArg, flags, command);
    if (ms === null) return;
    expireAt = ms;
  }
  if (flags & F_GET && !replyGet(s, key)) return;
  const db = s.db;
  // Overwritten unread: a blob stays a blob (and is rewritten in place when sizes allow).
  const entry = db.write(key, !s.noTouch, KEEP_BLOB);
  if ((flags & F_NX && entry !== undefined) || (flags & F_XX && entry === undefined)) {
    if (!(flags & F_GET)) {
      if (abortReply) abortReply();
      else s.reply.nil();
    }
    return;
  }
  if (entry === undefined) {
    db.add(key, value, expireAt);
  } else {
    s.db.setString(entry, value);
    if (expireAt !== 0) db.setExpire(key, entry, expireAt);
    else if (!(flags & F_KEEPTTL)) db.persist(key, entry);
  }
  s.changed(key);
  s.notify(NOTIFY_STRING, 'set', key);
  if (expireAt !== 0) s.notify(NOTIFY_GENERIC, 'expire', key);
  if (!(flags & F_GET)) {
    if (okReply) okReply();
    else s.reply.ok();
  }
}

function incrBy(s: Session, key: string, by: number | bigint): void {
  const db = s.db;
  const entry = db.write(key, !s.noTouch);
  let current: number | bigint = 0;
  if (entry !== undefined) {
    if (!isStringOrReply(s, entry)) return;
    const parsed = parseInt64(entry.value as string);
    if (parsed === null) {
      s.reply.error(NOT_INTEGER);
      return;
    }
    current = parsed;
  }
  let text: string;
  if (typeof by === 'number' && typeof current === 'number' && Number.isSafeInteger(current) && Number.isSafeInteger(by) && Number.isSafeInteger(current + by)) {
    text = String(current + by);
  } else {
    const a = entry === undefined ? 0n : BigInt(entry.value as string);
    const b = BigInt(by);
    const sum = a + b;
    if (sum > INT64_MAX || sum < INT64_MIN) {
      s.reply.error('ERR increment or decrement would overflow');
      return;
    }
    text = sum.toString();
  }
  if (entry === undefined) db.add(key, text);
  else s.db.setString(entry, text);
  s.changed(key);
  s.notify(NOTIFY_STRING, 'incrby', key);
  s.reply.integer(text);
}

function getRange(s: Session, argv: string[]): void {
  const start0 = intArg(s, argv[2]!);
  if (start0 === null) return;
  const end0 = intArg(s, argv[3]!);
  if (end0 === null) return;
  // A large bitmap is read where it is, not turned back into a string for a slice of it.
  // So is a blob, through a view of its chunk.
  const entry = s.db.read(argv[1]!, !s.noTouch, KEEP_ALL);
  if (entry === undefined) {
    s.reply.bulk('');
    return;
  }
  const value = entry.value;
  if (typeof value !== 'number' && !(value instanceof Bitmap) && !isStringOrReply(s, entry)) return;
  const str = typeof value === 'number' ? s.engine.keyspace.arena.view(value) : (value as string | Bitmap);
  const len = str.length;
  let start = start0;
  let end = end0;
  if (start < 0 && end < 0 && start > end) {
    s.reply.bulk('');
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) s.reply.bulk('');
  else if (str instanceof Bitmap) s.reply.bulk(str.buf.latin1Slice(start, end + 1));
  else if (typeof str === 'string') s.reply.bulk(str.slice(start, end + 1));
  else s.reply.bulk(str.latin1Slice(start, end + 1));
}

function lcs(s: Session, argv: string[]): void {
  const ea = s.db.read(argv[1]!, !s.noTouch);
  const eb = s.db.read(argv[2]!, !s.noTouch);
  if ((ea && typeof ea.value !== 'string') || (eb && typeof eb.value !== 'string')) {
    s.reply.error('ERR The specified keys must contain string values');
    return;
  }
  const a = (ea?.value as string | undefined) ?? '';
  const b = (eb?.value as string | undefined) ?? '';
  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && more > 0) {
      const n = intArg(s, argv[j + 1]!);
      if (n === null) return;
      minMatchLen = n < 0 ? 0 : n;
      j++;
    } else {
      s.reply.error(SYNTAX);
      return;
    }
  }
  if (getIdx && getLen) {
    s.reply.error('ERR If you want both the length and indexes, please just use IDX.');
    return;
  }
  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > s.engine.config.protoMaxBulkLen) {
    s.reply.error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
    return;
  }
  // dp[i*(blen+1)+j] = LCS length of a[0..i) and b[0..j).
  const w = blen + 1;
  const dp = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ac = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ac === b.charCodeAt(j - 1)) dp[i * w + j] = dp[(i - 1) * w + j - 1]! + 1;
      else {
        const up = dp[(i - 1) * w + j]!;
        const left = dp[i * w + j - 1]!;
        dp[i * w + j] = up > left ? up : left;
      }
    }
  }
  const total = dp[alen * w + blen]!;
  if (getLen) {
    s.reply.integer(total);
    return;
  }
  // Walk back from the end, collecting the LCS and (for IDX) the matching ranges.
  const chars: string[] = new Array(total);
  let idx = total;
  const ranges: number[][] = [];
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[idx - 1] = a[i - 1]!;
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (dp[(i - 1) * w + j]! > dp[i * w + j - 1]!) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (minMatchLen === 0 || matchLen >= minMatchLen) ranges.push([aStart, aEnd, bStart, bEnd, matchLen]);
      aStart = alen;
    }
  }
  if (!getIdx) {
    s.reply.bulk(chars.join(''));
    return;
  }
  const r = s.reply;
  r.map(2);
  r.bulk('matches');
  r.array(ranges.length);
  for (const [as, ae, bs, be, ml] of ranges) {
    r.array(withMatchLen ? 3 : 2);
    r.array(2);
    r.integer(as!);
    r.integer(ae!);
    r.array(2);
    r.integer(bs!);
    r.integer(be!);
    if (withMatchLen) r.integer(ml!);
  }
  r.bulk('len');
  r.integer(total);
}

const str = (d: Omit<CommandDecl, 'group'>): CommandDecl => ({ group: 'string', ...d });

export const stringCommands: CommandDecl[] = [
  str({
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the string value of a key.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      replyGet(s, argv[1]!);
    },
  }),
  str({
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update', 'variable_flags'],
    keyNotes: 'RW and ACCESS due to the optional `GET` argument',
    summary: 'Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      if (argv.length === 3) {
        // The common case, without option parsing.
        const key = argv[1]!;
        const entry = s.db.write(key, !s.noTouch, KEEP_BLOB);
        if (entry === undefined) s.db.add(key, argv[2]!);
        else {
          s.db.setString(entry, argv[2]!);
          if (entry.expireAt !== 0) s.db.persist(key, entry);
        }
        s.changed(key);
        s.notify(NOTIFY_STRING, 'set', key);
        s.reply.ok();
        return;
      }
      const opts = parseSetOptions(s, argv, 3, true);
      if (opts === null) return;
      setGeneric(s, opts.flags, argv[1]!, argv[2]!, opts.expire, 'set', null, null);
    },
  }),
  str({
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['OW', 'insert'],
    summary: 'Set the string value of a key only when the key doesn\'t exist.',
    since: '1.0.0',
    complexity: 'O(1)',
    deprecatedSince: '2.6.12',
    replacedBy: '`SET` with the `NX` argument',
    docFlags: ['deprecated'],
    handler: (s, argv) =>
      setGeneric(s, F_NX, argv[1]!, argv[2]!, null, 'setnx', () => s.reply.integer(1), () => s.reply.integer(0)),
  }),
  str({
    name: 'setex',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['OW', 'update'],
    summary: 'Sets the string value and expiration time of a key. Creates the key if it doesn\'t exist.',
    since: '2.0.0',
    complexity: 'O(1)',
    deprecatedSince: '2.6.12',
    replacedBy: '`SET` with the `EX` argument',
    docFlags: ['deprecated'],
    handler: (s, argv) => setGeneric(s, F_EX, argv[1]!, argv[3]!, argv[2]!, 'setex', null, null),
  }),
  str({
    name: 'psetex',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['OW', 'update'],
    summary: 'Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn\'t exist.',
    since: '2.6.0',
    complexity: 'O(1)',
    deprecatedSince: '2.6.12',
    replacedBy: '`SET` with the `PX` argument',
    docFlags: ['deprecated'],
    handler: (s, argv) => setGeneric(s, F_PX, argv[1]!, argv[3]!, argv[2]!, 'psetex', null, null),
  }),
  str({
    name: 'getset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Returns the previous string value of a key after setting it to a new value.',
    since: '1.0.0',
    complexity: 'O(1)',
    deprecatedSince: '6.2.0',
    replacedBy: '`SET` with the `!GET` argument',
    docFlags: ['deprecated'],
    handler: (s, argv) => {
      if (!replyGet(s, argv[1]!)) return;
      s.db.set(argv[1]!, argv[2]!);
      s.changed(argv[1]!);
      s.notify(NOTIFY_STRING, 'set', argv[1]!);
    },
  }),
  str({
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['write', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'delete'],
    summary: 'Returns the string value of a key after deleting the key.',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const entry = s.db.read(argv[1]!, !s.noTouch, KEEP_BLOB);
      if (entry === undefined) return s.reply.nil();
      const value = entry.value;
      if (typeof value === 'object') return s.reply.error(WRONGTYPE);
      s.reply.bulk(s.db.text(value));
      s.db.remove(argv[1]!, entry);
      s.changed(argv[1]!);
      s.notify(NOTIFY_GENERIC, 'del', argv[1]!);
    },
  }),
  str({
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update'],
    keyNotes: 'RW and UPDATE because it changes the TTL',
    summary: 'Returns the string value of a key after setting its expiration time.',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const opts = parseSetOptions(s, argv, 2, false);
      if (opts === null) return;
      const key = argv[1]!;
      const entry = s.db.read(key, !s.noTouch, KEEP_BLOB);
      if (entry === undefined) return s.reply.nil();
      const value = entry.value;
      if (typeof value === 'object') return s.reply.error(WRONGTYPE);
      let ms: ExpireTime = 0;
      if (opts.expire !== null) {
        const v = expireMs(s, opts.expire, opts.flags, 'getex');
        if (v === null) return;
        ms = v;
      }
      s.reply.bulk(s.db.text(value));
      if (opts.flags & (F_EXAT | F_PXAT) && ms <= s.engine.clock.now) {
        s.db.remove(key, entry);
        s.changed(key);
        s.notify(NOTIFY_GENERIC, 'del', key);
      } else if (opts.expire !== null) {
        s.db.setExpire(key, entry, ms);
        s.changed(key);
        s.notify(NOTIFY_GENERIC, 'expire', key);
      } else if (opts.flags & F_PERSIST) {
        if (s.db.persist(key, entry)) {
          s.changed(key);
          s.notify(NOTIFY_GENERIC, 'persist', key);
        }
      }
    },
  }),
  str({
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'string', 'fast'],
    keys: [1, -1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Atomically returns the string values of one or more keys.',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    tips: ['request_policy:multi_shard'],
    handler: (s, argv) => {
      s.reply.array(argv.length - 1);
      for (let i = 1; i < argv.length; i++) {
        const entry = s.db.read(argv[i]!, !s.noTouch, KEEP_BLOB);
        if (entry === undefined) s.reply.nil();
        else {
          const value = entry.value;
          if (typeof value === 'object') s.reply.nil();
          else s.reply.bulk(s.db.text(value));
        }
      }
    },
  }),
  str({
    name: 'mset',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    keys: [1, -1, 2],
    keyFlags: ['OW', 'update'],
    summary: 'Atomically creates or modifies the string values of one or more keys.',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    handler: (s, argv) => {
      if (argv.length % 2 === 0) return s.reply.error("ERR wrong number of arguments for 'mset' command");
      for (let i = 1; i < argv.length; i += 2) {
        s.db.set(argv[i]!, argv[i + 1]!);
        s.changed(argv[i]!);
        s.notify(NOTIFY_STRING, 'set', argv[i]!);
      }
      s.reply.ok();
    },
  }),
  str({
    name: 'msetnx',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    keys: [1, -1, 2],
    keyFlags: ['OW', 'insert'],
    summary: 'Atomically modifies the string values of one or more keys only when all keys don\'t exist.',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    handler: (s, argv) => {
      if (argv.length % 2 === 0) return s.reply.error("ERR wrong number of arguments for 'msetnx' command");
      for (let i = 1; i < argv.length; i += 2) {
        if (s.db.write(argv[i]!, false, KEEP_ALL) !== undefined) return s.reply.integer(0);
      }
      for (let i = 1; i < argv.length; i += 2) {
        s.db.set(argv[i]!, argv[i + 1]!);
        s.changed(argv[i]!);
        s.notify(NOTIFY_STRING, 'set', argv[i]!);
      }
      s.reply.integer(1);
    },
  }),
  str({
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'insert'],
    summary: 'Appends a string to the value of a key. Creates the key if it doesn\'t exist.',
    since: '2.0.0',
    complexity: 'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    handler: (s, argv) => {
      const key = argv[1]!;
      const entry = s.db.write(key, !s.noTouch);
      if (entry === undefined) {
        if (!checkLength(s, 0, argv[2]!.length)) return;
        s.db.add(key, argv[2]!);
        s.changed(key);
        s.notify(NOTIFY_STRING, 'append', key);
        return s.reply.integer(argv[2]!.length);
      }
      if (!isStringOrReply(s, entry)) return;
      const current = entry.value as string;
      if (!checkLength(s, current.length, argv[2]!.length)) return;
      s.db.setString(entry, current + argv[2]!, 'raw');
      s.changed(key);
      s.notify(NOTIFY_STRING, 'append', key);
      s.reply.integer((entry.value as string).length);
    },
  }),
  str({
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RO'],
    summary: 'Returns the length of a string value.',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const entry = s.db.read(argv[1]!, !s.noTouch, KEEP_ALL);
      if (entry === undefined) return s.reply.integer(0);
      const value = entry.value;
      if (typeof value === 'number') return s.reply.integer(s.engine.keyspace.arena.length(value));
      if (!(value instanceof Bitmap) && !isStringOrReply(s, entry)) return;
      s.reply.integer((value as string | Bitmap).length);
    },
  }),
  str({
    name: 'incr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Increments the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => incrBy(s, argv[1]!, 1),
  }),
  str({
    name: 'decr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => incrBy(s, argv[1]!, -1),
  }),
  str({
    name: 'incrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const by = parseInt64Exact(argv[2]!);
      if (by === null) return s.reply.error(NOT_INTEGER);
      incrBy(s, argv[1]!, by >= -9007199254740991n && by <= 9007199254740991n ? Number(by) : by);
    },
  }),
  str({
    name: 'decrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn\'t exist.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const by = parseInt64Exact(argv[2]!);
      if (by === null) return s.reply.error(NOT_INTEGER);
      if (by === INT64_MIN) return s.reply.error('ERR decrement would overflow');
      const neg = -by;
      incrBy(s, argv[1]!, neg >= -9007199254740991n && neg <= 9007199254740991n ? Number(neg) : neg);
    },
  }),
  str({
    name: 'incrbyfloat',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'string', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.',
    since: '2.6.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const key = argv[1]!;
      const entry = s.db.write(key, !s.noTouch);
      let current = fromInteger(0n);
      if (entry !== undefined) {
        if (!isStringOrReply(s, entry)) return;
        const text = entry.value as string;
        const asInt = parseInt64Exact(text);
        const parsed = asInt !== null ? fromInteger(asInt) : parseLongDouble(text);
        if (parsed === null) return s.reply.error(NOT_FLOAT);
        current = parsed;
      }
      const incr = parseLongDouble(argv[2]!);
      if (incr === null) return s.reply.error(NOT_FLOAT);
      const sum = add(current, incr);
      if (sum === null || !isFinite(sum)) return s.reply.error('ERR increment would produce NaN or Infinity');
      const text = formatHuman(sum);
      if (entry === undefined) s.db.setString(s.db.add(key, text), text, 'noint');
      else s.db.setString(entry, text, 'noint');
      s.changed(key);
      s.notify(NOTIFY_STRING, 'incrbyfloat', key);
      s.reply.bulk(text);
    },
  }),
  str({
    name: 'getrange',
    arity: 4,
    flags: ['readonly'],
    acl: ['read', 'string', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Returns a substring of the string stored at a key.',
    since: '2.4.0',
    complexity: 'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    handler: getRange,
  }),
  str({
    name: 'substr',
    arity: 4,
    flags: ['readonly'],
    acl: ['read', 'string', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Returns a substring from a string value.',
    since: '1.0.0',
    complexity: 'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    deprecatedSince: '2.0.0',
    replacedBy: '`GETRANGE`',
    docFlags: ['deprecated'],
    handler: getRange,
  }),
  str({
    name: 'setrange',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'update'],
    summary: 'Overwrites a part of a string value with another by an offset. Creates the key if it doesn\'t exist.',
    since: '2.2.0',
    complexity: 'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    handler: (s, argv) => {
      const offset = intArg(s, argv[2]!);
      if (offset === null) return;
      if (offset < 0) return s.reply.error('ERR offset is out of range');
      const key = argv[1]!;
      const value = argv[3]!;
      const entry = s.db.write(key, !s.noTouch);
      let current = '';
      if (entry === undefined) {
        if (value.length === 0) return s.reply.integer(0);
      } else {
        if (!isStringOrReply(s, entry)) return;
        current = entry.value as string;
        if (value.length === 0) return s.reply.integer(current.length);
      }
      if (!checkLength(s, offset, value.length)) return;
      const padded = current.length < offset ? current + '\0'.repeat(offset - current.length) : current;
      const next = padded.slice(0, offset) + value + padded.slice(offset + value.length);
      // SETRANGE always makes a raw string, even on a new key.
      if (entry === undefined) s.db.setString(s.db.add(key, next), next, 'raw');
      else s.db.setString(entry, next, 'raw');
      s.changed(key);
      s.notify(NOTIFY_STRING, 'setrange', key);
      s.reply.integer(next.length);
    },
  }),
  str({
    name: 'lcs',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'string', 'slow'],
    keys: [1, 2, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Finds the longest common substring.',
    since: '7.0.0',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    handler: lcs,
  }),
];
