/**
 * The time commands see. Redis reads the clock once per command so that one command
 * sees one instant (a key cannot expire halfway through MGET); so do we.
 */
export class Clock {
  /** Unix time in ms, as of the current command. */
  now = Date.now();
  /** Redis's 24-bit LRU clock, in seconds. */
  lruSeconds = 0;

  constructor() {
    this.update();
  }

  update(): void {
    this.now = Date.now();
    this.lruSeconds = (this.now / 1000) & 0xffffff;
  }
}
