/**
 * Streams, laid out as Redis lays them out: a sequence of nodes, each holding the bytes of
 * one listpack of Redis's stream encoding (entries whose IDs are deltas from the node's
 * master ID, field names omitted when equal to the master's, small numbers as integers).
 * Entries are packed, not objects: a node is a Buffer and the offsets of its entries, and
 * an entry is decoded when a command reads it (StreamEntry is such a decoded view).
 *
 * The layout is not only for the RDB file (persistence writes each node's bytes behind the
 * master entry): it decides replies. A new node starts when the last one reaches
 * stream-node-max-entries entries or stream-node-max-bytes bytes, and approximate trimming
 * (MAXLEN ~, MINID ~) removes whole nodes only, so XLEN after an approximate trim is
 * Redis's only if the nodes are cut where Redis cuts them.
 *
 * Deleted entries stay in their node, flagged, as in Redis, until the node is emptied.
 * Lookups binary-search the nodes by their last ID, then the entries inside one node:
 * O(log n) for a range start, O(1) for a delete (a flag byte), O(1) amortized for an
 * append, O(nodes) to drop a node.
 */
import type { AggregateValue } from './keyspace.js';
import { Measured, stringBytes } from './memory.js';

export const UINT64_MAX = (1n << 64n) - 1n;

/** An entry ID: milliseconds and sequence, both unsigned 64-bit. */
export interface StreamId {
  ms: bigint;
  seq: bigint;
}

export const ZERO_ID: StreamId = { ms: 0n, seq: 0n };
export const MAX_ID: StreamId = { ms: UINT64_MAX, seq: UINT64_MAX };

export function compareIds(a: StreamId, b: StreamId): number {
  return a.ms < b.ms ? -1 : a.ms > b.ms ? 1 : a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0;
}

export function idText(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** 16 bytes, big-endian ms then seq: compares as the IDs do, with plain string comparison. */
export function idKey(id: StreamId): string {
  let out = '';
  for (const v of [id.ms, id.seq]) {
    for (let shift = 56n; shift >= 0n; shift -= 8n) out += String.fromCharCode(Number((v >> shift) & 0xffn));
  }
  return out;
}

export function keyToId(key: string): StreamId {
  let ms = 0n;
  let seq = 0n;
  for (let i = 0; i < 8; i++) ms = (ms << 8n) | BigInt(key.charCodeAt(i));
  for (let i = 8; i < 16; i++) seq = (seq << 8n) | BigInt(key.charCodeAt(i));
  return { ms, seq };
}

/** The ID after id, or null past the last possible one (Redis's streamIncrID). */
export function nextId(id: StreamId): StreamId | null {
  if (id.seq === UINT64_MAX) {
    if (id.ms === UINT64_MAX) return null;
    return { ms: id.ms + 1n, seq: 0n };
  }
  return { ms: id.ms, seq: id.seq + 1n };
}

/** The ID before id, or null before 0-0 (Redis's streamDecrID). */
export function prevId(id: StreamId): StreamId | null {
  if (id.seq === 0n) {
    if (id.ms === 0n) return null;
    return { ms: id.ms - 1n, seq: UINT64_MAX };
  }
  return { ms: id.ms, seq: id.seq - 1n };
}

// ---- Listpack sizes (Redis's listpack.c encodings) ----

/** Redis's lpStringToInt64: the integer a listpack would store the string as, or null. */
export function listpackInt(s: string): bigint | null {
  const len = s.length;
  if (len === 0 || len > 20) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (len === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return len === 1 ? 0n : null;
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return null;
  return v;
}

/** Encoded size of an integer element (without its backlen). */
function intSize(v: bigint | number): number {
  const n = Number(v);
  if (n >= 0 && n <= 127) return 1;
  if (n >= -4096 && n <= 4095) return 2;
  if (n >= -32768 && n <= 32767) return 3;
  if (n >= -8388608 && n <= 8388607) return 4;
  if (n >= -2147483648 && n <= 2147483647) return 5;
  return 9;
}

function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Bytes a listpack element takes: encoding, data and backlen. */
export function intElementSize(v: bigint | number): number {
  const l = intSize(v);
  return l + backlenSize(l);
}

export function stringElementSize(s: string): number {
  const asInt = listpackInt(s);
  if (asInt !== null) return intElementSize(asInt);
  const len = s.length;
  const l = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  return l + backlenSize(l);
}

/** A listpack's header (total bytes, element count) and end byte. */
const LP_OVERHEAD = 7;

export const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

/** One half of an ID: a number while exact (below 2^53), a bigint beyond (rare, explicit IDs). */
export type IdPart = number | bigint;

export function idPart(v: bigint): IdPart {
  return v <= 9007199254740991n ? Number(v) : v;
}

/**
 * An entry as read from its node: a decoded copy. IDs are two numbers (bigints only past
 * 2^53, from explicit IDs); number/bigint comparisons in JS are exact, and a part is a
 * bigint only when it must be, so equal parts compare equal.
 */
export class StreamEntry {
  constructor(
    readonly ms: IdPart,
    readonly seq: IdPart,
    /** Field, value, field, value... */
    readonly fields: string[],
    readonly flags: number,
  ) {}

  get deleted(): boolean {
    return (this.flags & FLAG_DELETED) !== 0;
  }

  get id(): StreamId {
    return { ms: BigInt(this.ms), seq: BigInt(this.seq) };
  }

  /** The 16-byte key of this ID (for PELs). */
  get key(): string {
    return idKey(this.id);
  }

  /** "<ms>-<seq>", as replies show it. */
  get text(): string {
    return `${this.ms}-${this.seq}`;
  }
}

/** a + b for ID parts: exact in numbers below 2^53, else unsigned 64-bit arithmetic. */
function addPart(a: IdPart, b: IdPart): IdPart {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum) && sum >= 0) return sum;
  }
  return idPart(BigInt.asUintN(64, BigInt(a) + BigInt(b)));
}

