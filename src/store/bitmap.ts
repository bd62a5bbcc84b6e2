/**
 * A string value held as a mutable byte buffer, for bitmaps that are written bit by bit.
 *
 * String values are immutable JS strings, so changing one bit of a 1 MB bitmap would copy
 * the megabyte (SETBIT measured 80 times slower than Redis on one). A large string that a
 * bitmap command writes becomes a Bitmap instead; its TYPE is still "string". Bitmap
 * commands read and write it in place; any other command finds it turned back into a
 * string first (Database.find), so the rest of Cairn only ever sees strings.
 */
import type { AggregateValue } from './keyspace.js';
import { Measured } from './memory.js';

/** A Buffer and its ArrayBuffer, besides the bytes (measured on Node 20). */
const BITMAP_BYTES = 200;

/** Strings shorter than this stay strings under bitmap writes: copying them costs less than a buffer. */
export const BITMAP_MIN_BYTES = 1024;

/** Growth beyond this many bytes adds this much at a time instead of doubling (as Redis's sdsMakeRoomFor). */
const GROWTH_STEP = 1024 * 1024;

export class Bitmap extends Measured implements AggregateValue {
  readonly type = 'string';
  /** Bytes [0, length) are the value; the rest is zeroed spare capacity. */
  buf: Buffer;
  length: number;

  private constructor(buf: Buffer, length: number) {
    super(BITMAP_BYTES + buf.length);
    this.buf = buf;
    this.length = length;
  }

  /** A bitmap holding value, zero-padded to at least `length` bytes. */
  static from(value: string, length: number): Bitmap {
    const size = Math.max(value.length, length);
    const buf = Buffer.alloc(size);
    buf.write(value, 0, 'latin1');
    return new Bitmap(buf, size);
  }

  /** A bitmap taking over buf (not copied) as its bytes [0, length). */
  static wrap(buf: Buffer, length: number): Bitmap {
    return new Bitmap(buf, length);
  }

  encoding(): string {
    return 'raw';
  }

  measure(): number {
    return BITMAP_BYTES + this.buf.length;
  }

  /** Pads the value with zero bytes to at least `length` bytes. */
  grow(length: number): void {
    if (length <= this.length) return;
    if (length > this.buf.length) {
      const capacity = Math.max(length, Math.min(this.buf.length * 2, this.buf.length + GROWTH_STEP));
      const next = Buffer.alloc(capacity);
      this.buf.copy(next, 0, 0, this.length);
      this.account(capacity - this.buf.length);
      this.buf = next;
    }
    this.length = length;
  }

  override toString(): string {
    return this.buf.toString('latin1', 0, this.length);
  }
}
