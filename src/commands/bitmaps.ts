/**
 * Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO. A bitmap is a
 * string value (latin1, one char per byte), bit 0 being the most significant bit of the
 * first byte, as in Redis. Writes pad the string with zero bytes up to the highest bit
 * they address.
 */
import { constants as bufferConstants } from 'node:buffer';
import type { Session } from '../engine/session.js';
import { KEEP_BITMAP, type Entry } from '../store/keyspace.js';
import { BITMAP_MIN_BYTES, Bitmap } from '../store/bitmap.js';
import type { CommandDecl } from './types.js';
import { NOTIFY_GENERIC, NOTIFY_STRING } from '../engine/notify.js';
import { SYNTAX, WRONGTYPE, intArg, parseInt64, parseInt64Exact } from './util.js';

const BIT_OFFSET_ERROR = 'ERR bit offset is not an integer or out of range';
const BIT_VALUE_ERROR = 'ERR bit is not an integer or out of range';
const BITFIELD_TYPE_ERROR = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/**
 * V8's longest string, 24 bytes short of 512 MB: a write that would grow a bitmap past
 * it gets the offset error, where Redis (whose limit is proto-max-bulk-len) would succeed.
 */
const MAX_STRING = bufferConstants.MAX_STRING_LENGTH;

/** Bits set in each byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

/**
 * Redis's getBitOffsetFromArgument: a non-negative bit offset whose byte lies within
 * proto-max-bulk-len; with `bits` > 0 (BITFIELD) "#N" means N * bits. Null after the error.
 */
function bitOffsetArg(s: Session, arg: string, bits = 0): number | null {
  const hash = bits > 0 && arg.charCodeAt(0) === 35; // '#'
  let offset = parseInt64(hash ? arg.slice(1) : arg);
  if (offset !== null && hash) offset *= bits;
  if (offset === null || offset < 0 || Math.floor(offset / 8) >= s.engine.config.protoMaxBulkLen) {
    s.reply.error(BIT_OFFSET_ERROR);
    return null;
  }
  return offset;
}

/** A string value as the bitmap commands see it: a JS string, or a Bitmap kept for in-place writes. */
type Bytes = string | Bitmap;

function byteAt(value: Bytes, index: number): number {
  return typeof value === 'string' ? value.charCodeAt(index) : value.buf[index]!;
}

/** The string at key for reading, Bitmap form kept: undefined when missing, null after WRONGTYPE. */
function readBytes(s: Session, key: string): Bytes | undefined | null {
  const entry = s.db.read(key, !s.noTouch, KEEP_BITMAP);
  if (entry === undefined) return undefined;
  const value = entry.value;
  if (typeof value === 'string' || value instanceof Bitmap) return value;
  s.reply.error(WRONGTYPE);
  return null;
}

/**
 * A bitmap write in progress: the value's bytes, padded to what the write addresses, in
 * a Buffer to change in place. A large value is (or becomes) a Bitmap and buf is its own
 * buffer; a short one is copied and stored back as a string by commit().
 */
interface WriteTarget {
  key: string;
  entry: Entry | undefined;
  buf: Buffer;
  length: number;
  bitmap: Bitmap | null;
  /** The key was created or padded: a change even if no bit differs. */
  grew: boolean;
}

/**
 * Redis's lookupStringForBitCommand: the string at key, created or zero-padded so that
 * maxBit is addressable. Null after WRONGTYPE, or when the value would outgrow a V8 string.
 */
function openForWrite(s: Session, key: string, maxBit: number): WriteTarget | null {
  const entry = s.db.write(key, !s.noTouch, KEEP_BITMAP);
  const value = entry?.value;
  if (value !== undefined && typeof value !== 'string' && !(value instanceof Bitmap)) {
    s.reply.error(WRONGTYPE);
    return null;
  }
  const needed = Math.floor(maxBit / 8) + 1;
  if (needed > MAX_STRING) {
    s.reply.error(BIT_OFFSET_ERROR);
    return null;
  }
  const current = value === undefined ? 0 : value.length;
  const length = Math.max(current, needed);
  const grew = value === undefined || current < needed;
  if (value instanceof Bitmap) {
    value.grow(length);
    return { key, entry, buf: value.buf, length, bitmap: value, grew };
  }
  const text = value ?? '';
  if (length >= BITMAP_MIN_BYTES) {
    const bitmap = Bitmap.from(text, length);
    return { key, entry, buf: bitmap.buf, length, bitmap, grew };
  }
  const buf = Buffer.alloc(length);
  buf.write(text, 0, 'latin1');
  return { key, entry, buf, length, bitmap: null, grew };
}

