import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { differential, type Script } from '../helpers/differential.js';
import { startCairn, type RunningServer } from '../helpers/servers.js';

const scripts: Script[] = [
  // SETBIT / GETBIT
  ['SETBIT b 7 1', 'GET b', 'GETBIT b 7', 'GETBIT b 6', 'GETBIT b 100', 'GETBIT missing 0', 'STRLEN b'],
  ['SETBIT b 100 1', 'STRLEN b', 'SETBIT b 100 1', 'SETBIT b 100 0', 'GETBIT b 100', 'GET b'],
  ['SETBIT b 0 1', 'SETBIT b 0 0', 'GET b', 'OBJECT ENCODING b'],
  ['SET n 12', 'OBJECT ENCODING n', 'GETBIT n 2', 'GETBIT n 10', 'SETBIT n 2 1', 'OBJECT ENCODING n', 'GET n'],
  ['SET n 12', 'SETBIT n 3 0', 'OBJECT ENCODING n', 'GET n', 'SET e hello', 'SETBIT e 1 1', 'OBJECT ENCODING e'],
  ['SETBIT b -1 1', 'SETBIT b 1 2', 'SETBIT b 1 -1', 'SETBIT b x 1', 'SETBIT b 1 x', 'SETBIT b 1.5 1', 'SETBIT b 4294967296 1', 'EXISTS b'],
  ['GETBIT b -1', 'GETBIT b x', 'GETBIT b 4294967296', 'GETBIT b 4294967295', 'SETBIT b', 'GETBIT b', 'SETBIT b 1 1 1'],
  ['LPUSH l a', 'SETBIT l 0 1', 'GETBIT l 0', 'SETBIT l -1 1', 'GETBIT l x'],
  ['SET k v EX 100', 'SETBIT k 3 1', 'TTL k', 'GET k'],
  ['SETBIT b 1 1', 'CONFIG SET proto-max-bulk-len 1mb', 'SETBIT b 8388607 1', 'SETBIT b 8388608 1', 'GETBIT b 8388608', 'STRLEN b', 'CONFIG SET proto-max-bulk-len 512mb'],
  // BITCOUNT
  ['SET s foobar', 'BITCOUNT s', 'BITCOUNT s 0 0', 'BITCOUNT s 1 1', 'BITCOUNT s 1 -2', 'BITCOUNT s -2 -1', 'BITCOUNT s 5 1', 'BITCOUNT s 0 100'],
  ['SET s foobar', 'BITCOUNT s 5 30 BIT', 'BITCOUNT s 0 0 BIT', 'BITCOUNT s -1 -1 BIT', 'BITCOUNT s 1 1 byte', 'BITCOUNT s 1 1 bit', 'BITCOUNT s 3 45 BIT', 'BITCOUNT s 7 8 BIT'],
  ['SET s foobar', 'BITCOUNT s -100 -200', 'BITCOUNT s -200 -100', 'BITCOUNT s -1 -5', 'BITCOUNT s 0', 'BITCOUNT s 0 1 foo', 'BITCOUNT s a b', 'BITCOUNT s 0 1 bit x'],
  ['BITCOUNT missing', 'BITCOUNT missing 0', 'BITCOUNT missing a b', 'BITCOUNT missing 0 1 foo', 'SET e ""', 'BITCOUNT e', 'BITCOUNT e 0 -1', 'BITCOUNT e 0 -1 BIT'],
  ['SET n 255', 'BITCOUNT n', 'HSET h f v', 'BITCOUNT h', 'BITCOUNT h 0 1', 'BITCOUNT'],
  [['SET', 'bin', '\xff\xf0\x00\x0f\x80\x01'], 'BITCOUNT bin', 'BITCOUNT bin 1 4', 'BITCOUNT bin 4 43 BIT', 'BITCOUNT bin 9 9 BIT', 'BITCOUNT bin 0 -1 BIT'],
  // BITPOS
  [['SET', 'b', '\xff\xf0\x00'], 'BITPOS b 0', 'BITPOS b 1', 'BITPOS b 0 2', 'BITPOS b 1 2', 'BITPOS b 0 0 0', 'BITPOS b 1 2 -1', 'BITPOS b 0 1 1'],
  [['SET', 'b', '\x00\xff\xf0'], 'BITPOS b 1 0', 'BITPOS b 1 2', 'BITPOS b 1 3', 'BITPOS b 1 -1', 'BITPOS b 0 -100 -90', 'BITPOS b 1 7 15 BIT', 'BITPOS b 0 8 19 bit'],
  [['SET', 'b', '\xff\xff\xff'], 'BITPOS b 0', 'BITPOS b 0 1', 'BITPOS b 0 0 -1', 'BITPOS b 0 1 1 BIT', 'BITPOS b 0 0 23 BIT', 'BITPOS b 1 5 5 BIT', 'BITPOS b 0 -3 -1 bit'],
  [['SET', 'b', '\x00\x00\x00'], 'BITPOS b 1', 'BITPOS b 0', 'BITPOS b 1 1', 'BITPOS b 0 2', 'BITPOS b 0 3', 'BITPOS b 1 -1 -1 BIT', 'BITPOS b 0 17 3 BIT'],
  ['BITPOS missing 1', 'BITPOS missing 0', 'BITPOS missing 2', 'BITPOS missing x', 'BITPOS missing 1 0 1 foo', 'SET e ""', 'BITPOS e 0', 'BITPOS e 1'],
  ['SET s foobar', 'BITPOS s 2', 'BITPOS s -1', 'BITPOS s 1 a', 'BITPOS s 1 0 b', 'BITPOS s 1 0 1 FOO', 'BITPOS s 1 0 1 BIT extra', 'BITPOS s', 'LPUSH l a', 'BITPOS l 1'],
  ['SET n 7', 'BITPOS n 1', 'BITPOS n 0', 'BITPOS n 1 0 -1 BIT'],
  // BITOP
  ['SET a foof', 'SET b barb', 'BITOP AND d a b', 'GET d', 'BITOP OR d a b', 'GET d', 'BITOP XOR d a b', 'GET d', 'BITOP NOT d a', 'GET d'],
  ['SET a abcdef', 'SET b xy', 'BITOP AND d a b', 'GET d', 'BITOP OR d a b missing', 'GET d', 'BITOP XOR d b a', 'GET d', 'STRLEN d'],
  ['SET d old EX 100', 'BITOP OR d missing1 missing2', 'EXISTS d', 'SET d old', 'SET e ""', 'BITOP AND d e', 'EXISTS d'],
  ['SET a x', 'SET d v EX 100', 'BITOP NOT d a', 'TTL d', 'OBJECT ENCODING d', 'LPUSH d2 x', 'BITOP OR d2 a', 'TYPE d2'],
  ['SET a x', 'BITOP NOT d a b', 'BITOP NOT d', 'BITOP FOO d a', 'BITOP AND d', 'LPUSH l x', 'BITOP AND d a l', 'BITOP AND d l', 'EXISTS d'],
  ['SET a 1', 'SET b 2', 'BITOP and d a b', 'GET d', 'BITOP Or d a b', 'GET d', 'BITOP NOT a a', 'GET a'],
  // BITFIELD
  ['BITFIELD b SET u8 0 255', 'GET b', 'BITFIELD b GET u8 0 GET u4 0 GET u4 4 GET i8 0 GET i4 0', 'BITFIELD b INCRBY u8 0 1', 'GET b'],
  ['BITFIELD b SET i8 #0 100 SET i8 #1 -100 GET i8 #0 GET i8 #1 GET u16 0', 'STRLEN b', 'BITFIELD b INCRBY i5 100 1 GET u4 0'],
  ['BITFIELD b OVERFLOW SAT INCRBY u2 0 10 INCRBY i4 8 100 INCRBY i4 8 -100 OVERFLOW WRAP INCRBY u2 0 5 INCRBY i4 12 9'],
  ['BITFIELD b OVERFLOW FAIL INCRBY u2 0 10 INCRBY u2 0 2 INCRBY i3 2 5 INCRBY i3 2 -5', 'GET b', 'BITFIELD b OVERFLOW fail SET u2 0 4 SET i2 0 -3'],
  ['BITFIELD n OVERFLOW FAIL INCRBY u2 100 10', 'EXISTS n', 'STRLEN n', 'GET n'],
  ['BITFIELD b SET u8 0 -1 OVERFLOW SAT SET u8 8 -1 SET u8 16 300 SET i8 24 200 SET i8 32 -200', 'GET b'],
  ['BITFIELD b SET i64 0 -9223372036854775808 INCRBY i64 0 -1 GET i64 0 OVERFLOW SAT INCRBY i64 0 -1 INCRBY i64 0 9223372036854775807'],
  ['BITFIELD b SET u63 0 9223372036854775807 GET u63 0 INCRBY u63 0 1 OVERFLOW SAT INCRBY u63 0 -5 INCRBY u63 0 9223372036854775807', 'STRLEN b'],
  ['BITFIELD b SET i1 0 1 GET i1 0 GET u1 0 SET i1 1 -1 GET u2 0 INCRBY i1 2 1', 'GET b'],
  ['BITFIELD b SET u17 13 99999 GET u17 13 GET i17 13 INCRBY u17 13 50000 GET u32 8 GET i64 1', 'STRLEN b'],
  ['BITFIELD b GET u8 0', 'EXISTS b', 'BITFIELD b', 'EXISTS b', 'SET s foobar', 'BITFIELD s GET u8 0 GET i16 8 GET u8 48 GET u32 40'],
  ['BITFIELD b GET u64 0', 'BITFIELD b GET i65 0', 'BITFIELD b GET u0 0', 'BITFIELD b GET x8 0', 'BITFIELD b GET i 0', 'BITFIELD b GET u8 -1', 'BITFIELD b GET u8 #-1', 'BITFIELD b GET u8 x'],
  ['BITFIELD b SET u8 0', 'BITFIELD b SET u8 0 x', 'BITFIELD b FOO', 'BITFIELD b OVERFLOW', 'BITFIELD b OVERFLOW foo GET u8 0', 'BITFIELD b GET u8', 'BITFIELD b INCRBY u8 0 9223372036854775808', 'EXISTS b'],
  ['BITFIELD b SET u8 0 1 GET u8 0 GET u8 0 BAD', 'EXISTS b', 'BITFIELD b GET u8 0 SET u8 0 3 GET u8 0', 'BITFIELD b OVERFLOW SAT OVERFLOW WRAP INCRBY u8 0 300'],
  ['LPUSH l x', 'BITFIELD l GET u8 0', 'BITFIELD l SET u8 0 1', 'BITFIELD_RO l GET u8 0'],
  ['SET k v EX 100', 'BITFIELD k SET u8 0 65', 'TTL k', 'GET k', 'OBJECT ENCODING k', 'SET k2 x', 'BITFIELD k2 GET u8 0', 'OBJECT ENCODING k2'],
  // BITFIELD_RO
  ['SET s foobar', 'BITFIELD_RO s GET u8 0 GET i8 #1', 'BITFIELD_RO s SET u8 0 1', 'BITFIELD_RO s INCRBY u8 0 1', 'BITFIELD_RO s', 'BITFIELD_RO missing GET u8 0', 'BITFIELD_RO s OVERFLOW SAT GET u8 0', 'GET s'],
  // Large bitmaps (kept as mutable buffers inside Cairn) read back by every kind of command
  ['SETBIT big 100000 1', 'STRLEN big', 'TYPE big', 'OBJECT ENCODING big', 'GETBIT big 100000', 'BITCOUNT big', 'BITPOS big 1', 'GETRANGE big 12499 12500'],
  ['SETBIT big 100000 1', 'EXPIRE big 100', 'TTL big', 'SETBIT big 5 1', 'TTL big', 'PERSIST big', 'EXISTS big', 'SETBIT big 200000 1', 'STRLEN big', 'BITCOUNT big'],
  ['SETBIT big 100000 1', 'APPEND big xyz', 'STRLEN big', 'SETBIT big 100001 1', 'GETRANGE big 12500 12504', 'SETRANGE big 0 hello', 'BITCOUNT big 0 4', 'SETBIT big 0 1', 'GETRANGE big 0 4'],
  ['SETBIT big 100000 1', 'COPY big c', 'SETBIT c 1 1', 'BITCOUNT big', 'BITCOUNT c', 'RENAME c d', 'BITCOUNT d', 'SETBIT d 2 1', 'BITOP XOR x big d', 'BITCOUNT x', 'GETRANGE x 0 0'],
  ['SETBIT big 100000 1', 'DEL big', 'EXISTS big', 'SETBIT big 8 1', 'UNLINK big', 'BITFIELD big SET u8 20000 255', 'BITFIELD big INCRBY u8 20000 10 GET u16 19992', 'GET big'],
  ['SET s x', 'SETBIT s 80000 1', 'OBJECT ENCODING s', 'GET s', 'INCR s', 'LPUSH s x', 'SET s 10', 'SETBIT s 80000 1', 'STRLEN s', 'SORT s'],
  ['SETBIT big 100000 1', 'MULTI', 'SETBIT big 3 1', 'GETRANGE big 0 0', 'SETBIT big 4 1', 'GETRANGE big 0 0', 'EXEC'],
  // through Lua: 64-bit fields become Lua numbers (doubles) and come back as C casts them
  [`EVAL "redis.call('bitfield', KEYS[1], 'SET', 'i64', 0, '-9223372036854775807') return redis.call('bitfield', KEYS[1], 'GET', 'i64', 0, 'GET', 'u63', 0, 'GET', 'u62', 3)" 1 b`, `EVAL "return 4611686018427387904" 0`, `EVAL "return -9007199254740993" 0`],
  // through MULTI, and the command table
  ['MULTI', 'SETBIT b 1 1', 'BITCOUNT b', 'BITFIELD b INCRBY u8 0 1', 'BITOP NOT c b', 'EXEC', 'GET c'],
  ['COMMAND INFO setbit getbit bitcount bitpos bitop bitfield bitfield_ro', 'COMMAND GETKEYS bitop and d a b c', 'COMMAND GETKEYS bitfield k get u8 0'],
];

