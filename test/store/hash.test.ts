/**
 * The hash value against a Map, step by step, in both encodings: the compact form packs
 * items with length prefixes of 1, 3 and 5 chars, so lengths around 254 and 65536 and
 * every byte value are exercised; order is insertion order, as Redis's listpack keeps it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HashValue } from '../../src/store/hash.js';
import { rng } from '../helpers/engine.js';

const POOL = (() => {
  const random = rng(5);
  const bytes = Buffer.alloc(140_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = random(256);
  return bytes.toString('latin1');
})();

function check(hash: HashValue, model: Map<string, string>, context: string): void {
  assert.equal(hash.size, model.size, context);
  assert.deepEqual(hash.entries(), [...model], context);
  for (const [f, v] of model) assert.equal(hash.get(f), v, context);
  assert.equal(hash.bytes, hash.measure(), `${context}: running bytes`);
}

describe('hash value', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches a Map through random sets and deletes, compact all along (seed ${seed})`, () => {
      const random = rng(seed * 104_729);
      const limits = { maxEntries: 1 << 30, maxValue: 1 << 30 };
      const hash = new HashValue();
      const model = new Map<string, string>();
      const lengths = [0, 1, 5, 12, 13, 253, 254, 255, 256, 1000, 65_535, 65_536, 70_000];
      const text = () => {
        const len = random(4) === 0 ? lengths[random(lengths.length)]! : random(20);
        const start = random(POOL.length - len + 1);
        return POOL.slice(start, start + len);
      };
      // Few distinct fields, so sets replace and deletes hit.
      const fields = Array.from({ length: 24 }, text);
      for (let step = 0; step < 3000; step++) {
        const field = fields[random(fields.length)]!;
        if (random(3) === 0) {
          assert.equal(hash.delete(field), model.delete(field), `delete at ${step}`);
        } else {
          const value = text();
          hash.checkLengths([field, value], 0, limits);
          assert.equal(hash.set(field, value), !model.has(field), `set at ${step}`);
          model.set(field, value);
        }
        assert.equal(hash.compact, true);
        if (step % 50 === 0) check(hash, model, `step ${step}`);
        if (hash.size > 0 && step % 7 === 0) assert.ok(model.has(hash.randomField()));
      }
      check(hash, model, 'the end');
      const copy = hash.clone();
      copy.set('new field', 'x');
      check(hash, model, 'after changing a clone');
    });
  }

  it('converts to a hashtable past the limits, for good, keeping every field', () => {
    const limits = { maxEntries: 4, maxValue: 8 };
    const hash = new HashValue();
    for (let i = 0; i < 4; i++) hash.set(`f${i}`, `v${i}`);
    hash.checkSize(limits);
    assert.equal(hash.encoding(), 'listpack');
    hash.set('f4', 'v4');
    hash.checkSize(limits);
    assert.equal(hash.encoding(), 'hashtable');
    assert.equal(hash.bytes, hash.measure());
    for (let i = 0; i < 5; i++) assert.equal(hash.get(`f${i}`), `v${i}`);
    for (let i = 0; i < 5; i++) hash.delete(`f${i}`);
    hash.set('a', 'b');
    assert.equal(hash.encoding(), 'hashtable');
    const long = new HashValue();
    long.set('a', '1');
    long.checkLengths(['b', '123456789'], 0, limits);
    assert.equal(long.encoding(), 'hashtable');
    assert.equal(long.get('a'), '1');
    assert.equal(HashValue.fromPairs(['a', '1', 'b', '2'], limits)!.encoding(), 'listpack');
    assert.equal(HashValue.fromPairs(['a', '1', 'b', '123456789'], limits)!.encoding(), 'hashtable');
    assert.equal(HashValue.fromPairs(['a', '1', 'a', '2'], limits), null);
  });

  it('draws every field of a compact hash as a random field', () => {
    const hash = new HashValue();
    for (let i = 0; i < 10; i++) hash.set(`field-${i}`, 'x'.repeat(i * 40));
    const seen = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const f = hash.randomField();
      seen.set(f, (seen.get(f) ?? 0) + 1);
    }
    assert.equal(seen.size, 10);
    for (const n of seen.values()) assert.ok(n > 350 && n < 650, `${n} of 5000 draws`);
  });
});