/** a - b as the int64 Redis stores for a delta. */
function deltaPart(a: IdPart, b: IdPart): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return BigInt.asIntN(64, BigInt(a) - BigInt(b));
}

function cmpParts(ams: IdPart, aseq: IdPart, bms: IdPart, bseq: IdPart): number {
  return ams < bms ? -1 : ams > bms ? 1 : aseq < bseq ? -1 : aseq > bseq ? 1 : 0;
}

// ---- Listpack element encoding and decoding ----

/** Writes the backlen of an element of l bytes at pos; returns the position after it. */
function writeBacklen(buf: Buffer, pos: number, l: number): number {
  if (l <= 127) buf[pos++] = l;
  else if (l < 16383) {
    buf[pos++] = l >> 7;
    buf[pos++] = (l & 127) | 128;
  } else if (l < 2097151) {
    buf[pos++] = l >> 14;
    buf[pos++] = ((l >> 7) & 127) | 128;
    buf[pos++] = (l & 127) | 128;
  } else if (l < 268435455) {
    buf[pos++] = l >> 21;
    buf[pos++] = ((l >> 14) & 127) | 128;
    buf[pos++] = ((l >> 7) & 127) | 128;
    buf[pos++] = (l & 127) | 128;
  } else {
    buf[pos++] = l >>> 28;
    buf[pos++] = ((l >> 21) & 127) | 128;
    buf[pos++] = ((l >> 14) & 127) | 128;
    buf[pos++] = ((l >> 7) & 127) | 128;
    buf[pos++] = (l & 127) | 128;
  }
  return pos;
}

/** Writes an integer element at pos (room checked by the caller); returns the next position. */
function writeInt(buf: Buffer, pos: number, v: number | bigint): number {
  const start = pos;
  const n = Number(v);
  if (n >= 0 && n <= 127) buf[pos++] = n;
  else if (n >= -4096 && n <= 4095) {
    const u = n & 0x1fff;
    buf[pos++] = 0xc0 | (u >> 8);
    buf[pos++] = u & 0xff;
  } else if (n >= -32768 && n <= 32767) {
    buf[pos++] = 0xf1;
    buf.writeInt16LE(n, pos);
    pos += 2;
  } else if (n >= -8388608 && n <= 8388607) {
    buf[pos++] = 0xf2;
    buf.writeIntLE(n, pos, 3);
    pos += 3;
  } else if (n >= -2147483648 && n <= 2147483647) {
    buf[pos++] = 0xf3;
    buf.writeInt32LE(n, pos);
    pos += 4;
  } else {
    buf[pos++] = 0xf4;
    buf.writeBigInt64LE(BigInt.asIntN(64, BigInt(v)), pos);
    pos += 8;
  }
  return writeBacklen(buf, pos, pos - start);
}

/** Writes a string element (as an integer when it reads as one, as Redis does). */
function writeString(buf: Buffer, pos: number, s: string): number {
  const asInt = listpackInt(s);
  if (asInt !== null) return writeInt(buf, pos, asInt);
  const start = pos;
  const len = s.length;
  if (len < 64) buf[pos++] = 0x80 | len;
  else if (len < 4096) {
    buf[pos++] = 0xe0 | (len >> 8);
    buf[pos++] = len & 0xff;
  } else {
    buf[pos++] = 0xf0;
    buf.writeUInt32LE(len, pos);
    pos += 4;
  }
  pos += buf.latin1Write(s, pos, len);
  return writeBacklen(buf, pos, pos - start);
}

