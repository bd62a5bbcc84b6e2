/**
 * Serializes keys and values in Redis's RDB format into a growing buffer. Used by
 * snapshots (SAVE, BGSAVE, the AOF base file) and by DUMP. Cairn writes the plain
 * encodings (a list as its elements, a hash as field/value pairs...), which every Redis
 * since 2.x loads and converts to its compact encodings as its own config says.
 */
import { Bitmap } from '../store/bitmap.js';
import { StreamValue, idKey, nodeListpack } from '../store/stream.js';
import { Crc64 } from './crc64.js';
import { lzfCompress } from './lzf.js';
import * as F from './rdb-format.js';
import { parseInt64 } from '../commands/util.js';
import { expireTime, type Entry, type Value } from '../store/keyspace.js';
import type { Arena } from '../store/arena.js';
import { ListValue } from '../store/list.js';
import { SetValue } from '../store/set.js';
import { HashValue } from '../store/hash.js';
import { ZSetValue } from '../store/zset.js';

/** Scratch space for LZF output; strings longer than this are stored uncompressed. */
const LZF_SCRATCH_MAX = 64 * 1024 * 1024;
let lzfScratch = Buffer.alloc(0);

export class RdbEncoder {
  private buf: Buffer;
  private pos = 0;
  readonly crc = new Crc64();

