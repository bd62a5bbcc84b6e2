/**
 * The hash type: field -> value, in insertion order (Redis's listpack keeps it, so small
 * hashes reply in the same order as Redis).
 *
 * Like Redis, a hash has two encodings, and converts from the first to the second for good
 * once it has more than hash-max-listpack-entries fields or a field or value longer than
 * hash-max-listpack-value bytes:
 * - compact ('listpack'): every field and value packed into one latin1 string, each item
 *   a length prefix and its bytes. A small hash then costs one string instead of a Map and
 *   two strings per field (a 5-field hash: about 70 bytes instead of 650). Lookups scan
 *   the string; changes build a new one (O(n) with n bounded by the limits, as Redis's
 *   listpack inserts are).
 * - hashtable: a Map, plus an array of the fields with their positions so that a random
 *   field is O(1) (HRANDFIELD), as in Redis's dict.
 * The encoding decides what OBJECT ENCODING reports, and that HSCAN on a compact hash
 * returns everything in one call (as Redis does).
 */
import type { AggregateValue } from './keyspace.js';
import { HASH_BYTES, HASH_COMPACT_BYTES, HASH_FIELD_BYTES, HASH_INDEX_BYTES, Measured, stringBytes } from './memory.js';
import { itemEquals, itemStart, prefix, readPrefix, skipItem } from './packed.js';

export interface CompactLimits {
  maxEntries: number;
  maxValue: number;
}

let valueAt = 0;
let valueStart = 0;
let valueEnd = 0;

/** The hashtable encoding's structures. */
interface Table {
  map: Map<string, string>;
  /** Every field once, in no particular order, with its position: random fields in O(1). */
  order: string[];
  position: Map<string, number>;
}

export class HashValue extends Measured implements AggregateValue {
  /** The compact form's items (field, value, field, value...); '' once the hash is a hashtable. */
  private packed = '';
  /** Fields in the compact form. */
  private count = 0;
  private table: Table | null = null;

  constructor() {
    super(HASH_COMPACT_BYTES + stringBytes(''));
  }

  get type(): string {
    return 'hash';
  }

  /**
   * A hash of the given field/value pairs (distinct fields), in the encoding Redis would
   * load it with; null when a field repeats.
   */
  static fromPairs(pairs: string[], limits: CompactLimits): HashValue | null {
    const hash = new HashValue();
    let compact = pairs.length / 2 <= limits.maxEntries;
    for (let i = 0; compact && i < pairs.length; i++) if (pairs[i]!.length > limits.maxValue) compact = false;
    if (!compact) hash.toHashtable();
    for (let i = 0; i < pairs.length; i += 2) if (!hash.set(pairs[i]!, pairs[i + 1]!)) return null;
    return hash;
  }

  get compact(): boolean {
    return this.table === null;
  }

  encoding(): string {
    return this.table === null ? 'listpack' : 'hashtable';
  }

  clone(): HashValue {
    const copy = new HashValue();
    if (this.table === null) {
      // Strings are immutable: the packed items are shared, not copied.
      copy.packed = this.packed;
      copy.count = this.count;
      copy.bytes = this.bytes;
      return copy;
    }
    copy.toHashtable();
    for (const [f, v] of this.table.map) copy.set(f, v);
    return copy;
  }

  get size(): number {
    return this.table === null ? this.count : this.table.map.size;
  }

  /** `bytes` recomputed from the contents (tests check the running estimate against it). */
  measure(): number {
    if (this.table === null) return HASH_COMPACT_BYTES + stringBytes(this.packed);
    let n = HASH_BYTES + this.table.order.length * HASH_INDEX_BYTES;
    for (const [f, v] of this.table.map) n += HASH_FIELD_BYTES + stringBytes(f) + stringBytes(v);
    return n;
  }

  /** In the compact form: the offset of field's item, or -1. */
  private find(field: string): number {
    const p = this.packed;
    let pos = 0;
    for (let i = 0; i < this.count; i++) {
      const len = readPrefix(p, pos);
      const start = itemStart;
      if (itemEquals(p, start, len, field)) return pos;
      pos = skipItem(p, start + len);
    }
    return -1;
  }

  /**
   * In the compact form: locates the value item after the field item at pos, in valueAt
   * (its prefix), valueStart and valueEnd (its bytes). Module variables, not an object:
   * this runs on every HGET and HSET.
   */
  private valueItem(pos: number): void {
    const p = this.packed;
    valueAt = skipItem(p, pos);
    const len = readPrefix(p, valueAt);
    valueStart = itemStart;
    valueEnd = itemStart + len;
  }

  get(field: string): string | undefined {
    if (this.table !== null) return this.table.map.get(field);
    const pos = this.find(field);
    if (pos < 0) return undefined;
    this.valueItem(pos);
    return this.packed.slice(valueStart, valueEnd);
  }