/** Where the element read last ended (set by readInt and readElement). */
let next = 0;

function skipBacklen(pos: number, l: number): number {
  return pos + l + (l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5);
}

/** The integer element at pos; null if it is a string. */
function readInt(buf: Buffer, pos: number): number | bigint | null {
  const b = buf[pos]!;
  if (b < 0x80) {
    next = pos + 2;
    return b;
  }
  if ((b & 0xe0) === 0xc0) {
    next = pos + 3;
    const u = ((b & 0x1f) << 8) | buf[pos + 1]!;
    return u >= 4096 ? u - 8192 : u;
  }
  switch (b) {
    case 0xf1:
      next = skipBacklen(pos, 3);
      return buf.readInt16LE(pos + 1);
    case 0xf2:
      next = skipBacklen(pos, 4);
      return buf.readIntLE(pos + 1, 3);
    case 0xf3:
      next = skipBacklen(pos, 5);
      return buf.readInt32LE(pos + 1);
    case 0xf4: {
      next = skipBacklen(pos, 9);
      const v = buf.readBigInt64LE(pos + 1);
      return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
    }
    default:
      return null;
  }
}

/** The element at pos as a string (integers in decimal). */
function readElement(buf: Buffer, pos: number): string {
  const asInt = readInt(buf, pos);
  if (asInt !== null) return String(asInt);
  const b = buf[pos]!;
  let len: number;
  let data: number;
  if ((b & 0xc0) === 0x80) {
    len = b & 0x3f;
    data = pos + 1;
  } else if ((b & 0xf0) === 0xe0) {
    len = ((b & 0x0f) << 8) | buf[pos + 1]!;
    data = pos + 2;
  } else {
    len = buf.readUInt32LE(pos + 1);
    data = pos + 5;
  }
  next = skipBacklen(pos, data - pos + len);
  return buf.latin1Slice(data, data + len);
}

/** The listpack bytes of a node, entries packed one after another. */
export class StreamNode {
  /** The elements of the entries (after the master entry), in bytes [0, used). */
  private buf: Buffer;
  used = 0;
  /** Offset in buf of each entry's first (flags) element. */
  private offsets: number[] = [];
  /** Live entries (the master entry's count). */
  live = 0;
  /** Entries flagged deleted (the master entry's deleted). */
  deleted = 0;
  readonly masterMs: IdPart;
  readonly masterSeq: IdPart;
  /** Listpack bytes of the master entry's field count, names and terminator (fixed for the node). */
  private readonly masterBytes: number;
  /** The last entry's ID (deleted or not): what nodes are searched by. */
  lastMs: IdPart;
  lastSeq: IdPart;

  constructor(
    readonly master: StreamId,
    readonly masterFields: string[],
    capacity = 128,
  ) {
    this.masterMs = idPart(master.ms);
    this.masterSeq = idPart(master.seq);
    this.lastMs = this.masterMs;
    this.lastSeq = this.masterSeq;
    let masterBytes = intElementSize(masterFields.length) + intElementSize(0);
    for (const f of masterFields) masterBytes += stringElementSize(f);
    this.masterBytes = masterBytes;
    this.buf = Buffer.allocUnsafeSlow(capacity);
  }

  /** Entries held, deleted ones included. */
  get count(): number {
    return this.offsets.length;
  }

  /** Heap the node holds beyond its fixed part. */
  get heapBytes(): number {
    let n = this.buf.length + 8 * this.offsets.length;
    for (const f of this.masterFields) n += stringBytes(f);
    return n;
  }

  /** lpBytes of the listpack Redis would hold for this node. */
  get bytes(): number {
    return LP_OVERHEAD + intElementSize(this.live) + intElementSize(this.deleted) + this.masterBytes + this.used;
  }

  /** The entries' bytes (for the RDB file). */
  get data(): Buffer {
    return this.buf.subarray(0, this.used);
  }

  /** Makes room for `extra` more bytes; returns the growth of the buffer. */
  private reserve(extra: number): number {
    if (this.used + extra <= this.buf.length) return 0;
    const size = Math.max(this.used + extra, this.buf.length * 2);
    const grown = Buffer.allocUnsafeSlow(size);
    this.buf.copy(grown, 0, 0, this.used);
    const delta = size - this.buf.length;
    this.buf = grown;
    return delta;
  }

