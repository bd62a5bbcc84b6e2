/**
 * The sorted set type: member -> score in a Map, and the (score, member) order in a
 * skiplist with spans, as Redis keeps it: O(log n) insert, delete and rank, O(log n + m)
 * ranges by rank, score or lexicographic order. Members compare as bytes (latin1 strings
 * compare by char code, which is byte order).
 *
 * `compact` mirrors Redis's listpack/skiplist encoding choice (zset-max-listpack-entries
 * and -value); the data structure is the same either way.
 */
import type { AggregateValue } from './keyspace.js';
import { Measured, ZSET_BYTES, ZSET_MEMBER_BYTES, stringBytes } from './memory.js';

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

export class ZSetValue extends Measured implements AggregateValue {
  readonly type = 'zset';
  readonly scores = new Map<string, number>();
  readonly list = new SkipList();
  compact = true;

  constructor() {
    super(ZSET_BYTES);
  }

  encoding(): string {
    return this.compact ? 'listpack' : 'skiplist';
  }

  clone(): ZSetValue {
    const copy = new ZSetValue();
    for (let n = this.list.head.next[0]; n; n = n.next[0]) copy.add(n.member, n.score);
    copy.compact = this.compact;
    return copy;
  }

  get size(): number {
    return this.scores.size;
  }

  /** `bytes` recomputed from the contents (tests check the running estimate against it). */
  measure(): number {
    let n = ZSET_BYTES;
    for (const m of this.scores.keys()) n += ZSET_MEMBER_BYTES + stringBytes(m);
    return n;
  }

  /** Sets member's score; returns true when the member is new. */
  add(member: string, score: number): boolean {
    // Redis's listpack keeps an integral score as an integer, so -0 reads back as 0.
    if (score === 0) score = 0;
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old === score) return false;
      this.list.delete(old, member);
      this.list.insert(score, member);
      this.scores.set(member, score);
      return false;
    }
    this.list.insert(score, member);
    this.scores.set(member, score);
    this.account(ZSET_MEMBER_BYTES + stringBytes(member));
    return true;
  }

  remove(member: string): boolean {
    const old = this.scores.get(member);
    if (old === undefined) return false;
    this.list.delete(old, member);
    this.scores.delete(member);
    this.account(-(ZSET_MEMBER_BYTES + stringBytes(member)));
    return true;
  }

  /**
   * First/last member in a lex range. Lex ranges are meant for members of equal score;
   * when scores differ, Redis scans a listpack linearly, so a compact set does too (a
   * skiplist descent could step over members that are out of lex order).
   */
  /** Redis's zzlIsInLexRange/zslIsInLexRange: false when the range cannot match. */
  private mayMatchLex(r: LexRange): boolean {
    if (r.empty) return false;
    if (r.min !== null && r.max !== null && (r.min > r.max || (r.min === r.max && (r.minEx || r.maxEx)))) return false;
    const first = this.list.head.next[0];
    const last = this.list.tail;
    if (!first || !last) return false;
    return lexGteMin(last.member, r) && lexLteMax(first.member, r);
  }

  firstInLex(r: LexRange): ZNode | null {
    if (!this.mayMatchLex(r)) return null;
    if (!this.compact) return this.list.firstInLex(r);
    for (let n = this.list.head.next[0]; n; n = n.next[0]!) {
      if (lexGteMin(n.member, r)) return lexLteMax(n.member, r) ? n : null;
    }
    return null;
  }

  lastInLex(r: LexRange): ZNode | null {
    if (!this.mayMatchLex(r)) return null;
    if (!this.compact) return this.list.lastInLex(r);
    for (let n = this.list.tail; n; n = n.backward) {
      if (lexLteMax(n.member, r)) return lexGteMin(n.member, r) ? n : null;
    }
    return null;
  }

  /** 0-based rank from the lowest score, or -1. */
  rankOf(member: string): number {
    const score = this.scores.get(member);
    if (score === undefined) return -1;
    return this.list.rank(score, member) - 1;
  }
}