  constructor(
    readonly compress: boolean,
    initialSize = 64 * 1024,
    /** Where the keys' blob values live (values given as refs); null when none are. */
    private readonly arena: Arena | null = null,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes produced and not yet taken. */
  get pending(): number {
    return this.pos;
  }

  /** The bytes produced since the last take(), folded into the checksum. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.crc.update(out);
    this.pos = 0;
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** RDB length: 6, 14, 32 or 64 bits. */
  length(n: number): void {
    this.ensure(9);
    if (n < 1 << 6) {
      this.buf[this.pos++] = n;
    } else if (n < 1 << 14) {
      this.buf[this.pos++] = (F.LEN_14BIT << 6) | (n >> 8);
      this.buf[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      this.buf[this.pos++] = F.LEN_32BIT;
      this.buf.writeUInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      this.buf[this.pos++] = F.LEN_64BIT;
      this.buf.writeBigUInt64BE(BigInt(n), this.pos);
      this.pos += 8;
    }
  }

  /**
   * A string as Redis's rdbSaveRawString writes it: canonical integers of up to 11
   * characters as int8/16/32, long strings LZF-compressed when that saves 4+ bytes.
   */
  string(s: string): void {
    const n = s.length;
    if (n <= 11 && n > 0 && this.integerString(s)) return;
    if (this.compress && n > 20 && n <= LZF_SCRATCH_MAX && this.lzfString(Buffer.from(s, 'latin1'))) return;
    this.length(n);
    this.ensure(n);
    this.pos += this.buf.latin1Write(s, this.pos, n);
  }

  /** A string given as bytes that are no integer (a blob: longer than any). */
  private longBytes(b: Buffer): void {
    if (this.compress && b.length > 20 && b.length <= LZF_SCRATCH_MAX && this.lzfString(b)) return;
    this.length(b.length);
    this.raw(b);
  }

  private integerString(s: string): boolean {
    // parseInt64 accepts only the canonical form ("0", never "-0" or "01"), as Redis requires.
    const v = parseInt64(s);
    if (v === null) return false;
    this.ensure(5);
    if (v >= -128 && v <= 127) {
      this.buf[this.pos++] = (F.LEN_ENCVAL << 6) | F.ENC_INT8;
      this.buf.writeInt8(v, this.pos);
      this.pos += 1;
    } else if (v >= -32768 && v <= 32767) {
      this.buf[this.pos++] = (F.LEN_ENCVAL << 6) | F.ENC_INT16;
      this.buf.writeInt16LE(v, this.pos);
      this.pos += 2;
    } else if (v >= -2147483648 && v <= 2147483647) {
      this.buf[this.pos++] = (F.LEN_ENCVAL << 6) | F.ENC_INT32;
      this.buf.writeInt32LE(v, this.pos);
      this.pos += 4;
    } else {
      return false;
    }
    return true;
  }

  private lzfString(input: Buffer): boolean {
    if (lzfScratch.length < input.length) lzfScratch = Buffer.allocUnsafe(Math.max(input.length, 4096));
    // Worth it only when it saves at least 4 bytes (Redis's rule).
    const compressed = lzfCompress(input, lzfScratch.subarray(0, input.length - 4));
    if (compressed === 0) return false;
    this.byte((F.LEN_ENCVAL << 6) | F.ENC_LZF);
    this.length(compressed);
    this.length(input.length);
    this.raw(lzfScratch.subarray(0, compressed));
    return true;
  }

  /** 8-byte little-endian IEEE double (ZSET_2 scores). */
  binaryDouble(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.pos);
    this.pos += 8;
  }

  header(): void {
    this.raw(Buffer.from(`REDIS${String(F.RDB_VERSION).padStart(4, '0')}`, 'latin1'));
  }

  aux(key: string, value: string): void {
    this.byte(F.OPCODE_AUX);
    this.string(key);
    this.string(value);
  }

  /** A function library: its whole code, shebang included (FUNCTION2 record). */
  functionLibrary(code: string): void {
    this.byte(F.OPCODE_FUNCTION2);
    this.string(code);
  }

  selectDb(db: number, size: number, expires: number): void {
    this.byte(F.OPCODE_SELECTDB);
    this.length(db);
    this.byte(F.OPCODE_RESIZEDB);
    this.length(size);
    this.length(expires);
  }

  /** One key: its expiry, optional LRU idle time or LFU counter, type, name and value. */
  keyValue(key: string, entry: Entry, idleSeconds: number, lfuCounter: number): void {
    if (entry.expireAt !== 0) {
      this.byte(F.OPCODE_EXPIRETIME_MS);
      this.ensure(8);
      this.buf.writeBigInt64LE(BigInt(expireTime(entry)), this.pos);
      this.pos += 8;
    }
    if (idleSeconds >= 0) {
      this.byte(F.OPCODE_IDLE);
      this.length(idleSeconds);
    }
    if (lfuCounter >= 0) {
      this.byte(F.OPCODE_FREQ);
      this.byte(lfuCounter);
    }
    this.byte(objectType(entry.value));
    this.string(key);
    this.value(entry.value);
  }

  /** The value's body (after its type byte). */
  value(v: Value): void {
    if (typeof v === 'string') {
      this.string(v);
    } else if (typeof v === 'number') {
      if (this.arena === null) throw new Error('a blob ref to serialize without its arena');
      this.longBytes(this.arena.view(v));
    } else if (v instanceof Bitmap) {
      this.string(v.toString());
    } else if (v instanceof ListValue) {
      this.length(v.length);
      for (let i = 0; i < v.length; i++) this.string(v.at(i));
    } else if (v instanceof SetValue) {
      this.length(v.size);
      for (const m of v.values()) this.string(m);
    } else if (v instanceof HashValue) {
      this.length(v.size);
      v.forEach((f, val) => {
        this.string(f);
        this.string(val);
      });
    } else if (v instanceof StreamValue) {
      this.streamBody(v);
    } else if (v instanceof ZSetValue) {
      this.length(v.size);
      // Highest score first, as Redis writes: a loader inserting at the head does no search.
      v.walk(v.size - 1, true, (member, score) => {
        this.string(member);
        this.binaryDouble(score);
      });
    } else {
      throw new Error(`cannot serialize a value of type ${v.type}`);
    }
  }

  /** An RDB length of up to 64 bits. */
  lengthBig(v: bigint): void {
    if (v <= BigInt(Number.MAX_SAFE_INTEGER)) return this.length(Number(v));
    this.ensure(9);
    this.buf[this.pos++] = F.LEN_64BIT;
    this.buf.writeBigUInt64BE(v, this.pos);
    this.pos += 8;
  }

  /** RDB_TYPE_STREAM_LISTPACKS_2: each node as the listpack Redis holds, then the metadata. */
  private streamBody(v: StreamValue): void {
    this.length(v.nodes.length);
    for (const node of v.nodes) {
      this.string(idKey(node.master));
      this.string(nodeListpack(node).toString('latin1'));
    }
    this.lengthBig(BigInt(v.length));
    for (const id of [v.lastId, v.firstId, v.maxDeletedId]) {
      this.lengthBig(id.ms);
      this.lengthBig(id.seq);
    }
    this.lengthBig(v.entriesAdded);
    const groups = v.sortedGroups();
    this.length(groups.length);
    for (const g of groups) {
      this.string(g.name);
      this.lengthBig(g.lastId.ms);
      this.lengthBig(g.lastId.seq);
      // -1 (unknown) is written as the 64-bit length 2^64 - 1, as Redis's cast does.
      this.lengthBig(BigInt.asUintN(64, g.entriesRead));
      this.length(g.pel.size);
      for (const [key, nack] of g.pel) {
        this.raw(Buffer.from(key, 'latin1'));
        this.int64LE(nack.deliveryTime);
        this.lengthBig(BigInt(nack.deliveryCount));
      }
      const consumers = g.sortedConsumers();
      this.length(consumers.length);
      for (const c of consumers) {
        this.string(c.name);
        this.int64LE(c.seenTime);
        this.length(c.pel.size);
        for (const [key] of c.pel) this.raw(Buffer.from(key, 'latin1'));
      }
    }
  }

  /** Redis's rdbSaveMillisecondTime: 8 bytes, little-endian. */
  private int64LE(v: number): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(v), this.pos);
    this.pos += 8;
  }

  eof(): void {
    this.byte(F.OPCODE_EOF);
  }

  /** The CRC-64 of everything encoded, which ends an RDB file. */
  digest(): Buffer {
    return this.crc.digest();
  }
}

export function objectType(v: Value): number {
  if (typeof v !== 'object' || v instanceof Bitmap) return F.TYPE_STRING;
  if (v instanceof ListValue) return F.TYPE_LIST;
  if (v instanceof SetValue) return F.TYPE_SET;
  if (v instanceof HashValue) return F.TYPE_HASH;
  if (v instanceof ZSetValue) return F.TYPE_ZSET_2;
  if (v instanceof StreamValue) return F.TYPE_STREAM_LISTPACKS_2;
  throw new Error(`cannot serialize a value of type ${v.type}`);
}
