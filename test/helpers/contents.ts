/**
 * The whole dataset of a server, read back through commands, in a canonical form two
 * servers' datasets can be compared with: every key of every database with its type,
 * OBJECT ENCODING, absolute expiry (PEXPIRETIME) and content (sorted where Redis's
 * order is unspecified).
 */
import { RawClient, encodeCommand, parseReply } from './raw-client.js';

export interface KeyContents {
  db: number;
  key: string;
  type: string;
  encoding: string;
  /** PEXPIRETIME's reply as text: exact for any int64. */
  expireAt: string;
  value: unknown;
}

async function call(c: RawClient, ...argv: string[]): Promise<unknown> {
  const v = parseReply(await c.call(...argv));
  if (v instanceof Error) throw v;
  return v;
}

export async function readContents(port: number, databases = 16): Promise<KeyContents[]> {
  const c = await RawClient.connect(port);
  const out: KeyContents[] = [];
  try {
    for (let db = 0; db < databases; db++) {
      await call(c, 'SELECT', String(db));
      const keys = ((await call(c, 'KEYS', '*')) as string[]).sort();
      for (const key of keys) {
        const type = (await call(c, 'TYPE', key)) as string;
        const encoding = (await call(c, 'OBJECT', 'ENCODING', key)) as string;
        const expireAt = (await c.call('PEXPIRETIME', key)).slice(1, -2);
        let value: unknown;
        if (type === 'string') value = await call(c, 'GET', key);
        else if (type === 'list') value = await call(c, 'LRANGE', key, '0', '-1');
        else if (type === 'set') value = ((await call(c, 'SMEMBERS', key)) as string[]).sort();
        else if (type === 'zset') value = await call(c, 'ZRANGE', key, '0', '-1', 'WITHSCORES');
        else if (type === 'hash') {
          const flat = (await call(c, 'HGETALL', key)) as string[];
          const pairs: string[][] = [];
          for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
          value = pairs.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
        } else if (type === 'stream') {
          // Entries, and each group's position, counters and pending entries (without clocks).
          const groups = (await call(c, 'XINFO', 'GROUPS', key)) as unknown[][];
          const pending = [];
          for (const g of groups) {
            const name = g[1] as string;
            const rows = (await call(c, 'XPENDING', key, name, '-', '+', '1000000')) as unknown[][];
            pending.push([name, await call(c, 'XPENDING', key, name), rows.map((r) => [r[0], r[1], r[3]])]);
          }
          value = { entries: await call(c, 'XRANGE', key, '-', '+'), groups, pending };
        }
        else value = `unexpected type ${type}`;
        out.push({ db, key, type, encoding, expireAt, value });
      }
    }
  } finally {
    c.close();
  }
  return out;
}

/**
 * A dataset that exercises every RDB encoding Redis 7.0 writes: integer-encoded and
 * LZF-compressed strings, binary strings, listpack and quicklist lists, intsets of every
 * width, listpack and hashtable hashes, listpack and skiplist sorted sets, expiry times,
 * several databases.
 */
