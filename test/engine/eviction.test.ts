/**
 * maxmemory and the eviction policies, in-process: each policy evicts only what it may,
 * and the approximated LRU/LFU/TTL orders pick the right kind of victims.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { inProcess } from '../helpers/engine.js';

const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

function setup(policy: string) {
  const { engine, run } = inProcess();
  assert.equal(run('CONFIG', 'SET', 'maxmemory-policy', policy), '+OK\r\n');
  // Eviction runs to completion in these tests: no time limit per call.
  assert.equal(run('CONFIG', 'SET', 'maxmemory-eviction-tenacity', '100'), '+OK\r\n');
  return { engine, run };
}

/** A limit that leaves room for about `fraction` of what is stored now. */
/**
 * A maxmemory that leaves room for `fraction` of the keys' own bytes. The key tables'
 * indexes count as fixed overhead: they do not shrink as keys go until a table is nearly
 * empty, so they would not be freed by the evictions these tests count.
 */
function limitFor(engine: Engine, fraction: number): string {
  const keysBytes = engine.keyspace.dbs.reduce((n, db) => n + db.meter.bytes, 0);
  const base = engine.memory.used() - keysBytes;
  return String(Math.floor(base + keysBytes * fraction));
}

function fill(run: (...argv: string[]) => string, prefix: string, n: number, ttl = false): void {
  for (let i = 0; i < n; i++) {
    if (ttl) run('SET', `${prefix}${i}`, 'x'.repeat(100), 'EX', String(1000 + i));
    else run('SET', `${prefix}${i}`, 'x'.repeat(100));
  }
}

function survivors(engine: Engine, prefix: string): number {
  let n = 0;
  for (const k of engine.keyspace.dbs[0]!.keys.keys()) if (k.startsWith(prefix)) n++;
  return n;
}

