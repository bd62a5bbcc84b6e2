/**
 * Keyspace notifications against real Redis: with notify-keyspace-events set, a script of
 * commands runs on one connection while another is subscribed to every channel; the
 * replies and the ordered list of (channel, message) events must be identical.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { splitArgs } from '../../src/protocol/parser.js';
import { RawClient, encodeCommand, parseReply } from '../helpers/raw-client.js';
import { startCairn, startRedis, type RunningServer } from '../helpers/servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SENTINEL = 'notify-test-end';
const MARK = 'notify-test-mark';

/**
 * Commands as inline strings; "#sleep N" waits N ms; "&CMD" goes on a second connection
 * without waiting for its reply (a client that blocks), read at the end.
 */
async function run(port: number, flags: string, script: string[], subscriberResp = 2): Promise<{ replies: string[]; events: string[] }> {
  const admin = await RawClient.connect(port);
  await admin.call('FLUSHALL');
  assert.equal(await admin.call('CONFIG', 'SET', 'notify-keyspace-events', flags), '+OK\r\n');
  const sub = await RawClient.connect(port);
  if (subscriberResp === 3) await sub.call('HELLO', '3');
  await sub.call('PSUBSCRIBE', '*');
  const replies: string[] = [];
  const side = await RawClient.connect(port);
  let sideSent = 0;
  for (const line of script) {
    if (line.startsWith('&')) {
      side.write(encodeCommand(splitArgs(line.slice(1))!));
      sideSent++;
      await sleep(20);
      continue;
    }
    const sleepMatch = /^#sleep (\d+)$/.exec(line);
    if (sleepMatch) {
      await sleep(Number(sleepMatch[1]));
      continue;
    }
    const argv = splitArgs(line);
    if (argv === null) throw new Error(`bad test command ${line}`);
    replies.push(`${line} -> ${await admin.call(...argv)}`);
    // A marker after each command files the events under the command that caused them.
    await admin.call('PUBLISH', MARK, line);
  }
  for (let i = 0; i < sideSent; i++) replies.push(`(blocked client) -> ${await side.read()}`);
  side.close();
  await admin.call('PUBLISH', SENTINEL, 'x');
  const events: string[] = [];
  for (;;) {
    const raw = await sub.read();
    const msg = parseReply(raw) as string[];
    if (msg[2] === SENTINEL) break;
    if (msg[2] === MARK) {
      events.push(`after ${msg[3]}`);
      continue;
    }
    events.push(`${msg[2]} ${msg[3]}${subscriberResp === 3 ? ` (${raw[0]})` : ''}`);
  }
  await admin.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  admin.close();
  sub.close();
  return { replies, events };
}

const DEBUG = ['--enable-debug-command', 'yes'];
const FAR = '4102444800'; // 2100-01-01, seconds

