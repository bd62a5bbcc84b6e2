/**
 * Stream commands: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XREAD (with BLOCK) XSETID, the
 * consumer groups (XGROUP XREADGROUP XACK XPENDING XCLAIM XAUTOCLAIM) and XINFO, with
 * Redis 7.0's ID parsing, trimming (exact, approximate by whole nodes, LIMIT), pending
 * entries lists, read counters and lag, and errors.
 *
 * Group reads are logged as Redis propagates them: the XCLAIMs that recreate each pending
 * entry and an XGROUP SETID for the group's position, so an AOF replay rebuilds the state.
 */
import type { Session } from '../engine/session.js';
import type { CommandDecl } from './types.js';
import { KEEP_ALL } from '../store/keyspace.js';
import { NOTIFY_STREAM } from '../engine/notify.js';
import {
  MAX_ID,
  UINT64_MAX,
  ZERO_ID,
  type StreamEntry,
  type StreamId,
  Consumer,
  ConsumerGroup,
  ENTRIES_READ_INVALID,
  PendingEntry,
  StreamValue,
  compareIds,
  idKey,
  idText,
  keyToId,
  nextId,
  prevId,
} from '../store/stream.js';
import { INT64_MAX, NOT_INTEGER, SYNTAX, parseInt64, readTyped, replyHelp } from './util.js';

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
    s.reply.bulk(e.text);
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
  // (A new stream's last ID is 0-0, and 0-0 was refused above: only an existing stream gets here.)
  if (compareIds(id, last) <= 0) return s.reply.error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
  const fields = argv.slice(fieldPos);
  if (created) s.db.add(key, stream);
  stream.append(id, fields, limits(s));
  const text = idText(id);
  s.reply.bulk(text);
  s.changed(key);
  s.notify(NOTIFY_STREAM, 'xadd', key);
  if (args.strategy !== 'none') {
    if (stream.trim(args.strategy, args.maxlen, args.minid, args.approx, args.limit) > 0) s.notify(NOTIFY_STREAM, 'xtrim', key);
  }
  // Logged with the ID it got and an exact trim, so a replay builds the same stream.
  if (s.engine.aof.enabled) s.propagateAs = [['xadd', key, ...(args.noMkStream ? ['NOMKSTREAM'] : []), ...loggedTrim(stream, args), text, ...fields]];
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

/** A reply entry: [id, [field, value...]], or [id, nil] for a pending entry deleted since. */
function replyEntry(s: Session, id: StreamId, e: StreamEntry | undefined): void {
  s.reply.array(2);
  s.reply.bulk(idText(id));
  if (e === undefined) return s.reply.nilArray();
  s.reply.array(e.fields.length);
  for (const f of e.fields) s.reply.bulk(f);
}

