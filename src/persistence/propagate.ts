/**
 * What a write command puts in the append-only file. Replaying the log must rebuild the
 * same data later, so commands whose effect depends on when or by chance they ran are
 * logged as their deterministic effect, as Redis propagates them:
 * relative expiries become absolute (PEXPIREAT, SET ... PXAT, RESTORE ... ABSTTL), an
 * expiry that deleted the key becomes DEL, and SPOP's random choice becomes SREM (the
 * handler says which members, via Session.propagateAs).
 */
import type { Session } from '../engine/session.js';
import { expireTime } from '../store/keyspace.js';

const TTL_OPTIONS = new Set(['ex', 'px', 'exat', 'pxat']);

/** The commands to log for argv, which just ran in s and changed data. */
export function propagated(s: Session, name: string, argv: string[]): string[][] {
  if (s.propagateAs !== null) return s.propagateAs;
  switch (name) {
    case 'expire':
    case 'pexpire':
    case 'expireat':
    case 'pexpireat':
      return [expiryOf(s, argv[1]!)];
    case 'setex':
    case 'psetex':
      return [withExpiry(s, argv[1]!, argv[3]!)];
    case 'set': {
      if (argv.length === 3) return [argv];
      let timed = false;
      for (let i = 3; i < argv.length; i++) {
        const option = argv[i]!.toLowerCase();
        if (TTL_OPTIONS.has(option) || option === 'keepttl') timed = true;
      }
      return timed ? [withExpiry(s, argv[1]!, argv[2]!)] : [argv];
    }
    case 'getex': {
      if (argv.length === 2) return [];
      const option = argv[2]!.toLowerCase();
      return option === 'persist' ? [['persist', argv[1]!]] : [expiryOf(s, argv[1]!)];
    }
    case 'restore':
      return [restoreAbsolute(s, argv)];
    default:
      return [argv];
  }
}

/** The key's expiry as it now is: PEXPIREAT, or DEL if the expiry removed it. */
function expiryOf(s: Session, key: string): string[] {
  const entry = s.db.find(key);
  if (entry === undefined) return ['del', key];
  if (entry.expireAt === 0) return ['persist', key];
  return ['pexpireat', key, String(expireTime(entry))];
}

/** SET key value with the key's absolute expiry, or DEL if it is already gone. */
function withExpiry(s: Session, key: string, value: string): string[] {
  const entry = s.db.find(key);
  if (entry === undefined) return ['del', key];
  return entry.expireAt === 0 ? ['set', key, value] : ['set', key, value, 'PXAT', String(expireTime(entry))];
}

/** RESTORE key ttl payload [REPLACE] [ABSTTL] ...: a relative TTL made absolute. */
function restoreAbsolute(s: Session, argv: string[]): string[] {
  if (argv[2] === '0' || argv.some((a, i) => i > 3 && a.toLowerCase() === 'absttl')) return argv;
  const entry = s.db.find(argv[1]!);
  if (entry === undefined) return ['del', argv[1]!];
  const out = argv.slice();
  out[2] = String(expireTime(entry));
  out.push('ABSTTL');
  return out;
}
