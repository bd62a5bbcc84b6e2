/**
 * The process's recent garbage-collection pauses, for DEBUG GC-PAUSES: a latency test can
 * tell V8's pauses (which Cairn's code does not control) from stalls in Cairn's own work.
 * Observed from start-up; a bounded ring, so it costs nothing that grows.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';

/** Pauses kept, newest last. */
const LIMIT = 256;
/** Shorter pauses are not kept: they cannot explain a stall worth a look. */
const MIN_MS = 1;

const starts: number[] = [];
const durations: number[] = [];
let observer: PerformanceObserver | null = null;

/** Starts recording (idempotent). */
export function watchGcPauses(): void {
  if (observer !== null) return;
  observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration < MIN_MS) continue;
      if (starts.length === LIMIT) {
        starts.shift();
        durations.shift();
      }
      starts.push(performance.timeOrigin + e.startTime);
      durations.push(e.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
}

/** [start as unix ms, duration ms] of each recorded pause, oldest first. */
export function gcPauses(): [number, number][] {
  return starts.map((s, i) => [s, durations[i]!]);
}
