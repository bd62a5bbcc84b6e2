/**
 * Off-heap storage for mid-sized string values ("blobs"): a slab allocator over Buffers.
 *
 * Why: a string value kept in the V8 heap survives its first scavenges and is copied twice
 * on its way to old space, and an overwritten or evicted value stays there as garbage until
 * the next mark-compact, which V8 lets the heap grow to about twice its live size before
 * running. With 1 KB values under maxmemory 64mb that was a 276 MB heap for 118 MB of live
 * objects (a cache that churns is almost all such garbage). Bytes in slabs cost the
 * garbage collector nothing, are freed the moment a key is overwritten or deleted, and are
 * reused by the next value of a similar size.
 *
 * Layout: slabs of SLAB_BYTES, each dedicated to one size class; a chunk is a 4-byte
 * length header and the value's bytes (latin1, one char per byte). Classes are 16 bytes
 * apart up to 4 KB and 1/8 of a power of two apart above, up to 64 KB. A value is named
 * by a ref, slab index << 14 | chunk offset / 16: a small integer, so an Entry holds it
 * in its value field with no allocation (a JS number value means "blob").
 *
 * Free chunks form one intrusive list per class (the next ref in the chunk's bytes). A
 * class whose last chunk is freed gives its slabs back at the next trim(), so deleting
 * everything of a size returns the memory without thrashing slabs when one key of that
 * size is set and deleted in a loop.
 */

/** Shorter strings stay JS strings: small, and Redis's embstr limit (44) keeps encodings aligned. */
export const MIN_BLOB = 45;
/** Longer strings stay JS strings: V8 gives large objects their own pages and never moves them. */
export const MAX_BLOB = 65536 - 4;

const SLAB_BYTES = 256 * 1024;
const GRAIN_SHIFT = 4;
const OFFSET_BITS = 14; // SLAB_BYTES >> GRAIN_SHIFT == 2^14 grains
const OFFSET_MASK = (1 << OFFSET_BITS) - 1;
/** 2^16 slabs of 256 KB: 16 GB of values; refs stay below 2^30 (a V8 small integer everywhere). */
const MAX_SLABS = 1 << 16;
const HEADER = 4;
/** Written over a free chunk's length: a second free() of it is caught. */
const FREED = 0xffffffff;

const SMALL_CLASSES = 4096 >> GRAIN_SHIFT; // classes 1..256: 16, 32, ... 4096 bytes
const CLASSES = SMALL_CLASSES + 4 * 8 + 1; // then 8 per doubling up to 65536

/** The size class of a chunk holding a value of len bytes. */
export function classOf(len: number): number {
  const need = len + HEADER;
  if (need <= 4096) return (need + 15) >>> GRAIN_SHIFT;
  const shift = 31 - Math.clz32(need - 1); // 2^shift < need <= 2^(shift+1)
  const step = 1 << (shift - 3);
  return SMALL_CLASSES + (shift - 12) * 8 + Math.ceil((need - (1 << shift)) / step);
}

const CLASS_BYTES = new Int32Array(CLASSES);
for (let c = 1; c <= SMALL_CLASSES; c++) CLASS_BYTES[c] = c << GRAIN_SHIFT;
for (let shift = 12; shift < 16; shift++) {
  for (let k = 1; k <= 8; k++) CLASS_BYTES[SMALL_CLASSES + (shift - 12) * 8 + k] = (1 << shift) + k * (1 << (shift - 3));
}

/** A chunk's length header (little-endian). Typed-array element loads are inlined by the JIT, where Buffer#readUInt32LE is a call. */
function lengthAt(buf: Buffer, off: number): number {
  return buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! * 16777216);
}

export function fitsArena(len: number): boolean {
  return len >= MIN_BLOB && len <= MAX_BLOB;
}

export class Arena {
  private slabs: (Buffer | null)[] = [];
  /** Slab indexes given back by trim(), reused before the table grows. */
  private spareIds: number[] = [];
  private readonly freeHead = new Int32Array(CLASSES).fill(-1);
  /** Per class: the slab being carved and the next offset in it (-1: none). */
  private readonly bumpSlab = new Int32Array(CLASSES).fill(-1);
  private readonly bumpOffset = new Int32Array(CLASSES);
  private readonly live = new Int32Array(CLASSES);
  private readonly slabsOf: number[][] = Array.from({ length: CLASSES }, () => []);
  /**
   * Each slab's size class. A ref's class comes from here, not from its chunk's header:
   * an overwrite in place then only stores into the chunk, and a store that misses the
   * cache does not stall the way a load does (with 1M keys, that load was 90 % of SET's
   * time in setString).
   */
  private readonly slabClass = new Uint16Array(MAX_SLABS);
  /** Classes whose live count reached 0 since the last trim(). */
  private emptied: number[] = [];
  /** Bytes in live chunks (class sizes). */
  usedBytes = 0;
  /** Bytes of slabs held. */
  slabBytes = 0;
  count = 0;

