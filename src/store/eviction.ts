/**
 * Choosing keys to evict under maxmemory, as Redis does (evict.c): sample a few keys of
 * every database, keep the best candidates seen so far in a small pool ordered by score
 * (idle time for LRU, 255 - frequency for LFU, nearness of expiry for volatile-ttl) and
 * evict the best one still present; the random policies take a sampled key as it comes.
 *
 * Keys are drawn uniformly at random by position from the database's KeyTable of all keys
 * (allkeys policies) or of the keys with a TTL (volatile policies).
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

export class KeyChooser {
  /** Ascending by score; the best candidate is last. */
  private pool: Candidate[] = [];
  private nextDb = 0;

  constructor(private readonly space: Keyspace) {}

  /** Forgets stale candidates (a policy change makes their scores meaningless). */
  reset(): void {
    this.pool = [];
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
    return sampleTable(allKeys ? db.keys : db.volatile, n);
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