/**
 * Stores a bitmap write. Redis un-shares the value of any bitmap write, so the string
 * becomes raw-encoded even when no bit changed.
 */
function commit(s: Session, target: WriteTarget): void {
  s.db.putBytes(target.key, target.entry, target.bitmap ?? target.buf.toString('latin1', 0, target.length));
}

function setbit(s: Session, argv: string[]): void {
  const offset = bitOffsetArg(s, argv[2]!);
  if (offset === null) return;
  const on = intArg(s, argv[3]!, BIT_VALUE_ERROR);
  if (on === null) return;
  if (on !== 0 && on !== 1) return s.reply.error(BIT_VALUE_ERROR);
  const key = argv[1]!;
  const target = openForWrite(s, key, offset);
  if (target === null) return;
  const byteIndex = Math.floor(offset / 8);
  const old = target.buf[byteIndex]!;
  const mask = 0x80 >> offset % 8;
  const was = (old & mask) !== 0 ? 1 : 0;
  target.buf[byteIndex] = on === 1 ? old | mask : old & ~mask;
  commit(s, target);
  if (target.grew || was !== on) {
    s.changed(key);
    s.notify(NOTIFY_STRING, 'setbit', key);
  }
  s.reply.integer(was);
}

function getbit(s: Session, argv: string[]): void {
  const offset = bitOffsetArg(s, argv[2]!);
  if (offset === null) return;
  const value = readBytes(s, argv[1]!);
  if (value === null) return;
  if (value === undefined) return s.reply.integer(0);
  const byteIndex = Math.floor(offset / 8);
  if (byteIndex >= value.length) return s.reply.integer(0);
  s.reply.integer((byteAt(value, byteIndex) & (0x80 >> offset % 8)) !== 0 ? 1 : 0);
}

/**
 * A BITCOUNT/BITPOS range resolved to bits: [first, last] inclusive, negative indexes
 * counted from the end and clamped as Redis does. Empty when first > last.
 */
function resolveRange(length: number, start: number, end: number, inBits: boolean): { first: number; last: number } {
  const total = inBits ? length * 8 : length;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  return inBits ? { first: start, last: end } : { first: start * 8, last: end * 8 + 7 };
}

/** Redis's BYTE|BIT unit argument; null after the syntax error. */
function unitArg(s: Session, arg: string | undefined): boolean | null {
  if (arg === undefined) return false;
  const unit = arg.toLowerCase();
  if (unit === 'bit') return true;
  if (unit === 'byte') return false;
  s.reply.error(SYNTAX);
  return null;
}

