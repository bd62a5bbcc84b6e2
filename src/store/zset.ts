/**
 * The sorted set type, in Redis's two encodings (zset-max-listpack-entries and -value
 * decide, and a set converts to the second for good once past them):
 * - compact ('listpack'): the members packed into one latin1 string in (score, member)
 *   order (packed.ts) and their scores in a parallel array of doubles. A 100-member set
 *   costs about 2 KB instead of 23 KB of nodes and Map slots. Lookups scan, changes copy:
 *   O(n) with n bounded by the limits, as in Redis's listpack.
 * - skiplist: member -> score in a Map, and the (score, member) order in a skiplist with
 *   spans, as Redis keeps it: O(log n) insert, delete and rank, O(log n + m) ranges.
 * Commands see one rank-based API (score, rankOf, memberAt, walk, first/last rank in a
 * range) and never the representation. Members compare as bytes (latin1 strings compare
 * by char code, which is byte order).
 */
import type { AggregateValue } from './keyspace.js';
import { Measured, ZSET_BYTES, ZSET_COMPACT_BYTES, ZSET_MEMBER_BYTES, ZSET_SCORE_BYTES, stringBytes } from './memory.js';
import { compareItem, itemEquals, itemStart, prefix, readPrefix, skipItem } from './packed.js';

const MAX_LEVEL = 32;
const P = 0.25;

export class ZNode {
  readonly next: (ZNode | null)[];
  readonly span: number[];
  backward: ZNode | null = null;
  constructor(
    readonly member: string,
    readonly score: number,
    level: number,
  ) {
    this.next = new Array(level).fill(null);
    this.span = new Array(level).fill(0);
  }
}

/** (score, member) strictly before (score2, member2)? */
function before(score: number, member: string, node: ZNode): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

export interface ScoreRange {
  min: number;
  max: number;
  minEx: boolean;
  maxEx: boolean;
}

/** A lex range: null bound means -/+ infinity. */
export interface LexRange {
  min: string | null;
  max: string | null;
  minEx: boolean;
  maxEx: boolean;
  /** "-" as max or "+" as min: empty range. */
  empty: boolean;
}

function gteMin(score: number, r: ScoreRange): boolean {
  return r.minEx ? score > r.min : score >= r.min;
}
function lteMax(score: number, r: ScoreRange): boolean {
  return r.maxEx ? score < r.max : score <= r.max;
}
export function lexGteMin(m: string, r: LexRange): boolean {
  if (r.min === null) return true;
  return r.minEx ? m > r.min : m >= r.min;
}
export function lexLteMax(m: string, r: LexRange): boolean {
  if (r.max === null) return true;
  return r.maxEx ? m < r.max : m <= r.max;
}

export class SkipList {
  readonly head = new ZNode('', 0, MAX_LEVEL);
  tail: ZNode | null = null;
  length = 0;
  private level = 1;

  insert(score: number, member: string): ZNode {
    const update: ZNode[] = new Array(MAX_LEVEL);
    const rank: number[] = new Array(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      while (x.next[i] && before(score, member, x.next[i]!)) {
        rank[i]! += x.span[i]!;
        x = x.next[i]!;
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        update[i]!.span[i] = this.length;
      }
      this.level = level;
    }
    const node = new ZNode(member, score, level);
    for (let i = 0; i < level; i++) {
      node.next[i] = update[i]!.next[i]!;
      update[i]!.next[i] = node;
      node.span[i] = update[i]!.span[i]! - (rank[0]! - rank[i]!);
      update[i]!.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.head ? null : update[0]!;
    if (node.next[0]) node.next[0].backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  delete(score: number, member: string): boolean {
    const update: ZNode[] = new Array(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && before(score, member, x.next[i]!)) x = x.next[i]!;
      update[i] = x;
    }
    const target = x.next[0];
    if (!target || target.score !== score || target.member !== member) return false;
    for (let i = 0; i < this.level; i++) {
      if (update[i]!.next[i] === target) {
        update[i]!.span[i]! += target.span[i]! - 1;
        update[i]!.next[i] = target.next[i]!;
      } else {
        update[i]!.span[i]!--;
      }
    }
    if (target.next[0]) target.next[0].backward = target.backward;
    else this.tail = target.backward;
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.length--;
    return true;
  }

  /** 1-based rank of (score, member), 0 if absent. */
  rank(score: number, member: string): number {
    let rank = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && (before(score, member, x.next[i]!) || (x.next[i]!.score === score && x.next[i]!.member === member))) {
        rank += x.span[i]!;
        x = x.next[i]!;
      }
      if (x !== this.head && x.member === member && x.score === score) return rank;
    }
    return 0;
  }

  /** Node at 1-based rank, or null. */
  byRank(rank: number): ZNode | null {
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && traversed + x.span[i]! <= rank) {
        traversed += x.span[i]!;
        x = x.next[i]!;
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /** First node with score in range, or null. */
  firstInRange(r: ScoreRange): ZNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && !gteMin(x.next[i]!.score, r)) x = x.next[i]!;
    }
    const n = x.next[0];
    return n && lteMax(n.score, r) ? n : null;
  }

  /** Last node with score in range, or null. */
  lastInRange(r: ScoreRange): ZNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && lteMax(x.next[i]!.score, r)) x = x.next[i]!;
    }
    return x !== this.head && gteMin(x.score, r) ? x : null;
  }

  firstInLex(r: LexRange): ZNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && !lexGteMin(x.next[i]!.member, r)) x = x.next[i]!;
    }
    const n = x.next[0];
    return n && lexLteMax(n.member, r) ? n : null;
  }

  lastInLex(r: LexRange): ZNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && lexLteMax(x.next[i]!.member, r)) x = x.next[i]!;
    }
    return x !== this.head && lexGteMin(x.member, r) ? x : null;
  }
}

