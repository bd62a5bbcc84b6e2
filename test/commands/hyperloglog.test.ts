/**
 * HyperLogLog against real Redis: replies and errors, and the values themselves byte for
 * byte (GET), through sparse and dense encodings, so an HLL moves between the two servers
 * with GET/SET and counts the same.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { differential, type Command, type Script } from '../helpers/differential.js';
import { startCairn, startRedis, type RunningServer } from '../helpers/servers.js';

const elements = (prefix: string, from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);
const pfadd = (key: string, prefix: string, from: number, to: number): Command => ['PFADD', key, ...elements(prefix, from, to)];

/** Adds in batches up to n elements, checking PFCOUNT and the exact bytes along the way. */
function growth(key: string, n: number, batch: number): Command[] {
  const script: Command[] = [];
  for (let i = 0; i < n; i += batch) {
    script.push(pfadd(key, 'el:', i, Math.min(n, i + batch)), `PFCOUNT ${key}`, `PFDEBUG ENCODING ${key}`, `GET ${key}`);
  }
  return script;
}

const scripts: Script[] = [
  ['PFADD h a b c', 'PFADD h a', 'PFADD h d', 'PFCOUNT h', 'GET h', 'STRLEN h', 'OBJECT ENCODING h', 'TYPE h'],
  ['PFADD h', 'EXISTS h', 'GET h', 'PFCOUNT h', 'PFADD h', 'PFCOUNT missing', 'PFCOUNT missing h'],
  ['PFADD h "" "x y" 1 -1 3.5', ['PFADD', 'h', '\x00\xff\r\n', 'a'.repeat(1000)], 'PFCOUNT h', 'GET h', 'PFDEBUG DECODE h'],
  growth('h', 400, 40),
  growth('h', 3000, 500),
  ['CONFIG SET hll-sparse-max-bytes 100', ...growth('h', 60, 10), 'CONFIG SET hll-sparse-max-bytes 3000'],
  ['CONFIG SET hll-sparse-max-bytes 0', 'PFADD h a', 'PFDEBUG ENCODING h', 'CONFIG SET hll-sparse-max-bytes 3000', 'CONFIG GET hll-sparse-max-bytes'],
  [pfadd('h', 'x', 0, 20000), 'PFCOUNT h', pfadd('h', 'x', 20000, 100000), 'PFCOUNT h', 'GET h', pfadd('h', 'x', 0, 100), 'PFCOUNT h'],
  // PFCOUNT of several keys, PFMERGE sparse and dense
  [pfadd('a', 'x', 0, 100), pfadd('b', 'x', 50, 200), 'PFCOUNT a b', 'PFCOUNT a b missing', 'PFMERGE c a b', 'PFCOUNT c', 'GET c', 'PFDEBUG ENCODING c'],
  [pfadd('a', 'x', 0, 5000), pfadd('b', 'y', 0, 50), 'PFMERGE c b', 'PFDEBUG ENCODING c', 'PFMERGE c a b', 'PFDEBUG ENCODING c', 'GET c', 'PFCOUNT c', 'PFCOUNT a b c'],
  [pfadd('a', 'x', 0, 100), 'PFMERGE a', 'GET a', 'PFMERGE new', 'GET new', 'PFMERGE new2 missing', 'EXISTS new2', 'PFCOUNT new2', 'PFMERGE a a a'],
  [pfadd('a', 'x', 0, 300), pfadd('b', 'z', 0, 300), 'PFMERGE b a', 'GET b', 'PFCOUNT b', 'SET s x', 'PFMERGE b s', 'PFMERGE s b', 'LPUSH l x', 'PFMERGE b l', 'PFCOUNT b l'],
  // PFCOUNT caches the cardinality in the value itself
  [pfadd('h', 'x', 0, 50), 'GET h', 'PFCOUNT h', 'GET h', 'PFADD h x1', 'GET h', 'PFADD h new', 'GET h', 'PFCOUNT h', 'GET h'],
  // Values that are not HLLs
  ['SET s hello', 'PFADD s a', 'PFCOUNT s', 'PFCOUNT s h', 'PFMERGE d s', 'PFDEBUG ENCODING s', 'SET n 123', 'PFADD n a', 'LPUSH l a', 'PFADD l a', 'PFCOUNT l'],
  [['SET', 'h', 'HYLL'], 'PFADD h a', ['SET', 'h', 'HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'], 'PFADD h a', 'PFCOUNT h'],
  [['SET', 'h', 'HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00abc'], 'PFADD h a', 'PFCOUNT h', 'PFDEBUG GETREG h'],
  // Corrupt sparse values: opcodes covering too few or too many registers
  [['SET', 'h', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xfe'], 'PFCOUNT h', 'PFADD h a b c', 'PFCOUNT h h', 'PFMERGE d h', 'PFDEBUG TODENSE h', 'PFDEBUG DECODE h'],
  [['SET', 'h', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff\x8f'], 'PFCOUNT h', 'PFADD h a', 'PFDEBUG DECODE h', 'PFCOUNT h h'],
  [['SET', 'h', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'], 'PFCOUNT h', 'GET h', 'PFADD h z', 'PFCOUNT h'],
  // A valid cached cardinality is believed (Redis does not recompute it)
  [['SET', 'h', 'HYLL\x01\x00\x00\x00\x2a\x00\x00\x00\x00\x00\x00\x00\x7f\xff'], 'PFCOUNT h', 'PFADD h a', 'PFCOUNT h'],
  // PFDEBUG
  [pfadd('h', 'x', 0, 30), 'PFDEBUG ENCODING h', 'PFDEBUG DECODE h', 'PFDEBUG TODENSE h', 'PFDEBUG ENCODING h', 'PFDEBUG TODENSE h', 'PFDEBUG DECODE h', 'GET h', 'PFCOUNT h'],
  [pfadd('h', 'x', 0, 30), 'PFDEBUG GETREG h', 'PFDEBUG ENCODING h', 'PFDEBUG getreg h', 'PFDEBUG FOO h', 'PFDEBUG foo missing', 'PFDEBUG GETREG', 'PFDEBUG GETREG h extra', 'PFDEBUG'],
  ['SET s x', 'PFDEBUG ENCODING s', 'LPUSH l a', 'PFDEBUG ENCODING l', 'PFDEBUG ENCODING missing'],
  // Keyspace: TTL, MULTI, commands table
  ['PFADD h a', 'EXPIRE h 100', 'PFADD h b', 'TTL h', pfadd('h', 'x', 0, 3000), 'TTL h', 'PFCOUNT h', 'TTL h'],
  ['MULTI', 'PFADD h a b', 'PFCOUNT h', 'PFMERGE d h', 'PFCOUNT d', 'EXEC'],
  ['COMMAND INFO pfadd pfcount pfmerge pfdebug pfselftest', 'COMMAND GETKEYS pfmerge d a b', 'COMMAND GETKEYS pfcount a b', 'COMMAND GETKEYS pfdebug getreg k'],
  ['PFADD', 'PFCOUNT', 'PFMERGE', 'PFSELFTEST x'],
];

differential('HyperLogLog: differential against real Redis', scripts);

differential('HyperLogLog keyspace events', [
  [
    'CONFIG SET notify-keyspace-events KEA',
    'HELLO 3',
    'SUBSCRIBE __keyevent@0__:pfadd __keyevent@0__:set',
    'PFADD h a',
    'PFADD h a',
    'PFCOUNT h',
    'PFMERGE d h',
    'PING',
  ],
]);

describe('HyperLogLog interchange with real Redis through GET and SET', () => {
  let redis: RunningServer;
  let cairn: RunningServer;
  before(async () => {
    [redis, cairn] = await Promise.all([startRedis(), startCairn()]);
  });
  after(async () => {
    await Promise.all([redis?.stop(), cairn?.stop()]);
  });

  for (const n of [10, 1000, 50000]) {
    it(`${n} elements: written by either server, counted and extended by the other`, async () => {
      const r = new Redis({ port: redis.port, lazyConnect: true });
      const c = new Redis({ port: cairn.port, lazyConnect: true });
      await Promise.all([r.connect(), c.connect()]);
      try {
        await Promise.all([r.flushall(), c.flushall()]);
        const items = elements('user:', 0, n);
        for (let i = 0; i < n; i += 5000) {
          const batch = items.slice(i, i + 5000);
          await Promise.all([r.pfadd('from-redis', ...batch), c.pfadd('from-cairn', ...batch)]);
        }
        const [fromRedis, fromCairn] = await Promise.all([r.getBuffer('from-redis'), c.getBuffer('from-cairn')]);
        assert.ok(fromRedis!.equals(fromCairn!), 'the same elements make the same bytes');
        await Promise.all([c.set('copied', fromRedis!), r.set('copied', fromCairn!)]);
        const [countR, countC] = await Promise.all([r.pfcount('copied'), c.pfcount('copied')]);
        assert.equal(countC, countR);
        // The estimate is within Redis's documented error of the truth (and equal to Redis's).
        assert.ok(Math.abs(countC - n) <= Math.max(1, n * 0.0081 * 3), `estimate ${countC} for ${n}`);
        await Promise.all([r.pfadd('copied', 'extra1', 'extra2'), c.pfadd('copied', 'extra1', 'extra2')]);
        const [afterR, afterC] = await Promise.all([r.getBuffer('copied'), c.getBuffer('copied')]);
        assert.ok(afterR!.equals(afterC!), 'extended the same way');
        assert.equal(await c.pfcount('copied', 'from-cairn'), await r.pfcount('copied', 'from-redis'));
      } finally {
        r.disconnect();
        c.disconnect();
      }
    });
  }

  it('PFSELFTEST passes', { timeout: 120_000 }, async () => {
    const c = new Redis({ port: cairn.port, lazyConnect: true, commandTimeout: 110_000 });
    await c.connect();
    try {
      assert.equal(await c.call('PFSELFTEST'), 'OK');
    } finally {
      c.disconnect();
    }
  });
});
