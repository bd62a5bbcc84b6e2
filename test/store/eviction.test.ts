/** The eviction key chooser on its own: what it may return as the keyspace drains. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyChooser } from '../../src/store/eviction.js';
import { inProcess } from '../helpers/engine.js';

describe('KeyChooser', () => {
  for (const policy of ['allkeys-random', 'allkeys-lru', 'volatile-random', 'volatile-ttl'] as const) {
    it(`${policy}: finds the last live key when nearly every sampled key was deleted since`, () => {
      const { engine, run } = inProcess();
      for (let i = 0; i < 5000; i++) run('SET', `k${i}`, 'v', 'EX', '1000');
      const chooser = new KeyChooser(engine.keyspace);
      // The chooser has been drawing from all 5000 keys.
      for (let i = 0; i < 400; i++) assert.notEqual(chooser.choose(policy, 5), null);
      const db = engine.keyspace.dbs[0]!;
      for (const [key, entry] of [...db.keys]) if (key !== 'k4321') db.remove(key, entry);
      // Draws that kept stale candidates (pooled or sampled) would nearly always miss.
      for (let i = 0; i < 50; i++) assert.equal(chooser.choose(policy, 5)?.key, 'k4321');
      db.remove('k4321', db.keys.get('k4321')!);
      assert.equal(chooser.choose(policy, 5), null);
    });
  }

  it('finds keys added after every key it had sampled was deleted', () => {
    const { engine, run } = inProcess();
    for (let i = 0; i < 100; i++) run('SET', `old${i}`, 'v');
    const chooser = new KeyChooser(engine.keyspace);
    for (let i = 0; i < 10; i++) chooser.choose('allkeys-random', 5);
    run('FLUSHALL');
    run('SET', 'new', 'v');
    assert.equal(chooser.choose('allkeys-random', 5)?.key, 'new');
  });
});