  has(field: string): boolean {
    return this.table !== null ? this.table.map.has(field) : this.find(field) >= 0;
  }

  /** Sets field; true when it is new. */
  set(field: string, value: string): boolean {
    if (this.table !== null) return this.tableSet(this.table, field, value);
    const p = this.packed;
    const pos = this.find(field);
    // join() builds one flat string; `+` would leave a tree of cons strings in the heap.
    if (pos < 0) {
      this.replacePacked([p, prefix(field.length), field, prefix(value.length), value].join(''));
      this.count++;
      return true;
    }
    this.valueItem(pos);
    this.replacePacked([p.slice(0, valueAt), prefix(value.length), value, p.slice(valueEnd)].join(''));
    return false;
  }

  delete(field: string): boolean {
    if (this.table !== null) return this.tableDelete(this.table, field);
    const pos = this.find(field);
    if (pos < 0) return false;
    const p = this.packed;
    this.valueItem(pos);
    const end = valueEnd;
    this.replacePacked(pos === 0 ? p.slice(end) : end === p.length ? p.slice(0, pos) : [p.slice(0, pos), p.slice(end)].join(''));
    this.count--;
    return true;
  }

  /** Calls fn with every field and value, in order (insertion order while compact). */
  forEach(fn: (field: string, value: string) => void): void {
    if (this.table !== null) {
      for (const [f, v] of this.table.map) fn(f, v);
      return;
    }
    const p = this.packed;
    let pos = 0;
    for (let i = 0; i < this.count; i++) {
      const flen = readPrefix(p, pos);
      const fstart = itemStart;
      const vlen = readPrefix(p, fstart + flen);
      const vstart = itemStart;
      fn(p.slice(fstart, fstart + flen), p.slice(vstart, vstart + vlen));
      pos = vstart + vlen;
    }
  }

  entries(): [string, string][] {
    const out: [string, string][] = [];
    this.forEach((f, v) => out.push([f, v]));
    return out;
  }

  fieldNames(): string[] {
    const out: string[] = [];
    this.forEach((f) => out.push(f));
    return out;
  }

  /** The hashtable form's Map (HSCAN's resumable walk); only for a hash that is not compact. */
  get hashtable(): Map<string, string> {
    if (this.table === null) throw new Error('hashtable of a compact hash');
    return this.table.map;
  }

  /** A uniformly random field: O(1) for a large hash, O(n) (n <= the listpack limit) for a compact one. */
  randomField(): string {
    const size = this.size;
    if (size === 0) throw new Error('randomField on an empty hash');
    const i = Math.floor(Math.random() * size);
    if (this.table !== null) return this.table.order[i]!;
    const p = this.packed;
    let pos = 0;
    for (let k = 0; k < i; k++) pos = skipItem(p, skipItem(p, pos));
    const len = readPrefix(p, pos);
    return p.slice(itemStart, itemStart + len);
  }

  /** Converts to hashtable if a field or value about to be written is too long. */
  checkLengths(strings: string[], from: number, limits: CompactLimits): void {
    if (this.table !== null) return;
    for (let i = from; i < strings.length; i++) {
      if (strings[i]!.length > limits.maxValue) {
        this.toHashtable();
        return;
      }
    }
  }

  /** Converts to hashtable once there are too many fields. */
  checkSize(limits: CompactLimits): void {
    if (this.table === null && this.count > limits.maxEntries) this.toHashtable();
  }

  private replacePacked(next: string): void {
    this.account(stringBytes(next) - stringBytes(this.packed));
    this.packed = next;
  }

  /** Redis's one-way listpack -> hashtable conversion. */
  private toHashtable(): void {
    if (this.table !== null) return;
    const table: Table = { map: new Map(), order: [], position: new Map() };
    this.forEach((f, v) => {
      table.position.set(f, table.order.length);
      table.order.push(f);
      table.map.set(f, v);
    });
    this.table = table;
    this.packed = '';
    this.count = 0;
    this.account(this.measure() - this.bytes);
  }

  private tableSet(t: Table, field: string, value: string): boolean {
    const old = t.map.get(field);
    t.map.set(field, value);
    if (old !== undefined) {
      this.account(stringBytes(value) - stringBytes(old));
      return false;
    }
    this.account(HASH_FIELD_BYTES + HASH_INDEX_BYTES + stringBytes(field) + stringBytes(value));
    t.position.set(field, t.order.length);
    t.order.push(field);
    return true;
  }

  private tableDelete(t: Table, field: string): boolean {
    const old = t.map.get(field);
    if (old === undefined) return false;
    t.map.delete(field);
    this.account(-(HASH_FIELD_BYTES + HASH_INDEX_BYTES + stringBytes(field) + stringBytes(old)));
    const at = t.position.get(field)!;
    const last = t.order.pop()!;
    if (at < t.order.length) {
      t.order[at] = last;
      t.position.set(last, at);
    }
    t.position.delete(field);
    return true;
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