  /** Gives back spare capacity once no entry will be added (a newer node took over). Returns the change in bytes. */
  seal(): number {
    if (this.buf.length === this.used) return 0;
    const exact = Buffer.allocUnsafeSlow(Math.max(1, this.used));
    this.buf.copy(exact, 0, 0, this.used);
    const delta = exact.length - this.buf.length;
    this.buf = exact;
    return delta;
  }

  /**
   * Appends an entry (ID above the last; fields name, value...). Returns the growth of the
   * buffer, for the memory figures.
   */
  push(ms: IdPart, seq: IdPart, fields: string[], flags: number): number {
    let room = 60;
    for (const f of fields) room += f.length + 10;
    const grown = this.reserve(room);
    const buf = this.buf;
    let pos = this.used;
    this.offsets.push(pos);
    const nfields = fields.length / 2;
    pos = writeInt(buf, pos, flags);
    pos = writeInt(buf, pos, deltaPart(ms, this.masterMs));
    pos = writeInt(buf, pos, deltaPart(seq, this.masterSeq));
    if (flags & FLAG_SAMEFIELDS) {
      for (let i = 1; i < fields.length; i += 2) pos = writeString(buf, pos, fields[i]!);
      pos = writeInt(buf, pos, nfields + 3);
    } else {
      pos = writeInt(buf, pos, nfields);
      for (const f of fields) pos = writeString(buf, pos, f);
      pos = writeInt(buf, pos, nfields * 2 + 4);
    }
    this.used = pos;
    this.lastMs = ms;
    this.lastSeq = seq;
    if (flags & FLAG_DELETED) this.deleted++;
    else this.live++;
    return grown;
  }

  flagsAt(i: number): number {
    return this.buf[this.offsets[i]!]!;
  }

  /** Flags entry i deleted, in place (the flags element keeps its one-byte size). */
  markDeleted(i: number): void {
    const at = this.offsets[i]!;
    this.buf[at] = this.buf[at]! | FLAG_DELETED;
    this.live--;
    this.deleted++;
  }

  /** Entry i's ID, left in idMs/idSeq (no allocation: the binary searches call this). */
  private readId(i: number): void {
    let pos = this.offsets[i]!;
    readInt(this.buf, pos);
    pos = next;
    const dms = readInt(this.buf, pos)!;
    pos = next;
    const dseq = readInt(this.buf, pos)!;
    idMs = addPart(this.masterMs, dms);
    idSeq = addPart(this.masterSeq, dseq);
  }

  /** Compares entry i's ID with (ms, seq). */
  cmpAt(i: number, ms: IdPart, seq: IdPart): number {
    this.readId(i);
    return cmpParts(idMs, idSeq, ms, seq);
  }

  /** Entry i, decoded. */
  entryAt(i: number): StreamEntry {
    const buf = this.buf;
    let pos = this.offsets[i]!;
    const flags = readInt(buf, pos) as number;
    pos = next;
    const ms = addPart(this.masterMs, readInt(buf, pos)!);
    pos = next;
    const seq = addPart(this.masterSeq, readInt(buf, pos)!);
    return this.entryRest(next, flags, ms, seq);
  }

  /**
   * Entry i if its ID is <= (ms, seq) and it is live: undefined if it is deleted, null
   * if its ID is past the bound (a range scan stops there). Decodes the ID once.
   */
  entryUpTo(i: number, ms: IdPart, seq: IdPart): StreamEntry | undefined | null {
    const buf = this.buf;
    let pos = this.offsets[i]!;
    const flags = readInt(buf, pos) as number;
    pos = next;
    const ems = addPart(this.masterMs, readInt(buf, pos)!);
    pos = next;
    const eseq = addPart(this.masterSeq, readInt(buf, pos)!);
    if (cmpParts(ems, eseq, ms, seq) > 0) return null;
    if (flags & FLAG_DELETED) return undefined;
    return this.entryRest(next, flags, ems, eseq);
  }

  /** The fields of an entry whose ID ends at pos. */
  private entryRest(pos: number, flags: number, ms: IdPart, seq: IdPart): StreamEntry {
    const buf = this.buf;
    const fields: string[] = [];
    if (flags & FLAG_SAMEFIELDS) {
      for (const f of this.masterFields) {
        fields.push(f, readElement(buf, pos));
        pos = next;
      }
    } else {
      const n = Number(readInt(buf, pos));
      pos = next;
      for (let k = 0; k < n * 2; k++) {
        fields.push(readElement(buf, pos));
        pos = next;
      }
    }
    return new StreamEntry(ms, seq, fields, flags);
  }

