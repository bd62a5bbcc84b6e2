/**
 * Set commands, with Redis 7.0's replies, errors and intset/hashtable encoding rules.
 */
import { NOTIFY_GENERIC, NOTIFY_SET } from '../engine/notify.js';
import type { Session } from '../engine/session.js';
import { globMatch } from '../store/glob.js';
import { distinctRandom } from '../store/hash.js';
import { SetValue } from '../store/set.js';
import type { CommandDecl, KeySpecDecl } from './types.js';
import { replyEmptyScan, scanCursor, scanOptions } from './scan-args.js';
import { NOT_INTEGER, SYNTAX, WRONGTYPE, isIntegerString, parseInt64, readTyped } from './util.js';



/** Adds member, converting an intset to a hashtable as Redis does. */
function addMember(s: Session, set: SetValue, member: string): boolean {
  const added = set.add(member);
  if (added && set.intset && (!isIntegerString(member) || set.size > s.engine.config.setMaxIntsetEntries)) set.intset = false;
  return added;
}

/** A new set, created as Redis's setTypeCreate would for its first member. */
function newSet(first: string): SetValue {
  return new SetValue(isIntegerString(first));
}

const readSet = (s: Session, key: string, write = false) => readTyped(s, key, SetValue, write);

function replyMembers(s: Session, members: string[], asSet = true): void {
  if (asSet) s.reply.set(members.length);
  else s.reply.array(members.length);
  for (const m of members) s.reply.bulk(m);
}

/** The sets named by keys (missing ones as null), or undefined after WRONGTYPE. */
function readSets(s: Session, keys: string[]): (SetValue | null)[] | undefined {
  const sets: (SetValue | null)[] = [];
  for (const key of keys) {
    const set = readSet(s, key);
    if (set === null) return undefined;
    sets.push(set ?? null);
  }
  return sets;
}

/** Builds a result set as Redis does: starting as an intset, converting as needed. */
function resultSet(s: Session, members: Iterable<string>): SetValue {
  const out = new SetValue(true);
  for (const m of members) addMember(s, out, m);
  return out;
}

