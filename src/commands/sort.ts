/**
 * SORT and SORT_RO, as Redis 7.0's sortCommandGeneric: BY and GET patterns (with hash
 * `->field` dereference and `GET #`), LIMIT, ASC/DESC, ALPHA, STORE into a list.
 */
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../engine/notify.js';
import type { Session } from '../engine/session.js';
import { HashValue } from '../store/hash.js';
import { ListValue } from '../store/list.js';
import { SetValue } from '../store/set.js';
import { ZSetValue } from '../store/zset.js';
import type { CommandDecl } from './types.js';
import { NOT_INTEGER, SYNTAX, WRONGTYPE, parseDouble, parseInt64 } from './util.js';

/** Redis's lookupKeyByPattern: "#" is the element itself; "key_*->field" reads a hash. */
function lookupByPattern(s: Session, pattern: string, subst: string): string | null {
  if (pattern === '#') return subst;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const field = arrow >= 0 && arrow + 2 < pattern.length ? pattern.slice(arrow + 2) : null;
  const keyEnd = field !== null ? arrow : pattern.length;
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, keyEnd);
  const entry = s.db.read(key, !s.noTouch);
  if (entry === undefined) return null;
  if (field !== null) return entry.value instanceof HashValue ? (entry.value.get(field) ?? null) : null;
  return typeof entry.value === 'string' ? entry.value : null;
}

/** C's strtod as SORT applies it: whole string, errors on NaN and on ERANGE. */
function sortScore(text: string): number | null {
  if (text === '') return 0;
  const t = text.replace(/^[ \t\n\v\f\r]+/, '');
  if (t === '') return null;
  const v = parseDouble(t);
  if (v === null) return null;
  // ERANGE: overflow to infinity, or underflow of a non-zero number to zero.
  if (!Number.isFinite(v) && !/inf/i.test(t)) return null;
  if (v === 0 && /[1-9]/.test(t.replace(/[eE].*$/, ''))) return null;
  return v;
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sort(s: Session, argv: string[], readonly: boolean): void {
  const r = s.reply;
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let sortBy: string | null = null;
  let dontSort = false;
  let store: string | null = null;
  const gets: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const left = argv.length - j - 1;
    if (opt === 'asc') desc = false;
    else if (opt === 'desc') desc = true;
    else if (opt === 'alpha') alpha = true;
    else if (opt === 'limit' && left >= 2) {
      const a = parseInt64(argv[j + 1]!);
      if (a === null) return r.error(NOT_INTEGER);
      const b = parseInt64(argv[j + 2]!);
      if (b === null) return r.error(NOT_INTEGER);
      limitStart = a;
      limitCount = b;
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      store = argv[++j]!;
    } else if (opt === 'by' && left >= 1) {
      sortBy = argv[++j]!;
      dontSort = !sortBy.includes('*');
    } else if (opt === 'get' && left >= 1) {
      gets.push(argv[++j]!);
    } else return r.error(SYNTAX);
  }
  const entry = s.db.read(argv[1]!, !s.noTouch);
  const value = entry?.value;
  if (value !== undefined && !(value instanceof ListValue) && !(value instanceof SetValue) && !(value instanceof ZSetValue)) {
    return r.error(WRONGTYPE);
  }
  // A set has no order of its own: stored or not, Redis sorts it when BY is constant
  // and STORE is given, so the result is reproducible.
  if (dontSort && value instanceof SetValue && store !== null) {
    dontSort = false;
    alpha = true;
    sortBy = null;
  }
  let elements: string[];
  if (value instanceof ListValue) elements = value.range(0, value.length - 1);
  // An intset iterates in numeric order in Redis; a hashtable in no particular order.
  else if (value instanceof SetValue) elements = value.ordered();
  else if (value instanceof ZSetValue) {
    const members: string[] = [];
    value.forEach((m) => members.push(m));
    elements = members;
  } else elements = [];
  const len = elements.length;
  let start = limitStart < 0 ? 0 : limitStart;
  let end = limitCount < 0 ? len - 1 : start + limitCount - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  if (dontSort) {
    // Lists and sorted sets keep their own order, reversed by DESC.
    if (desc && !(value instanceof SetValue)) elements.reverse();
  } else {
    const keyed = elements.map((element) => {
      let by: string | null = element;
      if (sortBy !== null) by = lookupByPattern(s, sortBy, element);
      return { element, by, score: 0 };
    });
    let conversionError = false;
    if (!alpha) {
      for (const k of keyed) {
        if (k.by === null) continue;
        const v = sortScore(k.by);
        if (v === null) conversionError = true;
        else k.score = v;
      }
    }
    if (conversionError) return r.error("ERR One or more scores can't be converted into double");
    const byPattern = sortBy !== null;
    keyed.sort((a, b) => {
      let cmp: number;
      if (!alpha) {
        cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.element, b.element);
      } else if (byPattern) {
        if (a.by === null || b.by === null) cmp = a.by === b.by ? 0 : a.by === null ? -1 : 1;
        else cmp = compareBytes(a.by, b.by);
      } else cmp = compareBytes(a.element, b.element);
      return desc ? -cmp : cmp;
    });
    elements = keyed.map((k) => k.element);
  }

  const selected = end >= start ? elements.slice(start, end + 1) : [];
  if (store === null) {
    r.array(gets.length > 0 ? gets.length * selected.length : selected.length);
    for (const element of selected) {
      if (gets.length === 0) r.bulk(element);
      for (const pattern of gets) {
        const v = lookupByPattern(s, pattern, element);
        if (v === null) r.nil();
        else r.bulk(v);
      }
    }
    return;
  }
  const out = new ListValue();
  for (const element of selected) {
    if (gets.length === 0) out.pushTail(element);
    for (const pattern of gets) out.pushTail(lookupByPattern(s, pattern, element) ?? '');
  }
  if (out.length > 0) {
    s.db.set(store, out);
    s.changed(store, out.length);
    s.notify(NOTIFY_LIST, 'sortstore', store);
  } else if (s.db.delete(store)) {
    s.changed(store);
    s.notify(NOTIFY_GENERIC, 'del', store);
  }
  r.integer(out.length);
}

export const sortCommands: CommandDecl[] = [
  {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom', 'movablekeys'],
    acl: ['write', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    keys: [1, 1, 1],
    keySpecs: [{ flags: ['RO', 'access'], index: 1, lastKey: 0, keyStep: 1 }],
    group: 'generic',
    summary: 'Sorts the elements in a list, a set, or a sorted set, optionally storing the result.',
    since: '1.0.0',
    complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    handler: (s, argv) => sort(s, argv, false),
  },
  {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly', 'movablekeys'],
    acl: ['read', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    keys: [1, 1, 1],
    keySpecs: [{ flags: ['RO', 'access'], index: 1, lastKey: 0, keyStep: 1 }],
    group: 'generic',
    summary: 'Returns the sorted elements of a list, a set, or a sorted set.',
    since: '7.0.0',
    complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    handler: (s, argv) => sort(s, argv, true),
  },
];
