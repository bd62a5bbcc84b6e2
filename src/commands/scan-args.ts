/**
 * Arguments of SCAN, HSCAN and SSCAN, parsed in Redis's order: the cursor first (before the
 * key is looked up), the options after the key's type was checked.
 */
import type { Session } from '../engine/session.js';
import { scanCursors, type ScanCursors } from '../store/scan.js';
import { SYNTAX, intArg } from './util.js';

export interface ScanOptions {
  cursor: string;
  count: number;
  pattern: string | null;
  type: string | null;
  cursors: ScanCursors;
}

/**
 * Redis parses the cursor with strtoul: digits with an optional sign, no spaces. Cursors
 * are opaque here; any number that is not a live cursor starts over. Returns the
 * normalized cursor, or null after replying "invalid cursor".
 */
export function scanCursor(s: Session, arg: string): string | null {
  if (!/^[+-]?\d*$/.test(arg) || (arg.length > 0 && /^[+-]$/.test(arg))) {
    s.reply.error('ERR invalid cursor');
    return null;
  }
  return /^[+-]?0*$/.test(arg) ? '0' : arg.replace(/^\+/, '');
}

/** COUNT, MATCH and (for SCAN only) TYPE from argv[from]; null after a reply. */
export function scanOptions(s: Session, argv: string[], from: number, cursor: string, forKeys: boolean): ScanOptions | null {
  const opts: ScanOptions = { cursor, count: 10, pattern: null, type: null, cursors: scanCursors };
  for (let i = from; i < argv.length; ) {
    const opt = argv[i]!.toLowerCase();
    const left = argv.length - i;
    if (opt === 'count' && left >= 2) {
      const n = intArg(s, argv[i + 1]!);
      if (n === null) return null;
      if (n < 1) {
        s.reply.error(SYNTAX);
        return null;
      }
      opts.count = n;
      i += 2;
    } else if (opt === 'match' && left >= 2) {
      opts.pattern = argv[i + 1] === '*' ? null : argv[i + 1]!;
      i += 2;
    } else if (opt === 'type' && forKeys && left >= 2) {
      opts.type = argv[i + 1]!.toLowerCase();
      i += 2;
    } else {
      s.reply.error(SYNTAX);
      return null;
    }
  }
  return opts;
}

/** Redis's shared.emptyscan: cursor 0 and no elements. */
export function replyEmptyScan(s: Session): void {
  s.reply.array(2);
  s.reply.bulk('0');
  s.reply.array(0);
}
