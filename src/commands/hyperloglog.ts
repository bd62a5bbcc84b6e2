/**
 * HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST, on string values in
 * Redis's own HLL representation (store/hyperloglog.ts). A dense HLL (12 KB) is kept as
 * a Bitmap so that PFADD changes a register in place instead of copying the string.
 */
import type { Session } from '../engine/session.js';
import { KEEP_BITMAP, type Entry } from '../store/keyspace.js';
import type { CommandDecl } from './types.js';
import { NOTIFY_STRING } from '../engine/notify.js';
import { Bitmap } from '../store/bitmap.js';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  type HllBuffer,
  cacheValid,
  cachedCardinality,
  count,
  countRaw,
  createHll,
  decodeSparse,
  denseGet,
  denseSet,
  hllAdd,
  invalidateCache,
  isValidHll,
  mergeInto,
  patLen,
  patLenOf,
  setCachedCardinality,
  sparseSet,
  sparseToDense,
} from '../store/hyperloglog.js';
import { WRONGTYPE } from './util.js';

const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const CORRUPT = 'INVALIDOBJ Corrupted HLL object detected';

/** An HLL found at a key: its bytes to work on, and whether they are the stored Bitmap's own. */
interface Found {
  entry: Entry;
  hll: HllBuffer;
  inPlace: boolean;
}

/**
 * The HLL at key: undefined when the key is missing, null after WRONGTYPE or the
 * not-an-HLL error. A dense HLL held as a Bitmap is worked on in place; anything else is
 * copied (a sparse one is at most hll-sparse-max-bytes).
 */
function findHll(s: Session, key: string, write: boolean): Found | undefined | null {
  const entry = write ? s.db.write(key, !s.noTouch, KEEP_BITMAP) : s.db.read(key, !s.noTouch, KEEP_BITMAP);
  if (entry === undefined) return undefined;
  const value = entry.value;
  if (typeof value !== 'string' && !(value instanceof Bitmap)) {
    s.reply.error(WRONGTYPE);
    return null;
  }
  if (value instanceof Bitmap) {
    if (!isValidHll(value.buf, value.length)) {
      s.reply.error(NOT_HLL);
      return null;
    }
    if (value.buf[4] === HLL_DENSE) return { entry, hll: { buf: value.buf, length: value.length }, inPlace: true };
    return { entry, hll: { buf: Buffer.from(value.buf.subarray(0, value.length)), length: value.length }, inPlace: false };
  }
  if (value.length < HLL_HDR_SIZE || !value.startsWith('HYLL')) {
    s.reply.error(NOT_HLL);
    return null;
  }
  const buf = Buffer.from(value, 'latin1');
  if (!isValidHll(buf, buf.length)) {
    s.reply.error(NOT_HLL);
    return null;
  }
  return { entry, hll: { buf, length: buf.length }, inPlace: false };
}

/**
 * Stores an HLL worked on outside its entry (or for a new key): dense as a Bitmap, sparse
 * as a string. Raw-encoded either way, as Redis un-shares the value of every HLL write.
 */
function storeHll(s: Session, key: string, entry: Entry | undefined, hll: HllBuffer): void {
  if (hll.buf[4] !== HLL_DENSE) return s.db.putBytes(key, entry, hll.buf.toString('latin1', 0, hll.length));
  const buf = hll.buf.length === hll.length ? hll.buf : Buffer.from(hll.buf.subarray(0, hll.length));
  s.db.putBytes(key, entry, Bitmap.wrap(buf, hll.length));
}

function pfadd(s: Session, argv: string[]): void {
  const key = argv[1]!;
  const found = findHll(s, key, true);
  if (found === null) return;
  const hll = found?.hll ?? createHll();
  let updated = found === undefined ? 1 : 0;
  const sparseMax = s.engine.config.hllSparseMaxBytes;
  for (let j = 2; j < argv.length; j++) {
    const result = hllAdd(hll, patLenOf(argv[j]!), sparseMax);
    if (result === -1) {
      // Redis changes the value in place, so the registers set before the corrupt part
      // was reached stay set (and the cached cardinality invalid); it logs nothing.
      if (found !== undefined && !found.inPlace && updated > 0) storeHll(s, key, found.entry, hll);
      return s.reply.error(CORRUPT);
    }
    if (result > 0) updated++;
  }
  if (updated > 0) invalidateCache(hll);
  if (found === undefined || !found.inPlace) storeHll(s, key, found?.entry, hll);
  else if (hll.buf !== (found.entry.value as Bitmap).buf) storeHll(s, key, found.entry, hll);
  if (updated > 0) {
    s.changed(key, updated);
    s.notify(NOTIFY_STRING, 'pfadd', key);
  }
  s.reply.integer(updated > 0 ? 1 : 0);
}

