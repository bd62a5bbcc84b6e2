/**
 * Sequential input for the RDB and AOF loaders: from a file read in bounded windows (a
 * multi-gigabyte file never sits in memory whole) or from an in-memory buffer (DUMP
 * payloads). Tracks the absolute offset for error messages and feeds a CRC-64 with every
 * byte consumed when asked to.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { Crc64 } from './crc64.js';

const WINDOW = 1024 * 1024;

export class TruncatedError extends Error {
  constructor(readonly offset: number) {
    super(`unexpected end of file at offset ${offset}`);
  }
}

export class ByteSource {
  private buf: Buffer;
  private pos = 0;
  private end: number;
  /** Absolute offset of buf[0]. */
  private base = 0;
  /** Bytes of buf before this index are already folded into crc. */
  private crcMark = 0;
  crc: Crc64 | null = null;

  private constructor(
    private readonly fd: number | null,
    initial: Buffer,
    readonly size: number,
  ) {
    this.buf = initial;
    this.end = fd === null ? initial.length : 0;
  }

  static fromBuffer(buf: Buffer): ByteSource {
    return new ByteSource(null, buf, buf.length);
  }

  static fromFile(path: string, size: number): ByteSource {
    const fd = openSync(path, 'r');
    return new ByteSource(fd, Buffer.allocUnsafe(WINDOW), size);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
  }

  get offset(): number {
    return this.base + this.pos;
  }

  get atEnd(): boolean {
    return this.offset >= this.size;
  }

  /** Starts checksumming from the current position. */
  startCrc(): void {
    this.crc = new Crc64();
    this.crcMark = this.pos;
  }

  /** Folds the bytes consumed so far into the checksum. */
  flushCrc(): void {
    if (this.crc !== null && this.pos > this.crcMark) this.crc.update(this.buf, this.crcMark, this.pos);
    this.crcMark = this.pos;
  }

  /** Makes n bytes available at pos, reading more of the file if need be. */
  private need(n: number): void {
    if (this.end - this.pos >= n) return;
    // A length read from corrupt input must fail as a short file, not as a huge allocation.
    if (this.fd === null || this.base + this.pos + n > this.size) throw new TruncatedError(this.size);
    this.flushCrc();
    const keep = this.end - this.pos;
    let target = this.buf;
    if (n > this.buf.length) target = Buffer.allocUnsafe(Math.max(n, WINDOW));
    this.buf.copy(target, 0, this.pos, this.end);
    this.buf = target;
    this.base += this.pos;
    this.pos = 0;
    this.crcMark = 0;
    this.end = keep;
    while (this.end < n) {
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.base + this.end);
      if (got === 0) throw new TruncatedError(this.base + this.end);
      this.end += got;
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  /** n bytes as a view valid until the next read; copy to keep. */
  view(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  bytes(n: number): Buffer {
    return Buffer.from(this.view(n));
  }

  latin1(n: number): string {
    this.need(n);
    const s = this.buf.latin1Slice(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  u32be(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  u32le(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64be(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  i64le(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  doubleLE(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
}
