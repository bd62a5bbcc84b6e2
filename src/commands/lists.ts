/**
 * List commands (non-blocking forms), with Redis 7.0's replies and errors.
 */
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../engine/notify.js';
import type { Session } from '../engine/session.js';
import { ListValue } from '../store/list.js';
import type { CommandDecl } from './types.js';
import { NOT_INTEGER, NO_SUCH_KEY, SYNTAX, WRONGTYPE, parseInt64, readTyped, timeoutArg } from './util.js';

const OUT_OF_RANGE_POSITIVE = 'ERR value is out of range, must be positive';

const readList = (s: Session, key: string, write = false) => readTyped(s, key, ListValue, write);

/** Deletes key once its list is empty: Redis never keeps empty aggregates. */
/** Deletes a list its command emptied; after the command's own event, as Redis orders them. */
export function dropIfEmpty(s: Session, key: string, list: ListValue): void {
  if (list.length === 0 && s.db.delete(key)) s.notify(NOTIFY_GENERIC, 'del', key);
}

/** Redis's getListPositionFromObjectOrReply: LEFT is the head. null after a syntax error. */
export function whereArg(s: Session, arg: string): 'left' | 'right' | null {
  const w = arg.toLowerCase();
  if (w === 'left' || w === 'right') return w;
  s.reply.error(SYNTAX);
  return null;
}

function push(s: Session, argv: string[], head: boolean, onlyIfExists: boolean): void {
  const key = argv[1]!;
  let list = readList(s, key, true);
  if (list === null) return;
  if (list === undefined) {
    if (onlyIfExists) return s.reply.integer(0);
    list = new ListValue();
    s.db.add(key, list);
  }
  for (let i = 2; i < argv.length; i++) {
    if (head) list.pushHead(argv[i]!);
    else list.pushTail(argv[i]!);
  }
  s.engine.blocking.signal(s.db, key);
  s.changed(key, argv.length - 2);
  s.notify(NOTIFY_LIST, head ? 'lpush' : 'rpush', key);
  s.reply.integer(list.length);
}

function pop(s: Session, argv: string[], head: boolean): void {
  const r = s.reply;
  if (argv.length > 3) return r.error(`ERR wrong number of arguments for '${head ? 'lpop' : 'rpop'}' command`);
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const n = parseInt64(argv[2]!);
    if (n === null || n < 0) return r.error(OUT_OF_RANGE_POSITIVE);
    count = n;
  }
  const list = readList(s, argv[1]!, true);
  if (list === null) return;
  if (list === undefined) return hasCount ? r.nilArray() : r.nil();
  if (hasCount && count === 0) return r.array(0);
  if (!hasCount) {
    r.bulk((head ? list.popHead() : list.popTail())!);
    s.changed(argv[1]!);
  } else {
    const n = Math.min(count, list.length);
    r.array(n);
    for (let i = 0; i < n; i++) r.bulk((head ? list.popHead() : list.popTail())!);
    s.changed(argv[1]!, n);
  }
  s.notify(NOTIFY_LIST, head ? 'lpop' : 'rpop', argv[1]!);
  dropIfEmpty(s, argv[1]!, list);
}

/** Redis's LMOVE core: pops from src, pushes to dst. Returns the element or null (nothing to move). */
export function move(s: Session, srcKey: string, dstKey: string, from: 'left' | 'right', to: 'left' | 'right', src: ListValue): string | null {
  const dstEntry = s.db.write(dstKey, !s.noTouch);
  if (dstEntry !== undefined && !(dstEntry.value instanceof ListValue)) {
    s.reply.error(WRONGTYPE);
    return null;
  }
  const value = (from === 'left' ? src.popHead() : src.popTail())!;
  let dst = dstEntry?.value as ListValue | undefined;
  if (dst === undefined) {
    dst = new ListValue();
    s.db.add(dstKey, dst);
  }
  if (to === 'left') dst.pushHead(value);
  else dst.pushTail(value);
  s.engine.blocking.signal(s.db, dstKey);
  s.changed(srcKey);
  s.changed(dstKey);
  s.notify(NOTIFY_LIST, to === 'left' ? 'lpush' : 'rpush', dstKey);
  s.notify(NOTIFY_LIST, from === 'left' ? 'lpop' : 'rpop', srcKey);
  dropIfEmpty(s, srcKey, src);
  return value;
}

