/**
 * Serializes a snapshot as commands (the AOF base file with aof-use-rdb-preamble no): the
 * same interface as RdbEncoder, producing RESP commands that rebuild each key. Collections
 * go in commands of at most 64 items, as Redis's rewrite does, so no single command is huge.
 */
import { Bitmap } from '../store/bitmap.js';
import { MAX_ID, StreamValue, ZERO_ID, idText } from '../store/stream.js';
import { expireTime, type Entry } from '../store/keyspace.js';
import type { Arena } from '../store/arena.js';
import { ListValue } from '../store/list.js';
import { SetValue } from '../store/set.js';
import { HashValue } from '../store/hash.js';
import { ZSetValue } from '../store/zset.js';
import { formatDouble } from '../protocol/reply.js';

const ITEMS_PER_COMMAND = 64;

/** A command as RESP, in byte strings (the form the AOF stores and replays). */
export function encodeCommand(argv: string[]): string {
  let out = '*' + argv.length + '\r\n';
  for (const a of argv) out += '$' + a.length + '\r\n' + a + '\r\n';
  return out;
}

export class AofEncoder {
  private parts: string[] = [];
  private bytes = 0;

  /** arena: where the keys' blob values live. */
  constructor(private readonly arena: Arena | null = null) {}

  get pending(): number {
    return this.bytes;
  }

  take(): Buffer {
    const out = Buffer.from(this.parts.join(''), 'latin1');
    this.parts = [];
    this.bytes = 0;
    return out;
  }

  private command(argv: string[]): void {
    const text = encodeCommand(argv);
    this.parts.push(text);
    this.bytes += text.length;
  }

  /** RDB's header, AUX fields and EOF have no command form. */
  header(): void {}
  aux(): void {}
  eof(): void {}

  /** Nothing follows the last command (an RDB file ends with its checksum). */
  digest(): Buffer {
    return Buffer.alloc(0);
  }

  /** A library is rebuilt by loading its code again, as Redis's rewrite writes it. */
  functionLibrary(code: string): void {
    this.command(['FUNCTION', 'LOAD', code]);
  }

  selectDb(db: number): void {
    this.command(['SELECT', String(db)]);
  }

  keyValue(key: string, entry: Entry): void {
    const v = entry.value;
    if (typeof v === 'string') {
      this.command(['SET', key, v]);
    } else if (typeof v === 'number') {
      if (this.arena === null) throw new Error('a blob ref to serialize without its arena');
      this.command(['SET', key, this.arena.read(v)]);
    } else if (v instanceof Bitmap) {
      this.command(['SET', key, v.toString()]);
    } else if (v instanceof StreamValue) {
      // Redis's rewriteStreamObject: the entries as XADDs (an empty stream by the
      // MAXLEN 0 trick), then XSETID for the last ID and counters.
      if (v.length > 0) {
        for (const e of v.range(ZERO_ID, MAX_ID, 0)) this.command(['XADD', key, idText(e.id), ...e.fields]);
      } else {
        this.command(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
      }
      this.command(['XSETID', key, idText(v.lastId), 'ENTRIESADDED', String(v.entriesAdded), 'MAXDELETEDID', idText(v.maxDeletedId)]);
      for (const g of v.sortedGroups()) {
        this.command(['XGROUP', 'CREATE', key, g.name, idText(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
        for (const c of g.sortedConsumers()) {
          if (c.pel.size === 0) {
            this.command(['XGROUP', 'CREATECONSUMER', key, g.name, c.name]);
            continue;
          }
          for (const [, nack] of c.pel) {
            this.command(['XCLAIM', key, g.name, c.name, '0', idText(nack.id), 'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount), 'JUSTID', 'FORCE']);
          }
        }
      }
    } else if (v instanceof ListValue) {
      this.batched('RPUSH', key, v.length, (i) => [v.at(i)]);
    } else if (v instanceof SetValue) {
      const members = [...v.values()];
      this.batched('SADD', key, members.length, (i) => [members[i]!]);
    } else if (v instanceof HashValue) {
      const fields = v.entries();
      this.batched('HSET', key, fields.length, (i) => fields[i]!);
    } else if (v instanceof ZSetValue) {
      const pairs: [string, string][] = [];
      v.forEach((member, score) => pairs.push([formatDouble(score), member]));
      this.batched('ZADD', key, pairs.length, (i) => pairs[i]!);
    } else {
      throw new Error(`cannot serialize a value of type ${(v as { type: string }).type}`);
    }
    if (entry.expireAt !== 0) this.command(['PEXPIREAT', key, String(expireTime(entry))]);
  }

  private batched(name: string, key: string, count: number, item: (i: number) => string[]): void {
    for (let start = 0; start < count; start += ITEMS_PER_COMMAND) {
      const argv = [name, key];
      for (let i = start; i < Math.min(count, start + ITEMS_PER_COMMAND); i++) argv.push(...item(i));
      this.command(argv);
    }
  }
}
