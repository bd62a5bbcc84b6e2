/**
 * Reads Redis's RDB format: whole files (start-up, DEBUG RELOAD) and single values (RESTORE
 * payloads). Accepts every encoding Redis 7.0 writes or still loads: plain types, ziplist,
 * listpack, intset, zipmap, quicklist and quicklist 2, LZF-compressed and integer-encoded
 * strings. Values are rebuilt with the encoding rules of Cairn's own config, as Redis
 * converts on load. Everything read is bounds-checked; a corrupt input raises RdbError
 * with the offset, it never crashes the server.
 */
import { ByteSource, TruncatedError } from './byte-source.js';
import { CorruptBlob, readIntset, readListpack, readZiplist, readZipmap } from './compact-encodings.js';
import { lzfDecompress } from './lzf.js';
import * as F from './rdb-format.js';
import type { ExpireTime, Value } from '../store/keyspace.js';
import { ListValue } from '../store/list.js';
import { SetValue } from '../store/set.js';
import { HashValue } from '../store/hash.js';
import { ZSetValue } from '../store/zset.js';
import { Consumer, ConsumerGroup, PendingEntry, StreamValue, keyToId, nodeFromListpack } from '../store/stream.js';
import { isIntegerString, parseDouble } from '../commands/util.js';

/** V8's longest string: no value Cairn can hold decompresses to more. */
const MAX_STRING = 536_870_888;