/**
 * The compact form's scores when there are none. Score arrays are never changed in place:
 * each change builds one of the exact length (concat), as push/splice would leave spare
 * capacity (up to half again) in every small set.
 */
const NO_SCORES: readonly number[] = Object.freeze([]);

/** Set by the compact form's find(): the offset of the found member's item. */
let foundAt = 0;

export interface CompactLimits {
  maxEntries: number;
  maxValue: number;
}

export class ZSetValue extends Measured implements AggregateValue {
  /** Compact form: the members' items in (score, member) order; '' in skiplist form. */
  private packed = '';
  /** Compact form: scoreList[i] is the score of the i-th packed member. */
  private scoreList = NO_SCORES;
  /** Skiplist form: member -> score; null while compact. */
  private map: Map<string, number> | null = null;
  /** Skiplist form: the (score, member) order; null while compact. */
  private list: SkipList | null = null;

  constructor(compact = true) {
    super(ZSET_COMPACT_BYTES + stringBytes(''));
    if (!compact) this.toSkiplist();
  }

  get type(): string {
    return 'zset';
  }

  get compact(): boolean {
    return this.map === null;
  }

  encoding(): string {
    return this.map === null ? 'listpack' : 'skiplist';
  }

  get size(): number {
    return this.map === null ? this.scoreList.length : this.map.size;
  }

  clone(): ZSetValue {
    const copy = new ZSetValue(this.map === null);
    if (this.map === null) {
      // Strings are immutable and score arrays are never changed in place: both are shared.
      copy.packed = this.packed;
      copy.scoreList = this.scoreList;
      copy.bytes = this.bytes;
    } else {
      this.forEach((m, score) => {
        copy.add(m, score);
      });
    }
    return copy;
  }

  /** `bytes` recomputed from the contents (tests check the running estimate against it). */
  measure(): number {
    if (this.map === null) return ZSET_COMPACT_BYTES + stringBytes(this.packed) + this.scoreList.length * ZSET_SCORE_BYTES;
    let n = ZSET_BYTES;
    for (const m of this.map.keys()) n += ZSET_MEMBER_BYTES + stringBytes(m);
    return n;
  }

