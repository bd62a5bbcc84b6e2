/**
 * INCRBYFLOAT as Redis computes it: parse both operands with strtold into an x87 80-bit
 * long double (64-bit mantissa), add with one rounding, print with "%.17Lf" and trim
 * trailing zeros. JS doubles give different digits (0.1 + 0.2 is "0.3" in Redis, not
 * "0.30000000000000004"), so this emulates the format exactly with BigInt.
 *
 * A finite value is sign · m · 2^e with m < 2^64; rounding is to nearest, ties to even.
 */

const MANTISSA_BITS = 64;
/** Largest binary exponent of an x87 long double (values below 2^16384). */
const MAX_EXP = 16384;
/** Smallest normal is 2^-16382; denormals go down to 2^-16445. */
const MIN_EXP = -16445;

export type LongDouble = { neg: boolean; m: bigint; e: number } | { neg: boolean; inf: true };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds sign · num / den · 2^e to a long double. */
function roundRational(neg: boolean, num: bigint, den: bigint, e: number): LongDouble {
  if (num === 0n) return { neg, m: 0n, e: 0 };
  // Scale so the quotient has exactly 64 bits before rounding.
  let shift = MANTISSA_BITS - (bitLength(num) - bitLength(den));
  let q: bigint;
  let r: bigint;
  let d: bigint;
  for (;;) {
    const n2 = shift >= 0 ? num << BigInt(shift) : num;
    d = shift >= 0 ? den : den << BigInt(-shift);
    q = n2 / d;
    r = n2 % d;
    const bits = bitLength(q);
    if (bits > MANTISSA_BITS) shift--;
    else if (bits < MANTISSA_BITS) shift++;
    else break;
  }
  let exp = e - shift;
  // Denormals: fewer mantissa bits below the minimum exponent.
  if (exp < MIN_EXP) {
    const drop = MIN_EXP - exp;
    if (drop > MANTISSA_BITS + 1) return { neg, m: 0n, e: 0 };
    const dropped = q & ((1n << BigInt(drop)) - 1n);
    r = dropped * d + r;
    d = d << BigInt(drop);
    q = q >> BigInt(drop);
    exp = MIN_EXP;
  }
  const twice = r * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q += 1n;
  if (bitLength(q) > MANTISSA_BITS) {
    q >>= 1n;
    exp += 1;
  }
  if (q !== 0n && exp + bitLength(q) > MAX_EXP) return { neg, inf: true };
  return { neg, m: q, e: exp };
}

const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const DEC = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Redis's string2ld: strtold over the whole string, refusing leading space, trailing
 * garbage, NaN, overflow to infinity and underflow to zero. "inf" and "infinity" pass.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= 5 * 1024) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  const lower = s.toLowerCase();
  const inf = /^([+-]?)inf(inity)?$/.exec(lower);
  if (inf) return { neg: inf[1] === '-', inf: true };
  let neg: boolean;
  let value: LongDouble;
  let nonZero: boolean;
  const hex = HEX.exec(s);
  if (hex) {
    const [, sign, int = '', frac = '', pexp = '0'] = hex;
    if (int.length + frac.length === 0) return null;
    neg = sign === '-';
    const mant = BigInt('0x' + (int + frac || '0'));
    nonZero = mant !== 0n;
    value = roundRational(neg, mant, 1n, Number(pexp) - 4 * frac.length);
  } else {
    const dec = DEC.exec(s);
    if (!dec) return null;
    const [, sign, int = '', frac = '', exp = '0'] = dec;
    if (int.length + frac.length === 0) return null;
    neg = sign === '-';
    const digits = BigInt(int + frac || '0');
    nonZero = digits !== 0n;
    const k = Number(exp) - frac.length;
    if (!nonZero) value = { neg, m: 0n, e: 0 };
    else if (k > 5000) return null;
    else if (k < -6000) return null;
    else if (k >= 0) value = roundRational(neg, digits * 10n ** BigInt(k), 1n, 0);
    else value = roundRational(neg, digits, 10n ** BigInt(-k), 0);
  }
  if ('inf' in value) return null;
  if (nonZero && value.m === 0n) return null;
  return value;
}

export function fromInteger(n: bigint): LongDouble {
  return roundRational(n < 0n, n < 0n ? -n : n, 1n, 0);
}

export function add(a: LongDouble, b: LongDouble): LongDouble | null {
  if ('inf' in a || 'inf' in b) {
    if ('inf' in a && 'inf' in b && a.neg !== b.neg) return null; // NaN
    return 'inf' in a ? a : b;
  }
  const e = Math.min(a.e, b.e);
  const va = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const vb = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = va + vb;
  return roundRational(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
}

export function isFinite(v: LongDouble): v is { neg: boolean; m: bigint; e: number } {
  return !('inf' in v);
}

/** printf("%.<digits>Lf") of a finite value: exact, rounded half to even as glibc does. */
export function formatFixed(v: { neg: boolean; m: bigint; e: number }, digits: number): string {
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (v.e >= 0) {
    q = (v.m << BigInt(v.e)) * scale;
  } else {
    const num = v.m * scale;
    const shift = BigInt(-v.e);
    q = num >> shift;
    const r = num - (q << shift);
    const twice = r * 2n;
    const den = 1n << shift;
    if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  }
  const text = q.toString().padStart(digits + 1, '0');
  const fixed = digits === 0 ? text : text.slice(0, -digits) + '.' + text.slice(-digits);
  return v.neg ? '-' + fixed : fixed;
}

/** printf("%.17Lf") with trailing zeros (and a bare '.') removed, and "-0" as "0". */
export function formatHuman(v: { neg: boolean; m: bigint; e: number }): string {
  let text = formatFixed(v, 17);
  text = text.replace(/0+$/, '');
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (text === '-0') text = '0';
  return text;
}

const doubleView = new DataView(new ArrayBuffer(8));

/** A finite double exactly, as the long double C would widen it to. */
export function fromDouble(x: number): { neg: boolean; m: bigint; e: number } {
  doubleView.setFloat64(0, x);
  const hi = doubleView.getUint32(0);
  const lo = doubleView.getUint32(4);
  const neg = hi >>> 31 === 1;
  const exp = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp === 0) return { neg, m: frac, e: -1074 };
  return { neg, m: frac | (1n << 52n), e: exp - 1075 };
}
