/**
 * Hash commands, with Redis 7.0's replies, errors and listpack/hashtable encoding rules.
 */
import { NOTIFY_GENERIC, NOTIFY_HASH } from '../engine/notify.js';
import type { Session } from '../engine/session.js';
import { HashValue, distinctRandom, type CompactLimits } from '../store/hash.js';
import { globMatch } from '../store/glob.js';
import type { CommandDecl } from './types.js';
import { add, formatHuman, fromInteger, isFinite, parseLongDouble } from './longdouble.js';
import { INT64_MAX, INT64_MIN, NOT_FLOAT, NOT_INTEGER, SYNTAX, WRONGTYPE, parseInt64, parseInt64Exact, readTyped } from './util.js';
import { replyEmptyScan, scanCursor, scanOptions } from './scan-args.js';

function limits(s: Session): CompactLimits {
  return { maxEntries: s.engine.config.hashMaxListpackEntries, maxValue: s.engine.config.hashMaxListpackValue };
}

const readHash = (s: Session, key: string) => readTyped(s, key, HashValue);

/** Redis's hashTypeLookupWriteOrCreate: the hash at key, created if missing; null after WRONGTYPE. */
function writeHash(s: Session, key: string): HashValue | null {
  const entry = s.db.write(key, !s.noTouch);
  if (entry === undefined) {
    const hash = new HashValue();
    s.db.add(key, hash);
    return hash;
  }
  if (!(entry.value instanceof HashValue)) {
    s.reply.error(WRONGTYPE);
    return null;
  }
  return entry.value;
}

/** Deletes the key when its hash became empty, as Redis never keeps empty aggregates. */
function dropIfEmpty(s: Session, key: string, hash: HashValue): void {
  if (hash.size === 0 && s.db.delete(key)) s.notify(NOTIFY_GENERIC, 'del', key);
}

function hset(s: Session, argv: string[], name: string): number | null {
  if (argv.length % 2 === 1) {
    s.reply.error(`ERR wrong number of arguments for '${name}' command`);
    return null;
  }
  const hash = writeHash(s, argv[1]!);
  if (hash === null) return null;
  const lim = limits(s);
  hash.checkLengths(argv, 2, lim);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (!hash.set(argv[i]!, argv[i + 1]!)) continue;
    created++;
    // Converted as soon as it outgrows the limit, as Redis's hashTypeSet does: a compact
    // hash's insert is O(size), so a huge HSET must not keep inserting into one.
    hash.checkSize(lim);
  }
  s.changed(argv[1]!, (argv.length - 2) / 2);
  s.notify(NOTIFY_HASH, 'hset', argv[1]!);
  return created;
}

/** HGETALL / HKEYS / HVALS */
function replyAll(s: Session, key: string, keys: boolean, values: boolean): void {
  const hash = readHash(s, key);
  if (hash === null) return;
  const r = s.reply;
  if (hash === undefined) {
    if (keys && values) r.map(0);
    else r.array(0);
    return;
  }
  if (keys && values) r.map(hash.size);
  else r.array(hash.size);
  hash.forEach((f, v) => {
    if (keys) r.bulk(f);
    if (values) r.bulk(v);
  });
}

function hrandfield(s: Session, argv: string[]): void {
  const r = s.reply;
  if (argv.length >= 3) {
    const l = parseInt64(argv[2]!);
    if (l === null) return r.error(NOT_INTEGER);
    if (l < -9223372036854775807) {
      return r.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    }
    let withValues = false;
    if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withvalues')) return r.error(SYNTAX);
    if (argv.length === 4) {
      withValues = true;
      if (l < -4611686018427387903 || l > 4611686018427387903) return r.error('ERR value is out of range');
    }
    const hash = readHash(s, argv[1]!);
    if (hash === null) return;
    if (hash === undefined || l === 0) return r.array(0);
    const nested = withValues && r.resp === 3;
    const emit = (f: string, v: string) => {
      if (nested) r.array(2);
      r.bulk(f);
      if (withValues) r.bulk(v);
    };
    if (l < 0 || l === 1) {
      const count = Math.abs(l);
      r.array(withValues && !nested ? count * 2 : count);
      for (let i = 0; i < count; i++) {
        const f = hash.randomField();
        emit(f, hash.get(f)!);
      }
      return;
    }
    const size = hash.size;
    const replySize = Math.min(l, size);
    r.array(withValues && !nested ? replySize * 2 : replySize);
    if (l >= size) {
      hash.forEach(emit);
      return;
    }
    for (const f of distinctRandom(size, l, () => hash.randomField(), () => hash.fieldNames())) emit(f, hash.get(f)!);
    return;
  }
  const hash = readHash(s, argv[1]!);
  if (hash === null) return;
  if (hash === undefined) return r.nil();
  r.bulk(hash.randomField());
}

