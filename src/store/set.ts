/**
 * The set type. Members live in an array with a member -> position index, so SPOP and
 * SRANDMEMBER pick a random member in O(1) and removal is O(1) (swap with the last).
 *
 * `intset` mirrors Redis 7.0's encoding: a set whose members are all integers (in
 * string2ll form) and no more than set-max-intset-entries is an intset, and Redis then
 * replies its members in ascending numeric order; otherwise it is a hashtable, for good.
 */
import type { AggregateValue } from './keyspace.js';
import { Measured, SET_BYTES, SET_MEMBER_BYTES, stringBytes } from './memory.js';

export class SetValue extends Measured implements AggregateValue {
  readonly type = 'set';
  private members: string[] = [];
  private index = new Map<string, number>();
  intset: boolean;

  constructor(intset: boolean) {
    super(SET_BYTES);
    this.intset = intset;
  }

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  clone(): SetValue {
    const copy = new SetValue(this.intset);
    for (const m of this.members) copy.add(m);
    return copy;
  }

  get size(): number {
    return this.members.length;
  }

  /** `bytes` recomputed from the contents (tests check the running estimate against it). */
  measure(): number {
    let n = SET_BYTES;
    for (const m of this.members) n += SET_MEMBER_BYTES + stringBytes(m);
    return n;
  }

  has(member: string): boolean {
    return this.index.has(member);
  }

  /** Adds member; false if it was there. */
  add(member: string): boolean {
    if (this.index.has(member)) return false;
    this.index.set(member, this.members.length);
    this.members.push(member);
    this.account(SET_MEMBER_BYTES + stringBytes(member));
    return true;
  }

  delete(member: string): boolean {
    const at = this.index.get(member);
    if (at === undefined) return false;
    const last = this.members.pop()!;
    if (at < this.members.length) {
      this.members[at] = last;
      this.index.set(last, at);
    }
    this.index.delete(member);
    this.account(-(SET_MEMBER_BYTES + stringBytes(member)));
    return true;
  }

  randomMember(): string {
    return this.members[Math.floor(Math.random() * this.members.length)]!;
  }

  /** Members in Redis's reply order: ascending integers for an intset. */
  ordered(): string[] {
    if (!this.intset) return this.members.slice();
    const safe = this.members.every((m) => m.length < 16);
    if (safe) return this.members.slice().sort((a, b) => Number(a) - Number(b));
    return this.members.slice().sort((a, b) => {
      const x = BigInt(a);
      const y = BigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }

  values(): IterableIterator<string> {
    return this.members.values();
  }

  /**
   * Members in an order that survives removals (the index Map's insertion order; the
   * array's order changes when a removal moves the last member), for SSCAN cursors.
   */
  stableKeys(): IterableIterator<string> {
    return this.index.keys();
  }
}
