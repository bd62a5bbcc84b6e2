/**
 * Generic key commands: existence, deletion, renaming, copying between databases,
 * iteration, database selection and flushing, OBJECT.
 */
import { NOTIFY_GENERIC } from '../engine/notify.js';
import type { Session } from '../engine/session.js';
import { globMatch } from '../store/glob.js';
import { KEEP_ALL, KEEP_BLOB, expireTime, typeName, type Value } from '../store/keyspace.js';
import { scanCursor, scanOptions } from './scan-args.js';
import type { CommandDecl } from './types.js';
import {
  DB_OUT_OF_RANGE,
  NO_SUCH_KEY,
  SAME_OBJECT,
  SYNTAX,
  int32Arg,
  replyHelp,
  stringEncoding,
} from './util.js';


/** Strings are immutable, so they are shared; aggregates provide a deep copy. */
function copyValue(value: Value): Value {
  if (typeof value === 'string') return value;
  // Invariant: COPY's lookup gives blobs back as strings (a ref cannot be shared).
  if (typeof value === 'number') throw new Error('cannot copy a blob ref');
  const copyable = value as Value & { clone?: () => Value };
  if (typeof copyable.clone !== 'function') throw new Error(`cannot copy a ${value.type}`);
  return copyable.clone();
}

function dbIndexArg(s: Session, arg: string): number | null {
  const id = int32Arg(s, arg);
  if (id === null) return null;
  if (id < 0 || id >= s.engine.keyspace.dbs.length) {
    s.reply.error(DB_OUT_OF_RANGE);
    return null;
  }
  return id;
}

function del(s: Session, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    if (s.db.delete(argv[i]!)) {
      n++;
      s.changed(argv[i]!);
      s.notify(NOTIFY_GENERIC, 'del', argv[i]!);
    }
  }
  s.reply.integer(n);
}

function rename(s: Session, argv: string[], nx: boolean): void {
  const src = argv[1]!;
  const dst = argv[2]!;
  const db = s.db;
  const entry = db.write(src, !s.noTouch);
  if (entry === undefined) return s.reply.error(NO_SUCH_KEY);
  if (src === dst) return nx ? s.reply.integer(0) : s.reply.ok();
  const target = db.write(dst, false);
  if (target !== undefined) {
    if (nx) return s.reply.integer(0);
    db.remove(dst, target);
  }
  db.remove(src, entry);
  const moved = db.add(dst, entry.value, expireTime(entry));
  moved.adoptClock(entry);
  s.changed(src);
  s.touchKey(dst);
  s.notify(NOTIFY_GENERIC, 'rename_from', src);
  s.notify(NOTIFY_GENERIC, 'rename_to', dst);
  if (nx) s.reply.integer(1);
  else s.reply.ok();
}

