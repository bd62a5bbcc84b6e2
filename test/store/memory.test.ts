/**
 * The running memory estimate (store/memory.ts) must equal a full recount after any
 * sequence of commands: a change that bypassed the accounting would make used_memory
 * drift, and eviction with it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { inProcess, rng } from '../helpers/engine.js';

const setup = () => inProcess();

function assertBalanced(engine: Engine, context: string): void {
  // Flushed tables free their blobs in slices; count once they are gone.
  assert.ok(engine.keyspace.releaseNow());
  let blobs = 0;
  let blobBytes = 0;
  const arena = engine.keyspace.arena;
  for (const db of engine.keyspace.dbs) {
    assert.equal(db.meter.bytes, db.recount(), `db ${db.id} after ${context}`);
    for (const entry of db.keys.values()) {
      if (typeof entry.value !== 'number') continue;
      blobs++;
      blobBytes += arena.chunkBytes(entry.value);
    }
  }
  // Every chunk in use belongs to a key: nothing leaked, nothing shared.
  assert.equal(arena.count, blobs, `arena chunks after ${context}`);
  assert.equal(arena.usedBytes, blobBytes, `arena bytes after ${context}`);
}

describe('memory accounting', () => {
  it('keeps the running estimate equal to a recount through random commands of every type', () => {
    const { engine, run } = setup();
    const r = rng(20261122);
    const key = () => `k${r(12)}`;
    const member = () => `m${r(40)}`.repeat(1 + r(3));
    // Up to 89 chars mostly (44 is the last kept in the heap), sometimes a few KB.
    const value = () => String.fromCharCode(97 + r(3)).repeat(r(8) === 0 ? r(5000) : r(90));
    const ops: (() => string[])[] = [
      () => ['SET', key(), value()],
      () => ['SET', key(), value(), 'EX', '100'],
      () => ['SET', key(), value(), 'KEEPTTL'],
      () => ['APPEND', key(), value()],
      () => ['INCR', key()],
      () => ['INCRBYFLOAT', key(), '1.5'],
      () => ['SETRANGE', key(), String(r(50)), value()],
      () => ['GETDEL', key()],
      () => ['GETSET', key(), value()],
      () => ['MSET', key(), value(), key(), value()],
      () => ['EXPIRE', key(), '100'],
      () => ['PERSIST', key()],
      () => ['DEL', key(), key()],
      () => ['UNLINK', key()],
      () => ['RENAME', key(), key()],
      () => ['RENAMENX', key(), key()],
      () => ['COPY', key(), key(), 'REPLACE'],
      () => ['COPY', key(), key(), 'DB', String(1 + r(2)), 'REPLACE'],
      () => ['MOVE', key(), String(1 + r(2))],
      () => ['SWAPDB', '0', String(1 + r(2))],
      () => ['LPUSH', key(), member(), member()],
      () => ['RPUSH', key(), member()],
      () => ['LPOP', key(), String(1 + r(3))],
      () => ['RPOP', key()],
      () => ['LSET', key(), String(r(3)), member()],
      () => ['LINSERT', key(), 'BEFORE', member(), member()],
      () => ['LREM', key(), '0', member()],
      () => ['LTRIM', key(), String(r(3)), String(r(10))],
      () => ['LMOVE', key(), key(), 'LEFT', 'RIGHT'],
      () => ['HSET', key(), member(), value(), member(), value()],
      () => ['HDEL', key(), member()],
      () => ['HINCRBY', key(), member(), '3'],
      () => ['HINCRBYFLOAT', key(), member(), '0.25'],
      () => ['HSETNX', key(), member(), value()],
      () => ['SADD', key(), member(), String(r(100))],
      () => ['SREM', key(), member()],
      () => ['SPOP', key()],
      () => ['SMOVE', key(), key(), member()],
      () => ['SINTERSTORE', key(), key(), key()],
      () => ['SUNIONSTORE', key(), key(), key()],
      () => ['ZADD', key(), String(r(100)), member()],
      () => ['ZINCRBY', key(), '2', member()],
      () => ['ZREM', key(), member()],
      () => ['ZPOPMIN', key()],
      () => ['ZREMRANGEBYRANK', key(), '0', '1'],
      () => ['ZUNIONSTORE', key(), '2', key(), key()],
      () => ['SORT', key(), 'ALPHA', 'STORE', key()],
      () => ['EVAL', "redis.call('set', KEYS[1], ARGV[1]); return redis.call('append', KEYS[1], ARGV[1])", '1', key(), value()],
      () => ['SELECT', String(r(3))],
      () => ['FLUSHDB'],
    ];
    for (let i = 1; i <= 6000; i++) {
      const op = r(400) === 0 ? ops[ops.length - 1]! : ops[r(ops.length - 1)]!;
      const argv = op();
      run(...argv);
      if (i % 50 === 0) assertBalanced(engine, `${i} commands (last: ${argv.join(' ')})`);
    }
    // DUMP/RESTORE and a hash big enough to get its random-access index.
    run('SELECT', '0');
    for (let i = 0; i < 600; i++) run('HSET', 'big', `f${i}`, 'x'.repeat(i % 70));
    const dumped = run('DUMP', 'big');
    const payload = dumped.slice(dumped.indexOf('\r\n') + 2, -2);
    assert.equal(run('RESTORE', 'copy', '0', payload, 'REPLACE'), '+OK\r\n');
    assert.equal(run('HLEN', 'copy'), ':600\r\n');
    assertBalanced(engine, 'a large hash');
    run('FLUSHALL');
    assert.equal(engine.keyspace.datasetBytes, 0);
    assert.equal(engine.keyspace.arena.count, 0);
  });

  it('keeps mid-sized string values off the heap: overwritten in place, freed on delete and flush', async () => {
    const { engine, run } = setup();
    const arena = engine.keyspace.arena;
    const db = engine.keyspace.dbs[0]!;
    run('SET', 'short', 'x'.repeat(44));
    run('SET', 'blob', 'x'.repeat(45));
    assert.equal(typeof db.keys.get('short')!.value, 'string');
    const ref = db.keys.get('blob')!.value;
    assert.equal(typeof ref, 'number');
    run('SET', 'blob', 'y'.repeat(50));
    assert.equal(db.keys.get('blob')!.value, ref, 'same size class: rewritten in place');
    assert.equal(run('GET', 'blob'), `$50\r\n${'y'.repeat(50)}\r\n`);
    assert.equal(run('OBJECT', 'ENCODING', 'blob'), '$3\r\nraw\r\n');
    // Commands that change contents get a heap string (raw, as APPEND makes in Redis).
    assert.equal(run('APPEND', 'blob', 'z'), ':51\r\n');
    assert.equal(typeof db.keys.get('blob')!.value, 'string');
    assert.equal(arena.count, 0);
    run('MSET', 'a', 'a'.repeat(100), 'b', 'b'.repeat(1000));
    run('SELECT', '1');
    run('SET', 'c', 'c'.repeat(3000));
    assert.equal(arena.count, 3);
    run('DEL', 'c');
    assert.equal(arena.count, 2);
    run('SET', 'c', 'c'.repeat(3000));
    run('FLUSHDB');
    assert.equal(arena.count, 3, 'freed over later event-loop turns, not by FLUSHDB itself');
    while (arena.count > 2) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(arena.count, 2, 'FLUSHDB frees its own database\'s blobs only');
    // MEMORY PURGE frees what a flush left pending at once.
    run('SET', 'c', 'c'.repeat(3000));
    run('FLUSHDB');
    assert.equal(arena.count, 3);
    assert.equal(run('MEMORY', 'PURGE'), '+OK\r\n');
    assert.equal(arena.count, 2);
    run('SELECT', '0');
    assert.equal(run('GET', 'b'), `$1000\r\n${'b'.repeat(1000)}\r\n`);
    run('FLUSHALL');
    assert.equal(arena.count, 0);
    assert.equal(arena.slabBytes, 0);
    assertBalanced(engine, 'FLUSHALL');
    // Deleting every value of a size gives its slabs back at the next expiry cycle.
    for (let i = 0; i < 1000; i++) run('SET', `k${i}`, 'x'.repeat(3000));
    run('SET', 'other', 'o'.repeat(100));
    const held = arena.slabBytes;
    for (let i = 0; i < 1000; i++) run('DEL', `k${i}`);
    assert.equal(arena.slabBytes, held);
    engine.expirer.cycle(5);
    assert.ok(arena.slabBytes > 0 && arena.slabBytes <= held / 10, `${arena.slabBytes} of ${held}`);
    assert.equal(run('GET', 'other'), `$100\r\n${'o'.repeat(100)}\r\n`);
  });

  it('counts the key tables\' off-heap indexes in the dataset, as they grow and when they empty', () => {
    const { engine, run } = setup();
    const ks = engine.keyspace;
    const meters = () => ks.dbs.reduce((n, db) => n + db.meter.bytes, 0);
    const empty = ks.datasetBytes - meters();
    assert.equal(empty, 0, 'an empty server counts no index beyond its empty tables');
    for (let i = 0; i < 5000; i++) run('SET', `k${i}`, 'v', ...(i % 2 === 0 ? ['EX', '1000'] : []));
    const db = ks.dbs[0]!;
    const indexes = ks.datasetBytes - meters();
    assert.equal(indexes, db.keys.indexBytes + db.volatile.indexBytes);
    // At most half full, 8 bytes per slot: at least 16 bytes per key, in each table.
    assert.ok(db.keys.indexBytes >= 5000 * 16, `keys index ${db.keys.indexBytes}`);
    assert.ok(db.volatile.indexBytes >= 2500 * 16, `volatile index ${db.volatile.indexBytes}`);
    assert.match(run('INFO', 'memory'), new RegExp(`used_memory:${engine.memory.used()}\\r\\n`));
    run('FLUSHALL');
    assert.equal(ks.datasetBytes, 0);
  });

  it('lets expired keys (lazily and actively) give their bytes back', async () => {
    const { engine, run } = setup();
    for (let i = 0; i < 200; i++) run('SET', `t${i}`, 'x'.repeat(50), 'PX', '5');
    for (let i = 0; i < 50; i++) run('HSET', `h${i}`, 'f', 'v');
    for (let i = 0; i < 50; i++) run('PEXPIRE', `h${i}`, '5');
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < 100; i++) run('GET', `t${i}`);
    engine.expirer.slice(performance.now() + 1000);
    assert.equal(engine.keyspace.totalKeys, 0);
    assert.equal(engine.keyspace.datasetBytes, 0);
  });

  it('estimates a key from the sizes of its name and value (MEMORY USAGE)', () => {
    const { run } = setup();
    run('SET', 'small', 'x');
    run('SET', 'large', 'x'.repeat(10_000));
    const small = Number(run('MEMORY', 'USAGE', 'small').slice(1));
    const large = Number(run('MEMORY', 'USAGE', 'large').slice(1));
    assert.ok(small > 0 && small < 200, `small ${small}`);
    // 10 KB is a blob: its chunk is the value and a 4-byte length, rounded to a size class (1/8 steps there).
    assert.ok(large - small >= 9_990 && large - small < 10_000 * 1.13, `large ${large}`);
    run('RPUSH', 'list', ...Array.from({ length: 1000 }, (_, i) => `element-${i}`));
    const list = Number(run('MEMORY', 'USAGE', 'list', 'SAMPLES', '0').slice(1));
    assert.ok(list > 1000 * 24 && list < 1000 * 80, `list ${list}`);
    assert.equal(run('MEMORY', 'USAGE', 'missing'), '$-1\r\n');
  });
});
