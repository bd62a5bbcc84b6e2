/**
 * HyperLogLog in Redis's exact representation, so that a value written by Cairn, copied
 * with GET/SET into Redis, counts the same there (and the other way round).
 *
 * A value is a string: a 16-byte header ("HYLL", encoding byte, 3 unused bytes, the cached
 * cardinality as 8 little-endian bytes whose top bit set means "stale"), then 16384
 * registers of 6 bits. Dense encoding packs them LSB first (12288 bytes); sparse encoding
 * run-length codes them with three opcodes (ZERO 00xxxxxx: 1-64 zero registers, XZERO
 * 01xxxxxx yyyyyyyy: 1-16384 zero registers, VAL 1vvvvvxx: 1-4 registers of value 1-32).
 * Elements hash with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register,
 * the run of zeros above them (plus one) is the candidate value.
 *
 * The functions here work on Buffers; the commands (commands/hyperloglog.ts) move values
 * between the keyspace and these buffers.
 */

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;

const XZERO_BIT = 0x40;
const VAL_BIT = 0x80;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;
const XZERO_MAX_LEN = 16384;
/** Redis's HLL_ALPHA_INF, 0.5 / ln(2). */
const ALPHA_INF = 0.721347520444481703680;

/** An HLL being worked on: bytes [0, length) of buf are the value; the rest is spare room. */
export interface HllBuffer {
  buf: Buffer;
  length: number;
}

// ---- MurmurHash64A on 32-bit halves (a BigInt per element would cost microseconds) ----

/** High 32 bits of the 64-bit product of two unsigned 32-bit numbers. */
function mulHigh(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + Math.floor(p01 / 65536) + Math.floor(p10 / 65536) + Math.floor(mid / 65536)) >>> 0;
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
let hHi = 0;
let hLo = 0;

/** (hHi, hLo) *= m, modulo 2^64. */
function mulM(hi: number, lo: number): void {
  hHi = (mulHigh(lo, M_LO) + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
  hLo = Math.imul(lo, M_LO) >>> 0;
}

let scratch = Buffer.alloc(256);

/**
 * Redis's hllPatLen for bytes[0, length): returns register index * 64 + run length, so
 * that one call yields both without an allocation.
 */
export function patLen(bytes: Uint8Array, length: number): number {
  // h = seed ^ (len * m)
  mulM(0, length);
  let h1 = hHi;
  let h0 = (hLo ^ 0xadc83b19) >>> 0;
  const blocks = length - (length & 7);
  for (let i = 0; i < blocks; i += 8) {
    const k0 = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    const k1 = (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24)) >>> 0;
    mulM(k1, k0);
    // k ^= k >> 47; k *= m
    mulM(hHi, (hLo ^ (hHi >>> 15)) >>> 0);
    // h ^= k; h *= m
    mulM((h1 ^ hHi) >>> 0, (h0 ^ hLo) >>> 0);
    h1 = hHi;
    h0 = hLo;
  }
  const rest = length & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const b = bytes[blocks + j]!;
      if (j >= 4) h1 = (h1 ^ (b << (8 * (j - 4)))) >>> 0;
      else h0 = (h0 ^ (b << (8 * j))) >>> 0;
    }
    mulM(h1, h0);
    h1 = hHi;
    h0 = hLo;
  }
  // h ^= h >> 47; h *= m; h ^= h >> 47
  mulM(h1, (h0 ^ (h1 >>> 15)) >>> 0);
  h1 = hHi;
  h0 = (hLo ^ (hHi >>> 15)) >>> 0;
  const index = h0 & HLL_P_MASK;
  // The bits above the index, with bit Q set so that the run ends by Q + 1.
  const lo = ((h0 >>> HLL_P) | (h1 << (32 - HLL_P))) >>> 0;
  const hi = ((h1 >>> HLL_P) | (1 << (HLL_Q - 32))) >>> 0;
  const count = lo !== 0 ? 32 - Math.clz32(lo & -lo) : 33 + (31 - Math.clz32(hi & -hi));
  return index * 64 + count;
}

/** patLen of a latin1 string (a command argument). */
export function patLenOf(element: string): number {
  if (element.length > scratch.length) scratch = Buffer.alloc(Math.max(element.length, scratch.length * 2));
  const n = scratch.write(element, 0, 'latin1');
  return patLen(scratch, n);
}

