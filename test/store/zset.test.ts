/**
 * The sorted-set value against a plain model (a sorted array of pairs), step by step, in
 * both encodings and across the conversions between them. The compact form packs members
 * with length prefixes of 1, 3 and 5 chars, so lengths around 254 and 65536 and every byte
 * value are exercised; equal scores order by member bytes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ZSetValue, type LexRange, type ScoreRange } from '../../src/store/zset.js';
import { rng } from '../helpers/engine.js';

const POOL = (() => {
  const random = rng(11);
  const bytes = Buffer.alloc(140_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = random(256);
  return bytes.toString('latin1');
})();

type Pair = [string, number];

/** Redis's order: by score, then by member bytes (latin1 strings compare by char code). */
function sorted(model: Map<string, number>): Pair[] {
  return [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function walked(z: ZSetValue, from: number, reverse: boolean): Pair[] {
  const out: Pair[] = [];
  z.walk(from, reverse, (m, score) => {
    out.push([m, score]);
  });
  return out;
}

function check(z: ZSetValue, model: Map<string, number>, context: string, random: (n: number) => number): void {
  const order = sorted(model);
  assert.equal(z.size, model.size, context);
  assert.deepEqual(walked(z, 0, false), order, `${context}: forward walk`);
  assert.deepEqual(walked(z, order.length - 1, true), [...order].reverse(), `${context}: reverse walk`);
  for (let i = 0; i < order.length; i++) {
    const [m, score] = order[i]!;
    assert.equal(z.score(m), score, context);
    assert.equal(z.rankOf(m), i, context);
    assert.equal(z.memberAt(i), m, context);
    assert.equal(z.scoreAt(i), score, context);
  }
  if (order.length > 0) {
    const from = random(order.length);
    assert.deepEqual(walked(z, from, false), order.slice(from), `${context}: walk from ${from}`);
    assert.deepEqual(walked(z, from, true), order.slice(0, from + 1).reverse(), `${context}: reverse walk from ${from}`);
  }
  assert.equal(z.score('\u0000absent'), undefined, context);
  assert.equal(z.rankOf('\u0000absent'), -1, context);
  assert.equal(z.bytes, z.measure(), `${context}: running bytes`);
}

const SCORES = [-Infinity, -2.5, -1, 0, 1, 1, 1, 2, 3.25, 1e300, Infinity];

function scoreRange(random: (n: number) => number): ScoreRange {
  return { min: SCORES[random(SCORES.length)]!, max: SCORES[random(SCORES.length)]!, minEx: random(2) === 0, maxEx: random(2) === 0 };
}

function inScore(score: number, r: ScoreRange): boolean {
  return (r.minEx ? score > r.min : score >= r.min) && (r.maxEx ? score < r.max : score <= r.max);
}

describe('sorted set value', () => {
  for (const seed of [1, 2, 3]) {
    for (const form of ['compact', 'skiplist', 'converting'] as const) {
      it(`matches a sorted model through random adds, updates and removes (${form}, seed ${seed})`, () => {
        const random = rng(seed * 7919 + form.length);
        const z = new ZSetValue(form !== 'skiplist');
        const model = new Map<string, number>();
        const lengths = [0, 1, 5, 12, 253, 254, 255, 256, 1000, 65_535, 65_536, 70_000];
        const text = () => {
          const len = random(5) === 0 ? lengths[random(lengths.length)]! : random(12);
          const start = random(POOL.length - len + 1);
          return POOL.slice(start, start + len);
        };
        const members = Array.from({ length: 30 }, text);
        const limits = { maxEntries: 12, maxValue: 300 };
        for (let step = 0; step < 2500; step++) {
          const member = members[random(members.length)]!;
          const op = random(10);
          if (op < 3) {
            assert.equal(z.remove(member), model.delete(member), `remove at ${step}`);
          } else {
            let score = SCORES[random(SCORES.length)]!;
            if (random(8) === 0) score = -0;
            assert.equal(z.add(member, score), !model.has(member), `add at ${step}`);
            // The compact form keeps -0 as 0, as Redis's listpack (an integer) does; an
            // equal score (0 and -0 are equal) changes nothing.
            if (model.get(member) !== score) model.set(member, score === 0 && z.compact ? 0 : score);
            if (form === 'converting') z.checkLimits(limits, member);
          }
          if (form === 'converting' && step % 97 === 0) z.settle(limits);
          if (form === 'compact') assert.equal(z.compact, true);
          if (form === 'skiplist') assert.equal(z.compact, false);
          if (step % 25 === 0) check(z, model, `step ${step}`, random);
        }
        check(z, model, 'the end', random);
        const copy = z.clone();
        copy.add('a new member', 5);
        assert.equal(copy.compact, z.compact);
        check(z, model, 'after changing a clone', random);
      });
    }
  }

  it('keeps -0 in skiplist form and turns it into 0 when packed, as Redis does', () => {
    const z = new ZSetValue(false);
    z.add('m', -0);
    assert.ok(Object.is(z.score('m'), -0));
    z.settle({ maxEntries: 128, maxValue: 64 });
    assert.equal(z.compact, true);
    assert.ok(Object.is(z.score('m'), 0));
    z.add('n', -0);
    assert.ok(Object.is(z.score('n'), 0));
  });

  it('finds score and lex ranges by rank in both forms', () => {
    const random = rng(99);
    for (let round = 0; round < 200; round++) {
      const compact = new ZSetValue(true);
      const large = new ZSetValue(false);
      const model = new Map<string, number>();
      const n = random(20);
      // Equal scores in half the rounds: lex ranges are only specified then.
      const sameScore = round % 2 === 0;
      for (let i = 0; i < n; i++) {
        const m = String.fromCharCode(97 + random(8)) + (random(2) === 0 ? '' : String.fromCharCode(97 + random(8)));
        const score = sameScore ? 0 : SCORES[random(SCORES.length)]!;
        compact.add(m, score);
        large.add(m, score);
        model.set(m, score);
      }
      const order = sorted(model);
      for (let q = 0; q < 10; q++) {
        const r = scoreRange(random);
        const ranks = order.map((p, i) => (inScore(p[1], r) ? i : -1)).filter((i) => i >= 0);
        for (const z of [compact, large]) {
          assert.equal(z.firstRankIn(r), ranks.length === 0 ? -1 : ranks[0]!, JSON.stringify(r));
          assert.equal(z.lastRankIn(r), ranks.length === 0 ? -1 : ranks[ranks.length - 1]!, JSON.stringify(r));
        }
        if (!sameScore) continue;
        const bound = () => {
          const k = random(4);
          return k === 0 ? null : String.fromCharCode(97 + random(8)) + (k === 1 ? String.fromCharCode(97 + random(8)) : '');
        };
        const lr: LexRange = { min: bound(), max: bound(), minEx: random(2) === 0, maxEx: random(2) === 0, empty: false };
        const inLex = (m: string) =>
          (lr.min === null || (lr.minEx ? m > lr.min : m >= lr.min)) && (lr.max === null || (lr.maxEx ? m < lr.max : m <= lr.max));
        const lexRanks = order.map((p, i) => (inLex(p[0]) ? i : -1)).filter((i) => i >= 0);
        for (const z of [compact, large]) {
          assert.equal(z.firstRankInLex(lr), lexRanks.length === 0 ? -1 : lexRanks[0]!, JSON.stringify(lr));
          assert.equal(z.lastRankInLex(lr), lexRanks.length === 0 ? -1 : lexRanks[lexRanks.length - 1]!, JSON.stringify(lr));
        }
      }
    }
  });

  it('converts to skiplist past the limits and back to compact only when small enough', () => {
    const limits = { maxEntries: 3, maxValue: 4 };
    const z = new ZSetValue(true);
    for (const [m, s] of [['a', 1], ['b', 2], ['c', 3]] as const) {
      z.add(m, s);
      z.checkLimits(limits, m);
    }
    assert.equal(z.encoding(), 'listpack');
    z.add('d', 4);
    z.checkLimits(limits, 'd');
    assert.equal(z.encoding(), 'skiplist');
    z.remove('d');
    assert.equal(z.encoding(), 'skiplist', 'no way back while stored, as in Redis');
    z.add('longer', 0);
    z.remove('a');
    z.settle(limits);
    assert.equal(z.encoding(), 'skiplist', 'a member longer than the limit');
    z.remove('longer');
    z.settle(limits);
    assert.equal(z.encoding(), 'listpack');
    assert.deepEqual(walked(z, 0, false), [['b', 2], ['c', 3]]);
    assert.equal(z.bytes, z.measure());
  });
});