export class RdbError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** The encoding limits a loaded value is converted by (Cairn's current config). */
export interface EncodingLimits {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
}

export class RdbDecoder {
  constructor(
    readonly src: ByteSource,
    readonly limits: EncodingLimits,
  ) {}

  fail(message: string): never {
    throw new RdbError(message, this.src.offset);
  }

  /** An RDB length; encoded is true for the special string encodings (11xxxxxx). */
  private lengthOrEncoding(): { n: number; encoded: boolean } {
    const first = this.src.u8();
    const kind = first >> 6;
    if (kind === F.LEN_ENCVAL) return { n: first & 0x3f, encoded: true };
    if (kind === F.LEN_6BIT) return { n: first & 0x3f, encoded: false };
    if (kind === F.LEN_14BIT) return { n: ((first & 0x3f) << 8) | this.src.u8(), encoded: false };
    if (first === F.LEN_32BIT) return { n: this.src.u32be(), encoded: false };
    if (first === F.LEN_64BIT) {
      const big = this.src.u64be();
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`length ${big} out of range`);
      return { n: Number(big), encoded: false };
    }
    this.fail(`unknown length encoding 0x${first.toString(16)}`);
  }

  length(): number {
    const { n, encoded } = this.lengthOrEncoding();
    if (encoded) this.fail('unexpected string encoding where a length belongs');
    return n;
  }

  /** A string of any encoding, as a latin1 string. */
  string(): string {
    const { n, encoded } = this.lengthOrEncoding();
    if (!encoded) return this.src.latin1(n);
    switch (n) {
      case F.ENC_INT8:
        return String((this.src.u8() << 24) >> 24);
      case F.ENC_INT16: {
        const b = this.src.view(2);
        return String(b.readInt16LE(0));
      }
      case F.ENC_INT32: {
        const b = this.src.view(4);
        return String(b.readInt32LE(0));
      }
      case F.ENC_LZF: {
        const clen = this.length();
        const len = this.length();
        if (len > MAX_STRING) this.fail(`LZF string of ${len} bytes is longer than any value`);
        const compressed = this.src.view(clen);
        const out = Buffer.allocUnsafe(len);
        if (!lzfDecompress(compressed, out)) this.fail('invalid LZF compressed string');
        return out.latin1Slice(0, len);
      }
      default:
        this.fail(`unknown string encoding ${n}`);
    }
  }

  /** A string's raw bytes (ziplist, listpack, intset blobs). */
  blob(): Buffer {
    return Buffer.from(this.string(), 'latin1');
  }

  /** ZSET (version 1) scores: a length-prefixed decimal, or 253/254/255 for nan/inf/-inf. */
  private asciiDouble(): number {
    const len = this.src.u8();
    if (len === 253) return NaN;
    if (len === 254) return Infinity;
    if (len === 255) return -Infinity;
    const d = parseDouble(this.src.latin1(len));
    if (d === null) this.fail('invalid double');
    return d;
  }

  /** The value of the given RDB type; null when it is empty (Redis skips empty keys). */
  value(type: number): Value | null {
    try {
      return this.valueUnchecked(type);
    } catch (e) {
      if (e instanceof CorruptBlob) this.fail(`corrupt ${e.message}`);
      throw e;
    }
  }

  private valueUnchecked(type: number): Value | null {
    switch (type) {
      case F.TYPE_STRING:
        return this.string();
      case F.TYPE_LIST: {
        const list = new ListValue();
        for (let n = this.length(); n > 0; n--) list.pushTail(this.string());
        return list.length > 0 ? list : null;
      }
      case F.TYPE_LIST_ZIPLIST:
        return this.listOf(readZiplist(this.blob()));
      case F.TYPE_LIST_QUICKLIST: {
        const list = new ListValue();
        for (let n = this.length(); n > 0; n--) for (const e of readZiplist(this.blob())) list.pushTail(e);
        return list.length > 0 ? list : null;
      }
      case F.TYPE_LIST_QUICKLIST_2: {
        const list = new ListValue();
        for (let n = this.length(); n > 0; n--) {
          const container = this.length();
          if (container === F.QUICKLIST_NODE_PLAIN) list.pushTail(this.string());
          else if (container === F.QUICKLIST_NODE_PACKED) for (const e of readListpack(this.blob())) list.pushTail(e);
          else this.fail(`unknown quicklist node container ${container}`);
        }
        return list.length > 0 ? list : null;
      }
      case F.TYPE_SET: {
        const count = this.length();
        const members: string[] = [];
        for (let n = count; n > 0; n--) members.push(this.string());
        return this.setOf(members);
      }
      case F.TYPE_SET_INTSET:
        return this.setOf(readIntset(this.blob()));
      case F.TYPE_SET_LISTPACK:
        return this.setOf(readListpack(this.blob()));
      case F.TYPE_HASH: {
        const pairs: string[] = [];
        for (let n = this.length(); n > 0; n--) {
          pairs.push(this.string());
          pairs.push(this.string());
        }
        return this.hashOf(pairs);
      }
      case F.TYPE_HASH_ZIPMAP:
        return this.hashOf(readZipmap(this.blob()));
      case F.TYPE_HASH_ZIPLIST:
        return this.hashOf(readZiplist(this.blob()));
      case F.TYPE_HASH_LISTPACK:
        return this.hashOf(readListpack(this.blob()));
      case F.TYPE_ZSET:
      case F.TYPE_ZSET_2: {
        const members: string[] = [];
        const scores: number[] = [];
        for (let n = this.length(); n > 0; n--) {
          members.push(this.string());
          const score = type === F.TYPE_ZSET_2 ? this.src.doubleLE() : this.asciiDouble();
          if (Number.isNaN(score)) this.fail('zset score is NaN');
          scores.push(score);
        }
        return this.zsetOf(members, scores);
      }
      case F.TYPE_ZSET_ZIPLIST:
      case F.TYPE_ZSET_LISTPACK: {
        const items = type === F.TYPE_ZSET_ZIPLIST ? readZiplist(this.blob()) : readListpack(this.blob());
        if (items.length % 2 !== 0) this.fail('zset blob with an odd number of items');
        const members: string[] = [];
        const scores: number[] = [];
        for (let i = 0; i < items.length; i += 2) {
          const score = parseDouble(items[i + 1]!);
          if (score === null || Number.isNaN(score)) this.fail('invalid zset score');
          members.push(items[i]!);
          scores.push(score);
        }
        return this.zsetOf(members, scores);
      }
      case F.TYPE_MODULE:
      case F.TYPE_MODULE_2:
        return this.fail('module values are not supported by Cairn');
      case F.TYPE_STREAM_LISTPACKS:
      case F.TYPE_STREAM_LISTPACKS_2:
      case F.TYPE_STREAM_LISTPACKS_3:
        return this.stream(type);
      default:
        return this.fail(`unknown value type ${type}`);
    }
  }

  /** An RDB length that may use all 64 bits (stream IDs and counters). */
  private lengthBig(): bigint {
    const first = this.src.u8();
    const kind = first >> 6;
    if (kind === F.LEN_6BIT) return BigInt(first & 0x3f);
    if (kind === F.LEN_14BIT) return BigInt(((first & 0x3f) << 8) | this.src.u8());
    if (first === F.LEN_32BIT) return BigInt(this.src.u32be());
    if (first === F.LEN_64BIT) return this.src.u64be();
    this.fail(`unknown length encoding 0x${first.toString(16)}`);
  }

  /** A stream: its nodes (listpacks keyed by master ID), metadata, and no consumer groups. */
  private stream(type: number): StreamValue {
    const stream = new StreamValue();
    let live = 0;
    for (let n = this.length(); n > 0; n--) {
      const key = this.string();
      if (key.length !== 16) this.fail('stream node key is not a 128-bit ID');
      const node = nodeFromListpack(keyToId(key), readListpack(this.blob()));
      if (typeof node === 'string') this.fail(node);
      const last = stream.nodes[stream.nodes.length - 1];
      const head = node.entryAt(0);
      if (last !== undefined && last.cmpLast(head.ms, head.seq) >= 0) this.fail('stream nodes out of order');
      stream.loadNode(node);
      live += node.live;
    }
    const length = this.lengthBig();
    if (length !== BigInt(live)) this.fail(`stream length ${length} does not match its ${live} entries`);
    stream.length = live;
    stream.lastId = { ms: this.lengthBig(), seq: this.lengthBig() };
    if (type >= F.TYPE_STREAM_LISTPACKS_2) {
      stream.firstId = { ms: this.lengthBig(), seq: this.lengthBig() };
      stream.maxDeletedId = { ms: this.lengthBig(), seq: this.lengthBig() };
      stream.entriesAdded = this.lengthBig();
    } else {
      stream.refreshFirstId();
      stream.entriesAdded = length;
    }
    for (let n = this.length(); n > 0; n--) {
      const name = this.string();
      if (stream.groups.has(name)) this.fail('duplicate stream consumer group');
      const lastId = { ms: this.lengthBig(), seq: this.lengthBig() };
      const entriesRead = type >= F.TYPE_STREAM_LISTPACKS_2 ? BigInt.asIntN(64, this.lengthBig()) : stream.estimateDistance(lastId);
      const group = new ConsumerGroup(name, lastId, entriesRead);
      for (let p = this.length(); p > 0; p--) {
        const key = this.src.view(16).toString('latin1');
        const deliveryTime = Number(this.src.view(8).readBigInt64LE(0));
        const deliveryCount = Number(this.lengthBig());
        if (!group.pel.insert(key, new PendingEntry(keyToId(key), null, deliveryTime, deliveryCount))) this.fail('duplicate stream PEL entry');
      }
      for (let c = this.length(); c > 0; c--) {
        const consumer = new Consumer(this.string(), Number(this.src.view(8).readBigInt64LE(0)));
        if (type >= F.TYPE_STREAM_LISTPACKS_3) this.src.view(8); // active-time (Redis 7.2)
        if (group.consumers.has(consumer.name)) this.fail('duplicate stream consumer');
        for (let p = this.length(); p > 0; p--) {
          const key = this.src.view(16).toString('latin1');
          const nack = group.pel.get(key);
          if (nack === undefined || nack.consumer !== null) this.fail('stream consumer PEL entry not in its group PEL');
          nack.consumer = consumer;
          consumer.pel.insert(key, nack);
        }
        group.consumers.set(consumer.name, consumer);
      }
      stream.groups.set(name, group);
    }
    return stream;
  }

  private listOf(items: string[]): ListValue | null {
    if (items.length === 0) return null;
    const list = new ListValue();
    list.replace(items);
    return list;
  }

  private setOf(members: string[]): SetValue | null {
    if (members.length === 0) return null;
    const intset = members.length <= this.limits.setMaxIntsetEntries && members.every(isIntegerString);
    const set = new SetValue(intset);
    for (const m of members) if (!set.add(m)) this.fail('duplicate set member');
    return set;
  }

  private hashOf(pairs: string[]): HashValue | null {
    if (pairs.length === 0) return null;
    if (pairs.length % 2 !== 0) this.fail('hash blob with an odd number of items');
    const limits = { maxEntries: this.limits.hashMaxListpackEntries, maxValue: this.limits.hashMaxListpackValue };
    const hash = HashValue.fromPairs(pairs, limits);
    if (hash === null) this.fail('duplicate hash field');
    return hash;
  }

  private zsetOf(members: string[], scores: number[]): ZSetValue | null {
    if (members.length === 0) return null;
    // Built in skiplist form (any size, any order), then packed if it fits the limits.
    const z = new ZSetValue(false);
    for (let i = 0; i < members.length; i++) {
      if (!z.add(members[i]!, scores[i]!)) this.fail('duplicate zset member');
    }
    z.settle({ maxEntries: this.limits.zsetMaxListpackEntries, maxValue: this.limits.zsetMaxListpackValue });
    return z;
  }
}

