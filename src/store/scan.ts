/**
 * Cursors for SCAN, HSCAN and SSCAN over JS Maps and Sets.
 *
 * A JS Map has no bucket order to encode in a cursor, as Redis does. Instead each cursor
 * names a live iterator kept here: Map and Set iterators walk in insertion order, skip
 * deleted entries and reach entries added later, so a full iteration returns every
 * element present from start to end at least once (Redis's guarantee) and may return one
 * re-added during it twice (which Redis also allows).
 *
 * Limits: at most MAX_CURSORS live cursors; the least recently used is dropped, and a
 * dropped or unknown cursor restarts from the beginning (still every element, possibly
 * twice).
 */
const MAX_CURSORS = 10_000;

interface CursorState {
  source: object;
  it: Iterator<unknown>;
}

export class ScanCursors {
  private readonly live = new Map<string, CursorState>();
  private next = 1;

  /**
   * Visits up to `count` elements of source from `cursor` ("0" starts), with `iterate`
   * making a fresh iterator. Returns the cursor to continue from, "0" when complete.
   */
  scan<T>(source: object, iterate: () => Iterator<T>, cursor: string, count: number, visit: (item: T) => void): string {
    let state = cursor === '0' ? undefined : this.live.get(cursor);
    this.live.delete(cursor);
    if (state === undefined || state.source !== source) state = { source, it: iterate() };
    const it = state.it as Iterator<T>;
    for (let i = 0; i < count; i++) {
      const next = it.next();
      if (next.done) return '0';
      visit(next.value);
    }
    // Peeking ahead would cost a buffered element; an extra call that returns nothing with
    // cursor 0 is allowed by SCAN's contract.
    const id = String(this.next++);
    this.live.set(id, state);
    if (this.live.size > MAX_CURSORS) this.live.delete(this.live.keys().next().value as string);
    return id;
  }

  scanMap(map: { keys(): Iterator<string> }, cursor: string, count: number, visit: (key: string) => void): string {
    return this.scan(map, () => map.keys(), cursor, count, visit);
  }
}

/** One cursor space for the whole server, like Redis's cursors. */
export const scanCursors = new ScanCursors();