function hscan(s: Session, argv: string[]): void {
  const cursor = scanCursor(s, argv[2]!);
  if (cursor === null) return;
  const hash = readHash(s, argv[1]!);
  if (hash === null) return;
  if (hash === undefined) return replyEmptyScan(s);
  const opts = scanOptions(s, argv, 3, cursor, false);
  if (opts === null) return;
  const r = s.reply;
  // A compact (listpack) hash is returned whole in one call, as Redis does; a large one
  // is walked COUNT fields at a time with a resumable cursor.
  const out: string[] = [];
  const visit = (f: string) => {
    const v = hash.get(f);
    if (v === undefined) return;
    if (opts.pattern !== null && !globMatch(opts.pattern, f)) return;
    out.push(f, v);
  };
  let next = '0';
  if (hash.compact) {
    hash.forEach((f, v) => {
      if (opts.pattern === null || globMatch(opts.pattern, f)) out.push(f, v);
    });
  } else next = opts.cursors.scanMap(hash.hashtable, opts.cursor, opts.count, visit);
  r.array(2);
  r.bulk(next);
  r.array(out.length);
  for (const x of out) r.bulk(x);
}

const decl = (d: Omit<CommandDecl, 'group' | 'keys'> & { keys?: [number, number, number] }): CommandDecl => ({
  group: 'hash',
  keys: [1, 1, 1],
  ...d,
});