/** What loading an RDB stream delivers, key by key. */
export interface RdbSink {
  /** expireAt in unix ms (0: none); idle seconds or LFU counter when the file has them (-1: absent). */
  key(db: number, key: string, value: Value, expireAt: ExpireTime, idle: number, freq: number): void;
  aux?(name: string, value: string): void;
  /** A function library's code (FUNCTION2 record). */
  function?(code: string): void;
  /** RESIZEDB hint. */
  resize?(db: number, keys: number, expires: number): void;
}

export interface RdbLoadResult {
  version: number;
  keys: number;
  /** Keys skipped because their expiry time had passed. */
  expired: number;
  /** Offset just past the checksum: where an AOF's command tail begins after a preamble. */
  end: number;
}

/**
 * Loads a complete RDB stream from src into sink. With skipExpiredBefore > 0, keys whose
 * expiry is earlier are dropped (a primary loading its own file). Throws RdbError.
 */
export function loadRdb(src: ByteSource, limits: EncodingLimits, sink: RdbSink, databases: number, skipExpiredBefore: number): RdbLoadResult {
  const dec = new RdbDecoder(src, limits);
  try {
    src.startCrc();
    const magic = src.latin1(9);
    if (!magic.startsWith('REDIS')) dec.fail('not an RDB file (wrong signature)');
    const version = Number(magic.slice(5));
    if (!/^\d{4}$/.test(magic.slice(5)) || version < 1 || version > F.RDB_MAX_READ_VERSION) {
      dec.fail(`can't handle RDB format version ${magic.slice(5)}`);
    }
    let db = 0;
    let expireAt: ExpireTime = 0;
    let idle = -1;
    let freq = -1;
    let keys = 0;
    let expired = 0;
    for (;;) {
      const op = src.u8();
      switch (op) {
        case F.OPCODE_EXPIRETIME_MS: {
          const ms = src.i64le();
          // Past 2^53 a double would round it: the keyspace keeps such times exact.
          expireAt = Number.isSafeInteger(Number(ms)) ? Number(ms) : ms;
          continue;
        }
        case F.OPCODE_EXPIRETIME:
          expireAt = src.view(4).readInt32LE(0) * 1000;
          continue;
        case F.OPCODE_IDLE:
          idle = dec.length();
          continue;
        case F.OPCODE_FREQ:
          freq = src.u8();
          continue;
        case F.OPCODE_SELECTDB:
          db = dec.length();
          if (db >= databases) dec.fail(`database ${db} out of range (databases is ${databases})`);
          continue;
        case F.OPCODE_RESIZEDB: {
          const size = dec.length();
          const expires = dec.length();
          sink.resize?.(db, size, expires);
          continue;
        }
        case F.OPCODE_AUX: {
          const name = dec.string();
          const value = dec.string();
          sink.aux?.(name, value);
          continue;
        }
        case F.OPCODE_MODULE_AUX:
          return dec.fail('module data is not supported by Cairn');
        case F.OPCODE_FUNCTION:
          return dec.fail('Pre-GA function format not supported');
        case F.OPCODE_FUNCTION2: {
          const code = dec.string();
          if (sink.function === undefined) return dec.fail('function libraries are not expected here');
          sink.function(code);
          continue;
        }
        case F.OPCODE_EOF: {
          src.flushCrc();
          const computed = src.crc!.digest();
          if (version >= 5) {
            const stored = src.bytes(8);
            // A zero checksum means the writer had rdbchecksum off.
            if (!stored.equals(Buffer.alloc(8)) && !stored.equals(computed)) {
              throw new RdbError(
                `wrong RDB checksum: expected ${stored.readBigUInt64LE(0).toString(16)}, got ${computed.readBigUInt64LE(0).toString(16)}`,
                src.offset - 8,
              );
            }
          }
          return { version, keys, expired, end: src.offset };
        }
        default: {
          const key = dec.string();
          const value = dec.value(op);
          const exp = expireAt;
          expireAt = 0;
          const keyIdle = idle;
          const keyFreq = freq;
          idle = -1;
          freq = -1;
          if (value === null) continue;
          if (skipExpiredBefore > 0 && exp !== 0 && exp < skipExpiredBefore) {
            expired++;
            continue;
          }
          sink.key(db, key, value, exp, keyIdle, keyFreq);
          keys++;
        }
      }
    }
  } catch (e) {
    if (e instanceof TruncatedError) throw new RdbError('unexpected end of file (truncated RDB)', e.offset);
    throw e;
  }
}