/** XREAD [COUNT n] [BLOCK ms] STREAMS key... id..., and XREADGROUP GROUP g c [NOACK] ... */
function xread(s: Session, argv: string[], xreadgroup: boolean): void {
  let count = 0;
  let timeout = -1;
  let streamsAt = -1;
  let groupName: string | null = null;
  let consumerName = '';
  let noack = false;
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
      if (!xreadgroup) return s.reply.error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
      groupName = argv[i + 1]!;
      consumerName = argv[i + 2]!;
      i += 2;
    } else if (opt === 'noack') {
      if (!xreadgroup) return s.reply.error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
      noack = true;
    } else {
      return s.reply.error(SYNTAX);
    }
  }
  if (streamsAt === -1) return s.reply.error(SYNTAX);
  const n = argv.length - streamsAt;
  if (n % 2 !== 0) {
    return s.reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
  }
  if (xreadgroup && groupName === null) return s.reply.error('ERR Missing GROUP option for XREADGROUP');
  const keys = argv.slice(streamsAt, streamsAt + n / 2);
  const idArgs = argv.slice(streamsAt + n / 2);
  const after: StreamId[] = [];
  /** Per key, '>' (new entries for the group) or an explicit ID (the consumer's history). */
  const newOnly: boolean[] = [];
  const groups: (ConsumerGroup | null)[] = [];
  for (let k = 0; k < keys.length; k++) {
    if (xreadgroup && s.blocked !== null) {
      // Served after waiting: the stream or the group may have gone meanwhile.
      const value = s.db.find(keys[k]!, KEEP_ALL)?.value;
      if (!(value instanceof StreamValue)) return s.reply.error('UNBLOCKED the stream key no longer exists');
      if (!value.groups.has(groupName!)) return s.reply.error('NOGROUP the consumer group this client was blocked on no longer exists');
    }
    const stream = readStream(s, keys[k]!);
    if (stream === null) return;
    let group: ConsumerGroup | null = null;
    if (xreadgroup) {
      group = stream?.groups.get(groupName!) ?? null;
      if (stream === undefined || group === null) {
        return s.reply.error(`NOGROUP No such key '${keys[k]}' or consumer group '${groupName}' in XREADGROUP with GROUP option`);
      }
    }
    groups.push(group);
    const text = idArgs[k]!;
    if (text === '$') {
      if (xreadgroup) {
        return s.reply.error(
          'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
      }
      after.push(stream === undefined ? ZERO_ID : stream.lastId);
      newOnly.push(false);
      continue;
    }
    if (text === '>') {
      if (!xreadgroup) return s.reply.error('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
      after.push(MAX_ID);
      newOnly.push(true);
      continue;
    }
    const parsed = parseId(s, text, 0n, true);
    if (parsed === null) return;
    after.push(parsed.id);
    newOnly.push(false);
  }

  const propagate: string[][] = [];
  let served = 0;
  const resp3 = s.reply.resp === 3;
  // Replies are built in a scratch list first: the array's length is known only at the end.
  const out: (() => void)[] = [];
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const stream = readStream(s, key);
    if (stream === undefined || stream === null) continue;
    const group = groups[k]!;
    let gt = after[k]!;
    let history = false;
    let serve = false;
    if (group !== null) {
      if (!newOnly[k]) {
        serve = true;
        history = true;
      } else if (stream.length > 0 && compareIds(stream.lastValidId(), group.lastId) > 0) {
        serve = true;
        gt = group.lastId;
      }
    } else if (stream.length > 0 && compareIds(stream.lastValidId(), gt) > 0) {
      serve = true;
    }
    if (!serve) continue;
    served++;
    const start = nextId(gt);
    if (group === null) {
      const entries = start === null ? [] : stream.range(start, MAX_ID, count);
      out.push(() => {
        if (!resp3) s.reply.array(2);
        s.reply.bulk(key);
        replyEntries(s, entries);
      });
      continue;
    }
    const consumer = lookupOrCreateConsumer(s, group, consumerName, key, propagate, true);
    const now = s.engine.clock.now;
    if (history) {
      // The consumer's own pending entries from the given ID on.
      const items: [StreamId, StreamEntry | undefined][] = [];
      for (const [, nack] of consumer.pel.from(idKey(start ?? MAX_ID))) {
        if (count > 0 && items.length >= count) break;
        const e = stream.entry(nack.id);
        if (e !== undefined) {
          nack.deliveryTime = now;
          nack.deliveryCount++;
        }
        items.push([nack.id, e]);
      }
      out.push(() => {
        if (!resp3) s.reply.array(2);
        s.reply.bulk(key);
        s.reply.array(items.length);
        for (const [id, e] of items) replyEntry(s, id, e);
      });
      s.engine.keyspace.dirty++;
      continue;
    }
    const entries = start === null ? [] : stream.range(start, MAX_ID, count);
    let movedLastId = false;
    for (const e of entries) {
      if (compareIds(e.id, group.lastId) > 0) {
        if (group.entriesRead !== ENTRIES_READ_INVALID && !stream.rangeHasTombstones(e.id, null)) group.entriesRead++;
        else if (stream.entriesAdded !== 0n) group.entriesRead = stream.estimateDistance(e.id);
        group.lastId = e.id;
        movedLastId = true;
      }
      if (noack) continue;
      const k16 = e.key;
      let nack = group.pel.get(k16);
      if (nack === undefined) {
        nack = new PendingEntry(e.id, consumer, now, 1);
        group.pel.insert(k16, nack);
        consumer.pel.insert(k16, nack);
      } else {
        // Delivered before (XGROUP SETID moved the group back): it changes hands.
        nack.consumer?.pel.delete(k16);
        nack.consumer = consumer;
        nack.deliveryTime = now;
        nack.deliveryCount = 1;
        consumer.pel.insert(k16, nack);
      }
      propagate.push(xclaimPropagation(key, group, nack));
    }
    if (movedLastId) propagate.push(setIdPropagation(key, group));
    s.engine.keyspace.dirty++;
    s.touchKey(key);
    out.push(() => {
      if (!resp3) s.reply.array(2);
      s.reply.bulk(key);
      replyEntries(s, entries);
    });
  }
  if (xreadgroup) s.propagateAs = propagate;
  if (served > 0) {
    if (resp3) s.reply.map(served);
    else s.reply.array(served);
    for (const emit of out) emit();
    return;
  }
  if (timeout < 0) return s.reply.nilArray();
  if (timeout > 0 && BigInt(timeout) > INT64_MAX - BigInt(s.engine.clock.now)) return s.reply.error('ERR timeout is out of range');
  // Waiting: '$' must keep meaning the last ID as of now, not as of the wake-up.
  const waitArgv = [...argv.slice(0, streamsAt), ...keys, ...idArgs.map((t, k) => (t === '$' ? idText(after[k]!) : t))];
  s.engine.blocking.block(s, waitArgv, keys, timeout === 0 ? 0 : s.engine.clock.now + timeout);
}