export const hashCommands: CommandDecl[] = [
  decl({
    name: 'hset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hash', 'fast'],
    keyFlags: ['RW', 'update'],
    summary: 'Creates or modifies the value of a field in a hash.',
    since: '2.0.0',
    complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    handler: (s, argv) => {
      const created = hset(s, argv, 'hset');
      if (created !== null) s.reply.integer(created);
    },
  }),
  decl({
    name: 'hmset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hash', 'fast'],
    keyFlags: ['RW', 'update'],
    summary: 'Sets the values of multiple fields.',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being set.',
    deprecatedSince: '4.0.0',
    replacedBy: '`HSET` with multiple field-value pairs',
    docFlags: ['deprecated'],
    handler: (s, argv) => {
      if (hset(s, argv, 'hmset') !== null) s.reply.ok();
    },
  }),
  decl({
    name: 'hsetnx',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hash', 'fast'],
    keyFlags: ['RW', 'insert'],
    summary: 'Sets the value of a field in a hash only when the field doesn\'t exist.',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const hash = writeHash(s, argv[1]!);
      if (hash === null) return;
      const lim = limits(s);
      hash.checkLengths(argv, 2, lim);
      if (hash.has(argv[2]!)) return s.reply.integer(0);
      hash.set(argv[2]!, argv[3]!);
      hash.checkSize(lim);
      s.changed(argv[1]!);
      s.notify(NOTIFY_HASH, 'hset', argv[1]!);
      s.reply.integer(1);
    },
  }),
  decl({
    name: 'hget',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'hash', 'fast'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the value of a field in a hash.',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const hash = readHash(s, argv[1]!);
      if (hash === null) return;
      const v = hash?.get(argv[2]!);
      if (v === undefined) s.reply.nil();
      else s.reply.bulk(v);
    },
  }),
  decl({
    name: 'hmget',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'hash', 'fast'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the values of all fields in a hash.',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being requested.',
    handler: (s, argv) => {
      const hash = readHash(s, argv[1]!);
      if (hash === null) return;
      s.reply.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) {
        const v = hash?.get(argv[i]!);
        if (v === undefined) s.reply.nil();
        else s.reply.bulk(v);
      }
    },
  }),
  decl({
    name: 'hdel',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['write', 'hash', 'fast'],
    keyFlags: ['RW', 'delete'],
    summary: 'Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields to be removed.',
    handler: (s, argv) => {
      const entry = s.db.write(argv[1]!, !s.noTouch);
      if (entry === undefined) return s.reply.integer(0);
      if (!(entry.value instanceof HashValue)) return s.reply.error(WRONGTYPE);
      const hash = entry.value;
      let deleted = 0;
      for (let i = 2; i < argv.length; i++) {
        if (hash.delete(argv[i]!)) {
          deleted++;
          if (hash.size === 0) break;
        }
      }
      if (deleted > 0) s.notify(NOTIFY_HASH, 'hdel', argv[1]!);
      dropIfEmpty(s, argv[1]!, hash);
      s.changed(argv[1]!, deleted);
      s.reply.integer(deleted);
    },
  }),
  decl({
    name: 'hlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'hash', 'fast'],
    keyFlags: ['RO'],
    summary: 'Returns the number of fields in a hash.',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const hash = readHash(s, argv[1]!);
      if (hash !== null) s.reply.integer(hash?.size ?? 0);
    },
  }),
  decl({
    name: 'hstrlen',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'hash', 'fast'],
    keyFlags: ['RO'],
    summary: 'Returns the length of the value of a field.',
    since: '3.2.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const hash = readHash(s, argv[1]!);
      if (hash !== null) s.reply.integer(hash?.get(argv[2]!)?.length ?? 0);
    },
  }),
  decl({
    name: 'hexists',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'hash', 'fast'],
    keyFlags: ['RO'],
    summary: 'Determines whether a field exists in a hash.',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const hash = readHash(s, argv[1]!);
      if (hash !== null) s.reply.integer(hash?.has(argv[2]!) ? 1 : 0);
    },
  }),
  decl({
    name: 'hkeys',
    arity: 2,
    flags: ['readonly'],
    acl: ['read', 'hash', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns all fields in a hash.',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'],
    handler: (s, argv) => replyAll(s, argv[1]!, true, false),
  }),
  decl({
    name: 'hvals',
    arity: 2,
    flags: ['readonly'],
    acl: ['read', 'hash', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns all values in a hash.',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'],
    handler: (s, argv) => replyAll(s, argv[1]!, false, true),
  }),
  decl({
    name: 'hgetall',
    arity: 2,
    flags: ['readonly'],
    acl: ['read', 'hash', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns all fields and values in a hash.',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'],
    handler: (s, argv) => replyAll(s, argv[1]!, true, true),
  }),
  decl({
    name: 'hincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hash', 'fast'],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn\'t exist.',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const incr = parseInt64Exact(argv[3]!);
      if (incr === null) return s.reply.error(NOT_INTEGER);
      const hash = writeHash(s, argv[1]!);
      if (hash === null) return;
      const current = hash.get(argv[2]!);
      let value = 0n;
      if (current !== undefined) {
        const parsed = parseInt64Exact(current);
        if (parsed === null) return s.reply.error('ERR hash value is not an integer');
        value = parsed;
      }
      const sum = value + incr;
      if (sum > INT64_MAX || sum < INT64_MIN) return s.reply.error('ERR increment or decrement would overflow');
      const text = sum.toString();
      hash.set(argv[2]!, text);
      hash.checkSize(limits(s));
      s.changed(argv[1]!);
      s.notify(NOTIFY_HASH, 'hincrby', argv[1]!);
      s.reply.integer(text);
    },
  }),
  decl({
    name: 'hincrbyfloat',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hash', 'fast'],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn\'t exist.',
    since: '2.6.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const incr = parseLongDouble(argv[3]!);
      if (incr === null) return s.reply.error(NOT_FLOAT);
      if (!isFinite(incr)) return s.reply.error('ERR value is NaN or Infinity');
      const hash = writeHash(s, argv[1]!);
      if (hash === null) return;
      const current = hash.get(argv[2]!);
      let value = fromInteger(0n);
      if (current !== undefined) {
        const asInt = parseInt64Exact(current);
        const parsed = asInt !== null ? fromInteger(asInt) : parseLongDouble(current);
        if (parsed === null) return s.reply.error('ERR hash value is not a float');
        value = parsed;
      }
      const sum = add(value, incr);
      if (sum === null || !isFinite(sum)) return s.reply.error('ERR increment would produce NaN or Infinity');
      const text = formatHuman(sum);
      hash.set(argv[2]!, text);
      hash.checkSize(limits(s));
      s.changed(argv[1]!);
      s.notify(NOTIFY_HASH, 'hincrbyfloat', argv[1]!);
      s.reply.bulk(text);
    },
  }),
  decl({
    name: 'hrandfield',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'hash', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns one or more random fields from a hash.',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of fields returned',
    tips: ['nondeterministic_output'],
    handler: hrandfield,
  }),
  decl({
    name: 'hscan',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'hash', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Iterates over fields and values of a hash.',
    since: '2.8.0',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output'],
    handler: hscan,
  }),
];

