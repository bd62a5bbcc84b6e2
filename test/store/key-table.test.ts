import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyTable, PREFETCH_MAX, hashKey } from '../../src/store/key-table.js';
import { inProcess, seededRandom } from '../helpers/engine.js';

/**
 * A JS Map is the model: the table must answer every lookup as a Map does, iterate in
 * the same order, and its live iterators must yield exactly what Map iterators made at
 * the same moment yield, through growth, shrinking and compaction.
 */
function exercise(seed: number, universe: number, steps: number, smallTable?: number): void {
  const random = seededRandom(seed);
  const model = new Map<string, number>();
  const table = new KeyTable<number>(undefined, smallTable);
  const iterators: [Iterator<string>, Iterator<string>][] = [];
  // Phases: grow to the universe, then mostly delete (shrink, compaction), then mixed.
  for (let step = 0; step < steps; step++) {
    const phase = Math.floor((step * 3) / steps);
    const key = `k${Math.floor(random() * universe)}`;
    const r = random();
    const deleteShare = phase === 0 ? 0.1 : phase === 1 ? 0.9 : 0.5;
    if (r < deleteShare) {
      assert.equal(table.delete(key), model.delete(key), `delete ${key} at step ${step}`);
    } else {
      model.set(key, step);
      table.set(key, step);
    }
    const probe = `k${Math.floor(random() * universe)}`;
    assert.equal(table.get(probe), model.get(probe));
    assert.equal(table.has(probe), model.has(probe));
    assert.equal(table.size, model.size);
    if (random() < 0.01 && iterators.length < 20) iterators.push([model.keys(), table.keys()]);
    for (const [m, t] of iterators) {
      if (random() < 0.3) {
        const a = m.next();
        const b = t.next();
        assert.deepEqual(b, a, `iterator step at ${step}`);
      }
    }
  }
  assert.deepEqual([...table], [...model]);
  assert.deepEqual([...table.values()], [...model.values()]);
  for (const [m, t] of iterators) {
    for (;;) {
      const a = m.next();
      assert.deepEqual(t.next(), a);
      if (a.done) break;
    }
  }
}