const scenarios: Record<string, [string, string[]]> = {
  'strings and generic key commands': [
    'KEA',
    [
      'SET s 1',
      'SET s 2 EX 100',
      'SET s 3 KEEPTTL',
      'SET s 4 NX',
      'SET s 5 XX GET',
      'SETNX s x',
      'SETNX t x',
      'SETEX u 100 v',
      'PSETEX u 100000 v',
      'MSET a 1 b 2',
      'MSETNX c 1 d 2',
      'MSETNX c 1 e 2',
      'APPEND a xyz',
      'APPEND new1 abc',
      'INCR n',
      'DECR n',
      'INCRBY n 5',
      'DECRBY n 2',
      'INCRBYFLOAT n 1.5',
      'INCR a',
      'SETRANGE a 1 QQ',
      'SETRANGE z9 0 ""',
      'GETSET a zz',
      'GETDEL a',
      'GETDEL a',
      'GETEX b EX 100',
      'GETEX b PERSIST',
      'GETEX b PX 0',
      'GETEX b',
      `GETEX c EXAT ${FAR}`,
      'GETEX c EXAT 1',
      'GET c',
      'SET e 1',
      'EXPIRE e 100',
      'PEXPIRE e 100000',
      `EXPIREAT e ${FAR}`,
      `PEXPIREAT e ${FAR}000`,
      'EXPIRE e 100 NX',
      'PERSIST e',
      'PERSIST e',
      'EXPIRE e -1',
      'EXPIRE nokey 10',
      'SET r 1',
      'RENAME r r2',
      'RENAMENX r2 r3',
      'SET r4 x',
      'RENAMENX r3 r4',
      'RENAME r3 r3',
      'COPY r3 r5',
      'COPY r3 r5 REPLACE',
      'COPY r3 r6 DB 1',
      'MOVE r3 2',
      'DEL r4 r5 nokey',
      'UNLINK r6 t',
      'SET d 1',
      'DUMP d',
      'RESTORE d2 0 "\\x00\\xc0\\x01\\n\\x00&x\\xe7\\xb6\\xd1\\x01\\x11\\xfc"',
      'RESTORE d2 0 "\\x00\\xc0\\x01\\n\\x00&x\\xe7\\xb6\\xd1\\x01\\x11\\xfc" REPLACE',
      'RESTORE d3 100000 "\\x00\\xc0\\x01\\n\\x00&x\\xe7\\xb6\\xd1\\x01\\x11\\xfc"',
      'SET big 0',
      'FLUSHDB',
      'SET w 1',
      'SWAPDB 0 1',
      'FLUSHALL',
    ],
  ],
  lists: [
    'KEA',
    [
      'LPUSH l a b c',
      'RPUSH l d',
      'LPUSHX l e',
      'RPUSHX l f',
      'LPUSHX nol e',
      'LINSERT l BEFORE a x',
      'LINSERT l BEFORE zz x',
      'LSET l 0 y',
      'LPOP l',
      'RPOP l 2',
      'LREM l 1 b',
      'LREM l 1 nope',
      'LTRIM l 0 1',
      'LTRIM l 0 -1',
      'RPUSH m 1 2',
      'RPOPLPUSH l m',
      'LMOVE l m LEFT RIGHT',
      'LMOVE m m LEFT RIGHT',
      'LMPOP 2 nol m LEFT COUNT 10',
      'RPUSH p 1',
      'BLPOP p 1',
      'RPUSH p 1 2',
      'BRPOP p 1',
      'BLMOVE p q RIGHT LEFT 1',
      'BLMPOP 1 1 q RIGHT',
      'RPUSH t 1 2 3',
      'LTRIM t 5 10',
      'RPUSH so 3 1 2',
      'SORT so STORE sd',
      'SORT nolist STORE sd',
      'LINDEX nol 0',
      'LRANGE nol 0 -1',
    ],
  ],
  'sets and hashes': [
    'KEA',
    [
      'SADD s a b c',
      'SADD s a',
      'SREM s a',
      'SREM s zz',
      'SREM s b',
      'SPOP s',
      'SADD s x',
      'SPOP s 1',
      'SADD s x y',
      'SPOP s 0',
      'SMOVE s s2 x',
      'SMOVE s s2 nope',
      'SMOVE s2 s x',
      'SADD s3 x z',
      'SINTERSTORE i s s3',
      'SUNIONSTORE u s s3',
      'SDIFFSTORE d s s3',
      'SINTERSTORE i s nokey',
      'SINTERSTORE i s nokey',
      'SREM s y',
      'SPOP s 10',
      'SPOP s3 0',
      'HSET h a 1 b 2',
      'HSET h a 1',
      'HMSET h c 3',
      'HSETNX h a 9',
      'HSETNX h z 9',
      'HDEL h a nope',
      'HDEL h nope',
      'HINCRBY h b 3',
      'HINCRBYFLOAT h b 1.5',
      'HDEL h b c z',
      'HGET nohash f',
    ],
  ],
  'sorted sets': [
    'KEA',
    [
      'ZADD z 1 a 2 b 3 c',
      'ZADD z 1 a',
      'ZADD z INCR 5 a',
      'ZADD z XX CH 9 b',
      'ZADD z NX 1 a',
      'ZINCRBY z 1 c',
      'ZREM z a nope',
      'ZREM z nope',
      'ZADD z 1 a 4 d 5 e 6 f',
      'ZREMRANGEBYRANK z 0 0',
      'ZREMRANGEBYRANK z 50 60',
      'ZREMRANGEBYSCORE z 5 5',
      'ZADD lex 0 a 0 b 0 c',
      'ZREMRANGEBYLEX lex [a [a',
      'ZPOPMIN z',
      'ZPOPMAX z 2',
      'ZADD y 1 q 2 z',
      'ZUNIONSTORE u 2 z y',
      'ZINTERSTORE i 2 z y',
      'ZDIFFSTORE d 2 z y',
      'ZRANGESTORE r z 0 -1',
      'ZRANGESTORE r nokey 0 -1',
      'ZINTERSTORE i 2 z nokey',
      'ZMPOP 1 y MIN COUNT 5',
      'ZADD b 1 x',
      'BZPOPMIN b 1',
      'ZADD b 1 x 2 y',
      'BZPOPMAX b 1',
      'BZMPOP 1 1 b MAX',
      'ZREMRANGEBYLEX lex - +',
      'ZSCORE nokey a',
    ],
  ],
  'blocked clients served by other clients\' writes': [
    'KEA',
    [
      '&BLPOP l 5',
      'RPUSH l a b',
      '&BLMOVE src dst LEFT RIGHT 5',
      'LPUSH src x',
      '&BZPOPMIN z 5',
      'ZADD z 1 a',
      '&BLMPOP 5 1 l2 RIGHT COUNT 2',
      'MULTI',
      'RPUSH l2 1 2 3',
      'SET k v',
      'EXEC',
      'SET r 1',
      'SET r2 1',
      'RENAME r r2',
      'SET w x',
      'LMOVE l w LEFT LEFT',
      'RPOPLPUSH nol w',
    ],
  ],
  'transactions': ['KEA', ['MULTI', 'SET a 1', 'LPUSH l x', 'INCR a', 'DEL l', 'EXEC']],
  'lazy expiry, active expiry and key misses': [
    'KEAm',
    [
      // Lazy expiry first, with the active cycle off so it cannot race the reads.
      'DEBUG SET-ACTIVE-EXPIRE 0',
      'SET a 1 PX 1',
      'HSET h f v',
      'PEXPIRE h 1',
      '#sleep 10',
      'GET a',
      'EXISTS h',
      'DEBUG SET-ACTIVE-EXPIRE 1',
      // DBSIZE expires nothing: the event can only come from the active cycle (hz 10).
      'SET b 1 PX 20',
      '#sleep 600',
      'DBSIZE',
      'MGET x y',
      'TYPE q',
      'STRLEN q',
      'LLEN q',
      'SCARD q',
      'EXISTS q',
      'OBJECT ENCODING q',
      'TTL q',
      'PTTL q',
      'EXPIRETIME q',
      'TOUCH q',
      'DUMP q',
      'SORT q',
      'GETRANGE q 0 1',
      'HGETALL q',
      'HGET q f',
      'HEXISTS q f',
      'ZRANGE q 0 -1',
      'ZSCORE q m',
      'SRANDMEMBER q',
      'SMEMBERS q',
      'SISMEMBER q m',
      'LPOS q a',
      'LRANGE q 0 1',
      'SINTER q q2',
      'SUNION q q2',
      'ZUNION 2 q q2',
      'GETDEL q',
      'GETEX q',
      'LPOP q',
      'SPOP q',
      'ZPOPMIN q',
      'COPY q q3',
      'RENAME q q3',
      'SCAN 0 MATCH q',
      'HSCAN q 0',
      'SET sk 1',
      'SORT sk BY nosuch_* GET nosuch2_*',
      'SUBSTR q 0 1',
      'MGET q sk',
      'SET q v GET',
    ],
  ],
  'new keys': ['KEn', ['SET a 1', 'SET a 2', 'LPUSH l x', 'LPUSH l y', 'RENAME a b', 'COPY b c', 'HSET h f v', 'INCR n', 'APPEND s x', 'SADD st m', 'ZADD z 1 m', 'MSET a 1 b 2', 'SINTERSTORE x st st']],
  'one class only (keyspace channel, lists)': ['Kl', ['LPUSH l a', 'SET s 1', 'DEL s', 'RPOP l']],
  'one class only (keyevent channel, generic and expired)': ['Egx', ['SET s 1 EX 10', 'EXPIRE s 20', 'DEL s', 'SET t 1 PX 1', '#sleep 10', 'GET t']],
  'A alone publishes nothing': ['A', ['SET s 1', 'DEL s']],
  'database numbers in channels': ['KEA', ['SELECT 3', 'SET s 1', 'DEL s', 'SELECT 15', 'LPUSH l 1', 'SELECT 0']],
};

