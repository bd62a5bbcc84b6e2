/**
 * Stream commands: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XREAD (with BLOCK) XSETID, with
 * Redis 7.0's ID parsing, trimming (exact, approximate by whole nodes, LIMIT) and errors.
 * Consumer groups (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM) and XINFO are
 * not implemented yet and answer as unknown commands.
 */
import type { Session } from '../engine/session.js';
import type { CommandDecl } from './types.js';
import { NOTIFY_STREAM } from '../engine/notify.js';
import {
  MAX_ID,
  UINT64_MAX,
  ZERO_ID,
  type StreamEntry,
  type StreamId,
  StreamValue,
  compareIds,
  idText,
  nextId,
  prevId,
} from '../store/stream.js';
import { INT64_MAX, NOT_INTEGER, SYNTAX, parseInt64, readTyped } from './util.js';

const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';

const readStream = (s: Session, key: string, write = false) => readTyped(s, key, StreamValue, write);

/**
 * Redis's string2ull: string2ll for a non-negative value, else strtoull's acceptance
 * (leading spaces, a sign, leading zeros; a minus wraps around, overflow fails).
 */
function string2ull(text: string): bigint | null {
  const n = parseInt64(text);
  if (n !== null) return n < 0 ? null : BigInt(text);
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(text);
  if (m === null) return null;
  const v = BigInt(m[2]!);
  if (v > UINT64_MAX) return null;
  return m[1] === '-' ? (UINT64_MAX + 1n - v) & UINT64_MAX : v;
}

interface ParsedId {
  id: StreamId;
  /** False for the "<ms>-*" form, whose sequence XADD generates. */
  seqGiven: boolean;
}

/**
 * Redis's streamGenericParseIDOrReply: "-", "+", "<ms>" (sequence missingSeq) or
 * "<ms>-<seq>"; with `strict` "-" and "+" are refused; with `allowSeqStar` "<ms>-*" too.
 */