describe('KeyTable', () => {
  for (const [seed, universe, steps] of [
    [1, 50, 20_000],
    [2, 5_000, 60_000],
    [3, 40_000, 150_000],
  ] as const) {
    it(`answers and iterates as a Map (seed ${seed}, ${universe} keys, ${steps} steps)`, () => exercise(seed, universe, steps));
  }
  // Every table past 8 positions counts as large: compaction goes step by step, interleaved
  // with lookups, inserts, deletes and live iterators.
  for (const [seed, universe, steps] of [
    [4, 50, 20_000],
    [5, 5_000, 60_000],
    [6, 40_000, 150_000],
  ] as const) {
    it(`answers and iterates as a Map while compacting incrementally (seed ${seed}, ${universe} keys, ${steps} steps)`, () => exercise(seed, universe, steps, 8));
  }

  it('compacts a large table a step at a time, never in one go', () => {
    const table = new KeyTable<number>();
    const n = 200_000;
    for (let i = 0; i < n; i++) table.set(`k${i}`, i);
    // Delete keys from the front until the holes outnumber the live keys: the delete that
    // starts the compaction must not finish it.
    let deleted = 0;
    while (!table.compacting) {
      assert.ok(deleted < n, 'a compaction should have started');
      table.delete(`k${deleted++}`);
    }
    assert.equal(deleted, n / 2 + 1);
    // Later calls carry it on, 16 positions each: with one key added per call, the squeeze
    // covers the n positions and the additions in about n / 15 calls.
    let calls = 0;
    while (table.compacting) {
      table.set(`new${calls}`, calls);
      calls++;
    }
    assert.ok(calls > n / 16 && calls < n / 14, `${calls} calls to finish`);
    for (let k = 0; k < n; k++) assert.equal(table.get(`k${k}`), k < deleted ? undefined : k);
    for (let k = 0; k < calls; k++) assert.equal(table.get(`new${k}`), k);
    assert.equal(table.size, n - deleted + calls);
    assert.equal(table.positions, table.size, 'no holes left');
    assert.deepEqual([...table.keys()].slice(0, 2), [`k${deleted}`, `k${deleted + 1}`]);
  });

  it('logs compaction steps only while an iterator is open, and drops what every iterator replayed', () => {
    const table = new KeyTable<number>(undefined, 8);
    const n = 50_000;
    for (let i = 0; i < n; i++) table.set(`k${i}`, i);
    // No iterator: a compaction leaves nothing behind (no record per step to keep alive).
    for (let i = 0; i < n / 2 + 1000; i++) table.delete(`k${i}`);
    assert.ok(table.compacting);
    assert.equal(table.logLength, 0);
    // An iterator that keeps up (as the expiry cycle's does) keeps the log short.
    const walker = table.keys();
    let lastSeen = -1;
    for (let i = n / 2 + 1000; i < n - 1000; i += 2) {
      table.delete(`k${i}`);
      const next = walker.next();
      assert.equal(next.done, false);
      const seen = Number(next.value!.slice(1));
      assert.ok(seen > lastSeen, 'the walk goes forward');
      lastSeen = seen;
      assert.ok(table.logLength < 4096 + 64, `log of ${table.logLength} numbers`);
    }
    // A for-of loop left early closes its iterator: the log empties at the next trim.
    for (const key of table.keys()) if (key !== undefined) break;
    walker.return!();
    for (let i = 0; i < 30_000; i++) table.set(`again${i}`, i);
    for (let i = 0; !table.compacting; i++) table.delete(`again${i}`);
    for (let i = 0; table.compacting; i++) table.set(`more${i}`, i);
    assert.equal(table.logLength, 0);
  });

  it('keeps binary keys, the empty key and keys whose hashes collide in the index apart', () => {
    const table = new KeyTable<string>();
    const distinct = new Set(['', '\x00', '\x00\x00', '\xff', 'a', 'A', 'a\x00', 'k'.repeat(100_000)]);
    for (let i = 0; i < 3000; i++) distinct.add(String.fromCharCode(i & 255, (i >> 8) & 255));
    const keys = [...distinct];
    for (const k of keys) table.set(k, `v${k}`);
    assert.equal(table.size, keys.length);
    for (const k of keys) assert.equal(table.get(k), `v${k}`);
    // Delete every other one: backward-shift deletion must keep the rest reachable.
    keys.forEach((k, i) => i % 2 === 0 && table.delete(k));
    keys.forEach((k, i) => assert.equal(table.get(k), i % 2 === 0 ? undefined : `v${k}`));
  });

  it('prefetch finds what get() finds, for present, missing, deleted and colliding keys, and changes nothing', () => {
    const table = new KeyTable<number>(undefined, 8);
    for (let i = 0; i < 20_000; i++) table.set(`k${i}`, i);
    // Deletes leave holes and start an incremental compaction: positions move under prefetch.
    for (let i = 0; i < 20_000; i += 3) table.delete(`k${i}`);
    const before = [...table];
    const random = seededRandom(21);
    const positions = new Int32Array(PREFETCH_MAX);
    const at = <V>(t: KeyTable<V>, p: number) => (p < 0 ? undefined : t.valueAt(p));
    for (let round = 0; round < 500; round++) {
      const n = 1 + Math.floor(random() * PREFETCH_MAX);
      // Equal text in another string object, as the parser hands keys over.
      const keys = Array.from({ length: n }, () => { const b = Buffer.from(`k${Math.floor(random() * 25_000)}`); return b.latin1Slice(0, b.length); });
      table.prefetch(keys, n, positions);
      for (let j = 0; j < n; j++) assert.equal(at(table, positions[j]!), table.get(keys[j]!), `${keys[j]} in round ${round}`);
    }
    // Two-char keys collide in the low bits of small indexes; the probe must step past them.
    const small = new KeyTable<string>();
    const keys: string[] = [];
    for (let i = 0; i < 3000; i++) keys.push(String.fromCharCode(i & 255, (i >> 8) & 255));
    keys.forEach((k, i) => i % 2 === 0 && small.set(k, `v${i}`));
    for (let i = 0; i < keys.length; i += PREFETCH_MAX) {
      const batch = keys.slice(i, i + PREFETCH_MAX);
      small.prefetch(batch, batch.length, positions);
      batch.forEach((k, j) => assert.equal(at(small, positions[j]!), small.get(k)));
    }
    assert.deepEqual([...table], before);
    assert.equal(table.size, before.length);
  });

  it('hashes the same text equally whatever string object holds it', () => {
    const a = 'key:' + '0'.repeat(12);
    const b = Buffer.from(a).latin1Slice(0, a.length);
    assert.equal(hashKey(a), hashKey(b));
    assert.notEqual(hashKey('a'), hashKey('b'));
  });

  it('refuses a key past its limit and stays usable, as Map#set did', () => {
    const table = new KeyTable<number>(100);
    for (let i = 0; i < 100; i++) table.set(`k${i}`, i);
    assert.throws(() => table.set('one-more', 0), /maximum size exceeded/);
    table.set('k5', 55);
    assert.equal(table.size, 100);
    assert.equal(table.get('k5'), 55);
    assert.equal(table.get('one-more'), undefined);
    table.delete('k0');
    table.set('one-more', 1);
    assert.equal(table.get('one-more'), 1);
  });

  it('draws keys uniformly, between holes too', () => {
    const random = seededRandom(11);
    const table = new KeyTable<number>();
    for (let i = 0; i < 300; i++) table.set(`k${i}`, i);
    // 100 holes among 200 live keys: not enough to compact.
    for (let i = 0; i < 300; i += 3) table.delete(`k${i}`);
    const counts = new Map<string, number>();
    for (let i = 0; i < 200_000; i++) {
      const key = table.randomKey(random)!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 200);
    for (const [key, n] of counts) {
      assert.ok(table.has(key));
      assert.ok(Math.abs(n - 1000) < 150, `${key} drawn ${n} times, expected about 1000`);
    }
    assert.equal(new KeyTable<number>().randomKey(random), undefined);
  });

  it('RANDOMKEY reaches every live key of a large keyspace and no deleted one', () => {
    const { run } = inProcess();
    for (let i = 0; i < 10_000; i++) run('SET', `k${i}`, 'v');
    for (let i = 0; i < 10_000; i += 2) run('DEL', `k${i}`);
    const seen = new Set<string>();
    // 150,000 draws over 5,000 keys miss one with probability about 5000 * e^-30.
    for (let i = 0; i < 150_000; i++) seen.add(run('RANDOMKEY'));
    assert.equal(seen.size, 5000);
    for (const reply of seen) assert.match(reply, /^\$\d+\r\nk\d*[13579]\r\n$/);
  });

  it('RANDOMKEY finds the one live key among thousands of expired ones, as Redis does', async () => {
    const { run } = inProcess();
    run('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    for (let i = 0; i < 2000; i++) run('SET', `gone${i}`, 'v', 'PX', '1');
    run('SET', 'live', 'v');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(run('RANDOMKEY'), '$4\r\nlive\r\n');
  });

  it('a finished iterator stays finished, as a Map iterator does', () => {
    const table = new KeyTable<number>();
    table.set('a', 1);
    const it = table.keys();
    assert.deepEqual(it.next(), { value: 'a', done: false });
    assert.equal(it.next().done, true);
    table.set('b', 2);
    assert.equal(it.next().done, true);
  });
});

describe('Database.prefetch', () => {
  it('is a hint only: no lazy expiry, no access clock, no hit or miss counted, blobs stay blobs', () => {
    const { engine, run } = inProcess();
    const db = engine.keyspace.dbs[0]!;
    const n = 70_000;
    for (let i = 0; i < n; i++) {
      // Short values are JS strings, 100-byte ones live in the arena; every 7th key expired long ago.
      const value = i % 2 === 0 ? `v${i}` : 'x'.repeat(100);
      db.add(`k${i}`, value, i % 7 === 0 ? 1 : 0);
    }
    run('RPUSH', 'list', 'a', 'b');
    const stats = { ...engine.keyspace.stats };
    const clocks = new Map<string, number>();
    for (const [key, entry] of db.keys) clocks.set(key, entry.lru);
    const keys = ['list', 'missing', 'k0', 'k1', 'k7', 'k8', 'k69999'];
    for (let i = 0; i < 2000; i++) keys.push(`k${(i * 7919) % (n + 500)}`);
    for (let i = 0; i < keys.length; i += PREFETCH_MAX) db.prefetch(keys.slice(i, i + PREFETCH_MAX), Math.min(PREFETCH_MAX, keys.length - i));
    assert.equal(db.keys.size, n + 1, 'expired keys are still there');
    assert.deepEqual({ ...engine.keyspace.stats }, stats);
    for (const [key, entry] of db.keys) assert.equal(entry.lru, clocks.get(key), key);
    assert.equal(typeof db.keys.get('k1')!.value, 'number', 'a blob is not turned into a string');
    // And the commands that follow still see what they would have seen.
    assert.equal(run('GET', 'k0'), '$-1\r\n');
    assert.equal(run('GET', 'k1'), `$100\r\n${'x'.repeat(100)}\r\n`);
    assert.equal(run('GET', 'k2'), '$2\r\nv2\r\n');
  });
});