// ---- Representation ----

/** Redis's isHLLObjectOrReply checks on the bytes of a string value. */
export function isValidHll(bytes: Uint8Array, length: number): boolean {
  if (length < HLL_HDR_SIZE) return false;
  if (bytes[0] !== 0x48 || bytes[1] !== 0x59 || bytes[2] !== 0x4c || bytes[3] !== 0x4c) return false; // HYLL
  const encoding = bytes[4]!;
  if (encoding > HLL_MAX_ENCODING) return false;
  return encoding !== HLL_DENSE || length === HLL_DENSE_SIZE;
}

/** A new, empty HLL in sparse encoding: as many XZERO opcodes as cover every register. */
export function createHll(): HllBuffer {
  const opcodes = Math.ceil(HLL_REGISTERS / XZERO_MAX_LEN);
  const buf = Buffer.alloc(HLL_HDR_SIZE + opcodes * 2 + 64);
  buf.write('HYLL', 0, 'latin1');
  buf[4] = HLL_SPARSE;
  let p = HLL_HDR_SIZE;
  for (let left = HLL_REGISTERS; left > 0; ) {
    const run = Math.min(left, XZERO_MAX_LEN);
    setXzero(buf, p, run);
    p += 2;
    left -= run;
  }
  return { buf, length: p };
}

export function invalidateCache(hll: HllBuffer): void {
  hll.buf[15]! |= 0x80;
}

export function cacheValid(hll: HllBuffer): boolean {
  return (hll.buf[15]! & 0x80) === 0;
}

export function cachedCardinality(hll: HllBuffer): number {
  return hll.buf.readUInt32LE(8) + hll.buf.readUInt32LE(12) * 2 ** 32;
}

export function setCachedCardinality(hll: HllBuffer, card: number): void {
  hll.buf.writeUInt32LE(card % 2 ** 32, 8);
  hll.buf.writeUInt32LE(Math.floor(card / 2 ** 32), 12);
}

