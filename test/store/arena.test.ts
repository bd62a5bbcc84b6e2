/**
 * The blob arena against a Map of strings, step by step: every live value reads back as
 * written through allocations, in-place replacements, frees, trims and resets; the byte
 * counts match the chunks held; a double free is caught.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Arena, classOf, fitsArena, MAX_BLOB, MIN_BLOB } from '../../src/store/arena.js';
import { rng } from '../helpers/engine.js';

/** A latin1 string of len chars, all byte values possible: a random window of a random pool. */
function text(random: (n: number) => number, len: number): string {
  const start = random(POOL.length - len + 1);
  return POOL.slice(start, start + len);
}
const POOL = (() => {
  const random = rng(99);
  const bytes = Buffer.alloc(2 * 65_536);
  for (let i = 0; i < bytes.length; i++) bytes[i] = random(256);
  return bytes.toString('latin1');
})();

describe('blob arena', () => {
  it('size classes: monotonic, each chunk holds its value and wastes at most 16 bytes or 1/8', () => {
    let previous = 0;
    for (let len = MIN_BLOB; len <= MAX_BLOB; len++) {
      const cls = classOf(len);
      assert.ok(cls >= previous, `class of ${len} went down`);
      previous = cls;
    }
    const arena = new Arena();
    for (const len of [MIN_BLOB, 60, 124, 125, 1020, 1021, 4092, 4093, 5000, 8188, 8189, 40_000, MAX_BLOB]) {
      const ref = arena.alloc('z'.repeat(len));
      const chunk = arena.chunkBytes(ref);
      assert.ok(chunk >= len + 4, `chunk ${chunk} for ${len}`);
      assert.ok(chunk - (len + 4) < 16 || chunk <= (len + 4) * 1.125 + 1, `chunk ${chunk} for ${len} wastes too much`);
      assert.equal(arena.length(ref), len);
      assert.ok(Number.isInteger(ref) && ref >= 0 && ref < 2 ** 30, 'refs are small integers');
    }
    assert.equal(fitsArena(MIN_BLOB - 1), false);
    assert.equal(fitsArena(MAX_BLOB + 1), false);
  });

  for (const seed of [1, 2, 3]) {
    it(`matches a Map of strings through 60k random operations (seed ${seed})`, () => {
      const random = rng(seed * 7717);
      const arena = new Arena();
      const model = new Map<number, string>();
      const refs: number[] = [];
      // Few distinct sizes per phase, so freed chunks are reused and replacements stay in class.
      const sizes = [MIN_BLOB, 46, 100, 1000, 1024, 3000, 5000, 20_000];
      const size = () => (random(10) === 0 ? MIN_BLOB + random(MAX_BLOB - MIN_BLOB + 1) : sizes[random(sizes.length)]! + random(8));
      for (let step = 0; step < 60_000; step++) {
        const op = random(100);
        if (op < 45 || refs.length === 0) {
          const value = text(random, size());
          const ref = arena.alloc(value);
          assert.ok(ref >= 0);
          assert.ok(!model.has(ref), `ref ${ref} handed out twice`);
          model.set(ref, value);
          refs.push(ref);
        } else if (op < 65) {
          const i = random(refs.length);
          const old = refs[i]!;
          const value = text(random, random(2) === 0 ? Math.min(MAX_BLOB, model.get(old)!.length + random(5)) : size());
          const ref = arena.replace(old, value);
          model.delete(old);
          assert.ok(!model.has(ref), `replace gave a live ref ${ref}`);
          model.set(ref, value);
          refs[i] = ref;
        } else if (op < 97) {
          const i = random(refs.length);
          const ref = refs[i]!;
          arena.free(ref);
          model.delete(ref);
          refs[i] = refs[refs.length - 1]!;
          refs.pop();
        } else {
          arena.trim();
        }
        if (step % 5000 === 0 || step === 59_999) {
          let used = 0;
          for (const [ref, value] of model) {
            assert.equal(arena.read(ref), value);
            assert.equal(arena.length(ref), value.length);
            assert.equal(arena.view(ref).toString('latin1'), value);
            used += arena.chunkBytes(ref);
          }
          assert.equal(arena.count, model.size);
          assert.equal(arena.usedBytes, used);
          assert.ok(arena.slabBytes >= used);
        }
      }
      for (const ref of refs) arena.free(ref);
      assert.equal(arena.count, 0);
      assert.equal(arena.usedBytes, 0);
      arena.trim();
      assert.equal(arena.slabBytes, 0, 'with every value freed, trim gives every slab back');
    });
  }

  it('a freed chunk is reused by the next value of its class; a second free throws', () => {
    const arena = new Arena();
    const a = arena.alloc('a'.repeat(100));
    const b = arena.alloc('b'.repeat(100));
    arena.free(a);
    assert.throws(() => arena.free(a), /free of a free chunk/);
    const c = arena.alloc('c'.repeat(101));
    assert.equal(c, a, 'same class: the freed chunk comes back');
    assert.equal(arena.read(b), 'b'.repeat(100));
    assert.equal(arena.read(c), 'c'.repeat(101));
    // Same class: replaced in place. Another class: moved, the old chunk freed.
    assert.equal(arena.replace(c, 'd'.repeat(98)), c);
    const moved = arena.replace(c, 'e'.repeat(3000));
    assert.notEqual(moved, c);
    assert.equal(arena.read(moved), 'e'.repeat(3000));
    assert.equal(arena.count, 2);
  });

  it('trim keeps the slabs of classes in use and reset forgets everything', () => {
    const arena = new Arena();
    const keep = arena.alloc('k'.repeat(200));
    const gone = Array.from({ length: 1000 }, (_, i) => arena.alloc(String(i % 10).repeat(2000)));
    const held = arena.slabBytes;
    for (const ref of gone) arena.free(ref);
    assert.equal(arena.slabBytes, held, 'slabs stay until trim');
    arena.trim();
    assert.ok(arena.slabBytes > 0 && arena.slabBytes < held, `${arena.slabBytes} of ${held}`);
    assert.equal(arena.read(keep), 'k'.repeat(200));
    // A slab given back is used again, and values written there read back.
    const again = arena.alloc('q'.repeat(2000));
    assert.equal(arena.read(again), 'q'.repeat(2000));
    arena.reset();
    assert.equal(arena.count, 0);
    assert.equal(arena.slabBytes, 0);
    assert.equal(arena.read(arena.alloc('r'.repeat(64))), 'r'.repeat(64));
  });
});