/** Parses FLUSHDB/FLUSHALL's optional SYNC|ASYNC; false after a syntax error. */
function flushOptions(s: Session, argv: string[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length === 2 && ['sync', 'async'].includes(argv[1]!.toLowerCase())) return true;
  s.reply.error(SYNTAX);
  return false;
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

/** Redis shares the integers 0..9999 between keys and reports them with this refcount. */
const SHARED_REFCOUNT = 2147483647;

const generic = (d: Omit<CommandDecl, 'group'>): CommandDecl => ({ group: 'generic', ...d });

export const keyCommands: CommandDecl[] = [
  generic({
    name: 'del',
    arity: -2,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow'],
    keys: [1, -1, 1],
    keyFlags: ['RM', 'delete'],
    summary: 'Deletes one or more keys.',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    handler: del,
  }),
  generic({
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast'],
    keys: [1, -1, 1],
    keyFlags: ['RM', 'delete'],
    summary: 'Asynchronously deletes one or more keys.',
    since: '4.0.0',
    complexity: 'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    handler: del,
  }),
  generic({
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace', 'read', 'fast'],
    keys: [1, -1, 1],
    keyFlags: ['RO'],
    summary: 'Determines whether one or more keys exist.',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to check.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    handler: (s, argv) => {
      let n = 0;
      for (let i = 1; i < argv.length; i++) if (s.db.read(argv[i]!, false, KEEP_ALL) !== undefined) n++;
      s.reply.integer(n);
    },
  }),
  generic({
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace', 'read', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RO'],
    summary: 'Determines the type of value stored at a key.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const entry = s.db.read(argv[1]!, false, KEEP_ALL);
      s.reply.simple(entry === undefined ? 'none' : typeName(entry.value));
    },
  }),
  generic({
    name: 'rename',
    arity: 3,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow'],
    keys: [1, 2, 1],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 1, lastKey: 0, keyStep: 1 }, { flags: ['OW', 'update'], index: 2, lastKey: 0, keyStep: 1 }],
    summary: 'Renames a key and overwrites the destination.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => rename(s, argv, false),
  }),
  generic({
    name: 'renamenx',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast'],
    keys: [1, 2, 1],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 1, lastKey: 0, keyStep: 1 }, { flags: ['OW', 'insert'], index: 2, lastKey: 0, keyStep: 1 }],
    summary: 'Renames a key only when the target key name doesn\'t exist.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => rename(s, argv, true),
  }),
  generic({
    name: 'copy',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['keyspace', 'write', 'slow'],
    keys: [1, 2, 1],
    keySpecs: [{ flags: ['RO', 'access'], index: 1, lastKey: 0, keyStep: 1 }, { flags: ['OW', 'update'], index: 2, lastKey: 0, keyStep: 1 }],
    summary: 'Copies the value of a key to a new key.',
    since: '6.2.0',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    handler: (s, argv) => {
      let replace = false;
      let dst = s.db;
      for (let j = 3; j < argv.length; j++) {
        const opt = argv[j]!.toLowerCase();
        if (opt === 'replace') replace = true;
        else if (opt === 'db' && j + 1 < argv.length) {
          const id = int32Arg(s, argv[j + 1]!);
          if (id === null) return;
          if (id < 0 || id >= s.engine.keyspace.dbs.length) return s.reply.error(DB_OUT_OF_RANGE);
          dst = s.engine.keyspace.dbs[id]!;
          j++;
        } else return s.reply.error(SYNTAX);
      }
      const key = argv[1]!;
      const newKey = argv[2]!;
      if (dst === s.db && key === newKey) return s.reply.error(SAME_OBJECT);
      const entry = s.db.read(key, !s.noTouch);
      if (entry === undefined) return s.reply.integer(0);
      const existing = dst.write(newKey, false);
      if (existing !== undefined) {
        if (!replace) return s.reply.integer(0);
        dst.remove(newKey, existing);
      }
      const copied = dst.add(newKey, copyValue(entry.value), expireTime(entry));
      copied.lru |= entry.stringKind;
      s.changed(newKey, 1, dst);
      s.notify(NOTIFY_GENERIC, 'copy_to', newKey, dst);
      s.reply.integer(1);
    },
  }),
  generic({
    name: 'move',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'access', 'update'],
    summary: 'Moves a key to another database.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const id = int32Arg(s, argv[2]!);
      if (id === null) return;
      if (id < 0 || id >= s.engine.keyspace.dbs.length) return s.reply.error(DB_OUT_OF_RANGE);
      const dst = s.engine.keyspace.dbs[id]!;
      if (dst === s.db) return s.reply.error(SAME_OBJECT);
      const key = argv[1]!;
      const entry = s.db.write(key, !s.noTouch);
      if (entry === undefined) return s.reply.integer(0);
      if (dst.write(key, false) !== undefined) return s.reply.integer(0);
      s.db.remove(key, entry);
      const moved = dst.add(key, entry.value, expireTime(entry));
      moved.adoptClock(entry);
      s.changed(key);
      s.touchKey(key, dst);
      s.notify(NOTIFY_GENERIC, 'move_from', key);
      s.notify(NOTIFY_GENERIC, 'move_to', key, dst);
      s.reply.integer(1);
    },
  }),
  generic({
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow', 'dangerous'],
    keys: [0, 0, 0],
    summary: 'Returns all key names that match a pattern.',
    since: '1.0.0',
    complexity: 'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    handler: (s, argv) => {
      const pattern = argv[1]!;
      const all = pattern === '*';
      const now = s.engine.clock.now;
      const found: string[] = [];
      for (const [key, entry] of s.db.keys) {
        if (entry.expireAt !== 0 && entry.expireAt < now) continue;
        if (all || globMatch(pattern, key)) found.push(key);
      }
      s.reply.array(found.length);
      for (const key of found) s.reply.bulk(key);
    },
  }),
  generic({
    name: 'scan',
    arity: -2,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow'],
    keys: [0, 0, 0],
    summary: 'Iterates over the key names in the database.',
    since: '2.8.0',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output', 'request_policy:special'],
    handler: (s, argv) => {
      const cursor = scanCursor(s, argv[1]!);
      if (cursor === null) return;
      const opts = scanOptions(s, argv, 2, cursor, true);
      if (opts === null) return;
      const { count, pattern, type } = opts;
      const now = s.engine.clock.now;
      const db = s.db;
      const found: string[] = [];
      const next = opts.cursors.scanMap(db.keys, cursor, count, (key) => {
        const entry = db.keys.get(key);
        if (entry === undefined) return;
        if (entry.expireAt !== 0 && entry.expireAt < now) {
          db.expire(key);
          return;
        }
        if (pattern !== null && !globMatch(pattern, key)) return;
        if (type !== null && typeName(entry.value) !== type) return;
        found.push(key);
      });
      s.reply.array(2);
      s.reply.bulk(next);
      s.reply.array(found.length);
      for (const key of found) s.reply.bulk(key);
    },
  }),
  generic({
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow'],
    summary: 'Returns a random key name from the database.',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    handler: (s) => {
      const key = s.db.randomKey();
      if (key === null) s.reply.nil();
      else s.reply.bulk(key);
    },
  }),
  generic({
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace', 'read', 'fast'],
    keys: [1, -1, 1],
    keyFlags: ['RO'],
    summary: 'Returns the number of existing keys out of those specified after updating the time they were last accessed.',
    since: '3.2.1',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    handler: (s, argv) => {
      let n = 0;
      for (let i = 1; i < argv.length; i++) if (s.db.read(argv[i]!, !s.noTouch, KEEP_ALL) !== undefined) n++;
      s.reply.integer(n);
    },
  }),
  generic({
    name: 'object',
    arity: -2,
    flags: [],
    acl: ['slow'],
    summary: 'A container for object introspection commands.',
    since: '2.2.3',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'encoding',
        arity: 3,
        flags: ['readonly'],
        acl: ['keyspace', 'read', 'slow'],
        keys: [2, 2, 1],
        keyFlags: ['RO'],
        group: 'generic',
        summary: 'Returns the internal encoding of a Redis object.',
        since: '2.2.3',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler: (s, argv) => {
          const entry = s.db.find(argv[2]!, KEEP_BLOB);
          if (entry === undefined) return s.reply.nil();
          const v = entry.value;
          // A blob is longer than any integer or embstr: Redis's raw.
          s.reply.bulk(typeof v === 'string' ? stringEncoding(v, entry.stringKind) : typeof v === 'number' ? 'raw' : v.encoding());
        },
      },
      {
        name: 'freq',
        arity: 3,
        flags: ['readonly'],
        acl: ['keyspace', 'read', 'slow'],
        keys: [2, 2, 1],
        keyFlags: ['RO'],
        group: 'generic',
        summary: 'Returns the logarithmic access frequency counter of a Redis object.',
        since: '4.0.0',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler: (s, argv) => {
          const entry = s.db.find(argv[2]!);
          if (entry === undefined) return s.reply.nil();
          if (!s.engine.config.maxmemoryPolicy.endsWith('-lfu')) {
            return s.reply.error(
              'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
            );
          }
          s.reply.integer(s.engine.keyspace.lfuDecayed(entry));
        },
      },
      {
        name: 'idletime',
        arity: 3,
        flags: ['readonly'],
        acl: ['keyspace', 'read', 'slow'],
        keys: [2, 2, 1],
        keyFlags: ['RO'],
        group: 'generic',
        summary: 'Returns the time since the last access to a Redis object.',
        since: '2.2.3',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler: (s, argv) => {
          const entry = s.db.find(argv[2]!);
          if (entry === undefined) return s.reply.nil();
          if (s.engine.config.maxmemoryPolicy.endsWith('-lfu')) {
            return s.reply.error(
              'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
            );
          }
          s.reply.integer(s.engine.keyspace.idleSeconds(entry));
        },
      },
      {
        name: 'refcount',
        arity: 3,
        flags: ['readonly'],
        acl: ['keyspace', 'read', 'slow'],
        keys: [2, 2, 1],
        keyFlags: ['RO'],
        group: 'generic',
        summary: 'Returns the reference count of a value of a key.',
        since: '2.2.3',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler: (s, argv) => {
          const entry = s.db.find(argv[2]!);
          if (entry === undefined) return s.reply.nil();
          const v = entry.value;
          const shared = typeof v === 'string' && v.length <= 4 && stringEncoding(v, entry.stringKind) === 'int' && Number(v) >= 0 && Number(v) < 10000;
          s.reply.integer(shared ? SHARED_REFCOUNT : 1);
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['keyspace', 'slow'],
        group: 'generic',
        summary: 'Returns helpful text about the different subcommands.',
        since: '6.2.0',
        complexity: 'O(1)',
        handler: (s) => replyHelp(s, 'object', OBJECT_HELP),
      },
    ],
  }),
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    acl: ['keyspace', 'read', 'fast'],
    group: 'server',
    summary: 'Returns the number of keys in the database.',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    handler: (s) => s.reply.integer(s.db.size),
  },
  {
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast', 'connection'],
    group: 'connection',
    summary: 'Changes the selected database.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const id = dbIndexArg(s, argv[1]!);
      if (id === null) return;
      s.select(id);
      s.reply.ok();
    },
  },
  {
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast', 'dangerous'],
    group: 'server',
    summary: 'Swaps two Redis databases.',
    since: '4.0.0',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    handler: (s, argv) => {
      const a = int32Arg(s, argv[1]!, 'ERR invalid first DB index');
      if (a === null) return;
      const b = int32Arg(s, argv[2]!, 'ERR invalid second DB index');
      if (b === null) return;
      const n = s.engine.keyspace.dbs.length;
      if (a < 0 || a >= n || b < 0 || b >= n) return s.reply.error(DB_OUT_OF_RANGE);
      if (a !== b) {
        const dbA = s.engine.keyspace.dbs[a]!;
        const dbB = s.engine.keyspace.dbs[b]!;
        s.engine.keyspace.swap(a, b);
        s.engine.blocking.signalDatabase(dbA);
        s.engine.blocking.signalDatabase(dbB);
        s.engine.blocking.signalModifiedAll(dbA);
        s.engine.blocking.signalModifiedAll(dbB);
        s.engine.watches.touchDb(dbA, dbB);
        s.engine.watches.touchDb(dbB, dbA);
      }
      s.engine.keyspace.dirty++;
      s.reply.ok();
    },
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    group: 'server',
    summary: 'Remove all keys from the current database.',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys in the selected database',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: (s, argv) => {
      if (!flushOptions(s, argv)) return;
      s.engine.watches.touchDb(s.db);
      s.engine.flushed();
      s.engine.keyspace.dirty += s.db.size;
      s.db.clear();
      s.engine.blocking.signalModifiedAll(s.db);
      s.reply.ok();
    },
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    group: 'server',
    summary: 'Removes all keys from all databases.',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: (s, argv) => {
      if (!flushOptions(s, argv)) return;
      for (const db of s.engine.keyspace.dbs) s.engine.watches.touchDb(db);
      s.engine.flushed();
      // Counted as Redis 7.0 counts it: one change per key removed (0 after the save below).
      s.engine.keyspace.dirty += s.engine.keyspace.totalKeys;
      s.engine.keyspace.flushAll();
      for (const db of s.engine.keyspace.dbs) s.engine.blocking.signalModifiedAll(db);
      s.engine.persistence.afterFlushAll();
      s.reply.ok();
    },
  },
];