/** Redis's streamPropagateXCLAIM: an idempotent XCLAIM recreating one pending entry. */
function xclaimPropagation(key: string, group: ConsumerGroup, nack: PendingEntry): string[] {
  return [
    'XCLAIM', key, group.name, nack.consumer?.name ?? '', '0', idText(nack.id),
    'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount),
    'FORCE', 'JUSTID', 'LASTID', idText(group.lastId),
  ];
}

/** Redis's streamPropagateGroupID. */
function setIdPropagation(key: string, group: ConsumerGroup): string[] {
  return ['XGROUP', 'SETID', key, group.name, idText(group.lastId), 'ENTRIESREAD', String(group.entriesRead)];
}

/** Redis's streamLookupConsumer (refreshing seen-time) or streamCreateConsumer, with its event. */
function lookupOrCreateConsumer(
  s: Session,
  group: ConsumerGroup,
  name: string,
  key: string,
  propagate: string[][] | null,
  refresh: boolean,
): Consumer {
  let consumer = group.consumers.get(name);
  if (consumer !== undefined) {
    if (refresh) consumer.seenTime = s.engine.clock.now;
    return consumer;
  }
  consumer = new Consumer(name, s.engine.clock.now);
  group.consumers.set(name, consumer);
  s.engine.keyspace.dirty++;
  s.notify(NOTIFY_STREAM, 'xgroup-createconsumer', key);
  propagate?.push(['XGROUP', 'CREATECONSUMER', key, group.name, name]);
  return consumer;
}

function noGroup(s: Session, key: string, group: string): void {
  s.reply.error(`NOGROUP No such key '${key}' or consumer group '${group}'`);
}

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

/** Redis's xgroupCommand, shared by the XGROUP subcommands. */
function xgroup(s: Session, argv: string[]): void {
  const sub = argv[1]!.toLowerCase();
  const key = argv[2]!;
  const groupName = argv[3]!;
  let mkstream = false;
  let entriesRead = ENTRIES_READ_INVALID;
  if (sub === 'create') {
    for (let i = 5; i < argv.length; ) {
      const opt = argv[i]!.toLowerCase();
      if (opt === 'mkstream') {
        mkstream = true;
        i++;
      } else if (opt === 'entriesread' && i + 1 < argv.length) {
        const n = parseInt64(argv[i + 1]!);
        if (n === null) return s.reply.error(NOT_INTEGER);
        if (n < 0 && n !== -1) return s.reply.error('ERR value for ENTRIESREAD must be positive or -1');
        entriesRead = BigInt(argv[i + 1]!);
        i += 2;
      } else {
        return s.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try XGROUP HELP.`);
      }
    }
  }
  const stream = readStream(s, key, true);
  if (stream === null) return;
  if (stream === undefined && !mkstream) {
    return s.reply.error(
      'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
    );
  }
  const group = stream?.groups.get(groupName);
  if (group === undefined && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
    return s.reply.error(`NOGROUP No such consumer group '${groupName}' for key name '${key}'`);
  }
  if (sub === 'create') {
    if (argv.length > 8) return s.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try XGROUP HELP.`);
    let id: StreamId;
    if (argv[4] === '$') id = stream?.lastId ?? ZERO_ID;
    else {
      const parsed = parseId(s, argv[4]!, 0n, true);
      if (parsed === null) return;
      id = parsed.id;
    }
    let target = stream;
    if (target === undefined) {
      target = new StreamValue();
      s.db.add(key, target);
      s.touchKey(key);
    }
    if (target.groups.has(groupName)) return s.reply.error('BUSYGROUP Consumer Group name already exists');
    target.groups.set(groupName, new ConsumerGroup(groupName, id, entriesRead));
    // Redis replies first, then notifies (the order a RESP3 client subscribed to its own events sees).
    s.reply.ok();
    s.changed(key);
    s.notify(NOTIFY_STREAM, 'xgroup-create', key);
    return;
  }
  const st = stream!;
  if (sub === 'setid') {
    if (argv.length !== 5 && argv.length !== 7) return s.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try XGROUP HELP.`);
    let id: StreamId;
    if (argv[4] === '$') id = st.lastId;
    else {
      const parsed = parseId(s, argv[4]!, 0n, false);
      if (parsed === null) return;
      id = parsed.id;
    }
    if (argv.length === 7) {
      if (argv[5]!.toLowerCase() !== 'entriesread') return s.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try XGROUP HELP.`);
      const n = parseInt64(argv[6]!);
      if (n === null) return s.reply.error(NOT_INTEGER);
      if (n < 0 && n !== -1) return s.reply.error('ERR value for ENTRIESREAD must be positive or -1');
      entriesRead = BigInt(argv[6]!);
    }
    group!.lastId = id;
    group!.entriesRead = entriesRead;
    s.reply.ok();
    s.changed(key);
    s.notify(NOTIFY_STREAM, 'xgroup-setid', key);
    return;
  }
  if (sub === 'destroy') {
    if (group === undefined) return s.reply.integer(0);
    st.groups.delete(groupName);
    s.reply.integer(1);
    s.changed(key);
    s.notify(NOTIFY_STREAM, 'xgroup-destroy', key);
    // Clients blocked reading for this group get their error.
    s.engine.blocking.signal(s.db, key);
    return;
  }
  if (sub === 'createconsumer') {
    if (group!.consumers.has(argv[4]!)) return s.reply.integer(0);
    lookupOrCreateConsumer(s, group!, argv[4]!, key, null, false);
    s.touchKey(key);
    return s.reply.integer(1);
  }
  // delconsumer
  const consumer = group!.consumers.get(argv[4]!);
  let pending = 0;
  if (consumer !== undefined) {
    pending = consumer.pel.size;
    for (const [k] of consumer.pel) group!.pel.delete(k);
    group!.consumers.delete(consumer.name);
    s.changed(key);
    s.notify(NOTIFY_STREAM, 'xgroup-delconsumer', key);
  }
  s.reply.integer(pending);
}

