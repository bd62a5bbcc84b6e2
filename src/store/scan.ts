/**
 * SCAN cursors over a database's Map of keys.
 *
 * A JS Map has no bucket order to encode in a cursor, as Redis does. Instead each cursor
 * names a live Map iterator kept here: iterators walk in insertion order, skip deleted
 * entries and reach entries added later, so a full iteration returns every key present
 * from start to end at least once (Redis's guarantee) and may return a key re-added
 * during it twice (which Redis also allows).
 *
 * Limits: at most MAX_CURSORS live cursors; the least recently used is dropped, and a
 * dropped or unknown cursor restarts from the beginning (still every key, possibly twice).
 */
import type { Database } from './keyspace.js';

const MAX_CURSORS = 10_000;

interface CursorState {
  map: Map<string, unknown>;
  it: Iterator<string>;
}

export class ScanCursors {
  private readonly live = new Map<string, CursorState>();
  private next = 1;

  /**
   * Visits up to `count` keys from `cursor` ("0" starts), calling visit for each live
   * one. Returns the cursor to continue from, "0" when the iteration is complete.
   */
  scan(db: Database, cursor: string, count: number, visit: (key: string) => void): string {
    let state = cursor === '0' ? undefined : this.live.get(cursor);
    this.live.delete(cursor);
    if (state === undefined || state.map !== db.keys) {
      state = { map: db.keys, it: db.keys.keys() };
    }
    for (let i = 0; i < count; i++) {
      const next = state.it.next();
      if (next.done) return '0';
      visit(next.value);
    }
    // Peeking ahead would cost a buffered key; an extra call that returns nothing with
    // cursor 0 is allowed by SCAN's contract.
    const id = String(this.next++);
    this.live.set(id, state);
    if (this.live.size > MAX_CURSORS) {
      const oldest = this.live.keys().next().value as string;
      this.live.delete(oldest);
    }
    return id;
  }
}
