/**
 * Sorted set commands, with Redis 7.0's replies, errors and range parsing.
 */
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../engine/notify.js';
import type { Session } from '../engine/session.js';
import { formatDouble } from '../protocol/reply.js';
import { globMatch } from '../store/glob.js';
import { SetValue } from '../store/set.js';
import { distinctRandom } from '../store/hash.js';
import { ZSetValue, lexGteMin, lexLteMax, type CompactLimits, type LexRange, type ScoreRange } from '../store/zset.js';
import { replyEmptyScan, scanCursor, scanOptions } from './scan-args.js';
import type { CommandDecl, KeySpecDecl } from './types.js';
import { NOT_FLOAT, NOT_INTEGER, SYNTAX, WRONGTYPE, parseDouble, parseInt64, readTyped, timeoutArg } from './util.js';

/**
 * C's strtod over the whole string, as zslParseRange uses it: leading white space is
 * skipped, an empty string converts to 0, NaN is refused.
 */
function strtod(s: string): number | null {
  if (s === '') return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  return t === '' ? null : parseDouble(t);
}

function parseScoreRange(min: string, max: string): ScoreRange | null {
  const bound = (s: string): [number, boolean] | null => {
    const ex = s.startsWith('(');
    const v = strtod(ex ? s.slice(1) : s);
    return v === null ? null : [v, ex];
  };
  const a = bound(min);
  const b = bound(max);
  if (a === null || b === null) return null;
  return { min: a[0], minEx: a[1], max: b[0], maxEx: b[1] };
}

function parseLexRange(min: string, max: string): LexRange | null {
  const item = (s: string): { value: string | null; ex: boolean; sentinel: '-' | '+' | null } | null => {
    if (s === '+') return { value: null, ex: true, sentinel: '+' };
    if (s === '-') return { value: null, ex: true, sentinel: '-' };
    if (s.startsWith('(')) return { value: s.slice(1), ex: true, sentinel: null };
    if (s.startsWith('[')) return { value: s.slice(1), ex: false, sentinel: null };
    return null;
  };
  const a = item(min);
  const b = item(max);
  if (a === null || b === null) return null;
  return { min: a.value, minEx: a.ex, max: b.value, maxEx: b.ex, empty: a.sentinel === '+' || b.sentinel === '-' };
}

const readZset = (s: Session, key: string, write = false) => readTyped(s, key, ZSetValue, write);

function dropIfEmpty(s: Session, key: string, z: ZSetValue): void {
  if (z.size === 0 && s.db.delete(key)) s.notify(NOTIFY_GENERIC, 'del', key);
}

/** zset-max-listpack-entries and -value. */
export function zsetLimits(s: Session): CompactLimits {
  const c = s.engine.config;
  return { maxEntries: c.zsetMaxListpackEntries, maxValue: c.zsetMaxListpackValue };
}

/** Applies Redis's listpack/skiplist conversion after a member was added. */
function checkCompact(s: Session, z: ZSetValue, member: string): void {
  if (z.compact) z.checkLimits(zsetLimits(s), member);
}

/** Members and their scores picked by a range, in reply order. */
interface Picked {
  members: string[];
  scores: number[];
}

const none = (): Picked => ({ members: [], scores: [] });

function replyRange(s: Session, picked: Picked, withScores: boolean): void {
  const r = s.reply;
  const { members, scores } = picked;
  const nested = withScores && r.resp === 3;
  r.array(withScores && !nested ? members.length * 2 : members.length);
  for (let i = 0; i < members.length; i++) {
    if (nested) r.array(2);
    r.bulk(members[i]!);
    if (withScores) r.double(scores[i]!);
  }
}

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/** Redis's zrangeGenericCommand: every ZRANGE form, ZRANGESTORE when dst is given. */
function zrange(s: Session, argv: string[], start: number, dst: string | null, rangeType: RangeType, direction: Direction): void {
  const r = s.reply;
  const key = argv[start]!;
  let minIdx = start + 1;
  let maxIdx = start + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = start + 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const left = argv.length - j - 1;
    if (dst === null && opt === 'withscores') withScores = true;
    else if (opt === 'limit' && left >= 2) {
      const o = parseInt64(argv[j + 1]!);
      if (o === null) return r.error(NOT_INTEGER);
      const l = parseInt64(argv[j + 2]!);
      if (l === null) return r.error(NOT_INTEGER);
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === 'auto' && opt === 'rev') direction = 'reverse';
    else if (rangeType === 'auto' && opt === 'bylex') rangeType = 'lex';
    else if (rangeType === 'auto' && opt === 'byscore') rangeType = 'score';
    else return r.error(SYNTAX);
  }
  if (direction === 'auto') direction = 'forward';
  if (rangeType === 'auto') rangeType = 'rank';
  if (limit !== -1 && rangeType === 'rank') {
    return r.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  if (withScores && rangeType === 'lex') return r.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  const reverse = direction === 'reverse';
  if (reverse && rangeType !== 'rank') [minIdx, maxIdx] = [maxIdx, minIdx];
  let rankStart = 0;
  let rankEnd = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (rangeType === 'rank') {
    const a = parseInt64(argv[minIdx]!);
    if (a === null) return r.error(NOT_INTEGER);
    const b = parseInt64(argv[maxIdx]!);
    if (b === null) return r.error(NOT_INTEGER);
    rankStart = a;
    rankEnd = b;
  } else if (rangeType === 'score') {
    scoreRange = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
    if (scoreRange === null) return r.error('ERR min or max is not a float');
  } else {
    lexRange = parseLexRange(argv[minIdx]!, argv[maxIdx]!);
    if (lexRange === null) return r.error('ERR min or max not valid string range item');
  }
  const z = readZset(s, key);
  if (z === null) return;
  let picked = none();
  if (z !== undefined) {
    if (rangeType === 'rank') picked = byRank(z, rankStart, rankEnd, reverse);
    else if (rangeType === 'score') picked = byScore(z, scoreRange!, offset, limit, reverse);
    else picked = byLex(z, lexRange!, offset, limit, reverse);
  }
  if (dst === null) return replyRange(s, picked, withScores);
  if (picked.members.length === 0) {
    if (s.db.delete(dst)) {
      s.changed(dst);
      s.notify(NOTIFY_GENERIC, 'del', dst);
    }
    return r.integer(0);
  }
  const out = new ZSetValue();
  for (let i = 0; i < picked.members.length; i++) {
    const member = picked.members[i]!;
    out.add(member, picked.scores[i]!);
    checkCompact(s, out, member);
  }
  s.db.set(dst, out);
  s.changed(dst);
  s.notify(NOTIFY_ZSET, 'zrangestore', dst);
  r.integer(out.size);
}