differential('bitmap commands: differential against real Redis', scripts);

/** Keyspace events of the bitmap writes. */
differential(
  'bitmap keyspace events',
  [
    [
      'CONFIG SET notify-keyspace-events KEA',
      'HELLO 3',
      'SUBSCRIBE __keyevent@0__:setbit __keyevent@0__:set __keyevent@0__:del',
      'SETBIT b 1 1',
      'SETBIT b 1 1',
      'BITFIELD b SET u8 0 3',
      'BITFIELD b SET u8 0 3',
      'BITOP NOT c b',
      'BITOP AND c missing',
      'PING',
    ],
  ],
);

describe('bitmaps through ioredis', () => {
  let server: RunningServer;
  before(async () => {
    server = await startCairn();
  });
  after(async () => {
    await server.stop();
  });

  it('daily-active-user bitmaps: SETBIT per user, BITCOUNT, BITOP across days, BITFIELD counters', async () => {
    const r = new Redis({ port: server.port, lazyConnect: true });
    await r.connect();
    try {
      const days = [
        [1, 5, 9, 100000],
        [5, 9, 77],
        [9, 5, 100000, 3],
      ];
      for (const [d, users] of days.entries()) for (const u of users) assert.equal(await r.setbit(`dau:${d}`, u, 1), 0);
      assert.equal(await r.setbit('dau:0', 5, 1), 1);
      assert.deepEqual(await Promise.all(days.map((_, d) => r.bitcount(`dau:${d}`))), [4, 3, 4]);
      assert.equal(await r.bitop('AND', 'dau:all', 'dau:0', 'dau:1', 'dau:2'), 12501);
      assert.equal(await r.bitcount('dau:all'), 2);
      assert.equal(await r.bitpos('dau:all', 1), 5);
      assert.equal(await r.getbit('dau:all', 9), 1);
      const raw = await r.getBuffer('dau:all');
      assert.equal(raw!.length, 12501);
      assert.equal(raw![0], 0b00000100); // user 5
      assert.equal(raw![1], 0b01000000); // user 9
      // Four 8-bit counters in one key, saturating.
      const counters = await r.call('BITFIELD', 'ctr', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '#0', 200, 'INCRBY', 'u8', '#0', 100, 'INCRBY', 'i8', '#3', -5);
      assert.deepEqual(counters, [200, 255, -5]);
      assert.deepEqual(await r.call('BITFIELD_RO', 'ctr', 'GET', 'u8', '#0', 'GET', 'i8', '#3'), [255, -5]);
      await assert.rejects(r.setbit('dau:0', -1, 1), /bit offset is not an integer or out of range/);
      await r.lpush('list', 'x');
      await assert.rejects(r.bitcount('list'), /WRONGTYPE/);
    } finally {
      r.disconnect();
    }
  });
});
