/**
 * What the dataset costs in bytes of V8 heap, kept as a running sum so that INFO's
 * used_memory and the maxmemory check are O(1).
 *
 * A JS heap has no allocator to ask what one object costs (Redis asks jemalloc), and a
 * full walk would be O(keys). So every value carries an estimate, updated by each
 * mutation from the sizes of the strings it adds or drops and fixed per-element costs of
 * the structures that hold them (Map slots, arrays, skiplist nodes). The constants come
 * from measuring heap growth over a million elements of each kind on Node 20 (64-bit, no
 * pointer compression): `npm run bench:memory` compares the sum with the heap and the
 * README states the error.
 *
 * A value that is part of the keyspace points at its database's Meter; a value that is
 * not (a clone being built, a result about to be stored) points at none, so only what is
 * stored counts. Database add/set/remove attach and detach values.
 */

/** A running byte count, one per database (it moves with the keys on SWAPDB). */
export class Meter {
  bytes = 0;
}

/**
 * A V8 sequential one-byte string: map, hash and length (16 bytes), then the characters,
 * rounded up to 8. Cairn keeps keys and values as latin1 strings, so this is their cost.
 */
export function stringBytes(s: string): number {
  return (s.length + 23) & ~7;
}

/**
 * A key in a database: its KeyTable slot (key and value, 16 bytes), its index pair (8
 * bytes per index slot at a load between 1/4 and 1/2) and its Entry object; calibrated
 * with `npm run bench:memory` (1 M keys of mixed types).
 */
export const KEY_BYTES = 65;
/** A key with a TTL: its slot in the database's volatile KeyTable and the boxed expiry time. */
export const VOLATILE_BYTES = 33;

/** Fixed costs of the aggregate values (object headers, their Maps and arrays when empty). */
/** A compact hash: its object; its packed string is counted by its size. */
export const HASH_COMPACT_BYTES = 64;
/** A hash in hashtable form: the object, its table record, the Map and the index Map and array. */
export const HASH_BYTES = 172;
/** One field in a hash: its Map slot. */
export const HASH_FIELD_BYTES = 46;
/** A large hash also indexes its fields for HRANDFIELD: an array slot and a position Map slot. */
export const HASH_INDEX_BYTES = 58;
export const LIST_BYTES = 104;
/** A list's ring buffer costs one pointer per slot of capacity, used or not. */
export const LIST_SLOT_BYTES = 8;
export const SET_BYTES = 248;
/** A set member: its array slot and its Map slot with the position. */
export const SET_MEMBER_BYTES = 56;
/** A compact sorted set: its object and its scores array; the packed members are counted by their size. */
export const ZSET_COMPACT_BYTES = 128;
/** A score in a compact sorted set: one element of an array of doubles. */
export const ZSET_SCORE_BYTES = 8;
/** A sorted set in skiplist form: the object, its table record, the Map and the skiplist with its 32-level head. */
export const ZSET_BYTES = 897;
/** A sorted-set member: its Map slot, the boxed score, a skiplist node with its two level arrays. */
export const ZSET_MEMBER_BYTES = 225;

/**
 * An aggregate value's estimate and the meter it reports changes to. Subclasses call
 * account() with every change of their estimate.
 */
export abstract class Measured {
  /** This value's estimated heap bytes, structures and element strings included. */
  bytes: number;
  /** The meter of the database holding this value, or null while it is not stored. */
  meter: Meter | null = null;

  constructor(base: number) {
    this.bytes = base;
  }

  protected account(delta: number): void {
    this.bytes += delta;
    if (this.meter !== null) this.meter.bytes += delta;
  }
}