describe('keyspace notifications (differential against real Redis)', () => {
  let redis: RunningServer;
  let cairn: RunningServer;
  before(async () => {
    [redis, cairn] = await Promise.all([startRedis(DEBUG), startCairn(DEBUG)]);
  });
  after(async () => {
    await Promise.all([redis?.stop(), cairn?.stop()]);
  });

  for (const [title, [flags, script]] of Object.entries(scenarios)) {
    it(`${title} (${flags})`, async () => {
      const expected = await run(redis.port, flags, script);
      const actual = await run(cairn.port, flags, script);
      // Joined, so a difference shows as a line diff rather than two long dumps.
      assert.equal(actual.replies.join('\n'), expected.replies.join('\n'));
      assert.equal(actual.events.join('\n'), expected.events.join('\n'));
      if (/[KE]/.test(flags) && flags !== 'A') assert.ok(expected.events.some((e) => e.startsWith('__key')), 'the scenario produces events');
    });
  }

  it('RESP3 subscribers get events as push messages', async () => {
    const script = ['SET a 1', 'LPUSH l x', 'DEL a l'];
    const expected = await run(redis.port, 'KEA', script, 3);
    const actual = await run(cairn.port, 'KEA', script, 3);
    assert.deepEqual(actual.events, expected.events);
  });

  it('notify-keyspace-events: flag parsing and the value CONFIG GET shows', async () => {
    const values = ['g$lshzxetd', 'g$lshzxet', 'AKEn', 'Kmn', 'KEA', 'x', 'E', 'AA', 'Ex', 'nd', ''];
    const transcript = async (port: number) => {
      const c = await RawClient.connect(port);
      const out: string[] = [];
      for (const v of [...values, 'Q', 'KEA!']) {
        out.push(await c.call('CONFIG', 'SET', 'notify-keyspace-events', v));
        out.push(await c.call('CONFIG', 'GET', 'notify-keyspace-events'));
      }
      await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      c.close();
      return out;
    };
    assert.deepEqual(await transcript(cairn.port), await transcript(redis.port));
  });
});

