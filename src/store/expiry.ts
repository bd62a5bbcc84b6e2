/**
 * Active expiry: reclaims keys whose TTL passed but that nobody reads again.
 *
 * Like Redis's activeExpireCycle, it samples keys that have a TTL and keeps going while a
 * large share of them turns out expired, within a CPU budget. Unlike Redis, which may spend
 * 25 ms in one go, work is cut into slices of at most `sliceMs`, with the event loop
 * free between them, so no request waits behind the cycle for more than a slice.
 *
 * Keys are walked with a persistent iterator over each database's table of volatile keys
 * (KeyTable iterators stay valid while entries are deleted), so successive slices cover
 * the whole table instead of resampling the same keys.
 */
import type { Keyspace, Database, Entry } from './keyspace.js';
import type { KeyTable } from './key-table.js';

/** Keep going while more than this share of the sampled keys was expired (Redis: 10%). */
const STALE_THRESHOLD = 0.1;
/** Keys checked between clock reads. */
const BATCH = 32;

export class ActiveExpirer {
  private timer: NodeJS.Timeout | null = null;
  private iterators = new Map<Database, { set: KeyTable<Entry>; it: Iterator<[string, Entry]> }>();
  private running = false;
  private db = 0;

  constructor(
    private readonly space: Keyspace,
    /** Longest uninterrupted slice of work. */
    private readonly sliceMs = 2,
    /** Share of each timer period the cycle may use in all (Redis: 25%). */
    private readonly dutyCycle = 0.25,
  ) {}

  start(hz: number): void {
    this.stop();
    const period = Math.max(1, Math.floor(1000 / hz));
    this.timer = setInterval(() => this.cycle(period * this.dutyCycle), period);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Set while nothing may change data (a slow script is paused between slices). */
  held = false;

  /** Runs one cycle of at most budgetMs in slices; returns when it is scheduled. */
  cycle(budgetMs: number): void {
    if (this.running || this.held) return;
    // Arena slabs of sizes that emptied since the last cycle go back (cheap when none did).
    this.space.arena.trim();
    this.running = true;
    let spent = 0;
    const slice = (): void => {
      const started = performance.now();
      const { sampled, expired, exhausted } = this.slice(started + Math.min(this.sliceMs, budgetMs - spent));
      const took = performance.now() - started;
      spent += took;
      this.space.stats.expireCycleCpuMs += took;
      if (sampled > 0) this.space.stats.expiredStalePerc = (expired / sampled) * 100;
      if (!exhausted && sampled > 0 && expired / sampled > STALE_THRESHOLD && spent < budgetMs) {
        setImmediate(slice);
      } else {
        this.running = false;
      }
    };
    slice();
  }

  /** Walks volatile keys until the deadline; exhausted when every database was walked once. */
  slice(deadline: number): { sampled: number; expired: number; exhausted: boolean } {
    const dbs = this.space.dbs;
    let sampled = 0;
    let expired = 0;
    let dbsWalked = 0;
    const now = Date.now();
    while (dbsWalked < dbs.length) {
      const db = dbs[this.db]!;
      let state = this.iterators.get(db);
      if (state === undefined || state.set !== db.volatile) {
        state = { set: db.volatile, it: db.volatile.entries() };
        this.iterators.set(db, state);
      }
      let finished = false;
      for (let i = 0; i < BATCH; i++) {
        const next = state.it.next();
        if (next.done) {
          finished = true;
          break;
        }
        const [key, entry] = next.value;
        sampled++;
        if (entry.expireAt !== 0 && entry.expireAt < now) {
          db.expire(key);
          expired++;
        }
      }
      if (finished) {
        this.iterators.delete(db);
        this.db = (this.db + 1) % dbs.length;
        dbsWalked++;
      }
      if (performance.now() >= deadline) return { sampled, expired, exhausted: false };
    }
    return { sampled, expired, exhausted: true };
  }
}