function pfcount(s: Session, argv: string[]): void {
  if (argv.length > 2) {
    // The cardinality of the union: registers merged one per byte, nothing stored.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const found = findHll(s, argv[j]!, false);
      if (found === null) return;
      if (found === undefined) continue;
      if (!mergeInto(max, found.hll)) return s.reply.error(CORRUPT);
    }
    return s.reply.integer(countRaw(max));
  }
  const key = argv[1]!;
  const found = findHll(s, key, false);
  if (found === null) return;
  if (found === undefined) return s.reply.integer(0);
  const { hll } = found;
  if (cacheValid(hll)) return s.reply.integer(cachedCardinality(hll));
  const card = count(hll);
  if (card === null) return s.reply.error(CORRUPT);
  // Caching the cardinality changes the value, as in Redis: a snapshot in progress keeps
  // the old bytes, WATCH sees a modification.
  s.engine.persistence.background?.preserve(s.db, key);
  setCachedCardinality(hll, card);
  if (!found.inPlace) storeHll(s, key, found.entry, hll);
  s.changed(key);
  s.reply.integer(card);
}

function pfmerge(s: Session, argv: string[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const found = findHll(s, argv[j]!, false);
    if (found === null) return;
    if (found === undefined) continue;
    if (found.hll.buf[4] === HLL_DENSE) useDense = true;
    if (!mergeInto(max, found.hll)) return s.reply.error(CORRUPT);
  }
  const key = argv[1]!;
  // The destination was checked as the first source.
  const found = findHll(s, key, true) ?? undefined;
  let hll = found?.hll ?? createHll();
  if (useDense && hll.buf[4] === HLL_SPARSE) {
    const dense = sparseToDense(hll);
    if (dense === null) return s.reply.error(CORRUPT);
    hll = dense;
  }
  const sparseMax = s.engine.config.hllSparseMaxBytes;
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = max[j]!;
    if (v === 0) continue;
    if (hll.buf[4] === HLL_DENSE) {
      if (denseGet(hll.buf, HLL_HDR_SIZE, j) < v) denseSet(hll.buf, HLL_HDR_SIZE, j, v);
    } else {
      sparseSet(hll, j, v, sparseMax);
    }
  }
  invalidateCache(hll);
  const inPlace = found !== undefined && found.inPlace && hll.buf === (found.entry.value as Bitmap).buf;
  if (!inPlace) storeHll(s, key, found?.entry, hll);
  s.changed(key);
  // PFMERGE is a mass PFADD, and says so.
  s.notify(NOTIFY_STRING, 'pfadd', key);
  s.reply.ok();
}

function pfdebug(s: Session, argv: string[]): void {
  const sub = argv[1]!;
  const key = argv[2]!;
  const found = findHll(s, key, true);
  if (found === null) return;
  if (found === undefined) return s.reply.error('ERR The specified key does not exist');
  let { hll } = found;
  const toDense = (): boolean => {
    if (hll.buf[4] !== HLL_SPARSE) return true;
    const dense = sparseToDense(hll);
    if (dense === null) {
      s.reply.error(CORRUPT);
      return false;
    }
    hll = dense;
    storeHll(s, key, found.entry, hll);
    // An encoding change is a change of the value, propagated as one.
    s.changed(key);
    return true;
  };
  switch (sub.toLowerCase()) {
    case 'getreg': {
      if (!toDense()) return;
      s.reply.array(HLL_REGISTERS);
      for (let j = 0; j < HLL_REGISTERS; j++) s.reply.integer(denseGet(hll.buf, HLL_HDR_SIZE, j));
      return;
    }
    case 'decode':
      if (hll.buf[4] !== HLL_SPARSE) return s.reply.error('ERR HLL encoding is not sparse');
      return s.reply.bulk(decodeSparse(hll));
    case 'encoding':
      return s.reply.simple(hll.buf[4] === HLL_DENSE ? 'dense' : 'sparse');
    case 'todense': {
      const sparse = hll.buf[4] === HLL_SPARSE;
      if (!toDense()) return;
      return s.reply.integer(sparse ? 1 : 0);
    }
    default:
      return s.reply.error(`ERR Unknown PFDEBUG subcommand '${sub}'`);
  }
}