function intersect(sets: SetValue[], limit: number): string[] {
  const sorted = [...sets].sort((a, b) => a.size - b.size);
  const out: string[] = [];
  for (const m of sorted[0]!.ordered()) {
    if (sorted.every((set, i) => i === 0 || set.has(m))) {
      out.push(m);
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}

/** SINTER / SINTERSTORE / SINTERCARD */
function sinter(s: Session, keys: string[], dst: string | null, cardinalityOnly: boolean, limit: number): void {
  const sets = readSets(s, keys);
  if (sets === undefined) return;
  const r = s.reply;
  if (sets.some((x) => x === null)) {
    if (dst !== null) {
      if (s.db.delete(dst)) {
        s.changed(dst);
        s.notify(NOTIFY_GENERIC, 'del', dst);
      }
      r.integer(0);
    } else if (cardinalityOnly) r.integer(0);
    else r.set(0);
    return;
  }
  const members = intersect(sets as SetValue[], cardinalityOnly ? limit : 0);
  if (cardinalityOnly) return r.integer(members.length);
  if (dst === null) return replyMembers(s, resultSet(s, members).ordered());
  store(s, dst, members, 'sinterstore');
}

/** SINTERSTORE and friends: replaces dst with the result, or deletes it when empty. */
function store(s: Session, dst: string, members: string[], event: string): void {
  if (members.length > 0) {
    s.db.set(dst, resultSet(s, members));
    s.changed(dst);
    s.notify(NOTIFY_SET, event, dst);
  } else if (s.db.delete(dst)) {
    s.changed(dst);
    s.notify(NOTIFY_GENERIC, 'del', dst);
  }
  s.reply.integer(members.length);
}

function unionOrDiff(s: Session, keys: string[], dst: string | null, diff: boolean): void {
  const sets = readSets(s, keys);
  if (sets === undefined) return;
  let members: string[];
  if (diff) {
    const first = sets[0];
    if (!first) members = [];
    else {
      const others = sets.slice(1).filter((x): x is SetValue => x !== null && x !== first);
      const sameAsFirst = sets.slice(1).some((x) => x === first);
      members = sameAsFirst ? [] : first.ordered().filter((m) => !others.some((o) => o.has(m)));
    }
  } else {
    const seen = new Set<string>();
    for (const set of sets) if (set) for (const m of set.values()) seen.add(m);
    members = [...seen];
  }
  if (dst === null) return replyMembers(s, resultSet(s, members).ordered());
  store(s, dst, members, diff ? 'sdiffstore' : 'sunionstore');
}

function spop(s: Session, argv: string[]): void {
  const r = s.reply;
  const key = argv[1]!;
  if (argv.length === 3) {
    const l = parseInt64(argv[2]!);
    if (l === null || l < 0) return r.error('ERR value is out of range, must be positive');
    const set = readSet(s, key, true);
    if (set === null) return;
    if (set === undefined || l === 0) return r.set(0);
    if (l >= set.size) {
      const all = set.ordered();
      s.db.delete(key);
      s.changed(key, all.length);
      s.notify(NOTIFY_SET, 'spop', key);
      s.notify(NOTIFY_GENERIC, 'del', key);
      // Logged as what it did, not as a random choice to make again.
      s.propagateAs = [['del', key]];
      return replyMembers(s, all);
    }
    const popped: string[] = [];
    for (let i = 0; i < l; i++) {
      const m = set.randomMember();
      set.delete(m);
      popped.push(m);
    }
    s.changed(key, l);
    s.notify(NOTIFY_SET, 'spop', key);
    s.propagateAs = [['srem', key, ...popped]];
    return replyMembers(s, popped);
  }
  if (argv.length > 3) return r.error(SYNTAX);
  const set = readSet(s, key, true);
  if (set === null) return;
  if (set === undefined) return r.nil();
  const m = set.randomMember();
  set.delete(m);
  s.notify(NOTIFY_SET, 'spop', key);
  if (set.size === 0) {
    s.db.delete(key);
    s.notify(NOTIFY_GENERIC, 'del', key);
  }
  s.changed(key);
  s.propagateAs = [['srem', key, m]];
  r.bulk(m);
}

function srandmember(s: Session, argv: string[]): void {
  const r = s.reply;
  if (argv.length === 3) {
    const l = parseInt64(argv[2]!);
    if (l === null) return r.error(NOT_INTEGER);
    if (l < -9223372036854775807) {
      return r.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    }
    const set = readSet(s, argv[1]!);
    if (set === null) return;
    if (set === undefined || l === 0) return r.array(0);
    if (l < 0 || l === 1) {
      const count = Math.abs(l);
      r.array(count);
      for (let i = 0; i < count; i++) r.bulk(set.randomMember());
      return;
    }
    // The whole set, as an array (SPOP's count form replies a RESP3 set instead).
    if (l >= set.size) return replyMembers(s, set.ordered(), false);
    return replyMembers(s, distinctRandom(set.size, l, () => set.randomMember(), () => [...set.values()]), false);
  }
  if (argv.length > 3) return r.error(SYNTAX);
  const set = readSet(s, argv[1]!);
  if (set === null) return;
  if (set === undefined) return r.nil();
  r.bulk(set.randomMember());
}

function sscan(s: Session, argv: string[]): void {
  const cursor = scanCursor(s, argv[2]!);
  if (cursor === null) return;
  const set = readSet(s, argv[1]!);
  if (set === null) return;
  if (set === undefined) return replyEmptyScan(s);
  const opts = scanOptions(s, argv, 3, cursor, false);
  if (opts === null) return;
  const out: string[] = [];
  const visit = (m: string) => {
    if (!set.has(m)) return;
    if (opts.pattern !== null && !globMatch(opts.pattern, m)) return;
    out.push(m);
  };
  let next = '0';
  // An intset is returned whole, in order, in one call, as Redis does.
  if (set.intset) set.ordered().forEach(visit);
  else next = opts.cursors.scan(set, () => set.stableKeys(), cursor, opts.count, visit);
  s.reply.array(2);
  s.reply.bulk(next);
  s.reply.array(out.length);
  for (const m of out) s.reply.bulk(m);
}

const decl = (d: Omit<CommandDecl, 'group' | 'keys'> & { keys?: [number, number, number] }): CommandDecl => ({
  group: 'set',
  keys: [1, 1, 1],
  ...d,
});

const storeSpecs = (dstFlags: string[]): KeySpecDecl[] => [
  { flags: dstFlags, index: 1, lastKey: 0, keyStep: 1 },
  { flags: ['RO', 'access'], index: 2, lastKey: -1, keyStep: 1 },
];

export const setCommands: CommandDecl[] = [
  decl({
    name: 'sadd',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'set', 'fast'],
    keyFlags: ['RW', 'insert'],
    summary: 'Adds one or more members to a set. Creates the key if it doesn\'t exist.',
    since: '1.0.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    handler: (s, argv) => {
      let set = readSet(s, argv[1]!, true);
      if (set === null) return;
      if (set === undefined) {
        set = newSet(argv[2]!);
        s.db.add(argv[1]!, set);
      }
      let added = 0;
      for (let i = 2; i < argv.length; i++) if (addMember(s, set, argv[i]!)) added++;
      s.changed(argv[1]!, added);
      if (added > 0) s.notify(NOTIFY_SET, 'sadd', argv[1]!);
      s.reply.integer(added);
    },
  }),
  decl({
    name: 'srem',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['write', 'set', 'fast'],
    keyFlags: ['RW', 'delete'],
    summary: 'Removes one or more members from a set. Deletes the set if the last member was removed.',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of members to be removed.',
    handler: (s, argv) => {
      const set = readSet(s, argv[1]!, true);
      if (set === null) return;
      if (set === undefined) return s.reply.integer(0);
      let removed = 0;
      for (let i = 2; i < argv.length; i++) {
        if (set.delete(argv[i]!)) {
          removed++;
          if (set.size === 0) break;
        }
      }
      if (removed > 0) s.notify(NOTIFY_SET, 'srem', argv[1]!);
      if (set.size === 0) {
        s.db.delete(argv[1]!);
        s.notify(NOTIFY_GENERIC, 'del', argv[1]!);
      }
      s.changed(argv[1]!, removed);
      s.reply.integer(removed);
    },
  }),
  decl({
    name: 'sismember',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'set', 'fast'],
    keyFlags: ['RO'],
    summary: 'Determines whether a member belongs to a set.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const set = readSet(s, argv[1]!);
      if (set !== null) s.reply.integer(set?.has(argv[2]!) ? 1 : 0);
    },
  }),
  decl({
    name: 'smismember',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'set', 'fast'],
    keyFlags: ['RO', 'access'],
    summary: 'Determines whether multiple members belong to a set.',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    handler: (s, argv) => {
      const set = readSet(s, argv[1]!);
      if (set === null) return;
      s.reply.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) s.reply.integer(set?.has(argv[i]!) ? 1 : 0);
    },
  }),
  decl({
    name: 'smembers',
    arity: 2,
    flags: ['readonly'],
    acl: ['read', 'set', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns all members of a set.',
    since: '1.0.0',
    complexity: 'O(N) where N is the set cardinality.',
    tips: ['nondeterministic_output_order'],
    handler: (s, argv) => {
      const set = readSet(s, argv[1]!);
      if (set === null) return;
      replyMembers(s, set?.ordered() ?? []);
    },
  }),
  decl({
    name: 'scard',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'set', 'fast'],
    keyFlags: ['RO'],
    summary: 'Returns the number of members in a set.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const set = readSet(s, argv[1]!);
      if (set !== null) s.reply.integer(set?.size ?? 0);
    },
  }),
  decl({
    name: 'spop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'set', 'fast'],
    keyFlags: ['RW', 'access', 'delete'],
    summary: 'Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    tips: ['nondeterministic_output'],
    handler: spop,
  }),
  decl({
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'set', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Get one or multiple random members from a set',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    tips: ['nondeterministic_output'],
    handler: srandmember,
  }),
  decl({
    name: 'smove',
    arity: 4,
    flags: ['write', 'fast'],
    acl: ['write', 'set', 'fast'],
    keys: [1, 2, 1],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], index: 1, lastKey: 0, keyStep: 1 },
      { flags: ['RW', 'insert'], index: 2, lastKey: 0, keyStep: 1 },
    ],
    summary: 'Moves a member from one set to another.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const [, srcKey, dstKey, member] = argv as [string, string, string, string];
      const srcEntry = s.db.write(srcKey, !s.noTouch);
      const dstEntry = s.db.write(dstKey, !s.noTouch);
      if (srcEntry === undefined) return s.reply.integer(0);
      if (!(srcEntry.value instanceof SetValue) || (dstEntry && !(dstEntry.value instanceof SetValue))) {
        return s.reply.error(WRONGTYPE);
      }
      const src = srcEntry.value;
      if (dstEntry && dstEntry.value === src) return s.reply.integer(src.has(member) ? 1 : 0);
      if (!src.delete(member)) return s.reply.integer(0);
      s.notify(NOTIFY_SET, 'srem', srcKey);
      if (src.size === 0) {
        s.db.delete(srcKey);
        s.notify(NOTIFY_GENERIC, 'del', srcKey);
      }
      let dst = dstEntry?.value as SetValue | undefined;
      if (dst === undefined) {
        dst = newSet(member);
        s.db.add(dstKey, dst);
      }
      if (addMember(s, dst, member)) s.notify(NOTIFY_SET, 'sadd', dstKey);
      s.changed(srcKey);
      s.touchKey(dstKey);
      s.reply.integer(1);
    },
  }),
  decl({
    name: 'sinter',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'set', 'slow'],
    keys: [1, -1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the intersect of multiple sets.',
    since: '1.0.0',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    tips: ['nondeterministic_output_order'],
    handler: (s, argv) => sinter(s, argv.slice(1), null, false, 0),
  }),
  decl({
    name: 'sintercard',
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    acl: ['read', 'set', 'slow'],
    keys: [0, 0, 0],
    keySpecs: [{ flags: ['RO', 'access'], index: 1, lastKey: 0, keyStep: 1, keynum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }],
    summary: 'Returns the number of members of the intersect of multiple sets.',
    since: '7.0.0',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    handler: (s, argv) => {
      const numkeys = parseInt64(argv[1]!);
      if (numkeys === null || numkeys < 1) return s.reply.error('ERR numkeys should be greater than 0');
      if (numkeys > argv.length - 2) return s.reply.error("ERR Number of keys can't be greater than number of args");
      let limit = 0;
      for (let j = 2 + numkeys; j < argv.length; j++) {
        const more = argv.length - 1 - j;
        if (argv[j]!.toLowerCase() === 'limit' && more > 0) {
          j++;
          const l = parseInt64(argv[j]!);
          if (l === null || l < 0) return s.reply.error("ERR LIMIT can't be negative");
          limit = l;
        } else return s.reply.error(SYNTAX);
      }
      sinter(s, argv.slice(2, 2 + numkeys), null, true, limit);
    },
  }),
  decl({
    name: 'sinterstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'set', 'slow'],
    keys: [1, -1, 1],
    keySpecs: storeSpecs(['RW', 'update']),
    summary: 'Stores the intersect of multiple sets in a key.',
    since: '1.0.0',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    handler: (s, argv) => sinter(s, argv.slice(2), argv[1]!, false, 0),
  }),
  decl({
    name: 'sunion',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'set', 'slow'],
    keys: [1, -1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the union of multiple sets.',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    handler: (s, argv) => unionOrDiff(s, argv.slice(1), null, false),
  }),
  decl({
    name: 'sunionstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'set', 'slow'],
    keys: [1, -1, 1],
    keySpecs: storeSpecs(['OW', 'update']),
    summary: 'Stores the union of multiple sets in a key.',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    handler: (s, argv) => unionOrDiff(s, argv.slice(2), argv[1]!, false),
  }),
  decl({
    name: 'sdiff',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'set', 'slow'],
    keys: [1, -1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the difference of multiple sets.',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    handler: (s, argv) => unionOrDiff(s, argv.slice(1), null, true),
  }),
  decl({
    name: 'sdiffstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'set', 'slow'],
    keys: [1, -1, 1],
    keySpecs: storeSpecs(['OW', 'update']),
    summary: 'Stores the difference of multiple sets in a key.',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    handler: (s, argv) => unionOrDiff(s, argv.slice(2), argv[1]!, true),
  }),
  decl({
    name: 'sscan',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'set', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Iterates over members of a set.',
    since: '2.8.0',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output'],
    handler: sscan,
  }),
];