function byRank(z: ZSetValue, start: number, end: number, reverse: boolean): Picked {
  const len = z.size;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return none();
  if (end >= len) end = len - 1;
  const out = none();
  let left = end - start + 1;
  z.walk(reverse ? len - 1 - start : start, reverse, (m, score) => {
    out.members.push(m);
    out.scores.push(score);
    return --left > 0;
  });
  return out;
}

/** Members from rank `first` on (towards lower ranks when reverse) while inRange holds, after skipping offset, at most limit (-1: all). */
function pick(z: ZSetValue, first: number, offset: number, limit: number, reverse: boolean, inRange: (m: string, score: number) => boolean): Picked {
  const out = none();
  if (first < 0 || limit === 0) return out;
  const from = reverse ? first - offset : first + offset;
  z.walk(from, reverse, (m, score) => {
    if (!inRange(m, score)) return false;
    out.members.push(m);
    out.scores.push(score);
    return --limit !== 0;
  });
  return out;
}

function byScore(z: ZSetValue, range: ScoreRange, offset: number, limit: number, reverse: boolean): Picked {
  if (offset < 0 || (offset > 0 && offset >= z.size)) return none();
  const first = reverse ? z.lastRankIn(range) : z.firstRankIn(range);
  const inRange = reverse
    ? (_: string, score: number) => (range.minEx ? score > range.min : score >= range.min)
    : (_: string, score: number) => (range.maxEx ? score < range.max : score <= range.max);
  return pick(z, first, offset, limit, reverse, inRange);
}

function byLex(z: ZSetValue, range: LexRange, offset: number, limit: number, reverse: boolean): Picked {
  if (range.empty) return none();
  if (offset < 0 || (offset > 0 && offset >= z.size)) return none();
  const first = reverse ? z.lastRankInLex(range) : z.firstRankInLex(range);
  const inRange = reverse ? (m: string) => lexGteMin(m, range) : (m: string) => lexLteMax(m, range);
  return pick(z, first, offset, limit, reverse, inRange);
}

const ADD_NX = 1;
const ADD_XX = 2;
const ADD_GT = 4;
const ADD_LT = 8;
const ADD_INCR = 16;