  /** Copies value (latin1, MIN_BLOB..MAX_BLOB chars) into a chunk; -1 when the arena is full. */
  alloc(value: string): number {
    const len = value.length;
    // Beyond the last class there is no free list or slab layout: a caller bug, not a full arena.
    if (!fitsArena(len)) throw new Error(`arena: a value of ${len} bytes`);
    const cls = classOf(len);
    let ref = this.freeHead[cls]!;
    let buf: Buffer;
    let off: number;
    if (ref >= 0) {
      buf = this.slabs[ref >>> OFFSET_BITS]!;
      off = (ref & OFFSET_MASK) << GRAIN_SHIFT;
      this.freeHead[cls] = buf.readInt32LE(off + 4);
    } else {
      const size = CLASS_BYTES[cls]!;
      let slab = this.bumpSlab[cls]!;
      if (slab < 0 || this.bumpOffset[cls]! + size > SLAB_BYTES) {
        slab = this.newSlab(cls);
        if (slab < 0) return -1;
      }
      off = this.bumpOffset[cls]!;
      this.bumpOffset[cls] = off + size;
      buf = this.slabs[slab]!;
      ref = (slab << OFFSET_BITS) | (off >>> GRAIN_SHIFT);
    }
    buf.writeUInt32LE(len, off);
    buf.latin1Write(value, off + HEADER, len);
    this.live[cls]!++;
    this.usedBytes += CLASS_BYTES[cls]!;
    this.count++;
    return ref;
  }

  /**
   * Stores value in place of ref's when it fits the same class (no free-list traffic),
   * else moves it; returns the ref now holding value, -1 when the arena is full (ref freed).
   */
  replace(ref: number, value: string): number {
    const slab = ref >>> OFFSET_BITS;
    const buf = this.slabs[slab]!;
    const off = (ref & OFFSET_MASK) << GRAIN_SHIFT;
    const len = value.length;
    if (fitsArena(len) && classOf(len) === this.slabClass[slab]) {
      buf.writeUInt32LE(len, off);
      buf.latin1Write(value, off + HEADER, len);
      return ref;
    }
    this.free(ref);
    return this.alloc(value);
  }

  /** The value as a JS string. */
  read(ref: number): string {
    const buf = this.slabs[ref >>> OFFSET_BITS]!;
    const off = ((ref & OFFSET_MASK) << GRAIN_SHIFT) + HEADER;
    return buf.latin1Slice(off, off + lengthAt(buf, off - HEADER));
  }

  /** The first byte of the value's chunk: loads it into the cache (Database.prefetch). */
  peek(ref: number): number {
    return this.slabs[ref >>> OFFSET_BITS]![(ref & OFFSET_MASK) << GRAIN_SHIFT]!;
  }

  length(ref: number): number {
    return lengthAt(this.slabs[ref >>> OFFSET_BITS]!, (ref & OFFSET_MASK) << GRAIN_SHIFT);
  }

  /** What the value's chunk costs (MEMORY USAGE, the used_memory estimate). */
  chunkBytes(ref: number): number {
    return CLASS_BYTES[this.slabClass[ref >>> OFFSET_BITS]!]!;
  }

  /** The value's bytes, a view into the slab: valid only until the next change of the arena. */
  view(ref: number): Buffer {
    const buf = this.slabs[ref >>> OFFSET_BITS]!;
    const off = ((ref & OFFSET_MASK) << GRAIN_SHIFT) + HEADER;
    return buf.subarray(off, off + lengthAt(buf, off - HEADER));
  }

  free(ref: number): void {
    const buf = this.slabs[ref >>> OFFSET_BITS];
    const off = (ref & OFFSET_MASK) << GRAIN_SHIFT;
    // Invariant: a ref is freed once. A second free would put the chunk on the list twice
    // and hand it to two keys; failing loudly beats silently mixing two values.
    if (buf == null || buf.readUInt32LE(off) === FREED) throw new Error(`arena: free of a free chunk (ref ${ref})`);
    const cls = this.slabClass[ref >>> OFFSET_BITS]!;
    buf.writeUInt32LE(FREED, off);
    buf.writeInt32LE(this.freeHead[cls]!, off + 4);
    this.freeHead[cls] = ref;
    this.usedBytes -= CLASS_BYTES[cls]!;
    this.count--;
    if (--this.live[cls]! === 0) this.emptied.push(cls);
  }

  /** Gives back the slabs of classes that hold no value (still none since they emptied). */
  trim(): void {
    if (this.emptied.length === 0) return;
    for (const cls of this.emptied) {
      if (this.live[cls] !== 0) continue;
      for (const id of this.slabsOf[cls]!) {
        this.slabs[id] = null;
        this.spareIds.push(id);
        this.slabBytes -= SLAB_BYTES;
      }
      this.slabsOf[cls] = [];
      this.freeHead[cls] = -1;
      this.bumpSlab[cls] = -1;
    }
    this.emptied = [];
  }

  /** Forgets every value at once (FLUSHALL): their refs must not be used again. */
  reset(): void {
    this.slabs = [];
    this.spareIds = [];
    this.freeHead.fill(-1);
    this.bumpSlab.fill(-1);
    this.live.fill(0);
    for (let c = 0; c < CLASSES; c++) this.slabsOf[c] = [];
    this.emptied = [];
    this.usedBytes = 0;
    this.slabBytes = 0;
    this.count = 0;
  }

  private newSlab(cls: number): number {
    let id = this.spareIds.pop();
    if (id === undefined) {
      if (this.slabs.length >= MAX_SLABS) return -1;
      id = this.slabs.length;
      this.slabs.push(null);
    }
    // Unzeroed: a chunk is only ever read after its bytes were written.
    this.slabs[id] = Buffer.allocUnsafeSlow(SLAB_BYTES);
    this.slabClass[id] = cls;
    this.slabsOf[cls]!.push(id);
    this.slabBytes += SLAB_BYTES;
    this.bumpSlab[cls] = id;
    this.bumpOffset[cls] = 0;
    return id;
  }
}
