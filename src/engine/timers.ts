/**
 * setTimeout for any delay. Node fires a timeout of more than 2^31-1 ms (about 24.8 days)
 * after 1 ms; BLPOP's and CLIENT PAUSE's limits can be far longer, so long waits re-arm.
 */
const MAX_DELAY = 2 ** 31 - 1;

export interface LongTimer {
  cancel(): void;
}

/** Calls fn at the absolute time `at` (ms since the epoch); the timer does not keep the process alive. */
export function timerAt(at: number, fn: () => void): LongTimer {
  let handle: NodeJS.Timeout;
  const arm = (): void => {
    const delay = at - Date.now();
    if (delay <= MAX_DELAY) {
      handle = setTimeout(fn, Math.max(0, delay));
    } else {
      handle = setTimeout(arm, MAX_DELAY);
    }
    handle.unref();
  };
  arm();
  return { cancel: () => clearTimeout(handle) };
}
