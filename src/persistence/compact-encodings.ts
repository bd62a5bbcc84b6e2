/**
 * Readers for the compact blobs Redis stores inside RDB strings: ziplist (Redis < 7),
 * listpack (7.0), intset and zipmap (Redis < 2.6). Each returns the elements as latin1
 * strings, integers in decimal, and throws CorruptBlob on anything malformed: these bytes
 * come from files and RESTORE payloads, so every length is checked against the blob.
 */

export class CorruptBlob extends Error {}

function check(cond: boolean, what: string): void {
  if (!cond) throw new CorruptBlob(what);
}

function int64String(buf: Buffer, at: number): string {
  return buf.readBigInt64LE(at).toString();
}

/** Ziplist: zlbytes u32, zltail u32, zllen u16, entries, 0xff. */
export function readZiplist(buf: Buffer): string[] {
  check(buf.length >= 11, 'ziplist header');
  check(buf.readUInt32LE(0) === buf.length, 'ziplist size');
  const out: string[] = [];
  let p = 10;
  for (;;) {
    check(p < buf.length, 'ziplist end');
    if (buf[p] === 0xff) break;
    // prevlen: 1 byte, or 0xfe and 4 bytes.
    p += buf[p] === 0xfe ? 5 : 1;
    check(p < buf.length, 'ziplist entry');
    const enc = buf[p]!;
    const kind = enc >> 6;
    if (kind === 0) {
      const len = enc & 0x3f;
      p += 1;
      check(p + len <= buf.length, 'ziplist string');
      out.push(buf.latin1Slice(p, p + len));
      p += len;
    } else if (kind === 1) {
      check(p + 2 <= buf.length, 'ziplist string');
      const len = ((enc & 0x3f) << 8) | buf[p + 1]!;
      p += 2;
      check(p + len <= buf.length, 'ziplist string');
      out.push(buf.latin1Slice(p, p + len));
      p += len;
    } else if (kind === 2) {
      check(p + 5 <= buf.length, 'ziplist string');
      const len = buf.readUInt32BE(p + 1);
      p += 5;
      check(p + len <= buf.length, 'ziplist string');
      out.push(buf.latin1Slice(p, p + len));
      p += len;
    } else {
      p += 1;
      let v: string;
      if (enc === 0xc0) {
        check(p + 2 <= buf.length, 'ziplist int16');
        v = String(buf.readInt16LE(p));
        p += 2;
      } else if (enc === 0xd0) {
        check(p + 4 <= buf.length, 'ziplist int32');
        v = String(buf.readInt32LE(p));
        p += 4;
      } else if (enc === 0xe0) {
        check(p + 8 <= buf.length, 'ziplist int64');
        v = int64String(buf, p);
        p += 8;
      } else if (enc === 0xf0) {
        check(p + 3 <= buf.length, 'ziplist int24');
        v = String(buf.readIntLE(p, 3));
        p += 3;
      } else if (enc === 0xfe) {
        check(p + 1 <= buf.length, 'ziplist int8');
        v = String(buf.readInt8(p));
        p += 1;
      } else if (enc >= 0xf1 && enc <= 0xfd) {
        v = String((enc & 0x0f) - 1);
      } else {
        throw new CorruptBlob('ziplist encoding');
      }
      out.push(v);
    }
  }
  check(p === buf.length - 1, 'ziplist trailing bytes');
  const count = buf.readUInt16LE(8);
  check(count === 0xffff || count === out.length, 'ziplist count');
  return out;
}

