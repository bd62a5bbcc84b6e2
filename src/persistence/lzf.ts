/**
 * LZF, the compression RDB files use for strings (rdbcompression yes). The decoder accepts
 * any valid LZF stream; the encoder follows liblzf's lzf_c.c (3-byte hash, 8 KB window,
 * runs of up to 32 literals), so real Redis reads what it writes.
 */

const HLOG = 14;
const HSIZE = 1 << HLOG;
const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

const htab = new Int32Array(HSIZE);

/**
 * Compresses input into out (out.length bounds the result). Returns the compressed
 * length, or 0 when it would not fit: the caller then stores the string as is.
 */
export function lzfCompress(input: Uint8Array, out: Uint8Array): number {
  const inEnd = input.length;
  const outEnd = out.length;
  if (inEnd === 0) return 0;
  htab.fill(0);
  let ip = 0;
  let op = 0;
  let lit = 0;
  op++; // the first literal run's length byte
  while (ip < inEnd - 2) {
    const hval = (input[ip]! << 16) | (input[ip + 1]! << 8) | input[ip + 2]!;
    const slot = ((hval * 2654435761) >>> (32 - HLOG)) & (HSIZE - 1);
    const ref = htab[slot]! - 1;
    htab[slot] = ip + 1;
    const off = ip - ref - 1;
    if (ref >= 0 && ref < ip && off < MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;
      out[op - lit - 1] = lit - 1; // close the literal run
      if (lit === 0) op--; // or drop its unused length byte
      do len++;
      while (len < maxlen && input[ref + len] === input[ip + len]);
      len -= 2;
      ip++;
      if (len < 7) {
        out[op++] = (off >>> 8) + (len << 5);
      } else {
        out[op++] = (off >>> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++;
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      // Hash the two positions inside the match so later data can refer into it.
      ip -= 2;
      for (let k = 0; k < 2; k++, ip++) {
        const h = (input[ip]! << 16) | (input[ip + 1]! << 8) | input[ip + 2]!;
        htab[((h * 2654435761) >>> (32 - HLOG)) & (HSIZE - 1)] = ip + 1;
      }
    } else {
      if (op >= outEnd) return 0;
      lit++;
      out[op++] = input[ip++]!;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return 0;
  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++]!;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
    if (op >= outEnd && ip < inEnd) return 0;
  }
  if (op > outEnd) return 0;
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return op;
}

/**
 * Decompresses input into out, which must be exactly the uncompressed length. Returns
 * false when the stream is corrupt (a reference before the start, or a size mismatch).
 */
export function lzfDecompress(input: Uint8Array, out: Uint8Array): boolean {
  let ip = 0;
  let op = 0;
  const inEnd = input.length;
  const outEnd = out.length;
  while (ip < inEnd) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outEnd || ip + n > inEnd) return false;
      for (let k = 0; k < n; k++) out[op++] = input[ip++]!;
    } else {
      let len = ctrl >>> 5;
      if (len === 7) {
        if (ip >= inEnd) return false;
        len += input[ip++]!;
      }
      if (ip >= inEnd) return false;
      let ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++]!;
      len += 2;
      if (ref < 0 || op + len > outEnd) return false;
      for (let k = 0; k < len; k++) out[op++] = out[ref++]!;
    }
  }
  return op === outEnd;
}