function lmove(s: Session, srcKey: string, dstKey: string, from: 'left' | 'right', to: 'left' | 'right'): void {
  const src = readList(s, srcKey, true);
  if (src === null) return;
  if (src === undefined) return s.reply.nil();
  const value = move(s, srcKey, dstKey, from, to, src);
  if (value !== null) s.reply.bulk(value);
}

/** Parses LMPOP's numkeys, keys, direction and COUNT from argv[at]; null after a reply. */
export function mpopArgs(s: Session, argv: string[], at: number): { keys: string[]; where: 'left' | 'right'; count: number } | null {
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
  const where = whereArg(s, argv[whereIdx]!);
  if (where === null) return null;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j]!.toLowerCase() === 'count' && more > 0) {
      j++;
      const n = parseInt64(argv[j]!);
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
  return { keys: argv.slice(at + 1, at + 1 + numkeys), where, count: count === -1 ? 1 : count };
}

/** Pops up to count from the first non-empty list of keys: [key, elements], replied. */
export function mpopFrom(s: Session, key: string, list: ListValue, where: 'left' | 'right', count: number): void {
  const n = Math.min(count, list.length);
  const r = s.reply;
  r.array(2);
  r.bulk(key);
  r.array(n);
  for (let i = 0; i < n; i++) r.bulk((where === 'left' ? list.popHead() : list.popTail())!);
  s.changed(key, n);
  s.notify(NOTIFY_LIST, where === 'left' ? 'lpop' : 'rpop', key);
  dropIfEmpty(s, key, list);
}

function lpos(s: Session, argv: string[]): void {
  const r = s.reply;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'rank' && more > 0) {
      const n = parseInt64(argv[++j]!);
      if (n === null) return r.error(NOT_INTEGER);
      if (n === 0) {
        return r.error(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
      }
      rank = n;
    } else if (opt === 'count' && more > 0) {
      const n = parseInt64(argv[++j]!);
      if (n === null || n < 0) return r.error("ERR COUNT can't be negative");
      count = n;
    } else if (opt === 'maxlen' && more > 0) {
      const n = parseInt64(argv[++j]!);
      if (n === null || n < 0) return r.error("ERR MAXLEN can't be negative");
      maxlen = n;
    } else return r.error(SYNTAX);
  }
  const fromTail = rank < 0;
  // Redis 7.0 negates RANK in int64: -2^63 stays negative, so the first match (from the
  // tail) is taken. The same answer here is rank 1 from the tail.
  if (fromTail) rank = rank < -9223372036854775807 ? 1 : -rank;
  const list = readList(s, argv[1]!);
  if (list === null) return;
  if (list === undefined) return count !== -1 ? r.array(0) : r.nil();
  const element = argv[2]!;
  const len = list.length;
  const found: number[] = [];
  let matches = 0;
  for (let i = 0; i < len && (maxlen === 0 || i < maxlen); i++) {
    const index = fromTail ? len - 1 - i : i;
    if (list.at(index) !== element) continue;
    matches++;
    if (matches < rank) continue;
    found.push(index);
    if (count === -1 || (count !== 0 && matches - rank + 1 >= count)) break;
  }
  if (count !== -1) {
    r.array(found.length);
    for (const i of found) r.integer(i);
  } else if (found.length > 0) r.integer(found[0]!);
  else r.nil();
}

/** BLPOP / BRPOP */
function blockingPop(s: Session, argv: string[], head: boolean): void {
  const deadline = timeoutArg(s, argv[argv.length - 1]!);
  if (deadline === null) return;
  const keys = argv.slice(1, -1);
  for (const key of keys) {
    const list = readList(s, key, true);
    if (list === null) return;
    if (list === undefined || list.length === 0) continue;
    s.reply.array(2);
    s.reply.bulk(key);
    s.reply.bulk((head ? list.popHead() : list.popTail())!);
    s.changed(key);
    s.notify(NOTIFY_LIST, head ? 'lpop' : 'rpop', key);
    dropIfEmpty(s, key, list);
    return;
  }
  s.engine.blocking.block(s, argv, keys, deadline);
}

function blockingMove(s: Session, argv: string[], srcKey: string, dstKey: string, from: 'left' | 'right', to: 'left' | 'right', deadline: number): void {
  const src = readList(s, srcKey, true);
  if (src === null) return;
  if (src === undefined) {
    // Where it cannot block (inside EXEC), Redis answers BLMOVE with a null bulk string.
    if (s.inExec) return s.reply.nil();
    return s.engine.blocking.block(s, argv, [srcKey], deadline);
  }
  const value = move(s, srcKey, dstKey, from, to, src);
  if (value !== null) s.reply.bulk(value);
}

