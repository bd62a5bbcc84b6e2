/**
 * Persistence commands: SAVE, BGSAVE, LASTSAVE, and DUMP / RESTORE (in the generic group,
 * as Redis files them).
 */
import type { CommandDecl } from './types.js';
import { NOTIFY_GENERIC } from '../engine/notify.js';
import type { Session } from '../engine/session.js';
import { INT64_MAX, NOT_INTEGER, SYNTAX, intArg, parseInt64 } from './util.js';
import { dumpPayload, readPayload, verifyPayload } from '../persistence/dump.js';
import { encodingLimits } from '../persistence/persistence.js';

function restore(s: Session, argv: string[]): void {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - j - 1;
    if (opt === 'replace') replace = true;
    else if (opt === 'absttl') absttl = true;
    else if (opt === 'idletime' && more >= 1 && freq === -1) {
      const n = intArg(s, argv[++j]!);
      if (n === null) return;
      if (n < 0) return s.reply.error('ERR Invalid IDLETIME value, must be >= 0');
      idle = n;
    } else if (opt === 'freq' && more >= 1 && idle === -1) {
      const n = intArg(s, argv[++j]!);
      if (n === null) return;
      if (n < 0 || n > 255) return s.reply.error('ERR Invalid FREQ value, must be >= 0 and <= 255');
      freq = n;
    } else return s.reply.error(SYNTAX);
  }
  const key = argv[1]!;
  const db = s.db;
  if (!replace && db.write(key, false) !== undefined) return s.reply.error('BUSYKEY Target key name already exists.');
  const ttl = parseInt64(argv[2]!);
  if (ttl === null) return s.reply.error(NOT_INTEGER);
  if (ttl < 0) return s.reply.error('ERR Invalid TTL value, must be >= 0');
  const payload = Buffer.from(argv[3]!, 'latin1');
  if (!verifyPayload(payload)) return s.reply.error('ERR DUMP payload version or checksum are wrong');
  const loaded = readPayload(payload, encodingLimits(s.engine));
  if ('error' in loaded) return s.reply.error(loaded.error);
  const deleted = replace && db.delete(key);
  // Past 2^53 a double would round the time: the keyspace keeps it exact.
  let when: number | bigint = ttl;
  if (ttl !== 0 && !absttl) when = ttl + s.engine.clock.now;
  if (!Number.isSafeInteger(when)) when = BigInt(argv[2]!) + (absttl ? 0n : BigInt(s.engine.clock.now));
  // Redis 7.0 adds the clock to a relative TTL in int64: past INT64_MAX it wraps to a time
  // long gone, and the key counts as expired.
  if (when > INT64_MAX) when = -1;
  if (when !== 0 && when <= s.engine.clock.now) {
    // Already expired: the key is not created (a replaced one is deleted).
    if (deleted) {
      s.changed(key);
      s.notify(NOTIFY_GENERIC, 'del', key);
    }
    return s.reply.ok();
  }
  const entry = db.add(key, loaded.value, when);
  s.engine.keyspace.restoreAccess(entry, idle, freq);
  s.changed(key);
  s.notify(NOTIFY_GENERIC, 'restore', key);
  s.reply.ok();
}

export const persistenceCommands: CommandDecl[] = [
  {
    name: 'save',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    summary: 'Synchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler: (s) => {
      const error = s.engine.persistence.saveSync();
      if (error !== null) return s.reply.error(error);
      s.reply.ok();
    },
  },
  {
    name: 'bgsave',
    arity: -1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    summary: 'Asynchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      if (argv.length > 2 || (argv.length === 2 && argv[1]!.toLowerCase() !== 'schedule')) return s.reply.error(SYNTAX);
      const error = s.engine.persistence.startBackground();
      if (error !== null) return s.reply.error(error);
      s.reply.simple('Background saving started');
    },
  },
  {
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    summary: 'Asynchronously rewrite the append-only file',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s) => {
      const result = s.engine.aof.rewrite();
      if (result.startsWith('ERR')) return s.reply.error(result);
      s.reply.simple(result);
    },
  },
  {
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['admin', 'fast', 'dangerous'],
    group: 'server',
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler: (s) => s.reply.integer(s.engine.persistence.lastSave),
  },
  {
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    group: 'generic',
    summary: 'Return a serialized version of the value stored at the specified key.',
    since: '2.6.0',
    complexity:
      'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
    tips: ['nondeterministic_output'],
    handler: (s, argv) => {
      const entry = s.db.read(argv[1]!, !s.noTouch);
      if (entry === undefined) return s.reply.nil();
      const payload = dumpPayload(entry.value);
      s.reply.bulk(payload.latin1Slice(0, payload.length));
    },
  },
  {
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    keys: [1, 1, 1],
    keyFlags: ['OW', 'update'],
    group: 'generic',
    summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
    since: '2.6.0',
    complexity:
      'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
    handler: restore,
  },
];