function xack(s: Session, argv: string[]): void {
  const key = argv[1]!;
  const stream = readStream(s, key);
  if (stream === null) return;
  const group = stream?.groups.get(argv[2]!);
  if (stream === undefined || group === undefined) return s.reply.integer(0);
  // All IDs are checked first: the reply cannot be an error once some were acknowledged.
  const ids: StreamId[] = [];
  for (let j = 3; j < argv.length; j++) {
    const parsed = parseId(s, argv[j]!, 0n, true);
    if (parsed === null) return;
    ids.push(parsed.id);
  }
  let acknowledged = 0;
  for (const id of ids) {
    const k = idKey(id);
    const nack = group.pel.get(k);
    if (nack === undefined) continue;
    group.pel.delete(k);
    nack.consumer?.pel.delete(k);
    acknowledged++;
  }
  if (acknowledged > 0) s.changed(key, acknowledged);
  s.reply.integer(acknowledged);
}

/** An interval bound of XPENDING/XAUTOCLAIM: '(' exclusive, '-' and '+'. */
function intervalBound(s: Session, text: string, missingSeq: bigint, start: boolean): StreamId | null {
  const exclusive = text.length > 1 && text.charCodeAt(0) === 40;
  const parsed = parseId(s, exclusive ? text.slice(1) : text, missingSeq, exclusive);
  if (parsed === null) return null;
  if (!exclusive) return parsed.id;
  const moved = start ? nextId(parsed.id) : prevId(parsed.id);
  if (moved === null) s.reply.error(start ? 'ERR invalid start ID for the interval' : 'ERR invalid end ID for the interval');
  return moved;
}

function xpending(s: Session, argv: string[]): void {
  const key = argv[1]!;
  const groupName = argv[2]!;
  const summary = argv.length === 3;
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) return s.reply.error(SYNTAX);
  let minIdle = 0;
  let count = 0;
  let start: StreamId = ZERO_ID;
  let end: StreamId = MAX_ID;
  let consumerName: string | null = null;
  if (argv.length >= 6) {
    let at = 3;
    if (argv[3]!.toLowerCase() === 'idle') {
      const n = parseInt64(argv[4]!);
      if (n === null) return s.reply.error(NOT_INTEGER);
      minIdle = n;
      if (argv.length < 8) return s.reply.error(SYNTAX);
      at += 2;
    }
    const c = parseInt64(argv[at + 2]!);
    if (c === null) return s.reply.error(NOT_INTEGER);
    count = c < 0 ? 0 : c;
    const b1 = intervalBound(s, argv[at]!, 0n, true);
    if (b1 === null) return;
    const b2 = intervalBound(s, argv[at + 1]!, UINT64_MAX, false);
    if (b2 === null) return;
    [start, end] = [b1, b2];
    if (at + 3 < argv.length) consumerName = argv[at + 3]!;
  }
  const stream = readStream(s, key);
  if (stream === null) return;
  const group = stream?.groups.get(groupName);
  if (stream === undefined || group === undefined) return noGroup(s, key, groupName);
  if (summary) {
    s.reply.array(4);
    s.reply.integer(group.pel.size);
    if (group.pel.size === 0) {
      s.reply.nil();
      s.reply.nil();
      s.reply.nilArray();
      return;
    }
    s.reply.bulk(idText(keyToId(group.pel.firstKey()!)));
    s.reply.bulk(idText(keyToId(group.pel.lastKey()!)));
    const owners = group.sortedConsumers().filter((c) => c.pel.size > 0);
    s.reply.array(owners.length);
    for (const c of owners) {
      s.reply.array(2);
      s.reply.bulk(c.name);
      s.reply.bulk(String(c.pel.size));
    }
    return;
  }
  let pel = group.pel;
  if (consumerName !== null) {
    const consumer = group.consumers.get(consumerName);
    if (consumer === undefined) return s.reply.array(0);
    pel = consumer.pel;
  }
  const now = s.engine.clock.now;
  const endKey = idKey(end);
  const rows: PendingEntry[] = [];
  if (count > 0) {
    for (const [k, nack] of pel.from(idKey(start))) {
      if (k > endKey) break;
      if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
      rows.push(nack);
      if (rows.length >= count) break;
    }
  }
  s.reply.array(rows.length);
  for (const nack of rows) {
    s.reply.array(4);
    s.reply.bulk(idText(nack.id));
    s.reply.bulk(nack.consumer?.name ?? '');
    s.reply.integer(Math.max(0, now - nack.deliveryTime));
    s.reply.integer(nack.deliveryCount);
  }
}