export function datasetCommands(): string[][] {
  const cmds: string[][] = [];
  const bin = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  let pseudo = 12345;
  const random = () => {
    pseudo = (pseudo * 1103515245 + 12345) & 0x7fffffff;
    return pseudo;
  };
  const noise = Array.from({ length: 3000 }, () => String.fromCharCode(random() & 0xff)).join('');
  cmds.push(['SELECT', '0']);
  cmds.push(['MSET', 's:small', 'hello', 's:int', '12345', 's:neg', '-7', 's:int8', '-128', 's:int16', '32000', 's:int32', '-2147483648']);
  cmds.push(['MSET', 's:int64', '9223372036854775807', 's:lead0', '007', 's:empty', '', 's:bin', bin, 's:noise', noise]);
  cmds.push(['SET', 's:compressible', 'abc'.repeat(2000)]);
  cmds.push(['SET', 's:ttl', 'v', 'PXAT', String(Date.now() + 3_600_000)]);
  // An expiry time no double holds exactly (Redis takes any int64).
  cmds.push(['SET', 's:far', 'v', 'PXAT', '9223372036854775807']);
  cmds.push(['RPUSH', 'l:small', 'a', '1', '-2', '300000', 'x'.repeat(100), '']);
  const longList = ['RPUSH', 'l:long'];
  for (let i = 0; i < 2000; i++) longList.push(i % 3 === 0 ? String(i * 7919) : `item:${i}:${'y'.repeat(i % 50)}`);
  cmds.push(longList);
  cmds.push(['RPUSH', 'l:bigitems', 'z'.repeat(20000), 'short', 'q'.repeat(9000)]);
  cmds.push(['SADD', 'set:int16', '1', '2', '3', '-5', '32767']);
  cmds.push(['SADD', 'set:int32', '1', '100000', '-2147483648']);
  cmds.push(['SADD', 'set:int64', '1', '9223372036854775807', '-9223372036854775808']);
  cmds.push(['SADD', 'set:strings', 'a', 'b', 'hello world', bin.slice(0, 40)]);
  const bigSet = ['SADD', 'set:bigint'];
  for (let i = 0; i < 700; i++) bigSet.push(String(i * 13));
  cmds.push(bigSet);
  cmds.push(['HSET', 'h:small', 'f1', 'v1', 'n', '42', 'empty', '']);
  cmds.push(['HSET', 'h:longvalue', 'f', 'v'.repeat(100)]);
  const bigHash = ['HSET', 'h:big'];
  for (let i = 0; i < 600; i++) bigHash.push(`field:${i}`, i % 2 === 0 ? String(i) : `value:${i}`);
  cmds.push(bigHash);
  cmds.push(['ZADD', 'z:small', '1', 'a', '2.5', 'b', '-inf', 'c', 'inf', 'd', '0', 'e', '-3', 'f', '1e100', 'g', '0.1', 'h']);
  const bigZset = ['ZADD', 'z:big'];
  for (let i = 0; i < 300; i++) bigZset.push(String(i / 7), `member:${i}`);
  cmds.push(bigZset);
  cmds.push(['ZADD', 'z:longmember', '5', 'm'.repeat(100)]);
  cmds.push(['HSET', 'h:ttl', 'a', '1']);
  cmds.push(['PEXPIREAT', 'h:ttl', String(Date.now() + 7_200_000)]);
  // Streams: several nodes with same and differing fields, deleted entries, an empty one.
  for (let i = 1; i <= 250; i++) cmds.push(['XADD', 'x:big', `${1000 + i}-${i % 3}`, i % 40 < 30 ? 'f' : `g${i % 7}`, i % 5 === 0 ? String(i * 1000) : `val:${i}`, 'n', String(i)]);
  cmds.push(['XDEL', 'x:big', '1003-0', '1100-1', '1200-2']);
  cmds.push(['XADD', 'x:small', '18446744073709551614-1', 'k', 'v', 'bin', bin.slice(0, 30)]);
  cmds.push(['XADD', 'x:empty', '5-5', 'a', '1']);
  cmds.push(['XDEL', 'x:empty', '5-5']);
  cmds.push(['XSETID', 'x:empty', '9-9', 'ENTRIESADDED', '7', 'MAXDELETEDID', '5-5']);
  // Consumer groups: pending entries in several consumers, an idle consumer, an unknown read counter.
  cmds.push(['XGROUP', 'CREATE', 'x:big', 'workers', '0']);
  cmds.push(['XGROUP', 'CREATE', 'x:big', 'audit', '1100-0', 'ENTRIESREAD', '-1']);
  cmds.push(['XREADGROUP', 'GROUP', 'workers', 'alice', 'COUNT', '30', 'STREAMS', 'x:big', '>']);
  cmds.push(['XREADGROUP', 'GROUP', 'workers', 'bob', 'COUNT', '5', 'STREAMS', 'x:big', '>']);
  cmds.push(['XACK', 'x:big', 'workers', '1001-1', '1002-2', '1010-1']);
  cmds.push(['XCLAIM', 'x:big', 'workers', 'carol', '0', '1004-1', '1005-2', 'JUSTID']);
  cmds.push(['XGROUP', 'CREATECONSUMER', 'x:big', 'audit', 'nobody']);
  cmds.push(['XGROUP', 'CREATE', 'x:empty', 'g', '$']);
  cmds.push(['SELECT', '3']);
  cmds.push(['SET', 'in-db-3', 'three']);
  cmds.push(['LPUSH', 'list-db-3', 'x', 'y']);
  cmds.push(['SELECT', '15']);
  cmds.push(['SET', 'in-db-15', 'fifteen']);
  return cmds;
}

/** Sends the commands pipelined and checks that none failed. */
export async function load(port: number, cmds: string[][]): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    c.write(Buffer.concat(cmds.map((a) => encodeCommand(a))));
    for (const cmd of cmds) {
      const reply = await c.read();
      if (reply.startsWith('-')) throw new Error(`${cmd[0]} failed: ${reply}`);
    }
  } finally {
    c.close();
  }
}
