/**
 * The list type: a ring buffer (power-of-two capacity), so pushes and pops at either end
 * are O(1) amortized and any index is O(1) — better than Redis's O(n) LINDEX in the
 * middle. Operations in the middle (LINSERT, LREM) are O(n), as in Redis.
 *
 * Redis 7.0 reports every list as a quicklist; so does OBJECT ENCODING here.
 */
import type { AggregateValue } from './keyspace.js';
import { LIST_BYTES, LIST_SLOT_BYTES, Measured, stringBytes } from './memory.js';

const MIN_CAPACITY = 8;

export class ListValue extends Measured implements AggregateValue {
  readonly type = 'list';
  private buf: (string | undefined)[] = new Array(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private head = 0;
  length = 0;

  constructor() {
    super(LIST_BYTES + MIN_CAPACITY * LIST_SLOT_BYTES);
  }

  encoding(): string {
    return 'quicklist';
  }

  clone(): ListValue {
    const copy = new ListValue();
    copy.replace(this.range(0, this.length - 1));
    return copy;
  }

  /** `bytes` recomputed from the contents (tests check the running estimate against it). */
  measure(): number {
    let n = LIST_BYTES + this.buf.length * LIST_SLOT_BYTES;
    for (let i = 0; i < this.length; i++) n += stringBytes(this.at(i));
    return n;
  }

  /** Element at index 0..length-1 (callers check bounds). */
  at(index: number): string {
    return this.buf[(this.head + index) & this.mask]!;
  }

  setAt(index: number, value: string): void {
    const at = (this.head + index) & this.mask;
    this.account(stringBytes(value) - stringBytes(this.buf[at]!));
    this.buf[at] = value;
  }

  pushTail(value: string): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length) & this.mask] = value;
    this.length++;
    this.account(stringBytes(value));
  }

  pushHead(value: string): void {
    if (this.length === this.buf.length) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = value;
    this.length++;
    this.account(stringBytes(value));
  }

  popHead(): string | undefined {
    if (this.length === 0) return undefined;
    const value = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    this.account(-stringBytes(value!));
    this.shrinkIfSparse();
    return value;
  }

  popTail(): string | undefined {
    if (this.length === 0) return undefined;
    const at = (this.head + this.length - 1) & this.mask;
    const value = this.buf[at];
    this.buf[at] = undefined;
    this.length--;
    this.account(-stringBytes(value!));
    this.shrinkIfSparse();
    return value;
  }

  /** Elements start..end inclusive (callers clamp the bounds). */
  range(start: number, end: number): string[] {
    const out: string[] = new Array(Math.max(0, end - start + 1));
    for (let i = start, j = 0; i <= end; i++, j++) out[j] = this.buf[(this.head + i) & this.mask]!;
    return out;
  }

  /** Replaces the whole content (used by the O(n) middle operations). */
  replace(values: string[]): void {
    let capacity = MIN_CAPACITY;
    while (capacity < values.length) capacity *= 2;
    let delta = (capacity - this.buf.length) * LIST_SLOT_BYTES;
    for (let i = 0; i < this.length; i++) delta -= stringBytes(this.at(i));
    for (const v of values) delta += stringBytes(v);
    this.account(delta);
    this.buf = new Array(capacity);
    for (let i = 0; i < values.length; i++) this.buf[i] = values[i];
    this.mask = capacity - 1;
    this.head = 0;
    this.length = values.length;
  }

  private grow(): void {
    const bigger: (string | undefined)[] = new Array(this.buf.length * 2);
    for (let i = 0; i < this.length; i++) bigger[i] = this.buf[(this.head + i) & this.mask];
    this.account((bigger.length - this.buf.length) * LIST_SLOT_BYTES);
    this.buf = bigger;
    this.mask = bigger.length - 1;
    this.head = 0;
  }

  /** Gives memory back after a large list was mostly drained. */
  private shrinkIfSparse(): void {
    if (this.buf.length > 1024 && this.length < this.buf.length / 8) this.replace(this.range(0, this.length - 1));
  }
}