describe('maxmemory', () => {
  it('noeviction never evicts: denyoom commands get OOM, reads and deletes go on', () => {
    const { engine, run } = setup('noeviction');
    fill(run, 'k', 100);
    run('CONFIG', 'SET', 'maxmemory', limitFor(engine, 0.5));
    assert.equal(run('SET', 'new', 'v'), OOM);
    assert.equal(run('LPUSH', 'list', 'v'), OOM);
    assert.equal(run('GET', 'k1'), '$100\r\n' + 'x'.repeat(100) + '\r\n');
    assert.equal(run('DEL', 'k1'), ':1\r\n');
    assert.equal(engine.keyspace.totalKeys, 99);
    assert.equal(engine.memory.evictedKeys, 0);
    run('CONFIG', 'SET', 'maxmemory', '0');
    assert.equal(run('SET', 'new', 'v'), '+OK\r\n');
  });

  for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random']) {
    it(`${policy} evicts any keys until used memory is within maxmemory`, () => {
      const { engine, run } = setup(policy);
      fill(run, 'k', 1000);
      const limit = Number(limitFor(engine, 0.5));
      run('CONFIG', 'SET', 'maxmemory', String(limit));
      assert.ok(engine.memory.used() <= limit, `${engine.memory.used()} > ${limit}`);
      const left = engine.keyspace.totalKeys;
      assert.ok(left > 400 && left < 520, `${left} keys left`);
      assert.equal(engine.memory.evictedKeys, 1000 - left);
      // Every write makes room for itself.
      for (let i = 0; i < 300; i++) assert.equal(run('SET', `n${i}`, 'y'.repeat(100)), '+OK\r\n');
      assert.ok(engine.memory.used() <= limit + 400);
    });
  }

  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
    it(`${policy} evicts only keys with a TTL, then refuses writes`, () => {
      const { engine, run } = setup(policy);
      fill(run, 'keep', 300);
      fill(run, 'ttl', 300, true);
      run('CONFIG', 'SET', 'maxmemory', limitFor(engine, 0.75));
      assert.equal(survivors(engine, 'keep'), 300);
      const ttlLeft = survivors(engine, 'ttl');
      assert.ok(ttlLeft > 100 && ttlLeft < 200, `${ttlLeft} volatile keys left`);
      // Below what the keys without TTL need: every volatile key goes, then OOM.
      run('CONFIG', 'SET', 'maxmemory', limitFor(engine, 0.3));
      assert.equal(survivors(engine, 'keep'), 300);
      assert.equal(survivors(engine, 'ttl'), 0);
      assert.equal(run('SET', 'more', 'v'), OOM);
      assert.equal(engine.memory.evictedKeys, 300);
    });
  }

  it('allkeys-lru evicts idle keys before recently used ones', () => {
    const { engine, run } = setup('allkeys-lru');
    fill(run, 'old', 500);
    fill(run, 'new', 500);
    const db = engine.keyspace.dbs[0]!;
    // The "old" keys were last used an hour ago (as RESTORE ... IDLETIME would set it).
    for (const [k, e] of db.keys) if (k.startsWith('old')) engine.keyspace.restoreAccess(e, 3600 + Math.floor(Math.random() * 100), -1);
    run('CONFIG', 'SET', 'maxmemory', limitFor(engine, 0.6));
    const evicted = 1000 - engine.keyspace.totalKeys;
    assert.ok(evicted > 350);
    // Sampling is approximate, as in Redis; nearly all victims must still be idle ones.
    assert.ok(survivors(engine, 'new') >= 480, `${survivors(engine, 'new')} recent keys left`);
  });

  it('allkeys-lfu evicts rarely used keys before frequently used ones', () => {
    const { engine, run } = setup('allkeys-lfu');
    fill(run, 'rare', 500);
    fill(run, 'hot', 500);
    const db = engine.keyspace.dbs[0]!;
    for (const [k, e] of db.keys) engine.keyspace.restoreAccess(e, -1, k.startsWith('hot') ? 40 : 1);
    run('CONFIG', 'SET', 'maxmemory', limitFor(engine, 0.6));
    assert.ok(survivors(engine, 'hot') >= 480, `${survivors(engine, 'hot')} hot keys left`);
    assert.ok(survivors(engine, 'rare') < 150);
    assert.equal(run('OBJECT', 'FREQ', 'hot1'), ':40\r\n');
  });

  it('volatile-ttl evicts the keys closest to expiring first', () => {
    const { engine, run } = setup('volatile-ttl');
    for (let i = 0; i < 1000; i++) run('SET', `t${i}`, 'x'.repeat(100), 'EX', String(100 + i * 10));
    run('CONFIG', 'SET', 'maxmemory', limitFor(engine, 0.5));
    const db = engine.keyspace.dbs[0]!;
    let early = 0;
    for (let i = 0; i < 300; i++) if (db.keys.has(`t${i}`)) early++;
    let late = 0;
    for (let i = 700; i < 1000; i++) if (db.keys.has(`t${i}`)) late++;
    assert.ok(early < 60, `${early} of the earliest-expiring keys left`);
    assert.ok(late > 280, `${late} of the latest-expiring keys left`);
  });

  it('spreads a large eviction over event-loop turns under the default tenacity', async () => {
    const { engine, run } = setup('allkeys-random');
    run('CONFIG', 'SET', 'maxmemory-eviction-tenacity', '0');
    fill(run, 'k', 5000);
    run('CONFIG', 'SET', 'maxmemory', limitFor(engine, 0.1));
    // At most 16 keys per call at tenacity 0; the rest on later turns.
    assert.ok(engine.keyspace.totalKeys > 4000, `${engine.keyspace.totalKeys}`);
    // One time slice per event-loop turn (at tenacity 0, 16 keys), not more and more of them.
    const before = engine.memory.evictedKeys;
    for (let turn = 0; turn < 5; turn++) await new Promise((r) => setImmediate(r));
    assert.ok(engine.memory.evictedKeys - before <= 16 * 6, `${engine.memory.evictedKeys - before} keys evicted in 5 turns`);
    assert.ok(engine.memory.evictedKeys - before >= 16 * 4, `${engine.memory.evictedKeys - before} keys evicted in 5 turns`);
    // Meanwhile writes are not refused: eviction is still running (EVICT_RUNNING).
    assert.equal(run('SET', 'during', 'v'), '+OK\r\n');
    for (let i = 0; i < 2000 && engine.memory.used() > engine.config.maxmemory; i++) await new Promise((r) => setImmediate(r));
    assert.ok(engine.memory.used() <= engine.config.maxmemory);
  });

  it('takes a maxmemory-samples larger than the keyspace (Redis allows up to 2^31) as "all keys"', () => {
    const { engine, run } = setup('allkeys-lru');
    assert.equal(run('CONFIG', 'SET', 'maxmemory-samples', '2147483647'), '+OK\r\n');
    fill(run, 'old', 1000);
    fill(run, 'new', 1000);
    for (const [k, e] of engine.keyspace.dbs[0]!.keys) if (k.startsWith('old')) engine.keyspace.restoreAccess(e, 3600, -1);
    run('CONFIG', 'SET', 'maxmemory', limitFor(engine, 0.5));
    // Every key is a candidate each round: the idle ones go, and only they.
    assert.equal(survivors(engine, 'new'), 1000);
    assert.ok(survivors(engine, 'old') < 100);
  });

  it('CLIENT NO-TOUCH reads leave the LRU clock alone', () => {
    const { engine, run } = setup('allkeys-lru');
    run('SET', 'k', 'v');
    const entry = engine.keyspace.dbs[0]!.keys.get('k')!;
    engine.keyspace.restoreAccess(entry, 500, -1);
    run('CLIENT', 'NO-TOUCH', 'on');
    run('GET', 'k');
    // 500 s idle, or 501 when the LRU clock's second ticked since restoreAccess.
    assert.match(run('OBJECT', 'IDLETIME', 'k'), /^:50[01]\r\n$/);
    run('CLIENT', 'NO-TOUCH', 'off');
    run('GET', 'k');
    assert.equal(run('OBJECT', 'IDLETIME', 'k'), ':0\r\n');
  });
});
