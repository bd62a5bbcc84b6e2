/**
 * sin, cos and asin rounded correctly (to the double nearest the true value), for the
 * geo distance formula.
 *
 * Redis computes distances with glibc's libm, whose results are almost always correctly
 * rounded; V8's Math.sin/cos/asin (fdlibm) differ from glibc in the last bit for 3-6 % of
 * arguments, which shows in GEOSEARCHSTORE STOREDIST scores and can move a point across a
 * radius. Evaluating in double-double arithmetic (about 106 bits) and rounding once
 * agrees with glibc except where glibc itself is not correctly rounded (about 0.1 %),
 * and glibc's own series is used for small asin arguments, where it often is not.
 *
 * Arguments are expected within a few multiples of pi (radians of latitudes and
 * longitudes); the reduction is exact enough there, not for huge arguments.
 */

// A double-double value is hi + lo with |lo| <= ulp(hi) / 2. Results go through these
// module variables rather than allocated pairs: the distance formula runs per point.
let rh = 0;
let rl = 0;

const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter

/** rh + rl = a + b exactly. */
function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  rl = a - (s - bb) + (b - bb);
  rh = s;
}

/** rh + rl = a * b exactly. */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  rl = ah * bh - p + ah * bl + al * bh + al * bl;
  rh = p;
}

/** (rh, rl) = (ah, al) + (bh, bl). */
function add(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  const sh = rh;
  let sl = rl;
  twoSum(al, bl);
  sl += rh;
  const tl = rl;
  const h = sh + sl;
  sl = sl - (h - sh) + tl;
  rh = h + sl;
  rl = sl - (rh - h);
}

/** (rh, rl) = (ah, al) * (bh, bl). */
function mul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const ph = rh;
  const pl = rl + (ah * bl + al * bh);
  rh = ph + pl;
  rl = pl - (rh - ph);
}

/** (rh, rl) = (ah, al) / b for a double b. */
function divDouble(ah: number, al: number, b: number): void {
  const q1 = ah / b;
  twoProd(q1, b);
  const ph = rh;
  const pl = rl;
  // remainder (ah, al) - q1 * b
  add(ah, al, -ph, -pl);
  const q2 = (rh + rl) / b;
  rh = q1 + q2;
  rl = q2 - (rh - q1);
}

// pi/2 as three doubles: enough that reducing an argument of a few radians loses nothing.
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

/** Reduces x to r in [-pi/4, pi/4] with x = r + k * pi/2; returns k mod 4, r in (rh, rl). */
function reduce(x: number): number {
  const k = Math.round(x / PIO2_1);
  twoSum(x, -k * PIO2_1);
  let h = rh;
  let l = rl;
  twoProd(k, PIO2_2);
  add(h, l, -rh, -rl);
  h = rh;
  l = rl;
  twoProd(k, PIO2_3);
  add(h, l, -rh, -rl);
  return ((k % 4) + 4) % 4;
}

/** Taylor series of sin (odd) or cos (even) at r = (xh, xl), |r| <= pi/4. */
function series(xh: number, xl: number, odd: boolean): void {
  mul(xh, xl, xh, xl);
  const x2h = rh;
  const x2l = rl;
  let th = odd ? xh : 1;
  let tl = odd ? xl : 0;
  let sh = th;
  let sl = tl;
  for (let n = odd ? 1 : 0; n < 60; n += 2) {
    mul(th, tl, x2h, x2l);
    divDouble(rh, rl, -((n + 1) * (n + 2)));
    th = rh;
    tl = rl;
    if (Math.abs(th) < 1e-36) break;
    add(sh, sl, th, tl);
    sh = rh;
    sl = rl;
  }
  rh = sh;
  rl = sl;
}

/** sin or cos of x, double-double in (rh, rl). */
function sinCos(x: number, wantSin: boolean): void {
  const q = reduce(x);
  const r0 = rh;
  const r1 = rl;
  // sin(r + k pi/2) cycles through sin r, cos r, -sin r, -cos r.
  const quadrant = wantSin ? q : (q + 1) % 4;
  series(r0, r1, quadrant % 2 === 0);
  if (quadrant >= 2) {
    rh = -rh;
    rl = -rl;
  }
}

export function sin(x: number): number {
  if (!Number.isFinite(x) || x === 0) return Math.sin(x);
  sinCos(x, true);
  return rh + rl;
}

export function cos(x: number): number {
  if (!Number.isFinite(x)) return Math.cos(x);
  sinCos(x, false);
  return rh + rl;
}

// glibc's asin below 0.125 (IBM's series, whose slow path glibc 2.34 dropped): not
// always correctly rounded, so computed as glibc does for the results to agree.
const F1 = 1.66666666666664110590506577996662e-1;
const F2 = 7.50000000026122686814431784722623e-2;
const F3 = 4.46428561421059750978517350006940e-2;
const F4 = 3.03821268582119319911193410625235e-2;
const F5 = 2.23551211026525610742786300334557e-2;
const F6 = 1.81382903404565056280372531963613e-2;

/** asin: glibc's series below 0.125, else one double-double Newton step from Math.asin. */
export function asin(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2 ** -26) return x;
  if (ax < 0.125) {
    const x2 = x * x;
    const t = (((((F6 * x2 + F5) * x2 + F4) * x2 + F3) * x2 + F2) * x2 + F1) * (x2 * x);
    return x + t;
  }
  if (!(x > -1 && x < 1)) return Math.asin(x);
  const z = Math.asin(x);
  sinCos(z, true);
  add(rh, rl, -x, 0);
  const f = rh + rl;
  const c = Math.cos(z);
  if (c === 0) return z;
  twoSum(z, -f / c);
  return rh + rl;
}