/** Moves a pending entry to consumer (Redis's XCLAIM/XAUTOCLAIM bookkeeping). */
function claim(nack: PendingEntry, key16: string, consumer: Consumer): void {
  if (nack.consumer !== consumer) {
    nack.consumer?.pel.delete(key16);
    consumer.pel.insert(key16, nack);
    nack.consumer = consumer;
  }
}

function xclaim(s: Session, argv: string[]): void {
  const key = argv[1]!;
  const groupName = argv[2]!;
  const stream = readStream(s, key);
  if (stream === null) return;
  const group = stream?.groups.get(groupName);
  if (stream === undefined || group === undefined) return noGroup(s, key, groupName);
  const minIdleN = parseInt64(argv[4]!);
  if (minIdleN === null) return s.reply.error('ERR Invalid min-idle-time argument for XCLAIM');
  const minIdle = minIdleN < 0 ? 0 : minIdleN;
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const parsed = parseId(null, argv[j]!, 0n, true);
    if (parsed === null) break;
    ids.push(parsed.id);
  }
  const now = s.engine.clock.now;
  let force = false;
  let justid = false;
  let retrycount = -1;
  let deliveryTime = -1;
  let lastIdMoved = false;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!.toLowerCase();
    if (opt === 'force') force = true;
    else if (opt === 'justid') justid = true;
    else if (opt === 'idle' && more > 0) {
      const n = parseInt64(argv[++j]!);
      if (n === null) return s.reply.error('ERR Invalid IDLE option argument for XCLAIM');
      deliveryTime = now - n;
    } else if (opt === 'time' && more > 0) {
      const n = parseInt64(argv[++j]!);
      if (n === null) return s.reply.error('ERR Invalid TIME option argument for XCLAIM');
      deliveryTime = n;
    } else if (opt === 'retrycount' && more > 0) {
      const n = parseInt64(argv[++j]!);
      if (n === null) return s.reply.error('ERR Invalid RETRYCOUNT option argument for XCLAIM');
      retrycount = n;
    } else if (opt === 'lastid' && more > 0) {
      const parsed = parseId(s, argv[++j]!, 0n, true);
      if (parsed === null) return;
      if (compareIds(parsed.id, group.lastId) > 0) {
        group.lastId = parsed.id;
        lastIdMoved = true;
      }
    } else {
      return s.reply.error(`ERR Unrecognized XCLAIM option '${argv[j]}'`);
    }
  }
  if (deliveryTime !== -1) {
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  } else {
    deliveryTime = now;
  }
  const propagate: string[][] = [];
  let consumer: Consumer | null = null;
  const replies: (() => void)[] = [];
  let changes = 0;
  for (const id of ids) {
    const k = idKey(id);
    let nack = group.pel.get(k);
    const entry = stream.entry(id);
    if (entry === undefined) {
      // The entry is gone: so goes its pending entry.
      if (nack !== undefined) {
        propagate.push(xclaimPropagation(key, group, nack));
        group.pel.delete(k);
        nack.consumer?.pel.delete(k);
        changes++;
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = new PendingEntry(id, null, now, 1);
      group.pel.insert(k, nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer !== null && minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    consumer ??= lookupOrCreateConsumer(s, group, argv[3]!, key, propagate, true);
    claim(nack, k, consumer);
    nack.deliveryTime = deliveryTime;
    if (retrycount >= 0) nack.deliveryCount = retrycount;
    else if (!justid) nack.deliveryCount++;
    replies.push(justid ? () => s.reply.bulk(idText(id)) : () => replyEntry(s, id, entry));
    propagate.push(xclaimPropagation(key, group, nack));
    changes++;
  }
  if (lastIdMoved && changes === 0) {
    propagate.push(setIdPropagation(key, group));
    changes++;
  }
  if (changes > 0) s.changed(key, changes);
  s.propagateAs = propagate;
  s.reply.array(replies.length);
  for (const r of replies) r();
}

function xautoclaim(s: Session, argv: string[]): void {
  const key = argv[1]!;
  const groupName = argv[2]!;
  const minIdleN = parseInt64(argv[4]!);
  if (minIdleN === null) return s.reply.error('ERR Invalid min-idle-time argument for XAUTOCLAIM');
  const minIdle = minIdleN < 0 ? 0 : minIdleN;
  const start = intervalBound(s, argv[5]!, 0n, true);
  if (start === null) return;
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!.toLowerCase();
    if (opt === 'count' && more > 0) {
      const n = parseInt64(argv[j + 1]!);
      // Redis caps COUNT so that count * 10 attempts cannot overflow.
      if (n === null || n < 1 || n > Math.floor(9223372036854775807 / 16)) return s.reply.error('ERR COUNT must be > 0');
      count = n;
      j++;
    } else if (opt === 'justid') justid = true;
    else return s.reply.error(SYNTAX);
  }
  const stream = readStream(s, key);
  if (stream === null) return;
  const group = stream?.groups.get(groupName);
  if (stream === undefined || group === undefined) return noGroup(s, key, groupName);
  const now = s.engine.clock.now;
  let attempts = count * 10;
  const propagate: string[][] = [];
  const claimed: (() => void)[] = [];
  const deleted: StreamId[] = [];
  let consumer: Consumer | null = null;
  let cursor: StreamId = ZERO_ID;
  const keysFrom = [...group.pel.from(idKey(start))];
  let i = 0;
  for (; attempts > 0 && count > 0 && i < keysFrom.length; i++) {
    attempts--;
    const [k, nack] = keysFrom[i]!;
    const entry = stream.entry(nack.id);
    if (entry === undefined) {
      propagate.push(xclaimPropagation(key, group, nack));
      group.pel.delete(k);
      nack.consumer?.pel.delete(k);
      deleted.push(nack.id);
      count--;
      continue;
    }
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    consumer ??= lookupOrCreateConsumer(s, group, argv[3]!, key, propagate, true);
    claim(nack, k, consumer);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    const id = nack.id;
    claimed.push(justid ? () => s.reply.bulk(idText(id)) : () => replyEntry(s, id, entry));
    count--;
    propagate.push(xclaimPropagation(key, group, nack));
  }
  // The cursor: the next pending entry not looked at, or 0-0 at the end.
  while (i < keysFrom.length && group.pel.get(keysFrom[i]![0]) === undefined) i++;
  if (i < keysFrom.length) cursor = keyToId(keysFrom[i]![0]);
  if (propagate.length > 0) s.changed(key, propagate.length);
  s.propagateAs = propagate;
  s.reply.array(3);
  s.reply.bulk(idText(cursor));
  s.reply.array(claimed.length);
  for (const r of claimed) r();
  s.reply.array(deleted.length);
  for (const id of deleted) s.reply.bulk(idText(id));
}

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

/** A group's lag (Redis's streamReplyWithCGLag), or null when it cannot be known. */
function groupLag(stream: StreamValue, group: ConsumerGroup): bigint | null {
  if (stream.entriesAdded === 0n) return 0n;
  if (group.entriesRead !== ENTRIES_READ_INVALID && !stream.rangeHasTombstones(group.lastId, null)) return stream.entriesAdded - group.entriesRead;
  const read = stream.estimateDistance(group.lastId);
  return read === ENTRIES_READ_INVALID ? null : stream.entriesAdded - read;
}

function replyNullableInt(s: Session, v: bigint | null): void {
  if (v === null) s.reply.nil();
  else s.reply.integer(v);
}

function xinfoGroups(s: Session, argv: string[]): void {
  const stream = readStream(s, argv[2]!);
  if (stream === null) return;
  if (stream === undefined) return s.reply.error('ERR no such key');
  const groups = stream.sortedGroups();
  s.reply.array(groups.length);
  for (const g of groups) {
    s.reply.map(6);
    s.reply.bulk('name');
    s.reply.bulk(g.name);
    s.reply.bulk('consumers');
    s.reply.integer(g.consumers.size);
    s.reply.bulk('pending');
    s.reply.integer(g.pel.size);
    s.reply.bulk('last-delivered-id');
    s.reply.bulk(idText(g.lastId));
    s.reply.bulk('entries-read');
    replyNullableInt(s, g.entriesRead === ENTRIES_READ_INVALID ? null : g.entriesRead);
    s.reply.bulk('lag');
    replyNullableInt(s, groupLag(stream, g));
  }
}

function xinfoConsumers(s: Session, argv: string[]): void {
  const key = argv[2]!;
  const stream = readStream(s, key);
  if (stream === null) return;
  if (stream === undefined) return s.reply.error('ERR no such key');
  const group = stream.groups.get(argv[3]!);
  if (group === undefined) return s.reply.error(`NOGROUP No such consumer group '${argv[3]}' for key name '${key}'`);
  const now = s.engine.clock.now;
  const consumers = group.sortedConsumers();
  s.reply.array(consumers.length);
  for (const c of consumers) {
    s.reply.map(3);
    s.reply.bulk('name');
    s.reply.bulk(c.name);
    s.reply.bulk('pending');
    s.reply.integer(c.pel.size);
    s.reply.bulk('idle');
    s.reply.integer(Math.max(0, now - c.seenTime));
  }
}

/**
 * Redis's rax node count for the stream's node keys (XINFO radix-tree-nodes): the nodes of
 * a compressed radix tree of the 16-byte keys, as Redis's rax builds it.
 */
function raxNodes(stream: StreamValue): number {
  const keys = stream.nodes.map((n) => idKey(n.master));
  if (keys.length === 0) return 1;
  // Each key ends in its own (leaf) node; each point where keys diverge is a branching
  // node; each run of single-child steps between them is one compressed node.
  let count = 1; // the root
  const walk = (lo: number, hi: number, depth: number, atRoot: boolean): void => {
    // keys[lo..hi) share their first `depth` bytes.
    if (hi - lo === 1) {
      count += depth < 16 ? (atRoot ? 1 : 2) : 0;
      return;
    }
    let d = depth;
    while (d < 16 && keys[lo]!.charCodeAt(d) === keys[hi - 1]!.charCodeAt(d)) d++;
    if (d > depth) count += atRoot ? 1 : 2;
    else if (!atRoot) count += 1;
    let i = lo;
    while (i < hi) {
      let j = i + 1;
      while (j < hi && keys[j]!.charCodeAt(d) === keys[i]!.charCodeAt(d)) j++;
      walk(i, j, d + 1, false);
      i = j;
    }
  };
  walk(0, keys.length, 0, true);
  return count;
}

function xinfoStream(s: Session, argv: string[]): void {
  const key = argv[2]!;
  let full = false;
  let count = 10;
  const syntax = () => s.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try XINFO HELP.`);
  if (argv.length > 3) {
    if (argv[3]!.toLowerCase() !== 'full') return syntax();
    full = true;
    if (argv.length === 6 && argv[4]!.toLowerCase() === 'count') {
      const n = parseInt64(argv[5]!);
      if (n === null) return s.reply.error(NOT_INTEGER);
      count = n < 0 ? 0 : n;
    } else if (argv.length !== 4) return syntax();
  }
  const stream = readStream(s, key);
  if (stream === null) return;
  if (stream === undefined) return s.reply.error('ERR no such key');
  const r = s.reply;
  r.map(full ? 9 : 10);
  r.bulk('length');
  r.integer(stream.length);
  r.bulk('radix-tree-keys');
  r.integer(stream.nodes.length);
  r.bulk('radix-tree-nodes');
  r.integer(raxNodes(stream));
  r.bulk('last-generated-id');
  r.bulk(idText(stream.lastId));
  r.bulk('max-deleted-entry-id');
  r.bulk(idText(stream.maxDeletedId));
  r.bulk('entries-added');
  r.integer(stream.entriesAdded);
  r.bulk('recorded-first-entry-id');
  r.bulk(idText(stream.firstId));
  if (!full) {
    r.bulk('groups');
    r.integer(stream.groups.size);
    const first = stream.range(ZERO_ID, MAX_ID, 1)[0];
    const last = stream.revRange(ZERO_ID, MAX_ID, 1)[0];
    r.bulk('first-entry');
    if (first === undefined) r.nil();
    else replyEntry(s, first.id, first);
    r.bulk('last-entry');
    if (last === undefined) r.nil();
    else replyEntry(s, last.id, last);
    return;
  }
  r.bulk('entries');
  replyEntries(s, stream.range(ZERO_ID, MAX_ID, count));
  r.bulk('groups');
  const groups = stream.sortedGroups();
  r.array(groups.length);
  for (const g of groups) {
    r.map(7);
    r.bulk('name');
    r.bulk(g.name);
    r.bulk('last-delivered-id');
    r.bulk(idText(g.lastId));
    r.bulk('entries-read');
    replyNullableInt(s, g.entriesRead === ENTRIES_READ_INVALID ? null : g.entriesRead);
    r.bulk('lag');
    replyNullableInt(s, groupLag(stream, g));
    r.bulk('pel-count');
    r.integer(g.pel.size);
    r.bulk('pending');
    const pending = [...g.pel].slice(0, count === 0 ? undefined : count);
    r.array(pending.length);
    for (const [, nack] of pending) {
      r.array(4);
      r.bulk(idText(nack.id));
      r.bulk(nack.consumer?.name ?? '');
      r.integer(nack.deliveryTime);
      r.integer(nack.deliveryCount);
    }
    r.bulk('consumers');
    const consumers = g.sortedConsumers();
    r.array(consumers.length);
    for (const c of consumers) {
      r.map(4);
      r.bulk('name');
      r.bulk(c.name);
      r.bulk('seen-time');
      r.integer(c.seenTime);
      r.bulk('pel-count');
      r.integer(c.pel.size);
      r.bulk('pending');
      const mine = [...c.pel].slice(0, count === 0 ? undefined : count);
      r.array(mine.length);
      for (const [, nack] of mine) {
        r.array(3);
        r.bulk(idText(nack.id));
        r.integer(nack.deliveryTime);
        r.integer(nack.deliveryCount);
      }
    }
  }
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
    handler: (s, argv) => xread(s, argv, false),
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

const groupSub = (name: string, arity: number, flags: CommandDecl['flags'], keyFlags: string[], summary: string, since: string, complexity: string): CommandDecl => ({
  name,
  arity,
  flags,
  acl: [...(flags.includes('write') ? ['write'] : []), 'stream', 'slow'],
  keys: [2, 2, 1],
  keyFlags,
  group: 'stream',
  summary,
  since,
  complexity,
  handler: xgroup,
});

const infoSub = (name: string, arity: number, summary: string, handler: (s: Session, argv: string[]) => void, tips?: string[]): CommandDecl => ({
  name,
  arity,
  flags: ['readonly'],
  acl: ['read', 'stream', 'slow'],
  keys: [2, 2, 1],
  keyFlags: ['RO', 'access'],
  group: 'stream',
  summary,
  since: '5.0.0',
  complexity: 'O(1)',
  ...(tips ? { tips } : {}),
  handler,
});

const helpSub = (command: string, lines: string[]): CommandDecl => ({
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  acl: ['stream', 'slow'],
  keys: [0, 0, 0],
  group: 'stream',
  summary: 'Show helpful text about the different subcommands',
  since: '5.0.0',
  complexity: 'O(1)',
  handler: (s) => replyHelp(s, command, lines),
});

export const streamGroupCommands: CommandDecl[] = [
  st({
    name: 'xgroup',
    arity: -2,
    flags: [],
    acl: ['slow'],
    summary: 'A container for consumer groups commands',
    since: '5.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      groupSub('create', -5, ['write', 'denyoom'], ['RW', 'insert'], 'Create a consumer group.', '5.0.0', 'O(1)'),
      groupSub('setid', -5, ['write'], ['RW', 'update'], 'Set a consumer group to an arbitrary last delivered ID value.', '5.0.0', 'O(1)'),
      groupSub('destroy', 4, ['write'], ['RW', 'delete'], 'Destroy a consumer group.', '5.0.0', "O(N) where N is the number of entries in the group's pending entries list (PEL)."),
      groupSub('createconsumer', 5, ['write', 'denyoom'], ['RW', 'insert'], 'Create a consumer in a consumer group.', '6.2.0', 'O(1)'),
      groupSub('delconsumer', 5, ['write'], ['RW', 'delete'], 'Delete a consumer from a consumer group.', '5.0.0', 'O(1)'),
      helpSub('xgroup', XGROUP_HELP),
    ],
  }),
  st({
    name: 'xreadgroup',
    arity: -7,
    flags: ['write', 'blocking', 'movablekeys'],
    acl: ['write', 'stream', 'slow', 'blocking'],
    keys: [0, 0, 0],
    keySpecs: [{ flags: ['RO', 'access'], index: 0, lastKey: -1, keyStep: 1, limit: 2, keyword: { keyword: 'STREAMS', startFrom: 4 } }],
    summary: 'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.',
    since: '5.0.0',
    complexity:
      'For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.',
    handler: (s, argv) => xread(s, argv, true),
  }),
  st({
    name: 'xack',
    arity: -4,
    flags: ['write', 'fast'],
    acl: ['write', 'stream', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'update'],
    summary:
      'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.',
    since: '5.0.0',
    complexity: 'O(1) for each message ID processed.',
    handler: xack,
  }),
  st({
    name: 'xpending',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'stream', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    tips: ['nondeterministic_output'],
    summary: 'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.',
    since: '5.0.0',
    complexity:
      'O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.',
    handler: xpending,
  }),
  st({
    name: 'xclaim',
    arity: -6,
    flags: ['write', 'fast'],
    acl: ['write', 'stream', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'update'],
    tips: ['nondeterministic_output'],
    summary: 'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.',
    since: '5.0.0',
    complexity: 'O(log N) with N being the number of messages in the PEL of the consumer group.',
    handler: xclaim,
  }),
  st({
    name: 'xautoclaim',
    arity: -6,
    flags: ['write', 'fast'],
    acl: ['write', 'stream', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'delete'],
    tips: ['nondeterministic_output'],
    summary: 'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.',
    since: '6.2.0',
    complexity: 'O(1) if COUNT is small.',
    handler: xautoclaim,
  }),
  st({
    name: 'xinfo',
    arity: -2,
    flags: [],
    acl: ['slow'],
    summary: 'A container for stream introspection commands',
    since: '5.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      infoSub('stream', -3, 'Get information about a stream', xinfoStream),
      infoSub('consumers', 4, 'List the consumers in a consumer group', xinfoConsumers, ['nondeterministic_output']),
      infoSub('groups', 3, 'List the consumer groups of a stream', xinfoGroups),
      helpSub('xinfo', XINFO_HELP),
    ],
  }),
];