  /** Compact form: the index of member (its item's offset in foundAt), or -1. */
  private find(member: string): number {
    const p = this.packed;
    const n = this.scoreList.length;
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const len = readPrefix(p, pos);
      const start = itemStart;
      if (itemEquals(p, start, len, member)) {
        foundAt = pos;
        return i;
      }
      pos = start + len;
    }
    return -1;
  }

  score(member: string): number | undefined {
    if (this.map !== null) return this.map.get(member);
    const i = this.find(member);
    return i < 0 ? undefined : this.scoreList[i];
  }

  has(member: string): boolean {
    return this.score(member) !== undefined;
  }

  /** Sets member's score; returns true when the member is new. */
  add(member: string, score: number): boolean {
    const map = this.map;
    if (map !== null) {
      const list = this.list!;
      const old = map.get(member);
      if (old !== undefined) {
        if (old === score) return false;
        list.delete(old, member);
        list.insert(score, member);
        map.set(member, score);
        return false;
      }
      list.insert(score, member);
      map.set(member, score);
      this.account(ZSET_MEMBER_BYTES + stringBytes(member));
      return true;
    }
    // Redis's listpack keeps an integral score as an integer, so -0 reads back as 0 (a
    // skiplist keeps the double as it is).
    if (score === 0) score = 0;
    const i = this.find(member);
    if (i >= 0) {
      if (this.scoreList[i] === score) return false;
      this.removeCompact(i, foundAt);
      this.insertCompact(member, score);
      return false;
    }
    this.insertCompact(member, score);
    return true;
  }

  remove(member: string): boolean {
    const map = this.map;
    if (map !== null) {
      const old = map.get(member);
      if (old === undefined) return false;
      this.list!.delete(old, member);
      map.delete(member);
      this.account(-(ZSET_MEMBER_BYTES + stringBytes(member)));
      return true;
    }
    const i = this.find(member);
    if (i < 0) return false;
    this.removeCompact(i, foundAt);
    return true;
  }

  /** Compact form: inserts a member that is not there at its (score, member) place. */
  private insertCompact(member: string, score: number): void {
    const p = this.packed;
    const scores = this.scoreList;
    const n = scores.length;
    let i = 0;
    let pos = 0;
    for (; i < n; i++) {
      const s = scores[i]!;
      if (s > score) break;
      const len = readPrefix(p, pos);
      if (s === score && compareItem(p, itemStart, len, member) > 0) break;
      pos = itemStart + len;
    }
    // join() builds one flat string; `+` would leave a tree of cons strings in the heap.
    const next = pos === p.length ? [p, prefix(member.length), member].join('') : [p.slice(0, pos), prefix(member.length), member, p.slice(pos)].join('');
    this.scoreList = i === n ? scores.concat(score) : scores.slice(0, i).concat(score, scores.slice(i));
    this.replacePacked(next, ZSET_SCORE_BYTES);
  }

  /** Compact form: removes the i-th member, whose item is at pos. */
  private removeCompact(i: number, pos: number): void {
    const p = this.packed;
    const end = skipItem(p, pos);
    const next = pos === 0 ? p.slice(end) : end === p.length ? p.slice(0, pos) : [p.slice(0, pos), p.slice(end)].join('');
    const scores = this.scoreList;
    this.scoreList = scores.length === 1 ? NO_SCORES : i === 0 ? scores.slice(1) : scores.slice(0, i).concat(scores.slice(i + 1));
    this.replacePacked(next, -ZSET_SCORE_BYTES);
  }

  private replacePacked(next: string, scoreDelta: number): void {
    this.account(stringBytes(next) - stringBytes(this.packed) + scoreDelta);
    this.packed = next;
  }

  /** 0-based rank from the lowest score, or -1. */
  rankOf(member: string): number {
    const map = this.map;
    if (map === null) return this.find(member);
    const score = map.get(member);
    if (score === undefined) return -1;
    return this.list!.rank(score, member) - 1;
  }

  /** The member at a 0-based rank (0 <= rank < size). */
  memberAt(rank: number): string {
    if (this.list !== null) return this.list.byRank(rank + 1)!.member;
    const p = this.packed;
    let pos = 0;
    for (let k = 0; k < rank; k++) pos = skipItem(p, pos);
    const len = readPrefix(p, pos);
    return p.slice(itemStart, itemStart + len);
  }

  /** The score at a 0-based rank (0 <= rank < size). */
  scoreAt(rank: number): number {
    return this.list !== null ? this.list.byRank(rank + 1)!.score : this.scoreList[rank]!;
  }

  /**
   * Calls visit with each member and score from rank `from` towards the highest score (or
   * the lowest when reverse) until visit returns false or the set ends. The set must not
   * change meanwhile.
   */
  walk(from: number, reverse: boolean, visit: (member: string, score: number) => boolean | void): void {
    const size = this.size;
    if (from < 0 || from >= size) return;
    const list = this.list;
    if (list !== null) {
      for (let n = list.byRank(from + 1); n !== null; n = reverse ? n.backward : n.next[0]!) {
        if (visit(n.member, n.score) === false) return;
      }
      return;
    }
    const p = this.packed;
    const scores = this.scoreList;
    if (!reverse) {
      let pos = 0;
      for (let k = 0; k < from; k++) pos = skipItem(p, pos);
      for (let i = from; i < size; i++) {
        const len = readPrefix(p, pos);
        const start = itemStart;
        pos = start + len;
        if (visit(p.slice(start, pos), scores[i]!) === false) return;
      }
      return;
    }
    // Items only read forwards: collect the members up to `from`, then go back.
    const members: string[] = [];
    let pos = 0;
    for (let i = 0; i <= from; i++) {
      const len = readPrefix(p, pos);
      pos = itemStart + len;
      members.push(p.slice(itemStart, pos));
    }
    for (let i = from; i >= 0; i--) if (visit(members[i]!, scores[i]!) === false) return;
  }

  /** Every member and score, lowest score first. */
  forEach(visit: (member: string, score: number) => void): void {
    this.walk(0, false, visit);
  }

  /** Rank of the first member with a score in range, or -1. */
  firstRankIn(r: ScoreRange): number {
    const list = this.list;
    if (list !== null) {
      const n = list.firstInRange(r);
      return n === null ? -1 : list.rank(n.score, n.member) - 1;
    }
    const scores = this.scoreList;
    for (let i = 0; i < scores.length; i++) {
      if (gteMin(scores[i]!, r)) return lteMax(scores[i]!, r) ? i : -1;
    }
    return -1;
  }

  /** Rank of the last member with a score in range, or -1. */
  lastRankIn(r: ScoreRange): number {
    const list = this.list;
    if (list !== null) {
      const n = list.lastInRange(r);
      return n === null ? -1 : list.rank(n.score, n.member) - 1;
    }
    const scores = this.scoreList;
    for (let i = scores.length - 1; i >= 0; i--) {
      if (lteMax(scores[i]!, r)) return gteMin(scores[i]!, r) ? i : -1;
    }
    return -1;
  }

  /** Redis's zzlIsInLexRange/zslIsInLexRange: false when the range cannot match. */
  private mayMatchLex(r: LexRange): boolean {
    if (r.empty) return false;
    if (r.min !== null && r.max !== null && (r.min > r.max || (r.min === r.max && (r.minEx || r.maxEx)))) return false;
    const size = this.size;
    if (size === 0) return false;
    return lexGteMin(this.memberAt(size - 1), r) && lexLteMax(this.memberAt(0), r);
  }

  /**
   * Rank of the first member in a lex range, or -1. Lex ranges are meant for members of
   * equal score; when scores differ, Redis scans a listpack linearly, so a compact set
   * does too (a skiplist descent could step over members that are out of lex order).
   */
  firstRankInLex(r: LexRange): number {
    if (!this.mayMatchLex(r)) return -1;
    const list = this.list;
    if (list !== null) {
      const n = list.firstInLex(r);
      return n === null ? -1 : list.rank(n.score, n.member) - 1;
    }
    let found = -1;
    let rank = 0;
    this.walk(0, false, (m) => {
      if (lexGteMin(m, r)) {
        if (lexLteMax(m, r)) found = rank;
        return false;
      }
      rank++;
      return true;
    });
    return found;
  }

  /** Rank of the last member in a lex range, or -1 (see firstRankInLex). */
  lastRankInLex(r: LexRange): number {
    if (!this.mayMatchLex(r)) return -1;
    const list = this.list;
    if (list !== null) {
      const n = list.lastInLex(r);
      return n === null ? -1 : list.rank(n.score, n.member) - 1;
    }
    let found = -1;
    let rank = this.size - 1;
    this.walk(rank, true, (m) => {
      if (lexLteMax(m, r)) {
        if (lexGteMin(m, r)) found = rank;
        return false;
      }
      rank--;
      return true;
    });
    return found;
  }

  /** The skiplist form's member -> score Map (ZSCAN's resumable walk); only for a set that is not compact. */
  get scoreTable(): Map<string, number> {
    if (this.map === null) throw new Error('score table of a compact sorted set');
    return this.map;
  }

  /** Redis's one-way listpack -> skiplist conversion. */
  toSkiplist(): void {
    if (this.map !== null) return;
    const map = new Map<string, number>();
    const list = new SkipList();
    this.forEach((m, score) => {
      list.insert(score, m);
      map.set(m, score);
    });
    this.map = map;
    this.list = list;
    this.packed = '';
    this.scoreList = NO_SCORES;
    this.account(this.measure() - this.bytes);
  }

  /** Converts to skiplist if a member about to be added is too long or there are too many. */
  checkLimits(limits: CompactLimits, member = ''): void {
    if (this.map === null && (member.length > limits.maxValue || this.scoreList.length > limits.maxEntries)) this.toSkiplist();
  }

  /**
   * A set built in skiplist form (a command's result, a loaded key) takes the compact form
   * when it fits the limits: Redis's zsetConvertToListpackIfNeeded.
   */
  settle(limits: CompactLimits): void {
    const map = this.map;
    if (map === null || map.size > limits.maxEntries) return;
    for (const m of map.keys()) if (m.length > limits.maxValue) return;
    const items: string[] = [];
    const scores: number[] = [];
    for (let n = this.list!.head.next[0]; n; n = n.next[0]!) {
      items.push(prefix(n.member.length), n.member);
      scores.push(n.score === 0 ? 0 : n.score);
    }
    this.map = null;
    this.list = null;
    this.packed = items.join('');
    // An exact-length copy: push left spare capacity.
    this.scoreList = scores.length === 0 ? NO_SCORES : scores.slice();
    this.account(this.measure() - this.bytes);
  }
}