/** Set bits in buf[from, to): 32 bits at a time where the buffer's alignment allows. */
function countBuffer(buf: Buffer, from: number, to: number): number {
  let count = 0;
  let i = from;
  while (i < to && (buf.byteOffset + i) % 4 !== 0) count += POPCOUNT[buf[i++]!]!;
  const words = Math.floor((to - i) / 4);
  if (words > 0) {
    const view = new Int32Array(buf.buffer, buf.byteOffset + i, words);
    for (let w = 0; w < words; w++) {
      let v = view[w]!;
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      count += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  while (i < to) count += POPCOUNT[buf[i++]!]!;
  return count;
}

/** Set bits of value in bit positions [first, last]. */
function countBits(value: Bytes, first: number, last: number): number {
  const firstByte = Math.floor(first / 8);
  const lastByte = Math.floor(last / 8);
  let count = 0;
  if (typeof value === 'string') {
    for (let i = firstByte; i <= lastByte; i++) count += POPCOUNT[value.charCodeAt(i)]!;
  } else {
    count = countBuffer(value.buf, firstByte, lastByte + 1);
  }
  // Bits of the edge bytes outside the range.
  count -= POPCOUNT[byteAt(value, firstByte) & ~(0xff >> first % 8) & 0xff]!;
  count -= POPCOUNT[byteAt(value, lastByte) & (0xff >> ((last % 8) + 1))]!;
  return count;
}

function bitcount(s: Session, argv: string[]): void {
  // Redis 7.0 looks the key up first: a missing key counts 0 whatever the arguments.
  const value = readBytes(s, argv[1]!);
  if (value === null) return;
  if (value === undefined) return s.reply.integer(0);
  if (argv.length === 2) return s.reply.integer(value.length === 0 ? 0 : countBits(value, 0, value.length * 8 - 1));
  if (argv.length !== 4 && argv.length !== 5) return s.reply.error(SYNTAX);
  const start = intArg(s, argv[2]!);
  if (start === null) return;
  const end = intArg(s, argv[3]!);
  if (end === null) return;
  const inBits = unitArg(s, argv[4]);
  if (inBits === null) return;
  if (start < 0 && end < 0 && start > end) return s.reply.integer(0);
  const { first, last } = resolveRange(value.length, start, end, inBits);
  s.reply.integer(first > last ? 0 : countBits(value, first, last));
}

/** The first bit equal to `bit` in bit positions [first, last], or -1. */
function findBit(value: Bytes, bit: number, first: number, last: number): number {
  const skip = bit === 1 ? 0 : 0xff; // a byte with nothing to find
  let i = first;
  while (i <= last) {
    if (i % 8 === 0 && i + 7 <= last) {
      const byte = byteAt(value, i / 8);
      if (byte === skip) {
        i += 8;
        continue;
      }
    }
    const set = (byteAt(value, Math.floor(i / 8)) & (0x80 >> i % 8)) !== 0;
    if (set === (bit === 1)) return i;
    i++;
  }
  return -1;
}

function bitpos(s: Session, argv: string[]): void {
  const bit = intArg(s, argv[2]!);
  if (bit === null) return;
  if (bit !== 0 && bit !== 1) return s.reply.error('ERR The bit argument must be 1 or 0.');
  const value = readBytes(s, argv[1]!);
  if (value === null) return;
  // A missing key is an endless run of zero bits.
  if (value === undefined) return s.reply.integer(bit === 1 ? -1 : 0);
  if (argv.length > 6) return s.reply.error(SYNTAX);
  let start = 0;
  let end = -1;
  let inBits = false;
  if (argv.length >= 4) {
    const n = intArg(s, argv[3]!);
    if (n === null) return;
    start = n;
  }
  if (argv.length === 6) {
    const unit = unitArg(s, argv[5]);
    if (unit === null) return;
    inBits = unit;
  }
  const endGiven = argv.length >= 5;
  if (endGiven) {
    const n = intArg(s, argv[4]!);
    if (n === null) return;
    end = n;
  }
  const { first, last } = resolveRange(value.length, start, end, inBits);
  if (first > last) return s.reply.integer(-1);
  const found = findBit(value, bit, first, last);
  if (found !== -1) return s.reply.integer(found);
  // Looking for a 0 past the string's end finds one, unless the caller bounded the range.
  s.reply.integer(bit === 0 && !endGiven ? value.length * 8 : -1);
}

function bitop(s: Session, argv: string[]): void {
  const op = argv[1]!.toLowerCase();
  if (op !== 'and' && op !== 'or' && op !== 'xor' && op !== 'not') return s.reply.error(SYNTAX);
  if (op === 'not' && argv.length !== 4) return s.reply.error('ERR BITOP NOT must be called with a single source key.');
  const sources: Buffer[] = [];
  let maxLength = 0;
  for (let i = 3; i < argv.length; i++) {
    const value = readBytes(s, argv[i]!);
    if (value === null) return;
    if (value === undefined) {
      sources.push(Buffer.alloc(0));
      continue;
    }
    const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value.buf.subarray(0, value.length);
    sources.push(bytes);
    if (bytes.length > maxLength) maxLength = bytes.length;
  }
  const dest = argv[2]!;
  if (maxLength === 0) {
    if (s.db.delete(dest)) {
      s.changed(dest);
      s.notify(NOTIFY_GENERIC, 'del', dest);
    }
    return s.reply.integer(0);
  }
  // Missing bytes of shorter sources count as zeros.
  const result = Buffer.alloc(maxLength);
  sources[0]!.copy(result);
  if (op === 'not') {
    for (let j = 0; j < maxLength; j++) result[j] = ~result[j]! & 0xff;
  } else {
    for (let i = 1; i < sources.length; i++) {
      const src = sources[i]!;
      if (op === 'and') {
        for (let j = 0; j < src.length; j++) result[j]! &= src[j]!;
        result.fill(0, src.length);
      } else if (op === 'or') {
        for (let j = 0; j < src.length; j++) result[j]! |= src[j]!;
      } else {
        for (let j = 0; j < src.length; j++) result[j]! ^= src[j]!;
      }
    }
  }
  const value = result.toString('latin1');
  // As SET: any old value and TTL go.
  const entry = s.db.set(dest, value);
  s.db.setString(entry, value, 'raw');
  s.changed(dest);
  s.notify(NOTIFY_STRING, 'set', dest);
  s.reply.integer(maxLength);
}

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;
const WRAP = 0;
const SAT = 1;
const FAIL = 2;

interface FieldOp {
  opcode: number;
  offset: number;
  bits: number;
  signed: boolean;
  value: bigint;
  overflow: number;
}

/** Redis's getBitfieldTypeFromArgument: i1..i64 or u1..u63. */
function fieldType(s: Session, arg: string): { signed: boolean; bits: number } | null {
  const sign = arg.charCodeAt(0);
  const bits = sign === 105 || sign === 117 ? parseInt64(arg.slice(1)) : null; // 'i' or 'u'
  if (bits === null || bits < 1 || (sign === 105 && bits > 64) || (sign === 117 && bits > 63)) {
    s.reply.error(BITFIELD_TYPE_ERROR);
    return null;
  }
  return { signed: sign === 105, bits };
}

/** Reads `bits` bits at bit offset (zeros past the end), most significant first. */
function readField(value: Bytes | Buffer, offset: number, bits: number): bigint {
  let n = 0n;
  let chunk = 0;
  let chunkBits = 0;
  for (let i = offset; i < offset + bits; i++) {
    const byteIndex = Math.floor(i / 8);
    const byte = byteIndex >= value.length ? 0 : value instanceof Buffer ? value[byteIndex]! : byteAt(value as Bytes, byteIndex);
    chunk = chunk * 2 + ((byte >> (7 - (i % 8))) & 1);
    // Whole-number arithmetic up to 32 bits, then one BigInt step.
    if (++chunkBits === 32) {
      n = (n << 32n) | BigInt(chunk);
      chunk = 0;
      chunkBits = 0;
    }
  }
  return chunkBits === 0 ? n : (n << BigInt(chunkBits)) | BigInt(chunk);
}

/** Writes field as `bits` bits at bit offset of buf (long enough), most significant first. */
function writeField(buf: Buffer, offset: number, bits: number, field: bigint): void {
  for (let i = 0; i < bits; i++) {
    const pos = offset + i;
    const mask = 0x80 >> pos % 8;
    const k = Math.floor(pos / 8);
    buf[k] = ((field >> BigInt(bits - 1 - i)) & 1n) === 1n ? buf[k]! | mask : buf[k]! & ~mask;
  }
}

/**
 * Redis's checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow on exact integers:
 * the stored result of value + incr, or null when the FAIL policy refuses it. Unsigned
 * values arrive as C's uint64 would see them (a negative SET is 2^64 - n, hence too large).
 */
function applyOverflow(sum: bigint, bits: number, signed: boolean, policy: number): { result: bigint; overflowed: boolean } | null {
  const b = BigInt(bits);
  const max = signed ? (1n << (b - 1n)) - 1n : (1n << b) - 1n;
  const min = signed ? -(1n << (b - 1n)) : 0n;
  if (sum >= min && sum <= max) return { result: sum, overflowed: false };
  if (policy === FAIL) return null;
  if (policy === SAT) return { result: sum > max ? max : min, overflowed: true };
  return { result: signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum), overflowed: true };
}

function bitfield(s: Session, argv: string[], readonlyVariant: boolean): void {
  const ops: FieldOp[] = [];
  let overflow = WRAP;
  let writes = false;
  let highestWrite = 0;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j]!.toLowerCase();
    let opcode: number;
    if (sub === 'get' && remaining >= 2) opcode = OP_GET;
    else if (sub === 'set' && remaining >= 3) opcode = OP_SET;
    else if (sub === 'incrby' && remaining >= 3) opcode = OP_INCRBY;
    else if (sub === 'overflow' && remaining >= 1) {
      const policy = argv[++j]!.toLowerCase();
      if (policy === 'wrap') overflow = WRAP;
      else if (policy === 'sat') overflow = SAT;
      else if (policy === 'fail') overflow = FAIL;
      else return s.reply.error('ERR Invalid OVERFLOW type specified');
      continue;
    } else return s.reply.error(SYNTAX);
    const type = fieldType(s, argv[j + 1]!);
    if (type === null) return;
    const offset = bitOffsetArg(s, argv[j + 2]!, type.bits);
    if (offset === null) return;
    let value = 0n;
    if (opcode !== OP_GET) {
      writes = true;
      highestWrite = Math.max(highestWrite, offset + type.bits - 1);
      const n = parseInt64Exact(argv[j + 3]!);
      if (n === null) return s.reply.error('ERR value is not an integer or out of range');
      value = n;
    }
    ops.push({ opcode, offset, bits: type.bits, signed: type.signed, value, overflow });
    j += opcode === OP_GET ? 2 : 3;
  }

  const key = argv[1]!;
  let source: Bytes | Buffer;
  let target: WriteTarget | null = null;
  if (!writes) {
    const value = readBytes(s, key);
    if (value === null) return;
    source = value ?? '';
  } else {
    if (readonlyVariant) return s.reply.error('ERR BITFIELD_RO only supports the GET subcommand');
    target = openForWrite(s, key, highestWrite);
    if (target === null) return;
    source = target.buf;
  }

  s.reply.array(ops.length);
  let changes = 0;
  for (const op of ops) {
    const raw = readField(source, op.offset, op.bits);
    const old = op.signed ? BigInt.asIntN(op.bits, raw) : raw;
    if (op.opcode === OP_GET) {
      s.reply.integer(old);
      continue;
    }
    let outcome: { result: bigint; overflowed: boolean } | null;
    if (op.opcode === OP_INCRBY) outcome = applyOverflow(old + op.value, op.bits, op.signed, op.overflow);
    else outcome = applyOverflow(op.signed ? op.value : BigInt.asUintN(64, op.value), op.bits, op.signed, op.overflow);
    if (outcome === null) {
      s.reply.nil();
      continue;
    }
    const next = outcome.result;
    const reply = op.opcode === OP_INCRBY ? next : old;
    s.reply.integer(reply);
    writeField(target!.buf, op.offset, op.bits, op.signed ? BigInt.asUintN(op.bits, next) : next);
    if (target!.grew || next !== old) changes++;
  }
  if (target === null) return;
  commit(s, target);
  if (changes > 0) {
    s.changed(key, changes);
    s.notify(NOTIFY_STRING, 'setbit', key);
  } else if (target.grew) {
    // Redis creates or pads the key even when every write failed, but logs nothing, so
    // the zeros it added vanish on reload; counting the write keeps them in the AOF.
    s.engine.keyspace.dirty++;
  }
}

