/**
 * Streams, laid out as Redis lays them out: a sequence of nodes, each standing for one
 * listpack of Redis's stream encoding (a master entry, then entries whose IDs are deltas
 * from the master ID and whose field names are omitted when equal to the master's).
 *
 * The layout is not only for the RDB file (persistence writes each node as the listpack
 * Redis would hold): it decides replies. A new node starts when the last one reaches
 * stream-node-max-entries entries or stream-node-max-bytes bytes, and approximate trimming
 * (MAXLEN ~, MINID ~) removes whole nodes only, so XLEN after an approximate trim is
 * Redis's only if the nodes are cut where Redis cuts them. Each node therefore keeps the
 * byte size its listpack would have, from the listpack encoding rules.
 *
 * Deleted entries stay in their node, flagged, as in Redis, until the node is emptied.
 * Lookups binary-search the nodes by their last ID, then the entries inside one node:
 * O(log n) for a range start, O(node) for a delete, O(1) amortized for an append.
 */
import type { AggregateValue } from './keyspace.js';
import { Measured, stringBytes } from './memory.js';

export const UINT64_MAX = (1n << 64n) - 1n;

/** An entry ID: milliseconds and sequence, both unsigned 64-bit. */
export interface StreamId {
  ms: bigint;
  seq: bigint;
}

export const ZERO_ID: StreamId = { ms: 0n, seq: 0n };
export const MAX_ID: StreamId = { ms: UINT64_MAX, seq: UINT64_MAX };

export function compareIds(a: StreamId, b: StreamId): number {
  return a.ms < b.ms ? -1 : a.ms > b.ms ? 1 : a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0;
}

