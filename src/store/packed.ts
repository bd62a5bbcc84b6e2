/**
 * Items packed into one latin1 string, each a length prefix and its bytes: the compact
 * (listpack-like) form of small hashes and sorted sets. One string per value instead of
 * a string object per element, and one flat copy on change, O(n) with n bounded by the
 * *-max-listpack-* limits, as Redis's listpack inserts are.
 */

/** An item's length prefix: one char below 254, else a marker and 2 or 4 little-endian chars. */
export function prefix(n: number): string {
  if (n < 254) return String.fromCharCode(n);
  if (n < 65536) return String.fromCharCode(254, n & 255, n >>> 8);
  return String.fromCharCode(255, n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24);
}

/**
 * Where the bytes of the item last read by readPrefix start. A module variable, not a
 * returned object: this runs on every lookup in a packed value.
 */
export let itemStart = 0;

/** Reads the prefix at pos: sets itemStart and returns the item's length. */
export function readPrefix(p: string, pos: number): number {
  const c = p.charCodeAt(pos);
  if (c < 254) {
    itemStart = pos + 1;
    return c;
  }
  if (c === 254) {
    itemStart = pos + 3;
    return p.charCodeAt(pos + 1) | (p.charCodeAt(pos + 2) << 8);
  }
  itemStart = pos + 5;
  return (p.charCodeAt(pos + 1) | (p.charCodeAt(pos + 2) << 8) | (p.charCodeAt(pos + 3) << 16)) + p.charCodeAt(pos + 4) * 16777216;
}

/** The offset just past the item at pos. */
export function skipItem(p: string, pos: number): number {
  const len = readPrefix(p, pos);
  return itemStart + len;
}

/** Does the item of `len` bytes at `start` in p equal s? */
export function itemEquals(p: string, start: number, len: number, s: string): boolean {
  const n = s.length;
  if (len !== n) return false;
  if (n === 0) return true;
  // First and last bytes reject most other items before the full compare; the last one
  // tells numbered names ("field:1", "field:2") apart.
  return p.charCodeAt(start + n - 1) === s.charCodeAt(n - 1) && p.charCodeAt(start) === s.charCodeAt(0) && p.startsWith(s, start);
}

/** Byte order of the item of `len` bytes at `start` in p against s: negative, 0 or positive. */
export function compareItem(p: string, start: number, len: number, s: string): number {
  const n = Math.min(len, s.length);
  for (let i = 0; i < n; i++) {
    const d = p.charCodeAt(start + i) - s.charCodeAt(i);
    if (d !== 0) return d;
  }
  return len - s.length;
}
