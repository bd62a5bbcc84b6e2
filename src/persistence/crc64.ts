/**
 * Redis's CRC-64 (Jones polynomial, reflected, initial value 0, no final xor): what
 * checksums RDB files and DUMP payloads. Check value: crc64("123456789") = 0xe9c6d914c4b8d9ca.
 *
 * The 64-bit state is kept as two uint32 halves: BigInt arithmetic per byte would be an
 * order of magnitude slower, and RDB files run to gigabytes. Slicing-by-8 tables let the
 * main loop take eight bytes per step.
 */

/** The Jones polynomial 0xad93d23594c935a9, bit-reversed for the reflected algorithm. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

const SLICES = 8;
const TABLE_HI = new Uint32Array(256 * SLICES);
const TABLE_LO = new Uint32Array(256 * SLICES);

for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[n] = hi;
  TABLE_LO[n] = lo;
}
for (let s = 1; s < SLICES; s++) {
  for (let n = 0; n < 256; n++) {
    const prevHi = TABLE_HI[(s - 1) * 256 + n]!;
    const prevLo = TABLE_LO[(s - 1) * 256 + n]!;
    const idx = prevLo & 0xff;
    TABLE_LO[s * 256 + n] = (((prevLo >>> 8) | (prevHi << 24)) ^ TABLE_LO[idx]!) >>> 0;
    TABLE_HI[s * 256 + n] = ((prevHi >>> 8) ^ TABLE_HI[idx]!) >>> 0;
  }
}

/** A running CRC-64 over a stream of bytes. */
export class Crc64 {
  hi = 0;
  lo = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): void {
    let hi = this.hi;
    let lo = this.lo;
    let i = start;
    const TH = TABLE_HI;
    const TL = TABLE_LO;
    for (; i + 8 <= end; i += 8) {
      const a = (lo ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
      const b = (hi ^ (buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24))) >>> 0;
      const i7 = 7 * 256 + (a & 0xff);
      const i6 = 6 * 256 + ((a >>> 8) & 0xff);
      const i5 = 5 * 256 + ((a >>> 16) & 0xff);
      const i4 = 4 * 256 + (a >>> 24);
      const i3 = 3 * 256 + (b & 0xff);
      const i2 = 2 * 256 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      lo = (TL[i7]! ^ TL[i6]! ^ TL[i5]! ^ TL[i4]! ^ TL[i3]! ^ TL[i2]! ^ TL[i1]! ^ TL[i0]!) >>> 0;
      hi = (TH[i7]! ^ TH[i6]! ^ TH[i5]! ^ TH[i4]! ^ TH[i3]! ^ TH[i2]! ^ TH[i1]! ^ TH[i0]!) >>> 0;
    }
    for (; i < end; i++) {
      const idx = (lo ^ buf[i]!) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ TL[idx]!) >>> 0;
      hi = ((hi >>> 8) ^ TH[idx]!) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** The checksum as Redis stores it: 8 bytes, little-endian. */
  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32LE(this.lo, 0);
    out.writeUInt32LE(this.hi, 4);
    return out;
  }

  /** True when the 8 bytes at buf[at] are this checksum. */
  matches(buf: Uint8Array, at: number): boolean {
    const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    return view.readUInt32LE(at) === this.lo && view.readUInt32LE(at + 4) === this.hi;
  }
}

export function crc64(buf: Uint8Array): Buffer {
  const c = new Crc64();
  c.update(buf);
  return c.digest();
}
