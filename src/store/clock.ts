/**
 * The time commands see. Redis reads the clock once per command so that one command
 * sees one instant (a key cannot expire halfway through MGET); so do we.
 *
 * Reading the wall clock (Date.now) and the monotonic clock (performance.now) for every
 * command cost two clock reads where one does: the engine reads performance.now() anyway
 * (command timing), and the wall clock is derived from it, re-anchored to Date.now() at
 * least every second so a stepped system clock is followed within a second.
 */
import { performance } from 'node:perf_hooks';

const RESYNC_MS = 1000;

export class Clock {
  /** Unix time in ms, as of the current command. */
  now = Date.now();
  /** Redis's 24-bit LRU clock, in seconds. */
  lruSeconds = 0;
  /** Date.now() - performance.now() at the last anchoring. */
  private offset = 0;
  private anchoredAt = -Infinity;

  constructor() {
    this.update();
  }

  /** Reads the wall clock. */
  update(): void {
    this.updateAt(performance.now());
  }

  /** Sets the time from a performance.now() reading the caller already has. */
  updateAt(monotonic: number): void {
    if (monotonic - this.anchoredAt >= RESYNC_MS || monotonic < this.anchoredAt) {
      this.offset = Date.now() - monotonic;
      this.anchoredAt = monotonic;
    }
    const now = Math.floor(monotonic + this.offset);
    // Never backwards between re-anchorings' rounding: TTL checks compare against it.
    if (now > this.now || monotonic === this.anchoredAt) this.now = now;
    this.lruSeconds = (this.now / 1000) & 0xffffff;
  }
}