  /** Index of the first entry with ID >= (ms, seq) (count if none). */
  lowerBound(ms: IdPart, seq: IdPart): number {
    let lo = 0;
    let hi = this.offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmpAt(mid, ms, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Compares this node's last entry ID with (ms, seq). */
  cmpLast(ms: IdPart, seq: IdPart): number {
    return cmpParts(this.lastMs, this.lastSeq, ms, seq);
  }

  /** Listpack elements of the entries (for the listpack header's count). */
  get elements(): number {
    let n = 0;
    for (let i = 0; i < this.offsets.length; i++) n += this.elementCountAt(i, this.flagsAt(i));
    return n;
  }

  private elementCountAt(i: number, flags: number): number {
    let pos = this.offsets[i]!;
    readInt(this.buf, pos); // flags
    pos = next;
    readInt(this.buf, pos); // ms delta
    pos = next;
    readInt(this.buf, pos); // seq delta
    pos = next;
    if (flags & FLAG_SAMEFIELDS) return this.masterFields.length + 4;
    const n = Number(readInt(this.buf, pos));
    return n * 2 + 5;
  }

  /** An independent copy (COPY). */
  copy(): StreamNode {
    const n = new StreamNode(this.master, this.masterFields, Math.max(1, this.used));
    this.buf.copy(n.buf, 0, 0, this.used);
    n.used = this.used;
    n.offsets = [...this.offsets];
    n.live = this.live;
    n.deleted = this.deleted;
    n.lastMs = this.lastMs;
    n.lastSeq = this.lastSeq;
    return n;
  }
}

/** Scratch for StreamNode.readId. */
let idMs: IdPart = 0;
let idSeq: IdPart = 0;

/** Estimated heap bytes: the stream object, per node, and per entry its object (a boxed ms included) and fields array. */
const STREAM_BYTES = 200;
const NODE_BYTES = 120;

export interface StreamLimits {
  nodeMaxBytes: number;
  nodeMaxEntries: number;
}

/** Redis's STREAM_LISTPACK_MAX_SIZE: a node never grows past 1 GB. */
const LISTPACK_MAX_SIZE = 1 << 30;

export class StreamValue extends Measured implements AggregateValue {
  readonly type = 'stream';
  nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamId = ZERO_ID;
  firstId: StreamId = ZERO_ID;
  maxDeletedId: StreamId = ZERO_ID;
  entriesAdded = 0n;
  /** Consumer groups by name; iterate with sortedGroups() for Redis's order. */
  groups = new Map<string, ConsumerGroup>();

  constructor() {
    super(STREAM_BYTES);
  }

  sortedGroups(): ConsumerGroup[] {
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Redis's streamLastValidID: the last live entry's ID, or lastId of an empty stream... as Redis: 0-0 when empty. */
  lastValidId(): StreamId {
    return this.edgeId(false) ?? ZERO_ID;
  }

  /** Redis's streamRangeHasTombstones. */
  rangeHasTombstones(start: StreamId | null, end: StreamId | null): boolean {
    const md = this.maxDeletedId;
    if (this.length === 0 || (md.ms === 0n && md.seq === 0n)) return false;
    if (compareIds(this.firstId, md) > 0) return false;
    const s = start ?? ZERO_ID;
    const e = end ?? MAX_ID;
    return compareIds(s, md) <= 0 && compareIds(md, e) <= 0;
  }

  /** Redis's streamEstimateDistanceFromFirstEverEntry: an ID's logical read counter, or ENTRIES_READ_INVALID. */
  estimateDistance(id: StreamId): bigint {
    if (this.entriesAdded === 0n) return 0n;
    if (this.length === 0 && compareIds(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = compareIds(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return ENTRIES_READ_INVALID;
    const cmpFirst = compareIds(id, this.firstId);
    const md = this.maxDeletedId;
    if ((md.ms === 0n && md.seq === 0n) || compareIds(md, this.firstId) < 0) {
      if (cmpFirst < 0) return this.entriesAdded - BigInt(this.length);
      if (cmpFirst === 0) return this.entriesAdded - BigInt(this.length) + 1n;
    }
    return ENTRIES_READ_INVALID;
  }

  /** The live entry with this ID, or undefined. */
  entry(id: StreamId): StreamEntry | undefined {
    const at = this.locate(id);
    return at === null ? undefined : this.nodes[at.node]!.entryAt(at.index);
  }

  encoding(): string {
    return 'stream';
  }

  measure(): number {
    let n = STREAM_BYTES;
    for (const node of this.nodes) {
      n += NODE_BYTES + node.heapBytes;
    }
    return n;
  }

  /**
   * Appends an entry with an ID greater than lastId (the caller checked), in the last
   * node or a new one as Redis's streamAppendItem decides.
   */
  append(id: StreamId, fields: string[], limits: StreamLimits): void {
    let node = this.nodes.length > 0 ? this.nodes[this.nodes.length - 1]! : null;
    if (node !== null) {
      let maxBytes = limits.nodeMaxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      let total = 0;
      for (const f of fields) total += f.length;
      if (node.bytes + total >= maxBytes) node = null;
      else if (limits.nodeMaxEntries > 0 && node.live + node.deleted >= limits.nodeMaxEntries) node = null;
    }
    if (node === null) {
      // The node before will take no more entries: its spare room goes.
      const last = this.nodes[this.nodes.length - 1];
      if (last !== undefined) this.account(last.seal());
      const names: string[] = [];
      for (let i = 0; i < fields.length; i += 2) names.push(fields[i]!);
      // Room for a full node at once (it is trimmed to size when the next node starts):
      // growing by doubling cost an allocation and a copy per step.
      const max = limits.nodeMaxBytes;
      node = new StreamNode(id, names, max > 0 && max <= 65536 ? max : 256);
      this.nodes.push(node);
      this.account(NODE_BYTES + node.heapBytes);
    }
    const nfields = fields.length / 2;
    let same = nfields === node.masterFields.length;
    for (let i = 0; same && i < nfields; i++) if (fields[i * 2] !== node.masterFields[i]) same = false;
    // The buffer's growth, and the entry's offset slot.
    this.account(node.push(idPart(id.ms), idPart(id.seq), fields, same ? FLAG_SAMEFIELDS : 0) + 8);
    this.length++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
    this.entriesAdded++;
  }

  /** Index of the first node whose last entry has an ID >= (ms, seq). */
  private nodeFor(ms: IdPart, seq: IdPart): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.nodes[mid]!.cmpLast(ms, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Live entries with start <= id <= end, ascending, at most count (0: all). */
  range(start: StreamId, end: StreamId, count: number): StreamEntry[] {
    const out: StreamEntry[] = [];
    if (compareIds(start, end) > 0) return out;
    const sms = idPart(start.ms);
    const sseq = idPart(start.seq);
    const ems = idPart(end.ms);
    const eseq = idPart(end.seq);
    const firstNode = this.nodeFor(sms, sseq);
    for (let n = firstNode; n < this.nodes.length; n++) {
      const node = this.nodes[n]!;
      for (let i = n === firstNode ? node.lowerBound(sms, sseq) : 0; i < node.count; i++) {
        const e = node.entryUpTo(i, ems, eseq);
        if (e === null) return out;
        if (e === undefined) continue;
        out.push(e);
        if (count > 0 && out.length >= count) return out;
      }
    }
    return out;
  }

  /** Live entries with start <= id <= end, descending from end, at most count (0: all). */
  revRange(start: StreamId, end: StreamId, count: number): StreamEntry[] {
    const out: StreamEntry[] = [];
    if (compareIds(start, end) > 0) return out;
    const sms = idPart(start.ms);
    const sseq = idPart(start.seq);
    const ems = idPart(end.ms);
    const eseq = idPart(end.seq);
    // The last entry with ID <= end: just before the first entry > end.
    let n = Math.min(this.nodeFor(ems, eseq), this.nodes.length - 1);
    for (; n >= 0; n--) {
      const node = this.nodes[n]!;
      let i = node.lowerBound(ems, eseq);
      if (i < node.count && node.cmpAt(i, ems, eseq) > 0) i--;
      if (i >= node.count) i = node.count - 1;
      for (; i >= 0; i--) {
        if (node.cmpAt(i, sms, sseq) < 0) return out;
        if (node.flagsAt(i) & FLAG_DELETED) continue;
        out.push(node.entryAt(i));
        if (count > 0 && out.length >= count) return out;
      }
    }
    return out;
  }

  /** The live entry with this ID, and where it is. */
  private locate(id: StreamId): { node: number; index: number } | null {
    const ms = idPart(id.ms);
    const seq = idPart(id.seq);
    const n = this.nodeFor(ms, seq);
    if (n >= this.nodes.length) return null;
    const node = this.nodes[n]!;
    const i = node.lowerBound(ms, seq);
    if (i >= node.count) return null;
    if (node.cmpAt(i, ms, seq) !== 0 || node.flagsAt(i) & FLAG_DELETED) return null;
    return { node: n, index: i };
  }

  has(id: StreamId): boolean {
    return this.locate(id) !== null;
  }

  /** Redis's streamDeleteItem: flags the entry deleted; a node left empty goes. */
  delete(id: StreamId): boolean {
    const at = this.locate(id);
    if (at === null) return false;
    const node = this.nodes[at.node]!;
    node.markDeleted(at.index);
    this.length--;
    if (node.live === 0) this.removeNode(at.node);
    return true;
  }

  private removeNode(index: number): void {
    const node = this.nodes[index]!;
    this.account(-(NODE_BYTES + node.heapBytes));
    this.nodes.splice(index, 1);
  }

  /** The first (or last) live entry's ID, or null when empty. */
  edgeId(first: boolean): StreamId | null {
    if (first) {
      for (const node of this.nodes) for (let i = 0; i < node.count; i++) if (!(node.flagsAt(i) & FLAG_DELETED)) return node.entryAt(i).id;
    } else {
      for (let n = this.nodes.length - 1; n >= 0; n--) {
        const node = this.nodes[n]!;
        for (let i = node.count - 1; i >= 0; i--) if (!(node.flagsAt(i) & FLAG_DELETED)) return node.entryAt(i).id;
      }
    }
    return null;
  }

  /** After deletes: the first ID, as Redis keeps it. */
  refreshFirstId(): void {
    this.firstId = this.edgeId(true) ?? ZERO_ID;
  }

  /**
   * Redis's streamTrim: drops entries from the head while the stream is longer than
   * maxlen (or while IDs are below minid). Whole nodes go when they can; an approximate
   * trim stops at the first node it cannot drop whole; `limit` (0: none) caps the entries
   * dropped. Returns how many were dropped.
   */
  trim(strategy: 'maxlen' | 'minid', maxlen: number, minid: StreamId, approx: boolean, limit: number): number {
    let deleted = 0;
    const minMs = idPart(minid.ms);
    const minSeq = idPart(minid.seq);
    while (this.nodes.length > 0) {
      if (strategy === 'maxlen' && this.length <= maxlen) break;
      const node = this.nodes[0]!;
      const entries = node.live;
      if (limit > 0 && deleted + entries > limit) break;
      const removeNode = strategy === 'maxlen' ? this.length - entries >= maxlen : node.cmpLast(minMs, minSeq) < 0;
      if (removeNode) {
        this.removeNode(0);
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      for (let i = 0; i < node.count; i++) {
        const stop = strategy === 'maxlen' ? this.length <= maxlen : node.cmpAt(i, minMs, minSeq) >= 0;
        if (stop) break;
        if (!(node.flagsAt(i) & FLAG_DELETED)) {
          node.markDeleted(i);
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (this.length > 0) this.refreshFirstId();
    else this.firstId = ZERO_ID;
    return deleted;
  }

  clone(): StreamValue {
    const copy = new StreamValue();
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    copy.length = this.length;
    for (const node of this.nodes) {
      copy.nodes.push(node.copy());
    }
    for (const g of this.groups.values()) {
      const cg = new ConsumerGroup(g.name, g.lastId, g.entriesRead);
      const consumers = new Map<Consumer, Consumer>();
      for (const c of g.consumers.values()) {
        const cc = new Consumer(c.name, c.seenTime);
        consumers.set(c, cc);
        cg.consumers.set(c.name, cc);
      }
      for (const [k, nack] of g.pel) {
        const copyNack = new PendingEntry(nack.id, nack.consumer === null ? null : consumers.get(nack.consumer)!, nack.deliveryTime, nack.deliveryCount);
        cg.pel.insert(k, copyNack);
        copyNack.consumer?.pel.insert(k, copyNack);
      }
      copy.groups.set(cg.name, cg);
    }
    copy.bytes = copy.measure();
    return copy;
  }

  /** Adds a node as loaded from an RDB file (entries already in order, flags included). */
  loadNode(node: StreamNode): void {
    this.nodes.push(node);
    this.account(NODE_BYTES + node.heapBytes);
  }
}

// ---- Listpacks of nodes (for RDB files and DUMP payloads) ----

/** The node's listpack, as Redis holds it: header, master entry, the packed entries, end byte. */
export function nodeListpack(node: StreamNode): Buffer {
  const head = Buffer.allocUnsafe(64 + node.masterFields.reduce((n, f) => n + f.length + 10, 0));
  let pos = 6;
  pos = writeInt(head, pos, node.live);
  pos = writeInt(head, pos, node.deleted);
  pos = writeInt(head, pos, node.masterFields.length);
  for (const f of node.masterFields) pos = writeString(head, pos, f);
  pos = writeInt(head, pos, 0);
  const data = node.data;
  const total = pos + data.length + 1;
  const buf = Buffer.allocUnsafe(total);
  head.copy(buf, 0, 0, pos);
  data.copy(buf, pos);
  buf.writeUInt32LE(total, 0);
  const elements = 4 + node.masterFields.length + node.elements;
  buf.writeUInt16LE(Math.min(elements, 65535), 4);
  buf[total - 1] = 0xff;
  return buf;
}

/**
 * A node from the elements of a listpack Redis wrote (as strings, integers in decimal),
 * or an error text when they do not form a stream node.
 */
export function nodeFromListpack(master: StreamId, items: string[]): StreamNode | string {
  let p = 0;
  const int = (): bigint | null => {
    const v = items[p++];
    return v === undefined ? null : listpackInt(v);
  };
  const live = int();
  const deleted = int();
  const nmaster = int();
  if (live === null || deleted === null || nmaster === null || nmaster < 0n) return 'invalid stream master entry';
  const masterFields: string[] = [];
  for (let i = 0n; i < nmaster; i++) {
    const f = items[p++];
    if (f === undefined) return 'truncated stream master entry';
    masterFields.push(f);
  }
  if (int() !== 0n) return 'stream master entry without its terminator';
  const node = new StreamNode(master, masterFields);
  let prevMs: IdPart = -1;
  let prevSeq: IdPart = -1;
  while (p < items.length) {
    const flags = int();
    const msDiff = int();
    const seqDiff = int();
    if (flags === null || msDiff === null || seqDiff === null) return 'invalid stream entry header';
    const ms = idPart(BigInt.asUintN(64, master.ms + msDiff));
    const seq = idPart(BigInt.asUintN(64, master.seq + seqDiff));
    const fields: string[] = [];
    if (Number(flags) & FLAG_SAMEFIELDS) {
      for (const f of masterFields) {
        const v = items[p++];
        if (v === undefined) return 'truncated stream entry';
        fields.push(f, v);
      }
    } else {
      const n = int();
      if (n === null || n < 0n) return 'invalid stream entry field count';
      for (let i = 0n; i < n * 2n; i++) {
        const v = items[p++];
        if (v === undefined) return 'truncated stream entry';
        fields.push(v);
      }
    }
    if (int() === null) return 'stream entry without its element count';
    if (node.count > 0 && cmpParts(prevMs, prevSeq, ms, seq) >= 0) return 'stream entries out of order';
    node.push(ms, seq, fields, Number(flags) & (FLAG_DELETED | FLAG_SAMEFIELDS));
    prevMs = ms;
    prevSeq = seq;
  }
  if (BigInt(node.live) !== live || BigInt(node.deleted) !== deleted) return 'stream node counts do not match its entries';
  if (node.count === 0) return 'empty listpack inside stream';
  node.seal();
  return node;
}

// ---- Consumer groups ----

/** Entries keyed by 16-byte ID keys, iterated in ID order (Redis's rax of a PEL). */
export class SortedById<T> {
  private readonly keys: string[] = [];
  private readonly map = new Map<string, T>();

  get size(): number {
    return this.map.size;
  }

  get(key: string): T | undefined {
    return this.map.get(key);
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds key (false if present: nothing changes). */
  insert(key: string, value: T): boolean {
    if (this.map.has(key)) return false;
    this.map.set(key, value);
    const last = this.keys[this.keys.length - 1];
    if (last === undefined || last < key) this.keys.push(key);
    else this.keys.splice(this.lowerBound(key), 0, key);
    return true;
  }

  delete(key: string): boolean {
    if (!this.map.delete(key)) return false;
    this.keys.splice(this.lowerBound(key), 1);
    return true;
  }

  /** Keys >= from, in order. */
  *from(key: string): Generator<[string, T]> {
    for (let i = this.lowerBound(key); i < this.keys.length; i++) {
      const k = this.keys[i]!;
      yield [k, this.map.get(k)!];
    }
  }

  firstKey(): string | undefined {
    return this.keys[0];
  }

  lastKey(): string | undefined {
    return this.keys[this.keys.length - 1];
  }

  *[Symbol.iterator](): Generator<[string, T]> {
    for (const k of this.keys) yield [k, this.map.get(k)!];
  }
}

/** A delivered, not yet acknowledged entry (Redis's streamNACK). */
export class PendingEntry {
  constructor(
    readonly id: StreamId,
    public consumer: Consumer | null,
    public deliveryTime: number,
    public deliveryCount: number,
  ) {}
}

export class Consumer {
  readonly pel = new SortedById<PendingEntry>();
  constructor(
    readonly name: string,
    public seenTime: number,
  ) {}
}

/** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const ENTRIES_READ_INVALID = -1n;

export class ConsumerGroup {
  readonly pel = new SortedById<PendingEntry>();
  readonly consumers = new Map<string, Consumer>();
  constructor(
    readonly name: string,
    public lastId: StreamId,
    public entriesRead: bigint,
  ) {}

  /** Consumers in name order (Redis keeps them in a rax). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
