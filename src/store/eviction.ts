/**
 * Choosing keys to evict under maxmemory, as Redis does (evict.c): sample a few keys of
 * every database, keep the best candidates seen so far in a small pool ordered by score
 * (idle time for LRU, 255 - frequency for LFU, nearness of expiry for volatile-ttl) and
 * evict the best one still present; the random policies take a sampled key as it comes.
 *
 * The allkeys policies draw uniformly from the database's KeyTable, which has random
 * access by position. The volatile policies sample the keys with a TTL, a JS Set: it has
 * no random access and iterates in insertion order, so consecutive keys would be keys of
 * the same age (tried first: the hit ratio suffered). Their sampler therefore keeps an
 * array of the Set's keys, rebuilt continuously a few keys per call from a walk of the
 * Set, and samples uniformly from it; keys deleted since are skipped, keys added since
 * wait for the next rebuild. The arrays exist only once volatile eviction has run (8
 * bytes per key; reported, not counted against maxmemory).
 */
import type { EvictionPolicy } from '../config/config.js';
import type { Database, Entry, Keyspace } from './keyspace.js';
import type { KeyTable } from './key-table.js';

/** Redis's EVPOOL_SIZE. */
const POOL_SIZE = 16;

interface Candidate {
  db: number;
  key: string;
  /** Larger is a better candidate. */
  score: number;
}

/** Keys added to a sampler's next array per call: a full rebuild every size/BUILD_STEP evictions. */
const BUILD_STEP = 32;

/** Uniform random keys of a Set, from a continuously rebuilt array of its keys. */
class Sampler {
  private current: string[] = [];
  private next: string[] = [];
  private walk: Iterator<string> | null = null;

  constructor(readonly source: Set<string>) {}

  get bytes(): number {
    return (this.current.length + this.next.length) * 8;
  }

  /**
   * Up to n distinct live keys, chosen at random; at least one whenever the source has
   * any. Keys deleted since the array was built are dropped from it as they are drawn: with
   * most keys evicted since the last rebuild, a few blind draws would find none, and
   * eviction would stop (and writes be refused) with plenty left to evict.
   */
  sample(n: number): string[] {
    this.advance();
    const out: string[] = [];
    // A large maxmemory-samples (Redis allows up to 2^31) must not make dedup quadratic.
    const seen = n > 16 ? new Set<string>() : null;
    let attempts = 0;
    while (out.length < n) {
      const from = this.current.length > 0 ? this.current : this.next;
      if (from.length === 0) {
        if (this.source.size === 0) break;
        // Every key in the arrays is gone: a fresh walk yields live keys at once.
        this.walk = null;
        this.current = [];
        this.advance();
        continue;
      }
      // Sampling more keys than the array holds (maxmemory-samples may be 2^31) takes what it has.
      if (out.length >= from.length || attempts >= Math.min(n, from.length) * 4) break;
      const index = Math.floor(Math.random() * from.length);
      const key = from[index]!;
      if (!this.source.has(key)) {
        // Each removal shrinks the array, so this cannot loop for ever.
        from[index] = from[from.length - 1]!;
        from.pop();
        continue;
      }
      attempts++;
      if (seen !== null ? seen.has(key) : out.includes(key)) continue;
      seen?.add(key);
      out.push(key);
    }
    return out;
  }

  private advance(): void {
    if (this.walk === null) {
      this.walk = this.source.keys();
      this.next = [];
    }
    for (let i = 0; i < BUILD_STEP; i++) {
      const r = this.walk.next();
      if (r.done) {
        this.current = this.next;
        this.next = [];
        this.walk = null;
        return;
      }
      this.next.push(r.value);
    }
  }
}

export class KeyChooser {
  /** Ascending by score; the best candidate is last. */
  private pool: Candidate[] = [];
  private readonly samplers = new Map<Database, Sampler>();
  private nextDb = 0;

  constructor(private readonly space: Keyspace) {}

  /** Forgets stale candidates (a policy change makes their scores meaningless) and the samplers' arrays. */
  reset(): void {
    this.pool = [];
    this.samplers.clear();
  }

