/**
 * WATCH: which sessions watch which keys, and invalidation when a key is modified. As in
 * Redis, a watched key counts as modified when a command actually changed it (a SET NX
 * that did nothing does not), when it expired and was deleted, and when FLUSHDB, FLUSHALL
 * or SWAPDB changed what it holds.
 */
import type { Database } from '../store/keyspace.js';
import type { Session } from './session.js';

export interface WatchedKey {
  db: Database;
  key: string;
  /** Existed and had not expired when WATCH ran: expiring by EXEC aborts it too. */
  liveAtWatch: boolean;
}

export class WatchRegistry {
  private readonly byDb = new Map<Database, Map<string, Set<Session>>>();
  count = 0;

  watch(s: Session, db: Database, key: string): void {
    if (s.watched.some((w) => w.db === db && w.key === key)) return;
    s.watched.push({ db, key, liveAtWatch: db.find(key) !== undefined });
    let perDb = this.byDb.get(db);
    if (perDb === undefined) {
      perDb = new Map();
      this.byDb.set(db, perDb);
    }
    let set = perDb.get(key);
    if (set === undefined) {
      set = new Set();
      perDb.set(key, set);
    }
    set.add(s);
    this.count++;
  }

  unwatchAll(s: Session): void {
    for (const w of s.watched) {
      const perDb = this.byDb.get(w.db);
      const set = perDb?.get(w.key);
      if (set === undefined) continue;
      set.delete(s);
      this.count--;
      if (set.size === 0) perDb!.delete(w.key);
    }
    s.watched = [];
    s.watchDirty = false;
  }

  /** key in db was modified: every session watching it will see EXEC fail. */
  touch(db: Database, key: string): void {
    if (this.count === 0) return;
    const set = this.byDb.get(db)?.get(key);
    if (set === undefined) return;
    for (const s of set) s.watchDirty = true;
  }

  /** FLUSHDB / FLUSHALL / SWAPDB: watched keys of db that exist in db (or in other). */
  touchDb(db: Database, other: Database | null = null): void {
    if (this.count === 0) return;
    const perDb = this.byDb.get(db);
    if (perDb === undefined) return;
    for (const [key, set] of perDb) {
      if (db.find(key) === undefined && (other === null || other.find(key) === undefined)) continue;
      for (const s of set) s.watchDirty = true;
    }
  }

  /** Redis's isWatchedKeyExpired: a key live at WATCH time has expired since. */
  expiredSinceWatch(s: Session, now: number): boolean {
    for (const w of s.watched) {
      if (!w.liveAtWatch) continue;
      const entry = w.db.keys.get(w.key);
      if (entry !== undefined && entry.expireAt !== 0 && entry.expireAt < now) return true;
    }
    return false;
  }
}