const decl = (d: Omit<CommandDecl, 'group' | 'keys'> & { keys?: [number, number, number] }): CommandDecl => ({
  group: 'list',
  keys: [1, 1, 1],
  ...d,
});

export const listCommands: CommandDecl[] = [
  decl({
    name: 'blpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['write', 'list', 'slow', 'blocking'],
    keys: [1, -2, 1],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 1, lastKey: -2, keyStep: 1 }],
    summary: 'Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    handler: (s, argv) => blockingPop(s, argv, true),
  }),
  decl({
    name: 'brpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['write', 'list', 'slow', 'blocking'],
    keys: [1, -2, 1],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 1, lastKey: -2, keyStep: 1 }],
    summary: 'Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    handler: (s, argv) => blockingPop(s, argv, false),
  }),
  decl({
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['write', 'list', 'slow', 'blocking'],
    keys: [1, 2, 1],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], index: 1, lastKey: 0, keyStep: 1 },
      { flags: ['RW', 'insert'], index: 2, lastKey: 0, keyStep: 1 },
    ],
    summary: 'Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const from = whereArg(s, argv[3]!);
      if (from === null) return;
      const to = whereArg(s, argv[4]!);
      if (to === null) return;
      const deadline = timeoutArg(s, argv[5]!);
      if (deadline === null) return;
      blockingMove(s, argv, argv[1]!, argv[2]!, from, to, deadline);
    },
  }),
  decl({
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['write', 'list', 'slow', 'blocking'],
    keys: [1, 2, 1],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], index: 1, lastKey: 0, keyStep: 1 },
      { flags: ['RW', 'insert'], index: 2, lastKey: 0, keyStep: 1 },
    ],
    summary: 'Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.',
    since: '2.2.0',
    complexity: 'O(1)',
    deprecatedSince: '6.2.0',
    replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    docFlags: ['deprecated'],
    handler: (s, argv) => {
      const deadline = timeoutArg(s, argv[3]!);
      if (deadline === null) return;
      blockingMove(s, argv, argv[1]!, argv[2]!, 'right', 'left', deadline);
    },
  }),
  decl({
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking', 'movablekeys'],
    acl: ['write', 'list', 'slow', 'blocking'],
    keys: [0, 0, 0],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 2, lastKey: 0, keyStep: 1, keynum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }],
    summary: 'Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    handler: (s, argv) => {
      const args = mpopArgs(s, argv, 2);
      if (args === null) return;
      const deadline = timeoutArg(s, argv[1]!);
      if (deadline === null) return;
      for (const key of args.keys) {
        const list = readList(s, key, true);
        if (list === null) return;
        if (list !== undefined && list.length > 0) return mpopFrom(s, key, list, args.where, args.count);
      }
      s.engine.blocking.block(s, argv, args.keys, deadline);
    },
  }),
  decl({
    name: 'lpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'list', 'fast'],
    keyFlags: ['RW', 'insert'],
    summary: 'Prepends one or more elements to a list. Creates the key if it doesn\'t exist.',
    since: '1.0.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    handler: (s, argv) => push(s, argv, true, false),
  }),
  decl({
    name: 'rpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'list', 'fast'],
    keyFlags: ['RW', 'insert'],
    summary: 'Appends one or more elements to a list. Creates the key if it doesn\'t exist.',
    since: '1.0.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    handler: (s, argv) => push(s, argv, false, false),
  }),
  decl({
    name: 'lpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'list', 'fast'],
    keyFlags: ['RW', 'insert'],
    summary: 'Prepends one or more elements to a list only when the list exists.',
    since: '2.2.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    handler: (s, argv) => push(s, argv, true, true),
  }),
  decl({
    name: 'rpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'list', 'fast'],
    keyFlags: ['RW', 'insert'],
    summary: 'Appends an element to a list only when the list exists.',
    since: '2.2.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    handler: (s, argv) => push(s, argv, false, true),
  }),
  decl({
    name: 'lpop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'list', 'fast'],
    keyFlags: ['RW', 'access', 'delete'],
    summary: 'Returns the first elements in a list after removing it. Deletes the list if the last element was popped.',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    handler: (s, argv) => pop(s, argv, true),
  }),
  decl({
    name: 'rpop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['write', 'list', 'fast'],
    keyFlags: ['RW', 'access', 'delete'],
    summary: 'Returns and removes the last elements of a list. Deletes the list if the last element was popped.',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    handler: (s, argv) => pop(s, argv, false),
  }),
  decl({
    name: 'llen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'list', 'fast'],
    keyFlags: ['RO'],
    summary: 'Returns the length of a list.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const list = readList(s, argv[1]!);
      if (list !== null) s.reply.integer(list?.length ?? 0);
    },
  }),
  decl({
    name: 'lrange',
    arity: 4,
    flags: ['readonly'],
    acl: ['read', 'list', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns a range of elements from a list.',
    since: '1.0.0',
    complexity: 'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    handler: (s, argv) => {
      let start = parseInt64(argv[2]!);
      if (start === null) return s.reply.error(NOT_INTEGER);
      let end = parseInt64(argv[3]!);
      if (end === null) return s.reply.error(NOT_INTEGER);
      const list = readList(s, argv[1]!);
      if (list === null) return;
      if (list === undefined) return s.reply.array(0);
      const len = list.length;
      if (start < 0) start = len + start;
      if (end < 0) end = len + end;
      if (start < 0) start = 0;
      if (start > end || start >= len) return s.reply.array(0);
      if (end >= len) end = len - 1;
      const items = list.range(start, end);
      s.reply.array(items.length);
      for (const item of items) s.reply.bulk(item);
    },
  }),
  decl({
    name: 'lindex',
    arity: 3,
    flags: ['readonly'],
    acl: ['read', 'list', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns an element from a list by its index.',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    handler: (s, argv) => {
      const list = readList(s, argv[1]!);
      if (list === null) return;
      if (list === undefined) return s.reply.nil();
      let index = parseInt64(argv[2]!);
      if (index === null) return s.reply.error(NOT_INTEGER);
      if (index < 0) index = list.length + index;
      if (index < 0 || index >= list.length) return s.reply.nil();
      s.reply.bulk(list.at(index));
    },
  }),
  decl({
    name: 'lset',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['write', 'list', 'slow'],
    keyFlags: ['RW', 'update'],
    summary: 'Sets the value of an element in a list by its index.',
    since: '1.0.0',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    handler: (s, argv) => {
      const list = readList(s, argv[1]!, true);
      if (list === null) return;
      if (list === undefined) return s.reply.error(NO_SUCH_KEY);
      let index = parseInt64(argv[2]!);
      if (index === null) return s.reply.error(NOT_INTEGER);
      if (index < 0) index = list.length + index;
      if (index < 0 || index >= list.length) return s.reply.error('ERR index out of range');
      list.setAt(index, argv[3]!);
      s.changed(argv[1]!);
      s.notify(NOTIFY_LIST, 'lset', argv[1]!);
      s.reply.ok();
    },
  }),
  decl({
    name: 'linsert',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['write', 'list', 'slow'],
    keyFlags: ['RW', 'insert'],
    summary: 'Inserts an element before or after another element in a list.',
    since: '2.2.0',
    complexity: 'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    handler: (s, argv) => {
      const where = argv[2]!.toLowerCase();
      if (where !== 'before' && where !== 'after') return s.reply.error(SYNTAX);
      const list = readList(s, argv[1]!, true);
      if (list === null) return;
      if (list === undefined) return s.reply.integer(0);
      const items = list.range(0, list.length - 1);
      const at = items.indexOf(argv[3]!);
      if (at < 0) return s.reply.integer(-1);
      items.splice(where === 'before' ? at : at + 1, 0, argv[4]!);
      list.replace(items);
      s.changed(argv[1]!);
      s.notify(NOTIFY_LIST, 'linsert', argv[1]!);
      s.reply.integer(list.length);
    },
  }),
  decl({
    name: 'lrem',
    arity: 4,
    flags: ['write'],
    acl: ['write', 'list', 'slow'],
    keyFlags: ['RW', 'delete'],
    summary: 'Removes elements from a list. Deletes the list if the last element was removed.',
    since: '1.0.0',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    handler: (s, argv) => {
      const toRemove = parseInt64(argv[2]!);
      if (toRemove === null) return s.reply.error(NOT_INTEGER);
      const list = readList(s, argv[1]!, true);
      if (list === null) return;
      if (list === undefined) return s.reply.integer(0);
      const items = list.range(0, list.length - 1);
      const element = argv[3]!;
      const limit = toRemove === 0 ? Infinity : Math.abs(toRemove);
      let removed = 0;
      if (toRemove >= 0) {
        const kept: string[] = [];
        for (const item of items) {
          if (item === element && removed < limit) removed++;
          else kept.push(item);
        }
        list.replace(kept);
      } else {
        const kept: string[] = [];
        for (let i = items.length - 1; i >= 0; i--) {
          if (items[i] === element && removed < limit) removed++;
          else kept.push(items[i]!);
        }
        list.replace(kept.reverse());
      }
      s.changed(argv[1]!, removed);
      if (removed > 0) s.notify(NOTIFY_LIST, 'lrem', argv[1]!);
      dropIfEmpty(s, argv[1]!, list);
      s.reply.integer(removed);
    },
  }),
  decl({
    name: 'ltrim',
    arity: 4,
    flags: ['write'],
    acl: ['write', 'list', 'slow'],
    keyFlags: ['RW', 'delete'],
    summary: 'Removes elements from both ends a list. Deletes the list if all elements were trimmed.',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    handler: (s, argv) => {
      let start = parseInt64(argv[2]!);
      if (start === null) return s.reply.error(NOT_INTEGER);
      let end = parseInt64(argv[3]!);
      if (end === null) return s.reply.error(NOT_INTEGER);
      const list = readList(s, argv[1]!, true);
      if (list === null) return;
      if (list === undefined) return s.reply.ok();
      const len = list.length;
      if (start < 0) start = len + start;
      if (end < 0) end = len + end;
      if (start < 0) start = 0;
      let ltrim: number;
      let rtrim: number;
      if (start > end || start >= len) {
        ltrim = len;
        rtrim = 0;
      } else {
        if (end >= len) end = len - 1;
        ltrim = start;
        rtrim = len - end - 1;
      }
      for (let i = 0; i < ltrim; i++) list.popHead();
      for (let i = 0; i < rtrim; i++) list.popTail();
      // Redis signals LTRIM on an existing key even when it trims nothing.
      s.touchKey(argv[1]!);
      s.engine.keyspace.dirty += ltrim + rtrim;
      s.notify(NOTIFY_LIST, 'ltrim', argv[1]!);
      dropIfEmpty(s, argv[1]!, list);
      s.reply.ok();
    },
  }),
  decl({
    name: 'lpos',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'list', 'slow'],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the index of matching elements in a list.',
    since: '6.0.6',
    complexity: 'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    handler: lpos,
  }),
  decl({
    name: 'lmove',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['write', 'list', 'slow'],
    keys: [1, 2, 1],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], index: 1, lastKey: 0, keyStep: 1 },
      { flags: ['RW', 'insert'], index: 2, lastKey: 0, keyStep: 1 },
    ],
    summary: 'Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: (s, argv) => {
      const from = whereArg(s, argv[3]!);
      if (from === null) return;
      const to = whereArg(s, argv[4]!);
      if (to === null) return;
      lmove(s, argv[1]!, argv[2]!, from, to);
    },
  }),
  decl({
    name: 'rpoplpush',
    arity: 3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'list', 'slow'],
    keys: [1, 2, 1],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], index: 1, lastKey: 0, keyStep: 1 },
      { flags: ['RW', 'insert'], index: 2, lastKey: 0, keyStep: 1 },
    ],
    summary: 'Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.',
    since: '1.2.0',
    complexity: 'O(1)',
    deprecatedSince: '6.2.0',
    replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    docFlags: ['deprecated'],
    handler: (s, argv) => lmove(s, argv[1]!, argv[2]!, 'right', 'left'),
  }),
  decl({
    name: 'lmpop',
    arity: -4,
    flags: ['write', 'movablekeys'],
    acl: ['write', 'list', 'slow'],
    keys: [0, 0, 0],
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 1, lastKey: 0, keyStep: 1, keynum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }],
    summary: 'Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.',
    since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    handler: (s, argv) => {
      const args = mpopArgs(s, argv, 1);
      if (args === null) return;
      for (const key of args.keys) {
        const list = readList(s, key, true);
        if (list === null) return;
        if (list !== undefined && list.length > 0) return mpopFrom(s, key, list, args.where, args.count);
      }
      s.reply.nilArray();
    },
  }),
];