function parseId(s: Session | null, text: string, missingSeq: bigint, strict: boolean, allowSeqStar = false): ParsedId | null {
  const fail = (): null => {
    s?.reply.error(INVALID_ID);
    return null;
  };
  if (text.length > 127) return fail();
  if (text === '-' || text === '+') {
    if (strict) return fail();
    return { id: text === '-' ? ZERO_ID : MAX_ID, seqGiven: true };
  }
  const dash = text.indexOf('-');
  const ms = string2ull(dash === -1 ? text : text.slice(0, dash));
  if (ms === null) return fail();
  if (dash === -1) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const rest = text.slice(dash + 1);
  if (allowSeqStar && rest === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = string2ull(rest);
  if (seq === null) return fail();
  return { id: { ms, seq }, seqGiven: true };
}

function replyEntries(s: Session, entries: StreamEntry[]): void {
  s.reply.array(entries.length);
  for (const e of entries) {
    s.reply.array(2);
    s.reply.bulk(idText(e.id));
    s.reply.array(e.fields.length);
    for (const f of e.fields) s.reply.bulk(f);
  }
}

interface TrimArgs {
  strategy: 'none' | 'maxlen' | 'minid';
  /** argv index of the threshold (MAXLEN count or MINID id). */
  argIndex: number;
  approx: boolean;
  limit: number;
  maxlen: number;
  minid: StreamId;
  noMkStream: boolean;
  id: ParsedId | null;
}

/** Redis's streamParseAddOrTrimArgsOrReply: the argv index of XADD's ID, or -1 after an error. */
function parseAddOrTrim(s: Session, argv: string[], xadd: boolean, args: TrimArgs): number {
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    const lower = opt.toLowerCase();
    if (xadd && opt === '*') break;
    if ((lower === 'maxlen' || lower === 'minid') && more > 0) {
      if (args.strategy !== 'none') {
        s.reply.error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
        return -1;
      }
      args.approx = false;
      const next = argv[i + 1]!;
      if (more >= 2 && next === '~') {
        args.approx = true;
        i++;
      } else if (more >= 2 && next === '=') {
        i++;
      }
      if (lower === 'maxlen') {
        const n = parseInt64(argv[i + 1]!);
        if (n === null) {
          s.reply.error(NOT_INTEGER);
          return -1;
        }
        if (n < 0) {
          s.reply.error('ERR The MAXLEN argument must be >= 0.');
          return -1;
        }
        args.maxlen = n;
      } else {
        const id = parseId(s, argv[i + 1]!, 0n, true);
        if (id === null) return -1;
        args.minid = id.id;
      }
      i++;
      args.strategy = lower;
      args.argIndex = i;
    } else if (lower === 'limit' && more > 0) {
      const n = parseInt64(argv[i + 1]!);
      if (n === null) {
        s.reply.error(NOT_INTEGER);
        return -1;
      }
      if (n < 0) {
        s.reply.error('ERR The LIMIT argument must be >= 0.');
        return -1;
      }
      args.limit = n;
      limitGiven = true;
      i++;
    } else if (xadd && lower === 'nomkstream') {
      args.noMkStream = true;
    } else if (xadd) {
      const id = parseId(s, opt, 0n, true, true);
      if (id === null) return -1;
      args.id = id;
      break;
    } else {
      s.reply.error(SYNTAX);
      return -1;
    }
  }
  if (args.limit !== 0 && args.strategy === 'none') {
    s.reply.error('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
    return -1;
  }
  if (!xadd && args.strategy === 'none') {
    s.reply.error('ERR syntax error, XTRIM must be called with a trimming strategy');
    return -1;
  }
  if (s.engine.aof.loading) {
    // Replayed writes were made exact when logged: no limit on the work.
    args.limit = 0;
  } else if (limitGiven) {
    if (!args.approx) {
      s.reply.error('ERR syntax error, LIMIT cannot be used without the special ~ option');
      return -1;
    }
  } else if (args.approx) {
    args.limit = 100 * s.engine.config.streamNodeMaxEntries;
    if (args.limit <= 0 || args.limit > 10000) args.limit = 10000;
  } else {
    args.limit = 0;
  }
  return i;
}

function newTrimArgs(): TrimArgs {
  return { strategy: 'none', argIndex: 0, approx: false, limit: 0, maxlen: 0, minid: ZERO_ID, noMkStream: false, id: null };
}

function limits(s: Session) {
  const c = s.engine.config;
  return { nodeMaxBytes: c.streamNodeMaxBytes, nodeMaxEntries: c.streamNodeMaxEntries };
}

/** The trim as logged: exact, to where this one actually cut (Redis's streamRewriteTrimArgument). */
function loggedTrim(stream: StreamValue, args: TrimArgs): string[] {
  if (args.strategy === 'none') return [];
  if (args.strategy === 'maxlen') return ['MAXLEN', '=', args.approx ? String(stream.length) : String(args.maxlen)];
  const first = args.approx ? (stream.edgeId(true) ?? ZERO_ID) : args.minid;
  return ['MINID', '=', idText(first)];
}

function xadd(s: Session, argv: string[]): void {
  const args = newTrimArgs();
  const idPos = parseAddOrTrim(s, argv, true, args);
  if (idPos < 0) return;
  const fieldPos = idPos + 1;
  if (argv.length - fieldPos < 2 || (argv.length - fieldPos) % 2 === 1) {
    return s.reply.error("ERR wrong number of arguments for 'xadd' command");
  }
  const given = args.id;
  if (given !== null && given.seqGiven && given.id.ms === 0n && given.id.seq === 0n) {
    return s.reply.error('ERR The ID specified in XADD must be greater than 0-0');
  }
  const key = argv[1]!;
  let stream = readStream(s, key, true);
  if (stream === null) return;
  let created = false;
  if (stream === undefined) {
    if (args.noMkStream) return s.reply.nil();
    stream = new StreamValue();
    created = true;
  }
  const last = stream.lastId;
  if (last.ms === UINT64_MAX && last.seq === UINT64_MAX) {
    return s.reply.error('ERR The stream has exhausted the last possible ID, unable to add more items');
  }
  let id: StreamId;
  if (given !== null) {
    if (given.seqGiven) id = given.id;
    else if (last.ms === given.id.ms) {
      if (last.seq === UINT64_MAX) return s.reply.error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
      id = { ms: last.ms, seq: last.seq + 1n };
    } else id = given.id;
  } else {
    const now = BigInt(s.engine.clock.now);
    id = now > last.ms ? { ms: now, seq: 0n } : nextId(last)!;
  }
  if (compareIds(id, last) <= 0) {
    // Redis created the key before failing here; it is created empty, as in Redis.
    if (created) {
      s.db.add(key, stream);
      s.changed(key, 0);
    }
    return s.reply.error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
  }
  const fields = argv.slice(fieldPos);
  if (created) s.db.add(key, stream);
  stream.append(id, fields, limits(s));
  s.reply.bulk(idText(id));
  s.changed(key);
  s.notify(NOTIFY_STREAM, 'xadd', key);
  if (args.strategy !== 'none') {
    if (stream.trim(args.strategy, args.maxlen, args.minid, args.approx, args.limit) > 0) s.notify(NOTIFY_STREAM, 'xtrim', key);
  }
  // Logged with the ID it got and an exact trim, so a replay builds the same stream.
  s.propagateAs = [['xadd', key, ...(args.noMkStream ? ['NOMKSTREAM'] : []), ...loggedTrim(stream, args), idText(id), ...fields]];
  s.engine.blocking.signal(s.db, key);
}

/** XRANGE/XREVRANGE: start and end bounds, "(" for exclusive. */
function xrange(s: Session, argv: string[], reverse: boolean): void {
  const startArg = reverse ? argv[3]! : argv[2]!;
  const endArg = reverse ? argv[2]! : argv[3]!;
  const bound = (text: string, missingSeq: bigint): { id: StreamId; exclusive: boolean } | null => {
    const exclusive = text.length > 1 && text.charCodeAt(0) === 40; // '('
    const parsed = parseId(s, exclusive ? text.slice(1) : text, missingSeq, exclusive);
    return parsed === null ? null : { id: parsed.id, exclusive };
  };
  const start = bound(startArg, 0n);
  if (start === null) return;
  let startId: StreamId | null = start.id;
  if (start.exclusive) {
    startId = nextId(start.id);
    if (startId === null) return s.reply.error('ERR invalid start ID for the interval');
  }
  const end = bound(endArg, UINT64_MAX);
  if (end === null) return;
  let endId: StreamId | null = end.id;
  if (end.exclusive) {
    endId = prevId(end.id);
    if (endId === null) return s.reply.error('ERR invalid end ID for the interval');
  }
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (argv[j]!.toLowerCase() === 'count' && j + 1 < argv.length) {
      const n = parseInt64(argv[j + 1]!);
      if (n === null) return s.reply.error(NOT_INTEGER);
      count = n < 0 ? 0 : n;
      j++;
    } else return s.reply.error(SYNTAX);
  }
  const stream = readStream(s, argv[1]!);
  if (stream === null) return;
  if (stream === undefined) return s.reply.array(0);
  if (count === 0) return s.reply.nilArray();
  const limit = count < 0 ? 0 : count;
  replyEntries(s, reverse ? stream.revRange(startId, endId, limit) : stream.range(startId, endId, limit));
}