describe('keyspace notifications through real clients', () => {
  let cairn: RunningServer;
  before(async () => {
    cairn = await startCairn(['--notify-keyspace-events', 'Ex']);
  });
  after(async () => {
    await cairn?.stop();
  });

  it('ioredis: a key-expiry listener (the common session-expiry pattern) hears each expired key once', async () => {
    const sub = new Redis({ port: cairn.port, lazyConnect: true });
    const client = new Redis({ port: cairn.port, lazyConnect: true });
    await Promise.all([sub.connect(), client.connect()]);
    try {
      const heard: string[] = [];
      sub.on('message', (channel: string, key: string) => {
        if (channel === '__keyevent@0__:expired') heard.push(key);
      });
      await sub.subscribe('__keyevent@0__:expired');
      await client.set('session:1', 'a', 'PX', 30);
      await client.set('session:2', 'b', 'PX', 60);
      await client.set('session:3', 'c');
      const deadline = Date.now() + 5000;
      while (heard.length < 2 && Date.now() < deadline) await sleep(20);
      assert.deepEqual(heard.sort(), ['session:1', 'session:2']);
      assert.equal(await client.get('session:3'), 'c');
    } finally {
      sub.disconnect();
      client.disconnect();
    }
  });

  it('node-redis: a keyspace-channel pattern subscriber sees writes from another client', async () => {
    const sub = createClient({ socket: { port: cairn.port, host: '127.0.0.1' } });
    const client = createClient({ socket: { port: cairn.port, host: '127.0.0.1' } });
    await Promise.all([sub.connect(), client.connect()]);
    try {
      await client.configSet('notify-keyspace-events', 'KA');
      const heard: string[] = [];
      await sub.pSubscribe('__keyspace@0__:user:*', (event: string, channel: string) => heard.push(`${channel} ${event}`));
      await client.hSet('user:1', 'name', 'ann');
      await client.expire('user:1', 100);
      await client.del('user:1');
      await client.set('other', 'x');
      const deadline = Date.now() + 5000;
      while (heard.length < 3 && Date.now() < deadline) await sleep(20);
      assert.deepEqual(heard, ['__keyspace@0__:user:1 hset', '__keyspace@0__:user:1 expire', '__keyspace@0__:user:1 del']);
    } finally {
      await client.configSet('notify-keyspace-events', 'Ex');
      await sub.quit();
      await client.quit();
    }
  });
});
