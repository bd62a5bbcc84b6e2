/**
 * The hash type: field -> value, in insertion order (a JS Map keeps it, and so does
 * Redis's listpack encoding, so small hashes reply in the same order as Redis).
 *
 * `compact` mirrors Redis's encoding choice: a hash starts as a listpack and converts to a
 * hashtable, for good, once it has more than hash-max-listpack-entries fields or a field
 * or value longer than hash-max-listpack-value bytes. The flag decides what OBJECT
 * ENCODING reports, that HSCAN on a compact hash returns everything in one call (as Redis
 * does), and, once a hash is large, that it also keeps its fields in an array so that a
 * random field is O(1) (HRANDFIELD), as in Redis's dict.
 */
import type { AggregateValue } from './keyspace.js';
import { HASH_BYTES, HASH_FIELD_BYTES, HASH_INDEX_BYTES, Measured, stringBytes } from './memory.js';

export interface CompactLimits {
  maxEntries: number;
  maxValue: number;
}

export class HashValue extends Measured implements AggregateValue {
  readonly type = 'hash';
  readonly fields = new Map<string, string>();
  private compactFlag = true;
  /** For large hashes: every field once, in no particular order, with its position. */
  private order: string[] | null = null;
  private position: Map<string, number> | null = null;

  constructor() {
    super(HASH_BYTES);
  }

  get compact(): boolean {
    return this.compactFlag;
  }

  /** Redis's one-way listpack -> hashtable conversion; builds the random-access index. */
  private toHashtable(): void {
    if (!this.compactFlag) return;
    this.compactFlag = false;
    this.order = [...this.fields.keys()];
    this.position = new Map(this.order.map((f, i) => [f, i]));
    this.account(this.order.length * HASH_INDEX_BYTES);
  }

  encoding(): string {
    return this.compactFlag ? 'listpack' : 'hashtable';
  }

  clone(): HashValue {
    const copy = new HashValue();
    for (const [f, v] of this.fields) copy.set(f, v);
    if (!this.compactFlag) copy.toHashtable();
    return copy;
  }

  get size(): number {
    return this.fields.size;
  }

  /** `bytes` recomputed from the contents (tests check the running estimate against it). */
  measure(): number {
    let n = HASH_BYTES + (this.order !== null ? this.order.length * HASH_INDEX_BYTES : 0);
    for (const [f, v] of this.fields) n += HASH_FIELD_BYTES + stringBytes(f) + stringBytes(v);
    return n;
  }

  get(field: string): string | undefined {
    return this.fields.get(field);
  }

  has(field: string): boolean {
    return this.fields.has(field);
  }

  /** Sets field; true when it is new. */
  set(field: string, value: string): boolean {
    const old = this.fields.get(field);
    this.fields.set(field, value);
    if (old !== undefined) {
      this.account(stringBytes(value) - stringBytes(old));
      return false;
    }
    this.account(HASH_FIELD_BYTES + stringBytes(field) + stringBytes(value));
    if (this.order !== null) {
      this.account(HASH_INDEX_BYTES);
      this.position!.set(field, this.order.length);
      this.order.push(field);
    }
    return true;
  }

  delete(field: string): boolean {
    const old = this.fields.get(field);
    if (old === undefined) return false;
    this.fields.delete(field);
    this.account(-(HASH_FIELD_BYTES + stringBytes(field) + stringBytes(old)));
    if (this.order !== null) {
      this.account(-HASH_INDEX_BYTES);
      const at = this.position!.get(field)!;
      const last = this.order.pop()!;
      if (at < this.order.length) {
        this.order[at] = last;
        this.position!.set(last, at);
      }
      this.position!.delete(field);
    }
    return true;
  }

  /** A uniformly random field: O(1) for a large hash, O(n) (n <= the listpack limit) for a compact one. */
  randomField(): string {
    const i = Math.floor(Math.random() * this.fields.size);
    if (this.order !== null) return this.order[i]!;
    let k = 0;
    for (const f of this.fields.keys()) if (k++ === i) return f;
    throw new Error('randomField on an empty hash');
  }

  /** Converts to hashtable if a field or value about to be written is too long. */
  checkLengths(strings: string[], from: number, limits: CompactLimits): void {
    if (!this.compactFlag) return;
    for (let i = from; i < strings.length; i++) {
      if (strings[i]!.length > limits.maxValue) {
        this.toHashtable();
        return;
      }
    }
  }

  /** Converts to hashtable once there are too many fields. */
  checkSize(limits: CompactLimits): void {
    if (this.compactFlag && this.fields.size > limits.maxEntries) this.toHashtable();
  }
}

/**
 * `count` distinct random items of a collection of `size` (count < size), in O(count) as
 * Redis does: when count is more than a third of size, copy and drop random items;
 * otherwise pick at random until enough distinct ones were found.
 */
export function distinctRandom<T>(size: number, count: number, pick: () => T, all: () => T[]): T[] {
  if (count * 3 > size) {
    const items = all();
    while (items.length > count) {
      const i = Math.floor(Math.random() * items.length);
      items[i] = items[items.length - 1]!;
      items.pop();
    }
    return items;
  }
  const chosen = new Set<T>();
  while (chosen.size < count) chosen.add(pick());
  return [...chosen];
}