/**
 * Redis's PFSELFTEST: register access on random values, then ten million elements added
 * to a dense and a sparse HLL side by side, whose counts must agree and stay within six
 * standard errors at every power of ten. Blocks for some seconds, as in Redis.
 */
function pfselftest(s: Session): void {
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  const bytecounters = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < 1000; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = Math.floor(Math.random() * 64);
      bytecounters[i] = r;
      denseSet(dense, HLL_HDR_SIZE, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(dense, HLL_HDR_SIZE, i);
      if (val !== bytecounters[i]) return s.reply.error(`TESTFAILED Register ${i} should be ${bytecounters[i]} but is ${val}`);
    }
  }
  dense.fill(0);
  dense[4] = HLL_DENSE;
  const denseHll: HllBuffer = { buf: dense, length: HLL_DENSE_SIZE };
  const sparseHll = createHll();
  const sparseMax = s.engine.config.hllSparseMaxBytes;
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = Math.floor(Math.random() * 2 ** 32);
  const seedHi = Math.floor(Math.random() * 2 ** 32);
  const ele = Buffer.alloc(8);
  let checkpoint = 1;
  for (let j = 1; j <= 10_000_000; j++) {
    ele.writeUInt32LE((j ^ seedLo) >>> 0, 0);
    ele.writeUInt32LE(seedHi, 4);
    const pat = patLen(ele, 8);
    hllAdd(denseHll, pat, sparseMax);
    hllAdd(sparseHll, pat, sparseMax);
    if (j !== checkpoint) continue;
    if (j < sparseMax / 2 && sparseHll.buf[4] !== HLL_SPARSE) return s.reply.error('TESTFAILED sparse encoding not used');
    const card = count(denseHll)!;
    if (card !== count(sparseHll)) return s.reply.error('TESTFAILED dense/sparse disagree');
    let maxerr = Math.ceil(relerr * 6 * checkpoint);
    if (j === 10) maxerr = 1;
    const abserr = Math.abs(checkpoint - card);
    if (abserr > maxerr) return s.reply.error(`TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
    checkpoint *= 10;
  }
  s.reply.ok();
}

const hll = (d: Omit<CommandDecl, 'group'>): CommandDecl => ({ group: 'hyperloglog', ...d });

export const hyperloglogCommands: CommandDecl[] = [
  hll({
    name: 'pfadd',
    arity: -2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hyperloglog', 'fast'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'insert'],
    summary: 'Adds the specified elements to the specified HyperLogLog.',
    since: '2.8.9',
    complexity: 'O(1) to add every element.',
    handler: pfadd,
  }),
  hll({
    name: 'pfcount',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'hyperloglog', 'slow'],
    keys: [1, -1, 1],
    keyFlags: ['RW', 'access'],
    keyNotes: 'RW because it may change the internal representation of the key, and propagate to replicas',
    summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).',
    since: '2.8.9',
    complexity:
      'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    handler: pfcount,
  }),
  hll({
    name: 'pfmerge',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['write', 'hyperloglog', 'slow'],
    keys: [1, -1, 1],
    keySpecs: [
      { flags: ['RW', 'access', 'insert'], index: 1, lastKey: 0, keyStep: 1 },
      { flags: ['RO', 'access'], index: 2, lastKey: -1, keyStep: 1 },
    ],
    summary: 'Merge N different HyperLogLogs into a single one.',
    since: '2.8.9',
    complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    handler: pfmerge,
  }),
  hll({
    name: 'pfdebug',
    arity: 3,
    flags: ['write', 'denyoom', 'admin'],
    acl: ['write', 'hyperloglog', 'admin', 'slow', 'dangerous'],
    keys: [2, 2, 1],
    keyFlags: ['RW', 'access'],
    summary: 'Internal commands for debugging HyperLogLog values',
    since: '2.8.9',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    handler: pfdebug,
  }),
  hll({
    name: 'pfselftest',
    arity: 1,
    flags: ['admin'],
    acl: ['hyperloglog', 'admin', 'slow', 'dangerous'],
    keys: [0, 0, 0],
    summary: 'An internal command for testing HyperLogLog values',
    since: '2.8.9',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    handler: pfselftest,
  }),
];