/** Listpack: total bytes u32, count u16, entries (each followed by its back-length), 0xff. */
export function readListpack(buf: Buffer): string[] {
  check(buf.length >= 7, 'listpack header');
  check(buf.readUInt32LE(0) === buf.length, 'listpack size');
  const out: string[] = [];
  let p = 6;
  for (;;) {
    check(p < buf.length, 'listpack end');
    const enc = buf[p]!;
    if (enc === 0xff) break;
    const start = p;
    if ((enc & 0x80) === 0) {
      out.push(String(enc & 0x7f));
      p += 1;
    } else if ((enc & 0xc0) === 0x80) {
      const len = enc & 0x3f;
      p += 1;
      check(p + len <= buf.length, 'listpack string');
      out.push(buf.latin1Slice(p, p + len));
      p += len;
    } else if ((enc & 0xe0) === 0xc0) {
      check(p + 2 <= buf.length, 'listpack int13');
      let v = ((enc & 0x1f) << 8) | buf[p + 1]!;
      if (v >= 1 << 12) v -= 1 << 13;
      out.push(String(v));
      p += 2;
    } else if ((enc & 0xf0) === 0xe0) {
      check(p + 2 <= buf.length, 'listpack string');
      const len = ((enc & 0x0f) << 8) | buf[p + 1]!;
      p += 2;
      check(p + len <= buf.length, 'listpack string');
      out.push(buf.latin1Slice(p, p + len));
      p += len;
    } else if (enc === 0xf0) {
      check(p + 5 <= buf.length, 'listpack string');
      const len = buf.readUInt32LE(p + 1);
      p += 5;
      check(p + len <= buf.length, 'listpack string');
      out.push(buf.latin1Slice(p, p + len));
      p += len;
    } else if (enc === 0xf1) {
      check(p + 3 <= buf.length, 'listpack int16');
      out.push(String(buf.readInt16LE(p + 1)));
      p += 3;
    } else if (enc === 0xf2) {
      check(p + 4 <= buf.length, 'listpack int24');
      out.push(String(buf.readIntLE(p + 1, 3)));
      p += 4;
    } else if (enc === 0xf3) {
      check(p + 5 <= buf.length, 'listpack int32');
      out.push(String(buf.readInt32LE(p + 1)));
      p += 5;
    } else if (enc === 0xf4) {
      check(p + 9 <= buf.length, 'listpack int64');
      out.push(int64String(buf, p + 1));
      p += 9;
    } else {
      throw new CorruptBlob('listpack encoding');
    }
    const entryLen = p - start;
    p += entryLen < 128 ? 1 : entryLen < 16384 ? 2 : entryLen < 2097152 ? 3 : entryLen < 268435456 ? 4 : 5;
  }
  check(p === buf.length - 1, 'listpack trailing bytes');
  const count = buf.readUInt16LE(4);
  check(count === 0xffff || count === out.length, 'listpack count');
  return out;
}

/** Intset: encoding (2, 4 or 8 bytes per member) u32, count u32, sorted little-endian integers. */
export function readIntset(buf: Buffer): string[] {
  check(buf.length >= 8, 'intset header');
  const width = buf.readUInt32LE(0);
  const count = buf.readUInt32LE(4);
  check(width === 2 || width === 4 || width === 8, 'intset encoding');
  check(buf.length === 8 + width * count, 'intset size');
  const out: string[] = new Array(count);
  for (let i = 0, p = 8; i < count; i++, p += width) {
    out[i] = width === 2 ? String(buf.readInt16LE(p)) : width === 4 ? String(buf.readInt32LE(p)) : int64String(buf, p);
  }
  return out;
}

/** Zipmap (hashes in RDB files of Redis < 2.6): count byte, then len key len free value... 0xff. */
export function readZipmap(buf: Buffer): string[] {
  check(buf.length >= 2, 'zipmap header');
  const out: string[] = [];
  let p = 1;
  const readLen = (): number => {
    check(p < buf.length, 'zipmap length');
    const b = buf[p]!;
    if (b < 254) {
      p += 1;
      return b;
    }
    check(b === 254 && p + 5 <= buf.length, 'zipmap length');
    const len = buf.readUInt32LE(p + 1);
    p += 5;
    return len;
  };
  for (;;) {
    check(p < buf.length, 'zipmap end');
    if (buf[p] === 0xff) break;
    const klen = readLen();
    check(p + klen <= buf.length, 'zipmap key');
    out.push(buf.latin1Slice(p, p + klen));
    p += klen;
    const vlen = readLen();
    check(p < buf.length, 'zipmap free');
    const free = buf[p]!;
    p += 1;
    check(p + vlen + free <= buf.length, 'zipmap value');
    out.push(buf.latin1Slice(p, p + vlen));
    p += vlen + free;
  }
  check(p === buf.length - 1, 'zipmap trailing bytes');
  return out;
}