function xdel(s: Session, argv: string[]): void {
  const key = argv[1]!;
  const stream = readStream(s, key, true);
  if (stream === null) return;
  if (stream === undefined) return s.reply.integer(0);
  // Every ID is checked before anything is deleted.
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) {
    const parsed = parseId(s, argv[j]!, 0n, true);
    if (parsed === null) return;
    ids.push(parsed.id);
  }
  let deleted = 0;
  let firstDeleted = false;
  for (const id of ids) {
    const wasFirst = compareIds(id, stream.firstId) === 0;
    if (!stream.delete(id)) continue;
    deleted++;
    if (compareIds(id, stream.maxDeletedId) > 0) stream.maxDeletedId = id;
    if (wasFirst) firstDeleted = true;
  }
  if (firstDeleted) stream.refreshFirstId();
  if (stream.length === 0) stream.firstId = ZERO_ID;
  if (deleted > 0) {
    s.changed(key, deleted);
    s.notify(NOTIFY_STREAM, 'xdel', key);
  }
  s.reply.integer(deleted);
}

function xtrim(s: Session, argv: string[]): void {
  const key = argv[1]!;
  const args = newTrimArgs();
  if (parseAddOrTrim(s, argv, false, args) < 0) return;
  const stream = readStream(s, key, true);
  if (stream === null) return;
  if (stream === undefined) return s.reply.integer(0);
  const deleted = stream.trim(args.strategy as 'maxlen' | 'minid', args.maxlen, args.minid, args.approx, args.limit);
  if (deleted > 0) {
    s.changed(key, deleted);
    s.notify(NOTIFY_STREAM, 'xtrim', key);
  }
  s.propagateAs = [['xtrim', key, ...loggedTrim(stream, args)]];
  s.reply.integer(deleted);
}