export function zadd(s: Session, argv: string[], forcedIncr: boolean): void {
  const r = s.reply;
  let flags = forcedIncr ? ADD_INCR : 0;
  let ch = false;
  let at = 2;
  if (!forcedIncr) {
    for (; at < argv.length; at++) {
      const opt = argv[at]!.toLowerCase();
      if (opt === 'nx') flags |= ADD_NX;
      else if (opt === 'xx') flags |= ADD_XX;
      else if (opt === 'ch') ch = true;
      else if (opt === 'incr') flags |= ADD_INCR;
      else if (opt === 'gt') flags |= ADD_GT;
      else if (opt === 'lt') flags |= ADD_LT;
      else break;
    }
  }
  const pairs = argv.length - at;
  if (pairs % 2 !== 0 || pairs === 0) return r.error(SYNTAX);
  const count = pairs / 2;
  if (flags & ADD_NX && flags & ADD_XX) return r.error('ERR XX and NX options at the same time are not compatible');
  if ((flags & ADD_GT && flags & ADD_NX) || (flags & ADD_LT && flags & ADD_NX) || (flags & ADD_GT && flags & ADD_LT)) {
    return r.error('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  const incr = (flags & ADD_INCR) !== 0;
  if (incr && count > 1) return r.error('ERR INCR option supports a single increment-element pair');
  const scores: number[] = [];
  for (let j = 0; j < count; j++) {
    const v = parseDouble(argv[at + j * 2]!);
    if (v === null) return r.error(NOT_FLOAT);
    scores.push(v);
  }
  const key = argv[1]!;
  let z = readZset(s, key, true);
  if (z === null) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (z === undefined) {
    if (flags & ADD_XX) return incr ? r.nil() : r.integer(0);
    // Redis 7.0 decides by the first member alone; later ones convert as they come.
    const c = s.engine.config;
    z = new ZSetValue(c.zsetMaxListpackEntries > 0 && argv[at + 1]!.length <= c.zsetMaxListpackValue);
    s.db.add(key, z);
  }
  for (let j = 0; j < count; j++) {
    score = scores[j]!;
    const member = argv[at + 1 + j * 2]!;
    const current = z.score(member);
    if (current !== undefined) {
      if (flags & ADD_NX) continue;
      let next = score;
      if (incr) {
        next = current + score;
        if (Number.isNaN(next)) {
          dropIfEmpty(s, key, z);
          return r.error('ERR resulting score is not a number (NaN)');
        }
      }
      score = next;
      if ((flags & ADD_LT && next >= current) || (flags & ADD_GT && next <= current)) continue;
      processed++;
      if (next !== current) {
        z.add(member, next);
        updated++;
      }
    } else {
      if (flags & ADD_XX) continue;
      if (Number.isNaN(score)) return r.error('ERR resulting score is not a number (NaN)');
      z.add(member, score);
      checkCompact(s, z, member);
      added++;
      processed++;
    }
  }
  // Only a zset this command created can be empty here: it goes without a "del" event.
  if (z.size === 0) s.db.delete(key);
  // Redis replies before it notifies: a RESP3 client subscribed to its own events gets
  // the reply first.
  if (incr) {
    if (processed > 0) r.double(score);
    else r.nil();
  } else {
    r.integer(ch ? added + updated : added);
  }
  if (added > 0 || updated > 0) {
    s.engine.blocking.signal(s.db, key);
    s.notify(NOTIFY_ZSET, incr ? 'zincr' : 'zadd', key);
  }
  s.changed(key, added + updated);
}

function zpop(s: Session, argv: string[], max: boolean): void {
  const r = s.reply;
  if (argv.length > 3) return r.error(SYNTAX);
  let count = 1;
  const hasCount = argv.length === 3;
  if (hasCount) {
    const n = parseInt64(argv[2]!);
    if (n === null || n < 0) return r.error('ERR value is out of range, must be positive');
    count = n;
  }
  const z = readZset(s, argv[1]!, true);
  if (z === null) return;
  if (z === undefined || count === 0) return r.array(0);
  const n = Math.min(count, z.size);
  const nested = r.resp === 3 && hasCount;
  r.array(nested ? n : n * 2);
  for (let i = 0; i < n; i++) {
    const rank = max ? z.size - 1 : 0;
    const member = z.memberAt(rank);
    if (nested) r.array(2);
    r.bulk(member);
    r.double(z.scoreAt(rank));
    z.remove(member);
  }
  s.changed(argv[1]!, n);
  s.notify(NOTIFY_ZSET, max ? 'zpopmax' : 'zpopmin', argv[1]!);
  dropIfEmpty(s, argv[1]!, z);
}

function removeRange(s: Session, argv: string[], kind: 'rank' | 'score' | 'lex'): void {
  const r = s.reply;
  let nodesOf: (z: ZSetValue) => Picked;
  if (kind === 'rank') {
    const a = parseInt64(argv[2]!);
    if (a === null) return r.error(NOT_INTEGER);
    const b = parseInt64(argv[3]!);
    if (b === null) return r.error(NOT_INTEGER);
    nodesOf = (z) => byRank(z, a, b, false);
  } else if (kind === 'score') {
    const range = parseScoreRange(argv[2]!, argv[3]!);
    if (range === null) return r.error('ERR min or max is not a float');
    nodesOf = (z) => byScore(z, range, 0, -1, false);
  } else {
    const range = parseLexRange(argv[2]!, argv[3]!);
    if (range === null) return r.error('ERR min or max not valid string range item');
    nodesOf = (z) => byLex(z, range, 0, -1, false);
  }
  const z = readZset(s, argv[1]!, true);
  if (z === null) return;
  if (z === undefined) return r.integer(0);
  const { members } = nodesOf(z);
  for (const m of members) z.remove(m);
  s.changed(argv[1]!, members.length);
  if (members.length > 0) s.notify(NOTIFY_ZSET, `zremrangeby${kind}`, argv[1]!);
  dropIfEmpty(s, argv[1]!, z);
  r.integer(members.length);
}

function zscan(s: Session, argv: string[]): void {
  const cursor = scanCursor(s, argv[2]!);
  if (cursor === null) return;
  const z = readZset(s, argv[1]!);
  if (z === null) return;
  if (z === undefined) return replyEmptyScan(s);
  const opts = scanOptions(s, argv, 3, cursor, false);
  if (opts === null) return;
  const out: [string, number][] = [];
  const visit = (m: string, score: number | undefined) => {
    if (score === undefined) return;
    if (opts.pattern !== null && !globMatch(opts.pattern, m)) return;
    out.push([m, score]);
  };
  let next = '0';
  // A compact (listpack) zset is returned whole, in score order, in one call, as Redis does.
  if (z.compact) z.forEach(visit);
  else {
    const table = z.scoreTable;
    next = opts.cursors.scanMap(table, cursor, opts.count, (m) => visit(m, table.get(m)));
  }
  const r = s.reply;
  r.array(2);
  r.bulk(next);
  r.array(out.length * 2);
  for (const [m, score] of out) {
    r.bulk(m);
    // ZSCAN replies scores as bulk strings even in RESP3.
    r.bulk(formatDouble(score));
  }
}


const decl = (d: Omit<CommandDecl, 'group' | 'keys'> & { keys?: [number, number, number] }): CommandDecl => ({
  group: 'sorted-set',
  keys: [1, 1, 1],
  ...d,
});

const ro = (flags: string[] = ['RO', 'access']) => flags;
const rangeStoreSpecs: KeySpecDecl[] = [
  { flags: ['OW', 'update'], index: 1, lastKey: 0, keyStep: 1 },
  { flags: ['RO', 'access'], index: 2, lastKey: 0, keyStep: 1 },
];

const rangeDecl = (name: string, since: string, summary: string, type: RangeType, direction: Direction, extra: Partial<CommandDecl> = {}): CommandDecl =>
  decl({
    name,
    arity: -4,
    flags: ['readonly'],
    acl: ['read', 'sortedset', 'slow'],
    keyFlags: ro(),
    summary,
    since,
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    handler: (s, argv) => zrange(s, argv, 1, null, type, direction),
    ...extra,
  });

export const zsetCommands: CommandDecl[] = [
  decl({
    name: 'zadd',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'sortedset', 'fast'],
    keyFlags: ['RW', 'update'],
    summary: 'Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn\'t exist.',
    since: '1.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    handler: (s, argv) => zadd(s, argv, false),
  }),
  decl({
    name: 'zincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'sortedset', 'fast'],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Increments the score of a member in a sorted set.',
    since: '1.2.0',
    complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
    handler: (s, argv) => zadd(s, argv, true),
  }),
  decl({
    name: 'zrem',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['write', 'sortedset', 'fast'],
    keyFlags: ['RW', 'delete'],
    summary: 'Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.',
    since: '1.2.0',
    complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    handler: (s, argv) => {
      const z = readZset(s, argv[1]!, true);
      if (z === null) return;
      if (z === undefined) return s.reply.integer(0);
      let removed = 0;
      for (let i = 2; i < argv.length; i++) {
        if (z.remove(argv[i]!)) {
          removed++;
          if (z.size === 0) break;
        }
      }
      if (removed > 0) s.notify(NOTIFY_ZSET, 'zrem', argv[1]!);
      dropIfEmpty(s, argv[1]!, z);
      s.changed(argv[1]!, removed);
      s.reply.integer(removed);
    },
  }),
  decl({
    name: 'zscore',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'sortedset', 'fast'],
    keyFlags: ro(),
    summary: 'Returns the score of a member in a sorted set.',
    since: '1.2.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const z = readZset(s, argv[1]!);
      if (z === null) return;
      const score = z?.score(argv[2]!);
      if (score === undefined) s.reply.nil();
      else s.reply.double(score);
    },
  }),
  decl({
    name: 'zmscore',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'sortedset', 'fast'],
    keyFlags: ro(),
    summary: 'Returns the score of one or more members in a sorted set.',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of members being requested.',
    handler: (s, argv) => {
      const z = readZset(s, argv[1]!);
      if (z === null) return;
      s.reply.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) {
        const score = z?.score(argv[i]!);
        if (score === undefined) s.reply.nil();
        else s.reply.double(score);
      }
    },
  }),
  decl({
    name: 'zcard',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'sortedset', 'fast'],
    keyFlags: ['RO'],
    summary: 'Returns the number of members in a sorted set.',
    since: '1.2.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const z = readZset(s, argv[1]!);
      if (z !== null) s.reply.integer(z?.size ?? 0);
    },
  }),
  decl({
    name: 'zcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    acl: ['read', 'sortedset', 'fast'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the count of members in a sorted set that have scores within a range.',
    since: '2.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    handler: (s, argv) => {
      const range = parseScoreRange(argv[2]!, argv[3]!);
      if (range === null) return s.reply.error('ERR min or max is not a float');
      const z = readZset(s, argv[1]!);
      if (z === null) return;
      if (z === undefined) return s.reply.integer(0);
      const first = z.firstRankIn(range);
      if (first < 0) return s.reply.integer(0);
      s.reply.integer(z.lastRankIn(range) - first + 1);
    },
  }),
  decl({
    name: 'zlexcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    acl: ['read', 'sortedset', 'fast'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the number of members in a sorted set within a lexicographical range.',
    since: '2.8.9',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    handler: (s, argv) => {
      const range = parseLexRange(argv[2]!, argv[3]!);
      if (range === null) return s.reply.error('ERR min or max not valid string range item');
      const z = readZset(s, argv[1]!);
      if (z === null) return;
      if (z === undefined || range.empty) return s.reply.integer(0);
      // A listpack is counted by walking from the first match, as Redis does.
      if (z.compact) return s.reply.integer(byLex(z, range, 0, -1, false).members.length);
      const first = z.firstRankInLex(range);
      if (first < 0) return s.reply.integer(0);
      s.reply.integer(z.lastRankInLex(range) - first + 1);
    },
  }),
  ...(['zrank', 'zrevrank'] as const).map((name) =>
    decl({
      name,
      arity: -3,
      flags: ['readonly', 'fast'],
      acl: ['read', 'sortedset', 'fast'],
      keyFlags: ro(),
      summary:
        name === 'zrank'
          ? 'Returns the index of a member in a sorted set ordered by ascending scores.'
          : 'Returns the index of a member in a sorted set ordered by descending scores.',
      since: name === 'zrank' ? '2.0.0' : '2.0.0',
      complexity: 'O(log(N))',
      handler: (s, argv) => {
        const r = s.reply;
        if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withscore')) return r.error(SYNTAX);
        const withScore = argv.length === 4;
        const z = readZset(s, argv[1]!);
        if (z === null) return;
        const rank = z === undefined ? -1 : z.rankOf(argv[2]!);
        if (rank < 0) return withScore ? r.nilArray() : r.nil();
        const value = name === 'zrank' ? rank : z!.size - 1 - rank;
        if (!withScore) return r.integer(value);
        r.array(2);
        r.integer(value);
        r.double(z!.scoreAt(rank));
      },
    }),
  ),
  rangeDecl('zrange', '1.2.0', 'Returns members in a sorted set within a range of indexes.', 'auto', 'auto'),
  rangeDecl('zrevrange', '1.2.0', 'Returns members in a sorted set within a range of indexes in reverse order.', 'rank', 'reverse', {
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` argument',
    docFlags: ['deprecated'],
  }),
  rangeDecl('zrangebyscore', '1.0.5', 'Returns members in a sorted set within a range of scores.', 'score', 'forward', {
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYSCORE` argument',
    docFlags: ['deprecated'],
  }),
  rangeDecl('zrevrangebyscore', '2.2.0', 'Returns members in a sorted set within a range of scores in reverse order.', 'score', 'reverse', {
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYSCORE` and `REV` arguments',
    docFlags: ['deprecated'],
  }),
  rangeDecl('zrangebylex', '2.8.9', 'Returns members in a sorted set within a lexicographical range.', 'lex', 'forward', {
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYLEX` argument',
    docFlags: ['deprecated'],
  }),
  rangeDecl('zrevrangebylex', '2.8.9', 'Returns members in a sorted set within a lexicographical range in reverse order.', 'lex', 'reverse', {
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYLEX` and `REV` arguments',
    docFlags: ['deprecated'],
  }),
  decl({
    name: 'zrangestore',
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['write', 'sortedset', 'slow'],
    keys: [1, 2, 1],
    keySpecs: rangeStoreSpecs,
    summary: 'Stores a range of members from sorted set in a key.',
    since: '6.2.0',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
    handler: (s, argv) => zrange(s, argv, 2, argv[1]!, 'auto', 'auto'),
  }),
  decl({
    name: 'zremrangebyrank',
    arity: 4,
    flags: ['write'],
    acl: ['write', 'sortedset', 'slow'],
    keyFlags: ['RW', 'delete'],
    summary: 'Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.',
    since: '2.0.0',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    handler: (s, argv) => removeRange(s, argv, 'rank'),
  }),
  decl({
    name: 'zremrangebyscore',
    arity: 4,
    flags: ['write'],
    acl: ['write', 'sortedset', 'slow'],
    keyFlags: ['RW', 'delete'],
    summary: 'Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.',
    since: '1.2.0',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    handler: (s, argv) => removeRange(s, argv, 'score'),
  }),
  decl({
    name: 'zremrangebylex',
    arity: 4,
    flags: ['write'],
    acl: ['write', 'sortedset', 'slow'],
    keyFlags: ['RW', 'delete'],
    summary: 'Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.',
    since: '2.8.9',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    handler: (s, argv) => removeRange(s, argv, 'lex'),
  }),
  decl({
    name: 'zpopmin',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'sortedset', 'fast'],
    keyFlags: ['RW', 'access', 'delete'],
    summary: 'Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.',
    since: '5.0.0',
    complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    handler: (s, argv) => zpop(s, argv, false),
  }),
  decl({
    name: 'zpopmax',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'sortedset', 'fast'],
    keyFlags: ['RW', 'access', 'delete'],
    summary: 'Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.',
    since: '5.0.0',
    complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    handler: (s, argv) => zpop(s, argv, true),
  }),
  decl({
    name: 'zscan',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'sortedset', 'slow'],
    keyFlags: ro(),
    summary: 'Iterates over members and scores of a sorted set.',
    since: '2.8.0',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output'],
    handler: zscan,
  }),
];

// ---- Set operations, random members, multi-key and blocking pops ----

type Aggregate = 'sum' | 'min' | 'max';

/** Redis's zunionInterAggregate: a sum of +inf and -inf is 0, not NaN. */
function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

interface Source {
  /** member -> score; a plain set's members score 1. */
  scores: { get(member: string): number | undefined; has(member: string): boolean } | null;
  /** Iteration order Redis uses: by score for a sorted set. */
  order: () => Iterable<[string, number]>;
  size: number;
  weight: number;
  subject: object | null;
}

function sourceOf(value: unknown): Source {
  if (value instanceof ZSetValue) {
    return {
      scores: { get: (m) => value.score(m), has: (m) => value.has(m) },
      order: () => {
        const pairs: [string, number][] = [];
        value.forEach((m, score) => pairs.push([m, score]));
        return pairs;
      },
      size: value.size,
      weight: 1,
      subject: value,
    };
  }
  const set = value as SetValue;
  const scores = new Map<string, number>();
  for (const m of set.ordered()) scores.set(m, 1);
  return { scores, order: () => scores.entries(), size: scores.size, weight: 1, subject: set };
}

/** ZUNION/ZINTER/ZDIFF, their STORE forms and ZINTERCARD (Redis's zunionInterDiffGenericCommand). */
function zsetOp(s: Session, argv: string[], name: string, numkeysAt: number, op: 'union' | 'inter' | 'diff', dst: string | null, cardinalityOnly: boolean): void {
  const r = s.reply;
  const setnum = parseInt64(argv[numkeysAt]!);
  if (setnum === null) return r.error(NOT_INTEGER);
  if (setnum < 1) return r.error(`ERR at least 1 input key is needed for '${name}' command`);
  if (setnum > argv.length - (numkeysAt + 1)) return r.error(SYNTAX);
  const sources: Source[] = [];
  let j = numkeysAt + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const entry = s.db.read(argv[j]!, !s.noTouch);
    if (entry === undefined) {
      sources.push({ scores: null, order: () => [], size: 0, weight: 1, subject: null });
      continue;
    }
    if (!(entry.value instanceof ZSetValue) && !(entry.value instanceof SetValue)) return r.error(WRONGTYPE);
    sources.push(sourceOf(entry.value));
  }
  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const opt = argv[j]!.toLowerCase();
    if (op !== 'diff' && !cardinalityOnly && remaining >= setnum + 1 && opt === 'weights') {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseDouble(argv[j]!);
        if (w === null) return r.error('ERR weight value is not a float');
        sources[i]!.weight = w;
      }
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && opt === 'aggregate') {
      const a = argv[j + 1]!.toLowerCase();
      if (a !== 'sum' && a !== 'min' && a !== 'max') return r.error(SYNTAX);
      how = a;
      j += 2;
    } else if (remaining >= 1 && dst === null && !cardinalityOnly && opt === 'withscores') {
      withScores = true;
      j++;
    } else if (cardinalityOnly && remaining >= 2 && opt === 'limit') {
      const l = parseInt64(argv[j + 1]!);
      if (l === null || l < 0) return r.error("ERR LIMIT can't be negative");
      limit = l;
      j += 2;
    } else return r.error(SYNTAX);
  }
  // Smallest inputs first (a stable sort, like glibc's qsort), except for DIFF.
  if (op !== 'diff') sources.sort((a, b) => a.size - b.size);
  // Built in skiplist form (any size); settle() packs it if it is small enough.
  const result = new ZSetValue(false);
  let cardinality = 0;
  if (op === 'inter') {
    const first = sources[0]!;
    if (first.size > 0) {
      for (const [member, base] of first.order()) {
        let score = first.weight * base;
        if (Number.isNaN(score)) score = 0;
        let i = 1;
        for (; i < sources.length; i++) {
          const other = sources[i]!;
          const value = other.subject === first.subject ? base : other.scores?.get(member);
          if (value === undefined) break;
          score = aggregate(score, value * other.weight, how);
        }
        if (i < sources.length) continue;
        if (cardinalityOnly) {
          cardinality++;
          if (limit > 0 && cardinality >= limit) break;
        } else result.add(member, score);
      }
    }
  } else if (op === 'union') {
    const acc = new Map<string, number>();
    for (const src of sources) {
      for (const [member, base] of src.order()) {
        let score = src.weight * base;
        if (Number.isNaN(score)) score = 0;
        const existing = acc.get(member);
        acc.set(member, existing === undefined ? score : aggregate(existing, score, how));
      }
    }
    for (const [member, score] of acc) result.add(member, score);
  } else {
    const [first, ...others] = sources;
    for (const [member, score] of first!.order()) {
      if (!others.some((o) => o.scores?.has(member))) result.add(member, score);
    }
  }
  if (cardinalityOnly) return r.integer(cardinality);
  if (dst === null) return replyRange(s, byRank(result, 0, -1, false), withScores);
  if (result.size === 0) {
    if (s.db.delete(dst)) {
      s.changed(dst);
      s.notify(NOTIFY_GENERIC, 'del', dst);
    }
    return r.integer(0);
  }
  result.settle(zsetLimits(s));
  s.db.set(dst, result);
  s.changed(dst);
  s.notify(NOTIFY_ZSET, name, dst);
  r.integer(result.size);
}

function zrandmember(s: Session, argv: string[]): void {
  const r = s.reply;
  if (argv.length >= 3) {
    const l = parseInt64(argv[2]!);
    if (l === null) return r.error(NOT_INTEGER);
    if (l < -9223372036854775807) {
      return r.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    }
    if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withscores')) return r.error(SYNTAX);
    const withScores = argv.length === 4;
    if (withScores && (l < -4611686018427387903 || l > 4611686018427387903)) return r.error('ERR value is out of range');
    const z = readZset(s, argv[1]!);
    if (z === null) return;
    if (z === undefined || l === 0) return r.array(0);
    const nested = withScores && r.resp === 3;
    // Members are drawn as ranks.
    const randomRank = () => Math.floor(Math.random() * z.size);
    const allRanks = () => Array.from({ length: z.size }, (_, i) => i);
    const emit = (member: string, score: number) => {
      if (nested) r.array(2);
      r.bulk(member);
      if (withScores) r.double(score);
    };
    const emitRank = (rank: number) => emit(z.memberAt(rank), z.scoreAt(rank));
    if (l < 0 || l === 1) {
      const count = Math.abs(l);
      r.array(withScores && !nested ? count * 2 : count);
      for (let i = 0; i < count; i++) emitRank(randomRank());
      return;
    }
    const n = Math.min(l, z.size);
    r.array(withScores && !nested ? n * 2 : n);
    if (l >= z.size) {
      // Redis's zset iterator (zuiNext) walks from the tail: highest score first.
      z.walk(z.size - 1, true, emit);
      return;
    }
    distinctRandom(z.size, l, randomRank, allRanks).forEach(emitRank);
    return;
  }
  const z = readZset(s, argv[1]!);
  if (z === null) return;
  if (z === undefined) return r.nil();
  r.bulk(z.memberAt(Math.floor(Math.random() * z.size)));
}

/** ZMPOP/BZMPOP arguments from argv[at]: numkeys, keys, MIN|MAX, COUNT. */
function zmpopArgs(s: Session, argv: string[], at: number): { keys: string[]; max: boolean; count: number } | null {
  const numkeys = parseInt64(argv[at]!);
  if (numkeys === null || numkeys < 1) {
    s.reply.error('ERR numkeys should be greater than 0');
    return null;
  }
  const whereIdx = at + numkeys + 1;
  if (whereIdx >= argv.length) {
    s.reply.error(SYNTAX);
    return null;
  }
  const where = argv[whereIdx]!.toLowerCase();
  if (where !== 'min' && where !== 'max') {
    s.reply.error(SYNTAX);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j]!.toLowerCase() === 'count' && more > 0) {
      const n = parseInt64(argv[++j]!);
      if (n === null || n < 1) {
        s.reply.error('ERR count should be greater than 0');
        return null;
      }
      count = n;
    } else {
      s.reply.error(SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(at + 1, at + 1 + numkeys), max: where === 'max', count: count === -1 ? 1 : count };
}

/** Pops from the first non-empty sorted set: [key, [[member, score], ...]]. */
function zmpopFrom(s: Session, key: string, z: ZSetValue, max: boolean, count: number): void {
  const r = s.reply;
  const n = Math.min(count, z.size);
  r.array(2);
  r.bulk(key);
  r.array(n);
  for (let i = 0; i < n; i++) {
    const rank = max ? z.size - 1 : 0;
    const member = z.memberAt(rank);
    r.array(2);
    r.bulk(member);
    r.double(z.scoreAt(rank));
    z.remove(member);
  }
  s.changed(key, n);
  s.notify(NOTIFY_ZSET, max ? 'zpopmax' : 'zpopmin', key);
  dropIfEmpty(s, key, z);
}

function bzpop(s: Session, argv: string[], max: boolean): void {
  const deadline = timeoutArg(s, argv[argv.length - 1]!);
  if (deadline === null) return;
  const keys = argv.slice(1, -1);
  for (const key of keys) {
    const z = readZset(s, key, true);
    if (z === null) return;
    if (z === undefined || z.size === 0) continue;
    const rank = max ? z.size - 1 : 0;
    const member = z.memberAt(rank);
    s.reply.array(3);
    s.reply.bulk(key);
    s.reply.bulk(member);
    s.reply.double(z.scoreAt(rank));
    z.remove(member);
    s.changed(key);
    s.notify(NOTIFY_ZSET, max ? 'zpopmax' : 'zpopmin', key);
    dropIfEmpty(s, key, z);
    return;
  }
  s.engine.blocking.block(s, argv, keys, deadline);
}

const opSpecs = (store: boolean): KeySpecDecl[] =>
  store
    ? [
        { flags: ['OW', 'update'], index: 1, lastKey: 0, keyStep: 1 },
        { flags: ['RO', 'access'], index: 2, lastKey: 0, keyStep: 1, keynum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } },
      ]
    : [{ flags: ['RO', 'access'], index: 1, lastKey: 0, keyStep: 1, keynum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }];

const opDecl = (name: string, op: 'union' | 'inter' | 'diff', store: boolean, since: string, summary: string, complexity: string): CommandDecl =>
  decl({
    name,
    arity: store ? -4 : -3,
    flags: store ? ['write', 'denyoom', 'movablekeys'] : ['readonly', 'movablekeys'],
    acl: store ? ['write', 'sortedset', 'slow'] : ['read', 'sortedset', 'slow'],
    keys: store ? [1, 1, 1] : [0, 0, 0],
    keySpecs: opSpecs(store),
    summary,
    since,
    complexity,
    handler: (s, argv) => zsetOp(s, argv, name, store ? 2 : 1, op, store ? argv[1]! : null, false),
  });

zsetCommands.push(
  opDecl('zunion', 'union', false, '6.2.0', 'Returns the union of multiple sorted sets.', 'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.'),
  opDecl('zunionstore', 'union', true, '2.0.0', 'Stores the union of multiple sorted sets in a key.', 'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.'),
  opDecl('zinter', 'inter', false, '6.2.0', 'Returns the intersect of multiple sorted sets.', 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.'),
  opDecl('zinterstore', 'inter', true, '2.0.0', 'Stores the intersect of multiple sorted sets in a key.', 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.'),
  opDecl('zdiff', 'diff', false, '6.2.0', 'Returns the difference between multiple sorted sets.', 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.'),
  opDecl('zdiffstore', 'diff', true, '6.2.0', 'Stores the difference of multiple sorted sets in a key.', 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.'),
  decl({
    name: 'zintercard',
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    acl: ['read', 'sortedset', 'slow'],
    keys: [0, 0, 0],
    keySpecs: opSpecs(false),
    summary: 'Returns the number of members of the intersect of multiple sorted sets.',
    since: '7.0.0',
    complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    handler: (s, argv) => zsetOp(s, argv, 'zintercard', 1, 'inter', null, true),
  }),
  decl({
    name: 'zrandmember',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'sortedset', 'slow'],
    keyFlags: ro(),
    summary: 'Returns one or more random members from a sorted set.',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of members returned',
    tips: ['nondeterministic_output'],
    handler: zrandmember,
  }),
  decl({
    name: 'zmpop',
    arity: -4,
    flags: ['write', 'movablekeys'],
    acl: ['write', 'sortedset', 'slow'],
    keys: [0, 0, 0],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 1, lastKey: 0, keyStep: 1, keynum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }],
    summary: 'Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.',
    since: '7.0.0',
    complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    handler: (s, argv) => {
      const args = zmpopArgs(s, argv, 1);
      if (args === null) return;
      for (const key of args.keys) {
        const z = readZset(s, key, true);
        if (z === null) return;
        if (z !== undefined && z.size > 0) return zmpopFrom(s, key, z, args.max, args.count);
      }
      s.reply.nilArray();
    },
  }),
  ...(['bzpopmin', 'bzpopmax'] as const).map((name) =>
    decl({
      name,
      arity: -3,
      flags: ['write', 'noscript', 'blocking', 'fast'],
      acl: ['write', 'sortedset', 'fast', 'blocking'],
      keys: [1, -2, 1],
      keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 1, lastKey: -2, keyStep: 1 }],
      summary:
        name === 'bzpopmin'
          ? 'Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.'
          : 'Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.',
      since: '5.0.0',
      complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
      handler: (s, argv) => bzpop(s, argv, name === 'bzpopmax'),
    }),
  ),
  decl({
    name: 'bzmpop',
    arity: -5,
    flags: ['write', 'blocking', 'movablekeys'],
    acl: ['write', 'sortedset', 'slow', 'blocking'],
    keys: [0, 0, 0],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 2, lastKey: 0, keyStep: 1, keynum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }],
    summary: 'Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.',
    since: '7.0.0',
    complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    handler: (s, argv) => {
      const args = zmpopArgs(s, argv, 2);
      if (args === null) return;
      const deadline = timeoutArg(s, argv[1]!);
      if (deadline === null) return;
      for (const key of args.keys) {
        const z = readZset(s, key, true);
        if (z === null) return;
        if (z !== undefined && z.size > 0) return zmpopFrom(s, key, z, args.max, args.count);
      }
      s.engine.blocking.block(s, argv, args.keys, deadline);
    },
  }),
);
