/**
 * The hash type: field -> value, in insertion order (a JS Map keeps it, and so does
 * Redis's listpack encoding, so small hashes reply in the same order as Redis).
 *
 * `compact` mirrors Redis's encoding choice: a hash starts as a listpack and converts to a
 * hashtable, for good, once it has more than hash-max-listpack-entries fields or a field
 * or value longer than hash-max-listpack-value bytes. Cairn's storage is a Map either
 * way; the flag decides what OBJECT ENCODING reports and that HSCAN on a compact hash
 * returns everything in one call, as Redis does.
 */
import type { AggregateValue } from './keyspace.js';

export interface CompactLimits {
  maxEntries: number;
  maxValue: number;
}

export class HashValue implements AggregateValue {
  readonly type = 'hash';
  readonly fields = new Map<string, string>();
  compact = true;

  encoding(): string {
    return this.compact ? 'listpack' : 'hashtable';
  }

  clone(): HashValue {
    const copy = new HashValue();
    for (const [f, v] of this.fields) copy.fields.set(f, v);
    copy.compact = this.compact;
    return copy;
  }

  get size(): number {
    return this.fields.size;
  }

  /** Converts to hashtable if a field or value about to be written is too long. */
  checkLengths(strings: string[], from: number, limits: CompactLimits): void {
    if (!this.compact) return;
    for (let i = from; i < strings.length; i++) {
      if (strings[i]!.length > limits.maxValue) {
        this.compact = false;
        return;
      }
    }
  }

  /** Converts to hashtable once there are too many fields. */
  checkSize(limits: CompactLimits): void {
    if (this.compact && this.fields.size > limits.maxEntries) this.compact = false;
  }
}