function xsetid(s: Session, argv: string[]): void {
  const key = argv[1]!;
  const parsed = parseId(s, argv[2]!, 0n, true);
  if (parsed === null) return;
  const id = parsed.id;
  let entriesAdded = -1n;
  let maxDeleted: StreamId = ZERO_ID;
  let maxDeletedGiven = false;
  for (let i = 3; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!.toLowerCase();
    if (opt === 'entriesadded' && more > 0) {
      const n = parseInt64(argv[i + 1]!);
      if (n === null) return s.reply.error(NOT_INTEGER);
      if (n < 0) return s.reply.error('ERR entries_added must be positive');
      entriesAdded = BigInt(argv[i + 1]!);
      i++;
    } else if (opt === 'maxdeletedid' && more > 0) {
      const md = parseId(s, argv[i + 1]!, 0n, true);
      if (md === null) return;
      if (compareIds(id, md.id) < 0) return s.reply.error('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
      maxDeleted = md.id;
      maxDeletedGiven = true;
      i++;
    } else {
      return s.reply.error(SYNTAX);
    }
  }
  const stream = readStream(s, key, true);
  if (stream === null) return;
  if (stream === undefined) return s.reply.error('ERR no such key');
  if (stream.length > 0) {
    if (compareIds(id, stream.edgeId(false)!) < 0) return s.reply.error('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1n && BigInt(stream.length) > entriesAdded) {
      return s.reply.error('ERR The entries_added specified in XSETID is smaller than the target stream length');
    }
  }
  stream.lastId = id;
  if (entriesAdded !== -1n) stream.entriesAdded = entriesAdded;
  if (maxDeletedGiven && (maxDeleted.ms !== 0n || maxDeleted.seq !== 0n)) stream.maxDeletedId = maxDeleted;
  s.changed(key);
  s.notify(NOTIFY_STREAM, 'xsetid', key);
  s.reply.ok();
}

/** XREAD [COUNT n] [BLOCK ms] STREAMS key... id... */
function xread(s: Session, argv: string[]): void {
  let count = 0;
  let timeout = -1;
  let streamsAt = -1;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const opt = argv[i]!.toLowerCase();
    if (opt === 'block' && more > 0) {
      const n = parseInt64(argv[i + 1]!);
      if (n === null) return s.reply.error('ERR timeout is not an integer or out of range');
      if (n < 0) return s.reply.error('ERR timeout is negative');
      timeout = n;
      i++;
    } else if (opt === 'count' && more > 0) {
      const n = parseInt64(argv[i + 1]!);
      if (n === null) return s.reply.error(NOT_INTEGER);
      count = n < 0 ? 0 : n;
      i++;
    } else if (opt === 'streams' && more > 0) {
      streamsAt = i + 1;
      break;
    } else if (opt === 'group' && more >= 2) {
      return s.reply.error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
    } else if (opt === 'noack') {
      return s.reply.error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
    } else {
      return s.reply.error(SYNTAX);
    }
  }
  if (streamsAt === -1) return s.reply.error(SYNTAX);
  const n = argv.length - streamsAt;
  if (n % 2 !== 0) {
    return s.reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
  }
  const keys = argv.slice(streamsAt, streamsAt + n / 2);
  const idArgs = argv.slice(streamsAt + n / 2);
  const after: StreamId[] = [];
  for (let k = 0; k < keys.length; k++) {
    const stream = readStream(s, keys[k]!);
    if (stream === null) return;
    if (idArgs[k] === '$') {
      after.push(stream === undefined ? ZERO_ID : stream.lastId);
      continue;
    }
    const parsed = parseId(s, idArgs[k]!, 0n, true);
    if (parsed === null) return;
    after.push(parsed.id);
  }
  let served = 0;
  const results: [string, StreamEntry[]][] = [];
  for (let k = 0; k < keys.length; k++) {
    const stream = readStream(s, keys[k]!);
    if (stream === undefined || stream === null) continue;
    if (compareIds(stream.lastId, after[k]!) <= 0 || stream.length === 0) continue;
    const start = nextId(after[k]!);
    if (start === null) continue;
    const entries = stream.range(start, MAX_ID, count);
    if (entries.length === 0) continue;
    results.push([keys[k]!, entries]);
    served++;
  }
  if (served > 0) {
    if (s.reply.resp === 3) s.reply.map(results.length);
    else s.reply.array(results.length);
    for (const [key, entries] of results) {
      if (s.reply.resp !== 3) s.reply.array(2);
      s.reply.bulk(key);
      replyEntries(s, entries);
    }
    return;
  }
  if (timeout < 0) return s.reply.nilArray();
  if (timeout > 0 && BigInt(timeout) > INT64_MAX - BigInt(s.engine.clock.now)) return s.reply.error('ERR timeout is out of range');
  // Waiting: '$' must keep meaning the last ID as of now, not as of the wake-up.
  const waitArgv = [...argv.slice(0, streamsAt), ...keys, ...after.map(idText)];
  s.engine.blocking.block(s, waitArgv, keys, timeout === 0 ? 0 : s.engine.clock.now + timeout);
}

