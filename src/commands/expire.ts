/**
 * Key expiry: EXPIRE and friends (with NX/XX/GT/LT), TTL queries, PERSIST.
 */
import { NOTIFY_GENERIC } from '../engine/notify.js';
import type { Session } from '../engine/session.js';
import type { CommandDecl } from './types.js';
import { INT64_MAX, INT64_MIN, NOT_INTEGER, parseInt64 } from './util.js';
import { KEEP_ALL, expireTime } from '../store/keyspace.js';

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

/** Redis's expireGenericCommand. basetime: 0 for the *AT forms, now otherwise. */
function expireGeneric(s: Session, argv: string[], relative: boolean, seconds: boolean, command: string): void {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'nx') flags |= NX;
    else if (opt === 'xx') flags |= XX;
    else if (opt === 'gt') flags |= GT;
    else if (opt === 'lt') flags |= LT;
    else return s.reply.error(`ERR Unsupported option ${argv[j]}`);
  }
  if (flags & NX && flags & (XX | GT | LT)) {
    return s.reply.error('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & GT && flags & LT) return s.reply.error('ERR GT and LT options at the same time are not compatible');
  const n = parseInt64(argv[2]!);
  if (n === null) return s.reply.error(NOT_INTEGER);
  const invalid = `ERR invalid expire time in '${command}' command`;
  const basetime = relative ? s.engine.clock.now : 0;
  let when: number;
  let exact: bigint | null = null;
  if (Number.isSafeInteger(n) && Math.abs(n) < 1e15) {
    when = (seconds ? n * 1000 : n) + basetime;
  } else {
    // Exact int64 arithmetic near the bounds, as Redis checks them.
    let w = BigInt(argv[2]!);
    if (seconds) {
      if (w > INT64_MAX / 1000n || w < INT64_MIN / 1000n) return s.reply.error(invalid);
      w *= 1000n;
    }
    if (w > INT64_MAX - BigInt(basetime)) return s.reply.error(invalid);
    exact = w + BigInt(basetime);
    when = Number(exact);
  }
  const key = argv[1]!;
  const entry = s.db.write(key, !s.noTouch, KEEP_ALL);
  if (entry === undefined) return s.reply.integer(0);
  if (flags) {
    // Exact values (JS compares a number with a bigint exactly): near INT64_MAX two times
    // can share one double.
    const current = entry.expireAt === 0 ? -1 : expireTime(entry);
    const next = exact ?? when;
    if (flags & NX && current !== -1) return s.reply.integer(0);
    if (flags & XX && current === -1) return s.reply.integer(0);
    if (flags & GT && (next <= current || current === -1)) return s.reply.integer(0);
    if (flags & LT && current !== -1 && next >= current) return s.reply.integer(0);
  }
  const past = when <= s.engine.clock.now;
  if (past) s.db.remove(key, entry);
  else s.db.setExpire(key, entry, exact ?? when);
  s.changed(key);
  s.notify(NOTIFY_GENERIC, past ? 'del' : 'expire', key);
  s.reply.integer(1);
}

/** TTL-type replies: -2 no key, -1 no expiry, else the time left (relative) or the expiry time, in ms or rounded to seconds. */
function ttlGeneric(s: Session, key: string, relative: boolean, ms: boolean): void {
  const entry = s.db.read(key, false, KEEP_ALL);
  if (entry === undefined) return s.reply.integer(-2);
  if (entry.expireAt === 0) return s.reply.integer(-1);
  const at = expireTime(entry);
  const now = s.engine.clock.now;
  if (typeof at === 'number') {
    const t = relative ? Math.max(0, at - now) : at;
    return s.reply.integer(ms ? t : Math.floor((t + 500) / 1000));
  }
  // Past 2^53, Redis's int64 arithmetic exactly: (t + 500) / 1000 truncates, as BigInt division does.
  const t = relative ? (at > BigInt(now) ? at - BigInt(now) : 0n) : at;
  s.reply.integer(ms ? t : (t + 500n) / 1000n);
}

const expiryDecl = (
  name: string,
  summary: string,
  since: string,
  relative: boolean,
  seconds: boolean,
): CommandDecl => ({
  name,
  arity: -3,
  flags: ['write', 'fast'],
  acl: ['keyspace', 'write', 'fast'],
  keys: [1, 1, 1],
  keyFlags: ['RW', 'update'],
  group: 'generic',
  summary,
  since,
  complexity: 'O(1)',
  handler: (s, argv) => expireGeneric(s, argv, relative, seconds, name),
});

const ttlDecl = (name: string, summary: string, since: string, relative: boolean, ms: boolean, tips: string[]): CommandDecl => ({
  name,
  arity: 2,
  flags: ['readonly', 'fast'],
  acl: ['keyspace', 'read', 'fast'],
  keys: [1, 1, 1],
  keyFlags: ['RO', 'access'],
  group: 'generic',
  summary,
  since,
  complexity: 'O(1)',
  tips,
  handler: (s, argv) => ttlGeneric(s, argv[1]!, relative, ms),
});

export const expireCommands: CommandDecl[] = [
  expiryDecl('expire', 'Sets the expiration time of a key in seconds.', '1.0.0', true, true),
  expiryDecl('pexpire', 'Sets the expiration time of a key in milliseconds.', '2.6.0', true, false),
  expiryDecl('expireat', 'Sets the expiration time of a key to a Unix timestamp.', '1.2.0', false, true),
  expiryDecl('pexpireat', 'Sets the expiration time of a key to a Unix milliseconds timestamp.', '2.6.0', false, false),
  ttlDecl('ttl', 'Returns the expiration time in seconds of a key.', '1.0.0', true, false, ['nondeterministic_output']),
  ttlDecl('pttl', 'Returns the expiration time in milliseconds of a key.', '2.6.0', true, true, ['nondeterministic_output']),
  ttlDecl('expiretime', 'Returns the expiration time of a key as a Unix timestamp.', '7.0.0', false, false, []),
  ttlDecl('pexpiretime', 'Returns the expiration time of a key as a Unix milliseconds timestamp.', '7.0.0', false, true, []),
  {
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'write', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'update'],
    group: 'generic',
    summary: 'Removes the expiration time of a key.',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const entry = s.db.write(argv[1]!, !s.noTouch, KEEP_ALL);
      if (entry === undefined || !s.db.persist(argv[1]!, entry)) return s.reply.integer(0);
      s.changed(argv[1]!);
      s.notify(NOTIFY_GENERIC, 'persist', argv[1]!);
      s.reply.integer(1);
    },
  },
];