const bm = (d: Omit<CommandDecl, 'group'>): CommandDecl => ({ group: 'bitmap', ...d });

export const bitmapCommands: CommandDecl[] = [
  bm({
    name: 'setbit',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'bitmap', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Sets or clears the bit at offset in the string value stored at key',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: setbit,
  }),
  bm({
    name: 'getbit',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'bitmap', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the bit value at offset in the string value stored at key',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: getbit,
  }),
  bm({
    name: 'bitcount',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'bitmap', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Count set bits in a string',
    since: '2.6.0',
    complexity: 'O(N)',
    handler: bitcount,
  }),
  bm({
    name: 'bitpos',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'bitmap', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Find first bit set or clear in a string',
    since: '2.8.7',
    complexity: 'O(N)',
    handler: bitpos,
  }),
  bm({
    name: 'bitop',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'bitmap', 'slow'],
    keys: [2, -1, 1],
    keySpecs: [
      { flags: ['OW', 'update'], index: 2, lastKey: 0, keyStep: 1 },
      { flags: ['RO', 'access'], index: 3, lastKey: -1, keyStep: 1 },
    ],
    summary: 'Perform bitwise operations between strings',
    since: '2.6.0',
    complexity: 'O(N)',
    handler: bitop,
  }),
  bm({
    name: 'bitfield',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['write', 'bitmap', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update', 'variable_flags'],
    keyNotes: 'This command allows both access and modification of the key',
    summary: 'Perform arbitrary bitfield integer operations on strings',
    since: '3.2.0',
    complexity: 'O(1) for each subcommand specified',
    handler: (s, argv) => bitfield(s, argv, false),
  }),
  bm({
    name: 'bitfield_ro',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'bitmap', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD',
    since: '6.0.0',
    complexity: 'O(1) for each subcommand specified',
    handler: (s, argv) => bitfield(s, argv, true),
  }),
];