  /** Memory the samplers' key arrays take. */
  get bytes(): number {
    let n = 0;
    for (const sampler of this.samplers.values()) n += sampler.bytes;
    return n;
  }

  /**
   * The next key to evict under policy, or null when no key may be evicted (noeviction,
   * an empty keyspace, or no key with a TTL for the volatile policies).
   */
  choose(policy: EvictionPolicy, samples: number): { db: Database; key: string } | null {
    if (policy === 'noeviction') return null;
    const allKeys = policy.startsWith('allkeys-');
    if (policy.endsWith('-random')) return this.chooseRandom(allKeys);
    const dbs = this.space.dbs;
    for (;;) {
      let total = 0;
      for (const db of dbs) {
        const size = allKeys ? db.keys.size : db.volatile.size;
        if (size === 0) continue;
        total += size;
        this.populate(db, allKeys, policy, samples);
      }
      if (total === 0) return null;
      // Best first; a candidate deleted since it was pooled is a ghost: try the next.
      while (this.pool.length > 0) {
        const c = this.pool.pop()!;
        const db = dbs[c.db]!;
        if (allKeys ? db.keys.has(c.key) : db.volatile.has(c.key)) return { db, key: c.key };
      }
    }
  }

  private populate(db: Database, allKeys: boolean, policy: EvictionPolicy, samples: number): void {
    const lfu = policy.endsWith('-lfu');
    const ttl = policy === 'volatile-ttl';
    for (const key of this.sample(db, allKeys, samples)) {
      const entry = db.keys.get(key);
      if (entry === undefined) continue;
      const score = ttl ? -entry.expireAt : lfu ? 255 - this.space.lfuDecayed(entry) : this.space.idleSeconds(entry);
      this.insert(db.id, key, score);
    }
  }

  /** Redis's evictionPoolPopulate insertion: keep the POOL_SIZE best, ascending. */
  private insert(db: number, key: string, score: number): void {
    const pool = this.pool;
    for (const c of pool) if (c.db === db && c.key === key) return;
    let k = 0;
    while (k < pool.length && pool[k]!.score < score) k++;
    if (pool.length === POOL_SIZE) {
      if (k === 0) return; // worse than everything pooled
      pool.splice(k, 0, { db, key, score });
      pool.shift();
    } else {
      pool.splice(k, 0, { db, key, score });
    }
  }

  /** A random-policy victim: one sampled key, from the databases in turn. */
  private chooseRandom(allKeys: boolean): { db: Database; key: string } | null {
    const dbs = this.space.dbs;
    for (let i = 0; i < dbs.length; i++) {
      this.nextDb = (this.nextDb + 1) % dbs.length;
      const db = dbs[this.nextDb]!;
      if ((allKeys ? db.keys.size : db.volatile.size) === 0) continue;
      const key = this.sample(db, allKeys, 1)[0];
      if (key !== undefined) return { db, key };
    }
    return null;
  }

  /** Up to n random keys of the database (of its keys with a TTL for the volatile policies). */
  private sample(db: Database, allKeys: boolean, n: number): string[] {
    if (allKeys) return sampleTable(db.keys, n);
    const source = db.volatile;
    let sampler = this.samplers.get(db);
    if (sampler === undefined || sampler.source !== source) {
      sampler = new Sampler(source);
      this.samplers.set(db, sampler);
    }
    return sampler.sample(n);
  }
}

/**
 * Up to n distinct keys of table drawn uniformly; every key when n is at least half the
 * table (drawing n distinct keys of barely more than n would take ever longer).
 */
function sampleTable(table: KeyTable<Entry>, n: number): string[] {
  const out: string[] = [];
  if (n > 1 && n * 2 >= table.size) {
    for (const key of table.keys()) out.push(key);
    return out;
  }
  // A large maxmemory-samples (Redis allows up to 2^31) must not make dedup quadratic.
  const seen = n > 16 ? new Set<string>() : null;
  while (out.length < n) {
    const key = table.randomKey()!;
    if (seen !== null ? seen.has(key) : out.includes(key)) continue;
    seen?.add(key);
    out.push(key);
  }
  return out;
}