function xlen(s: Session, argv: string[]): void {
  const stream = readStream(s, argv[1]!);
  if (stream === null) return;
  s.reply.integer(stream === undefined ? 0 : stream.length);
}

const st = (d: Omit<CommandDecl, 'group'>): CommandDecl => ({ group: 'stream', ...d });

export const streamCommands: CommandDecl[] = [
  st({
    name: 'xadd',
    arity: -5,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'stream', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'update'],
    keyNotes: 'UPDATE instead of INSERT because of the optional trimming feature',
    tips: ['nondeterministic_output'],
    summary: 'Appends a new entry to a stream',
    since: '5.0.0',
    complexity: 'O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.',
    handler: xadd,
  }),
  st({
    name: 'xrange',
    arity: -4,
    flags: ['readonly'],
    acl: ['read', 'stream', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Return a range of elements in a stream, with IDs matching the specified IDs interval',
    since: '5.0.0',
    complexity:
      'O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).',
    handler: (s, argv) => xrange(s, argv, false),
  }),
  st({
    name: 'xrevrange',
    arity: -4,
    flags: ['readonly'],
    acl: ['read', 'stream', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary:
      'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE',
    since: '5.0.0',
    complexity:
      'O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).',
    handler: (s, argv) => xrange(s, argv, true),
  }),
  st({
    name: 'xlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'stream', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RO'],
    summary: 'Return the number of entries in a stream',
    since: '5.0.0',
    complexity: 'O(1)',
    handler: xlen,
  }),
  st({
    name: 'xdel',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['write', 'stream', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'delete'],
    summary:
      'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.',
    since: '5.0.0',
    complexity: 'O(1) for each single item to delete in the stream, regardless of the stream size.',
    handler: xdel,
  }),
  st({
    name: 'xtrim',
    arity: -4,
    flags: ['write'],
    acl: ['write', 'stream', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'delete'],
    tips: ['nondeterministic_output'],
    summary: "Trims the stream to (approximately if '~' is passed) a certain size",
    since: '5.0.0',
    complexity:
      'O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.',
    handler: xtrim,
  }),
  st({
    name: 'xread',
    arity: -4,
    flags: ['readonly', 'blocking', 'movablekeys'],
    acl: ['read', 'stream', 'slow', 'blocking'],
    keys: [0, 0, 0],
    keySpecs: [{ flags: ['RO', 'access'], index: 0, lastKey: -1, keyStep: 1, limit: 2, keyword: { keyword: 'STREAMS', startFrom: 1 } }],
    summary: 'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.',
    since: '5.0.0',
    complexity:
      'For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.',
    handler: xread,
  }),
  st({
    name: 'xsetid',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'stream', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'update'],
    summary: 'An internal command for replicating stream values',
    since: '5.0.0',
    complexity: 'O(1)',
    handler: xsetid,
  }),
];