export function idText(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** 16 bytes, big-endian ms then seq: compares as the IDs do, with plain string comparison. */
export function idKey(id: StreamId): string {
  let out = '';
  for (const v of [id.ms, id.seq]) {
    for (let shift = 56n; shift >= 0n; shift -= 8n) out += String.fromCharCode(Number((v >> shift) & 0xffn));
  }
  return out;
}

export function keyToId(key: string): StreamId {
  let ms = 0n;
  let seq = 0n;
  for (let i = 0; i < 8; i++) ms = (ms << 8n) | BigInt(key.charCodeAt(i));
  for (let i = 8; i < 16; i++) seq = (seq << 8n) | BigInt(key.charCodeAt(i));
  return { ms, seq };
}

/** The ID after id, or null past the last possible one (Redis's streamIncrID). */
export function nextId(id: StreamId): StreamId | null {
  if (id.seq === UINT64_MAX) {
    if (id.ms === UINT64_MAX) return null;
    return { ms: id.ms + 1n, seq: 0n };
  }
  return { ms: id.ms, seq: id.seq + 1n };
}

/** The ID before id, or null before 0-0 (Redis's streamDecrID). */
export function prevId(id: StreamId): StreamId | null {
  if (id.seq === 0n) {
    if (id.ms === 0n) return null;
    return { ms: id.ms - 1n, seq: UINT64_MAX };
  }
  return { ms: id.ms, seq: id.seq - 1n };
}

// ---- Listpack sizes (Redis's listpack.c encodings) ----

/** Redis's lpStringToInt64: the integer a listpack would store the string as, or null. */
export function listpackInt(s: string): bigint | null {
  const len = s.length;
  if (len === 0 || len > 20) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (len === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return len === 1 ? 0n : null;
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return null;
  return v;
}

/** Encoded size of an integer element (without its backlen). */
function intSize(v: bigint | number): number {
  const n = Number(v);
  if (n >= 0 && n <= 127) return 1;
  if (n >= -4096 && n <= 4095) return 2;
  if (n >= -32768 && n <= 32767) return 3;
  if (n >= -8388608 && n <= 8388607) return 4;
  if (n >= -2147483648 && n <= 2147483647) return 5;
  return 9;
}

function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Bytes a listpack element takes: encoding, data and backlen. */
export function intElementSize(v: bigint | number): number {
  const l = intSize(v);
  return l + backlenSize(l);
}

export function stringElementSize(s: string): number {
  const asInt = listpackInt(s);
  if (asInt !== null) return intElementSize(asInt);
  const len = s.length;
  const l = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  return l + backlenSize(l);
}

/** A listpack's header (total bytes, element count) and end byte. */
const LP_OVERHEAD = 7;

export const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

/** One half of an ID: a number while exact (below 2^53), a bigint beyond (rare, explicit IDs). */
export type IdPart = number | bigint;

export function idPart(v: bigint): IdPart {
  return v <= 9007199254740991n ? Number(v) : v;
}

/**
 * An entry. Its ID is held as two numbers rather than an object of two bigints (a stream
 * of a million entries would spend over 100 MB on them); number/bigint comparisons in JS
 * are exact, and a part is a bigint only when it must be, so equal parts compare equal.
 */
export class StreamEntry {
  constructor(
    readonly ms: IdPart,
    readonly seq: IdPart,
    /** Field, value, field, value... (field names shared with the node's master when equal). */
    readonly fields: string[],
    public flags: number,
    /** Bytes of this entry's listpack elements. */
    readonly bytes: number,
  ) {}

  get deleted(): boolean {
    return (this.flags & FLAG_DELETED) !== 0;
  }

  get id(): StreamId {
    return { ms: BigInt(this.ms), seq: BigInt(this.seq) };
  }

  /** The 16-byte key of this ID (for PELs). */
  get key(): string {
    return idKey(this.id);
  }

  /** "<ms>-<seq>", as replies show it. */
  get text(): string {
    return `${this.ms}-${this.seq}`;
  }

  /** Compares this entry's ID with (ms, seq). */
  cmp(ms: IdPart, seq: IdPart): number {
    return this.ms < ms ? -1 : this.ms > ms ? 1 : this.seq < seq ? -1 : this.seq > seq ? 1 : 0;
  }
}

export class StreamNode {
  readonly entries: StreamEntry[] = [];
  /** Live entries (the master entry's count). */
  live = 0;
  /** Entries flagged deleted (the master entry's deleted). */
  deleted = 0;
  constructor(
    readonly master: StreamId,
    readonly masterFields: string[],
  ) {}

  /** Bytes of the master entry's elements other than its counters. */
  private masterFieldBytes(): number {
    let n = intElementSize(this.masterFields.length) + intElementSize(0);
    for (const f of this.masterFields) n += stringElementSize(f);
    return n;
  }

  /** lpBytes of the listpack Redis would hold for this node. */
  get bytes(): number {
    let n = LP_OVERHEAD + intElementSize(this.live) + intElementSize(this.deleted) + this.masterFieldBytes();
    for (const e of this.entries) n += e.bytes;
    return n;
  }

  get lastEntry(): StreamEntry {
    return this.entries[this.entries.length - 1]!;
  }

  /** Index of the first entry with ID >= (ms, seq) (entries.length if none). */
  lowerBound(ms: IdPart, seq: IdPart): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.cmp(ms, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Estimated heap bytes: the stream object, per node, and per entry its object (a boxed ms included) and fields array. */
const STREAM_BYTES = 200;
const NODE_BYTES = 120;
const ENTRY_BYTES = 88;

export interface StreamLimits {
  nodeMaxBytes: number;
  nodeMaxEntries: number;
}

/** Redis's STREAM_LISTPACK_MAX_SIZE: a node never grows past 1 GB. */
const LISTPACK_MAX_SIZE = 1 << 30;

export class StreamValue extends Measured implements AggregateValue {
  readonly type = 'stream';
  nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamId = ZERO_ID;
  firstId: StreamId = ZERO_ID;
  maxDeletedId: StreamId = ZERO_ID;
  entriesAdded = 0n;
  /** Consumer groups by name; iterate with sortedGroups() for Redis's order. */
  groups = new Map<string, ConsumerGroup>();

  constructor() {
    super(STREAM_BYTES);
  }

  sortedGroups(): ConsumerGroup[] {
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Redis's streamLastValidID: the last live entry's ID, or lastId of an empty stream... as Redis: 0-0 when empty. */
  lastValidId(): StreamId {
    return this.edgeId(false) ?? ZERO_ID;
  }

  /** Redis's streamRangeHasTombstones. */
  rangeHasTombstones(start: StreamId | null, end: StreamId | null): boolean {
    const md = this.maxDeletedId;
    if (this.length === 0 || (md.ms === 0n && md.seq === 0n)) return false;
    if (compareIds(this.firstId, md) > 0) return false;
    const s = start ?? ZERO_ID;
    const e = end ?? MAX_ID;
    return compareIds(s, md) <= 0 && compareIds(md, e) <= 0;
  }

  /** Redis's streamEstimateDistanceFromFirstEverEntry: an ID's logical read counter, or ENTRIES_READ_INVALID. */
  estimateDistance(id: StreamId): bigint {
    if (this.entriesAdded === 0n) return 0n;
    if (this.length === 0 && compareIds(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = compareIds(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return ENTRIES_READ_INVALID;
    const cmpFirst = compareIds(id, this.firstId);
    const md = this.maxDeletedId;
    if ((md.ms === 0n && md.seq === 0n) || compareIds(md, this.firstId) < 0) {
      if (cmpFirst < 0) return this.entriesAdded - BigInt(this.length);
      if (cmpFirst === 0) return this.entriesAdded - BigInt(this.length) + 1n;
    }
    return ENTRIES_READ_INVALID;
  }

  /** The live entry with this ID, or undefined. */
  entry(id: StreamId): StreamEntry | undefined {
    const at = this.locate(id);
    return at === null ? undefined : this.nodes[at.node]!.entries[at.index];
  }

  encoding(): string {
    return 'stream';
  }

  measure(): number {
    let n = STREAM_BYTES;
    for (const node of this.nodes) {
      n += NODE_BYTES;
      // Deleted entries wait in their node for it to go; they are no longer counted.
      for (const e of node.entries) if (!e.deleted) n += entryHeapBytes(e);
    }
    return n;
  }

  /**
   * Appends an entry with an ID greater than lastId (the caller checked), in the last
   * node or a new one as Redis's streamAppendItem decides.
   */
  append(id: StreamId, fields: string[], limits: StreamLimits): void {
    let node = this.nodes.length > 0 ? this.nodes[this.nodes.length - 1]! : null;
    if (node !== null) {
      let maxBytes = limits.nodeMaxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      let total = 0;
      for (const f of fields) total += f.length;
      if (node.bytes + total >= maxBytes) node = null;
      else if (limits.nodeMaxEntries > 0 && node.live + node.deleted >= limits.nodeMaxEntries) node = null;
    }
    if (node === null) {
      const names: string[] = [];
      for (let i = 0; i < fields.length; i += 2) names.push(fields[i]!);
      node = new StreamNode(id, names);
      this.nodes.push(node);
      this.account(NODE_BYTES);
    }
    const nfields = fields.length / 2;
    let same = nfields === node.masterFields.length;
    for (let i = 0; same && i < nfields; i++) if (fields[i * 2] !== node.masterFields[i]) same = false;
    // Equal field names become the master's strings: one copy per node, not per entry.
    if (same) for (let i = 0; i < nfields; i++) fields[i * 2] = node.masterFields[i]!;
    const flags = same ? FLAG_SAMEFIELDS : 0;
    let bytes = intElementSize(flags) + intElementSize(id.ms - node.master.ms) + intElementSize(id.seq - node.master.seq);
    if (same) {
      for (let i = 1; i < fields.length; i += 2) bytes += stringElementSize(fields[i]!);
      bytes += intElementSize(nfields + 3);
    } else {
      bytes += intElementSize(nfields);
      for (const f of fields) bytes += stringElementSize(f);
      bytes += intElementSize(nfields * 2 + 4);
    }
    const entry = new StreamEntry(idPart(id.ms), idPart(id.seq), fields, flags, bytes);
    node.entries.push(entry);
    node.live++;
    this.length++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
    this.entriesAdded++;
    this.account(entryHeapBytes(entry));
  }

  /** Index of the first node whose last entry has an ID >= (ms, seq). */
  private nodeFor(ms: IdPart, seq: IdPart): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.nodes[mid]!.lastEntry.cmp(ms, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Live entries with start <= id <= end, ascending, at most count (0: all). */
  range(start: StreamId, end: StreamId, count: number): StreamEntry[] {
    const out: StreamEntry[] = [];
    if (compareIds(start, end) > 0) return out;
    const sms = idPart(start.ms);
    const sseq = idPart(start.seq);
    const ems = idPart(end.ms);
    const eseq = idPart(end.seq);
    const firstNode = this.nodeFor(sms, sseq);
    for (let n = firstNode; n < this.nodes.length; n++) {
      const node = this.nodes[n]!;
      for (let i = n === firstNode ? node.lowerBound(sms, sseq) : 0; i < node.entries.length; i++) {
        const e = node.entries[i]!;
        if (e.cmp(ems, eseq) > 0) return out;
        if (e.deleted) continue;
        out.push(e);
        if (count > 0 && out.length >= count) return out;
      }
    }
    return out;
  }

  /** Live entries with start <= id <= end, descending from end, at most count (0: all). */
  revRange(start: StreamId, end: StreamId, count: number): StreamEntry[] {
    const out: StreamEntry[] = [];
    if (compareIds(start, end) > 0) return out;
    const sms = idPart(start.ms);
    const sseq = idPart(start.seq);
    const ems = idPart(end.ms);
    const eseq = idPart(end.seq);
    // The last entry with ID <= end: just before the first entry > end.
    let n = Math.min(this.nodeFor(ems, eseq), this.nodes.length - 1);
    for (; n >= 0; n--) {
      const node = this.nodes[n]!;
      let i = node.entries.length - 1;
      while (i >= 0 && node.entries[i]!.cmp(ems, eseq) > 0) i--;
      for (; i >= 0; i--) {
        const e = node.entries[i]!;
        if (e.cmp(sms, sseq) < 0) return out;
        if (e.deleted) continue;
        out.push(e);
        if (count > 0 && out.length >= count) return out;
      }
    }
    return out;
  }

  /** The live entry with this ID, and where it is. */
  private locate(id: StreamId): { node: number; index: number } | null {
    const ms = idPart(id.ms);
    const seq = idPart(id.seq);
    const n = this.nodeFor(ms, seq);
    if (n >= this.nodes.length) return null;
    const node = this.nodes[n]!;
    const i = node.lowerBound(ms, seq);
    if (i >= node.entries.length) return null;
    const e = node.entries[i]!;
    if (e.cmp(ms, seq) !== 0 || e.deleted) return null;
    return { node: n, index: i };
  }

  has(id: StreamId): boolean {
    return this.locate(id) !== null;
  }

  /** Redis's streamDeleteItem: flags the entry deleted; a node left empty goes. */
  delete(id: StreamId): boolean {
    const at = this.locate(id);
    if (at === null) return false;
    const node = this.nodes[at.node]!;
    const entry = node.entries[at.index]!;
    entry.flags |= FLAG_DELETED;
    node.live--;
    node.deleted++;
    this.length--;
    this.account(-entryHeapBytes(entry));
    if (node.live === 0) this.removeNode(at.node);
    return true;
  }

  private removeNode(index: number): void {
    const node = this.nodes[index]!;
    for (const e of node.entries) if (!e.deleted) this.account(-entryHeapBytes(e));
    this.account(-NODE_BYTES);
    this.nodes.splice(index, 1);
  }

  /** The first (or last) live entry's ID, or null when empty. */
  edgeId(first: boolean): StreamId | null {
    if (first) {
      for (const node of this.nodes) for (const e of node.entries) if (!e.deleted) return e.id;
    } else {
      for (let n = this.nodes.length - 1; n >= 0; n--) {
        const entries = this.nodes[n]!.entries;
        for (let i = entries.length - 1; i >= 0; i--) if (!entries[i]!.deleted) return entries[i]!.id;
      }
    }
    return null;
  }

  /** After deletes: the first ID, as Redis keeps it. */
  refreshFirstId(): void {
    this.firstId = this.edgeId(true) ?? ZERO_ID;
  }

  /**
   * Redis's streamTrim: drops entries from the head while the stream is longer than
   * maxlen (or while IDs are below minid). Whole nodes go when they can; an approximate
   * trim stops at the first node it cannot drop whole; `limit` (0: none) caps the entries
   * dropped. Returns how many were dropped.
   */
  trim(strategy: 'maxlen' | 'minid', maxlen: number, minid: StreamId, approx: boolean, limit: number): number {
    let deleted = 0;
    const minMs = idPart(minid.ms);
    const minSeq = idPart(minid.seq);
    while (this.nodes.length > 0) {
      if (strategy === 'maxlen' && this.length <= maxlen) break;
      const node = this.nodes[0]!;
      const entries = node.live;
      if (limit > 0 && deleted + entries > limit) break;
      const removeNode = strategy === 'maxlen' ? this.length - entries >= maxlen : node.lastEntry.cmp(minMs, minSeq) < 0;
      if (removeNode) {
        this.removeNode(0);
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      let fromNode = 0;
      for (const e of node.entries) {
        const stop = strategy === 'maxlen' ? this.length <= maxlen : e.cmp(minMs, minSeq) >= 0;
        if (stop) break;
        if (!e.deleted) {
          e.flags |= FLAG_DELETED;
          fromNode++;
          this.length--;
          this.account(-entryHeapBytes(e));
        }
      }
      node.live -= fromNode;
      node.deleted += fromNode;
      deleted += fromNode;
      break;
    }
    if (this.length > 0) this.refreshFirstId();
    else this.firstId = ZERO_ID;
    return deleted;
  }

  clone(): StreamValue {
    const copy = new StreamValue();
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    copy.length = this.length;
    for (const node of this.nodes) {
      const n = new StreamNode(node.master, node.masterFields);
      n.live = node.live;
      n.deleted = node.deleted;
      for (const e of node.entries) n.entries.push(new StreamEntry(e.ms, e.seq, e.fields, e.flags, e.bytes));
      copy.nodes.push(n);
    }
    for (const g of this.groups.values()) {
      const cg = new ConsumerGroup(g.name, g.lastId, g.entriesRead);
      const consumers = new Map<Consumer, Consumer>();
      for (const c of g.consumers.values()) {
        const cc = new Consumer(c.name, c.seenTime);
        consumers.set(c, cc);
        cg.consumers.set(c.name, cc);
      }
      for (const [k, nack] of g.pel) {
        const copyNack = new PendingEntry(nack.id, nack.consumer === null ? null : consumers.get(nack.consumer)!, nack.deliveryTime, nack.deliveryCount);
        cg.pel.insert(k, copyNack);
        copyNack.consumer?.pel.insert(k, copyNack);
      }
      copy.groups.set(cg.name, cg);
    }
    copy.bytes = copy.measure();
    return copy;
  }

  /** Adds a node as loaded from an RDB file (entries already in order, flags included). */
  loadNode(node: StreamNode): void {
    this.nodes.push(node);
    this.account(NODE_BYTES);
    for (const e of node.entries) if (!e.deleted) this.account(entryHeapBytes(e));
  }
}

/** Builds the entry an RDB node holds: its bytes computed as append() computes them. */
export function loadedEntry(node: StreamNode, id: StreamId, fields: string[], flags: number): StreamEntry {
  const nfields = fields.length / 2;
  let bytes = intElementSize(flags) + intElementSize(id.ms - node.master.ms) + intElementSize(id.seq - node.master.seq);
  if (flags & FLAG_SAMEFIELDS) {
    for (let i = 1; i < fields.length; i += 2) bytes += stringElementSize(fields[i]!);
    bytes += intElementSize(nfields + 3);
  } else {
    bytes += intElementSize(nfields);
    for (const f of fields) bytes += stringElementSize(f);
    bytes += intElementSize(nfields * 2 + 4);
  }
  return new StreamEntry(idPart(id.ms), idPart(id.seq), fields, flags, bytes);
}

function entryHeapBytes(e: StreamEntry): number {
  let n = ENTRY_BYTES + 8 * e.fields.length;
  // Field names equal to the master's are the master's strings.
  const shared = (e.flags & FLAG_SAMEFIELDS) !== 0;
  for (let i = shared ? 1 : 0; i < e.fields.length; i += shared ? 2 : 1) n += stringBytes(e.fields[i]!);
  return n;
}

// ---- Listpacks of nodes (for RDB files and DUMP payloads) ----

/** Appends one listpack element (integer form when the string is one) to parts. */
function pushElement(parts: number[], value: bigint | string): void {
  const asInt = typeof value === 'bigint' ? value : listpackInt(value);
  const start = parts.length;
  if (asInt !== null) {
    const n = asInt;
    if (n >= 0n && n <= 127n) parts.push(Number(n));
    else if (n >= -4096n && n <= 4095n) {
      const u = Number(BigInt.asUintN(13, n));
      parts.push(0xc0 | (u >> 8), u & 0xff);
    } else {
      const [tag, bytes] =
        n >= -32768n && n <= 32767n ? [0xf1, 2] : n >= -8388608n && n <= 8388607n ? [0xf2, 3] : n >= -2147483648n && n <= 2147483647n ? [0xf3, 4] : [0xf4, 8];
      parts.push(tag);
      const u = BigInt.asUintN(bytes * 8, n);
      for (let i = 0; i < bytes; i++) parts.push(Number((u >> BigInt(8 * i)) & 0xffn));
    }
  } else {
    const s = value as string;
    const len = s.length;
    if (len < 64) parts.push(0x80 | len);
    else if (len < 4096) parts.push(0xe0 | (len >> 8), len & 0xff);
    else parts.push(0xf0, len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, (len >>> 24) & 0xff);
    for (let i = 0; i < len; i++) parts.push(s.charCodeAt(i));
  }
  // backlen: the element's size, most significant 7-bit group first, all but it flagged.
  const l = parts.length - start;
  if (l <= 127) parts.push(l);
  else if (l < 16383) parts.push(l >> 7, (l & 127) | 128);
  else if (l < 2097151) parts.push(l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128);
  else if (l < 268435455) parts.push(l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
  else parts.push(l >>> 28, ((l >> 21) & 127) | 128, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
}

/** The node's listpack, as Redis holds it. */
export function nodeListpack(node: StreamNode): Buffer {
  const parts: number[] = [];
  let count = 0;
  const push = (v: bigint | string) => {
    pushElement(parts, v);
    count++;
  };
  push(BigInt(node.live));
  push(BigInt(node.deleted));
  push(BigInt(node.masterFields.length));
  for (const f of node.masterFields) push(f);
  push(0n);
  for (const e of node.entries) {
    const nfields = e.fields.length / 2;
    push(BigInt(e.flags));
    push(e.id.ms - node.master.ms);
    push(e.id.seq - node.master.seq);
    if (e.flags & FLAG_SAMEFIELDS) {
      for (let i = 1; i < e.fields.length; i += 2) push(e.fields[i]!);
      push(BigInt(nfields + 3));
    } else {
      push(BigInt(nfields));
      for (const f of e.fields) push(f);
      push(BigInt(nfields * 2 + 4));
    }
  }
  const total = 6 + parts.length + 1;
  const buf = Buffer.alloc(total);
  buf.writeUInt32LE(total, 0);
  buf.writeUInt16LE(Math.min(count, 65535), 4);
  Buffer.from(parts).copy(buf, 6);
  buf[total - 1] = 0xff;
  return buf;
}

/**
 * A node from the elements of a listpack Redis wrote (as strings, integers in decimal),
 * or an error text when they do not form a stream node.
 */
export function nodeFromListpack(master: StreamId, items: string[]): StreamNode | string {
  let p = 0;
  const int = (): bigint | null => {
    const v = items[p++];
    return v === undefined ? null : listpackInt(v);
  };
  const live = int();
  const deleted = int();
  const nmaster = int();
  if (live === null || deleted === null || nmaster === null || nmaster < 0n) return 'invalid stream master entry';
  const masterFields: string[] = [];
  for (let i = 0n; i < nmaster; i++) {
    const f = items[p++];
    if (f === undefined) return 'truncated stream master entry';
    masterFields.push(f);
  }
  if (int() !== 0n) return 'stream master entry without its terminator';
  const node = new StreamNode(master, masterFields);
  while (p < items.length) {
    const flags = int();
    const msDiff = int();
    const seqDiff = int();
    if (flags === null || msDiff === null || seqDiff === null) return 'invalid stream entry header';
    const id = { ms: BigInt.asUintN(64, master.ms + msDiff), seq: BigInt.asUintN(64, master.seq + seqDiff) };
    const fields: string[] = [];
    if (Number(flags) & FLAG_SAMEFIELDS) {
      for (const f of masterFields) {
        const v = items[p++];
        if (v === undefined) return 'truncated stream entry';
        fields.push(f, v);
      }
    } else {
      const n = int();
      if (n === null || n < 0n) return 'invalid stream entry field count';
      for (let i = 0n; i < n * 2n; i++) {
        const v = items[p++];
        if (v === undefined) return 'truncated stream entry';
        fields.push(v);
      }
    }
    if (int() === null) return 'stream entry without its element count';
    const entry = loadedEntry(node, id, fields, Number(flags));
    const prev = node.entries[node.entries.length - 1];
    if (prev !== undefined && prev.cmp(entry.ms, entry.seq) >= 0) return 'stream entries out of order';
    node.entries.push(entry);
    if (entry.deleted) node.deleted++;
    else node.live++;
  }
  if (BigInt(node.live) !== live || BigInt(node.deleted) !== deleted) return 'stream node counts do not match its entries';
  if (node.entries.length === 0) return 'empty listpack inside stream';
  return node;
}

// ---- Consumer groups ----

/** Entries keyed by 16-byte ID keys, iterated in ID order (Redis's rax of a PEL). */
export class SortedById<T> {
  private readonly keys: string[] = [];
  private readonly map = new Map<string, T>();

  get size(): number {
    return this.map.size;
  }

  get(key: string): T | undefined {
    return this.map.get(key);
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds key (false if present: nothing changes). */
  insert(key: string, value: T): boolean {
    if (this.map.has(key)) return false;
    this.map.set(key, value);
    const last = this.keys[this.keys.length - 1];
    if (last === undefined || last < key) this.keys.push(key);
    else this.keys.splice(this.lowerBound(key), 0, key);
    return true;
  }

  delete(key: string): boolean {
    if (!this.map.delete(key)) return false;
    this.keys.splice(this.lowerBound(key), 1);
    return true;
  }

  /** Keys >= from, in order. */
  *from(key: string): Generator<[string, T]> {
    for (let i = this.lowerBound(key); i < this.keys.length; i++) {
      const k = this.keys[i]!;
      yield [k, this.map.get(k)!];
    }
  }

  firstKey(): string | undefined {
    return this.keys[0];
  }

  lastKey(): string | undefined {
    return this.keys[this.keys.length - 1];
  }

  *[Symbol.iterator](): Generator<[string, T]> {
    for (const k of this.keys) yield [k, this.map.get(k)!];
  }
}

/** A delivered, not yet acknowledged entry (Redis's streamNACK). */
export class PendingEntry {
  constructor(
    readonly id: StreamId,
    public consumer: Consumer | null,
    public deliveryTime: number,
    public deliveryCount: number,
  ) {}
}

export class Consumer {
  readonly pel = new SortedById<PendingEntry>();
  constructor(
    readonly name: string,
    public seenTime: number,
  ) {}
}

/** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const ENTRIES_READ_INVALID = -1n;

export class ConsumerGroup {
  readonly pel = new SortedById<PendingEntry>();
  readonly consumers = new Map<string, Consumer>();
  constructor(
    readonly name: string,
    public lastId: StreamId,
    public entriesRead: bigint,
  ) {}

  /** Consumers in name order (Redis keeps them in a rax). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