export function denseGet(regs: Uint8Array, base: number, index: number): number {
  const byte = base + ((index * HLL_BITS) >>> 3);
  const fb = (index * HLL_BITS) & 7;
  // The last register reads one byte past the registers: Redis relies on the sds
  // terminator there; out of range reads as 0 here.
  const b1 = byte + 1 < regs.length ? regs[byte + 1]! : 0;
  return ((regs[byte]! >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

export function denseSet(regs: Uint8Array, base: number, index: number, value: number): void {
  const byte = base + ((index * HLL_BITS) >>> 3);
  const fb = (index * HLL_BITS) & 7;
  const fb8 = 8 - fb;
  regs[byte] = (regs[byte]! & ~(HLL_REGISTER_MAX << fb)) | ((value << fb) & 0xff);
  if (byte + 1 < regs.length) regs[byte + 1] = (regs[byte + 1]! & ~(HLL_REGISTER_MAX >> fb8)) | (value >> fb8);
}

function setXzero(buf: Uint8Array, p: number, len: number): void {
  const l = len - 1;
  buf[p] = (l >> 8) | XZERO_BIT;
  buf[p + 1] = l & 0xff;
}

function valByte(value: number, len: number): number {
  return ((value - 1) << 2) | (len - 1) | VAL_BIT;
}

const isZero = (b: number) => (b & 0xc0) === 0;
const isXzero = (b: number) => (b & 0xc0) === XZERO_BIT;
const isVal = (b: number) => (b & VAL_BIT) !== 0;
const zeroLen = (b: number) => (b & 0x3f) + 1;
const xzeroLen = (b: number, next: number) => (((b & 0x3f) << 8) | next) + 1;
const valValue = (b: number) => ((b >> 2) & 0x1f) + 1;
const valLen = (b: number) => (b & 0x3) + 1;

/**
 * Walks a sparse HLL's opcodes, calling visit(firstRegister, runLength, value) per run.
 * Returns false when the runs do not cover exactly HLL_REGISTERS (a corrupt value).
 */
function walkSparse(hll: HllBuffer, visit: (first: number, run: number, value: number) => void): boolean {
  const { buf, length } = hll;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < length) {
    const b = buf[p]!;
    if (isZero(b)) {
      idx += zeroLen(b);
      p++;
    } else if (isXzero(b)) {
      idx += xzeroLen(b, p + 1 < length ? buf[p + 1]! : 0);
      p += 2;
    } else {
      const run = valLen(b);
      if (idx + run > HLL_REGISTERS) return false;
      visit(idx, run, valValue(b));
      idx += run;
      p++;
    }
  }
  return idx === HLL_REGISTERS;
}

/** Redis's hllSparseToDense: a dense copy of a sparse HLL (header and cache kept), or null if corrupt. */
export function sparseToDense(hll: HllBuffer): HllBuffer | null {
  const buf = Buffer.alloc(HLL_DENSE_SIZE);
  hll.buf.copy(buf, 0, 0, HLL_HDR_SIZE);
  buf[4] = HLL_DENSE;
  const ok = walkSparse(hll, (first, run, value) => {
    for (let i = 0; i < run; i++) denseSet(buf, HLL_HDR_SIZE, first + i, value);
  });
  return ok ? { buf, length: HLL_DENSE_SIZE } : null;
}

/** Makes room for `extra` more bytes in a sparse HLL's buffer. */
function reserve(hll: HllBuffer, extra: number): void {
  if (hll.length + extra <= hll.buf.length) return;
  const next = Buffer.alloc(Math.max(hll.length + extra, hll.buf.length * 2));
  hll.buf.copy(next, 0, 0, hll.length);
  hll.buf = next;
}

/**
 * Redis's hllSparseSet: raises register `index` to `count` if lower. Returns 1 when a
 * register changed, 0 when not, -1 when the value is corrupt, and 2 when the HLL had to
 * become dense (a value above 32, or longer than sparseMaxBytes): the caller then takes
 * hll.buf as the dense value (the register is set).
 */
export function sparseSet(hll: HllBuffer, index: number, count: number, sparseMaxBytes: number): number {
  if (count > VAL_MAX_VALUE) return promote(hll, index, count);
  // Splitting an XZERO into XZERO-VAL-XZERO takes up to 3 more bytes.
  reserve(hll, 3);
  const buf = hll.buf;
  let end = hll.length;
  const sparse = HLL_HDR_SIZE;
  let p = sparse;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const b = buf[p]!;
    let oplen = 1;
    if (isZero(b)) span = zeroLen(b);
    else if (isVal(b)) span = valLen(b);
    else {
      span = xzeroLen(b, buf[p + 1]!);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = buf[p]!;
  let next = isXzero(op) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const zero = isZero(op);
  const xzero = isXzero(op);
  const runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, buf[p + 1]!) : valLen(op);

  let updatedInPlace = false;
  if (!zero && !xzero) {
    const oldcount = valValue(op);
    if (oldcount >= count) return 0;
    if (runlen === 1) {
      buf[p] = valByte(count, 1);
      updatedInPlace = true;
    }
  }
  if (!updatedInPlace && zero && runlen === 1) {
    buf[p] = valByte(count, 1);
    updatedInPlace = true;
  }
  if (!updatedInPlace) {
    const seq: number[] = [];
    const last = first + span - 1;
    const pushZeros = (len: number) => {
      if (len > ZERO_MAX_LEN) seq.push(((len - 1) >> 8) | XZERO_BIT, (len - 1) & 0xff);
      else seq.push(len - 1);
    };
    if (zero || xzero) {
      if (index !== first) pushZeros(index - first);
      seq.push(valByte(count, 1));
      if (index !== last) pushZeros(last - index);
    } else {
      const curval = valValue(op);
      if (index !== first) seq.push(valByte(curval, index - first));
      seq.push(valByte(count, 1));
      if (index !== last) seq.push(valByte(curval, last - index));
    }
    const oldlen = xzero ? 2 : 1;
    const delta = seq.length - oldlen;
    if (delta > 0 && hll.length + delta > sparseMaxBytes) return promote(hll, index, count);
    if (delta !== 0 && next !== -1) buf.copyWithin(next + delta, next, end);
    hll.length += delta;
    for (let i = 0; i < seq.length; i++) buf[p + i] = seq[i]!;
    end += delta;
  }

  // Merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  p = prev !== -1 ? prev : sparse;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const b = buf[p]!;
    if (isXzero(b)) {
      p += 2;
      continue;
    } else if (isZero(b)) {
      p++;
      continue;
    }
    if (p + 1 < end && isVal(buf[p + 1]!)) {
      const v1 = valValue(b);
      const v2 = valValue(buf[p + 1]!);
      if (v1 === v2) {
        const len = valLen(b) + valLen(buf[p + 1]!);
        if (len <= VAL_MAX_LEN) {
          buf[p + 1] = valByte(v1, len);
          buf.copyWithin(p, p + 1, end);
          hll.length--;
          end--;
          continue;
        }
      }
    }
    p++;
  }
  invalidateCache(hll);
  return 1;
}

function promote(hll: HllBuffer, index: number, count: number): number {
  const dense = sparseToDense(hll);
  if (dense === null) return -1;
  hll.buf = dense.buf;
  hll.length = dense.length;
  denseSet(hll.buf, HLL_HDR_SIZE, index, count);
  return 2;
}

/** Redis's hllAdd: 1 if a register changed, 0 if not, -1 if corrupt, 2 if it changed and the HLL became dense. */
export function hllAdd(hll: HllBuffer, pat: number, sparseMaxBytes: number): number {
  const index = Math.floor(pat / 64);
  const count = pat % 64;
  if (hll.buf[4] === HLL_DENSE) {
    if (denseGet(hll.buf, HLL_HDR_SIZE, index) >= count) return 0;
    denseSet(hll.buf, HLL_HDR_SIZE, index, count);
    return 1;
  }
  return sparseSet(hll, index, count, sparseMaxBytes);
}

/** Redis's hllMerge: max[i] = max(max[i], register i). False if the sparse value is corrupt. */
export function mergeInto(max: Uint8Array, hll: HllBuffer): boolean {
  if (hll.buf[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(hll.buf, HLL_HDR_SIZE, i);
      if (v > max[i]!) max[i] = v;
    }
    return true;
  }
  return walkSparse(hll, (first, run, value) => {
    for (let i = first; i < first + run; i++) if (value > max[i]!) max[i] = value;
  });
}

/** Redis's hllSigma and hllTau (Ertl, "New cardinality estimation algorithms for HyperLogLog sketches"). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= Math.pow(1 - x, 2) * y;
  } while (zPrime !== z);
  return z / 3;
}

/** Redis's estimator from the register histogram. */
function estimate(histogram: Float64Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histogram[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histogram[j]!;
    z *= 0.5;
  }
  z += m * sigma(histogram[0]! / m);
  // llroundl: round half away from zero.
  return Math.round((ALPHA_INF * m * m) / z);
}

/** Redis's hllCount of a dense or sparse HLL; null when the sparse value is corrupt. */
export function count(hll: HllBuffer): number | null {
  const histogram = new Float64Array(64);
  if (hll.buf[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) histogram[denseGet(hll.buf, HLL_HDR_SIZE, i)]!++;
  } else {
    let covered = 0;
    const { buf, length } = hll;
    let p = HLL_HDR_SIZE;
    while (p < length) {
      const b = buf[p]!;
      if (isZero(b)) {
        const run = zeroLen(b);
        histogram[0]! += run;
        covered += run;
        p++;
      } else if (isXzero(b)) {
        const run = xzeroLen(b, p + 1 < length ? buf[p + 1]! : 0);
        histogram[0]! += run;
        covered += run;
        p += 2;
      } else {
        const run = valLen(b);
        histogram[valValue(b)]! += run;
        covered += run;
        p++;
      }
    }
    if (covered !== HLL_REGISTERS) return null;
  }
  return estimate(histogram);
}

/** hllCount of one register per byte (PFCOUNT of several keys merges into this form). */
export function countRaw(max: Uint8Array): number {
  const histogram = new Float64Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) histogram[max[i]!]!++;
  return estimate(histogram);
}

/** PFDEBUG DECODE's text of a sparse HLL. */
export function decodeSparse(hll: HllBuffer): string {
  const { buf, length } = hll;
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < length) {
    const b = buf[p]!;
    if (isZero(b)) {
      parts.push(`z:${zeroLen(b)}`);
      p++;
    } else if (isXzero(b)) {
      parts.push(`Z:${xzeroLen(b, p + 1 < length ? buf[p + 1]! : 0)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(b)},${valLen(b)}`);
      p++;
    }
  }
  return parts.join(' ');
}
