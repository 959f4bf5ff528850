/**
 * Timers longer than the runtime allows: `setTimeout` fires after 1 ms for any delay above
 * 2^31 − 1 ms (about 24.8 days), so long timeouts are chained in shorter steps.
 *
 * @module
 */

/** The longest delay `setTimeout` honours, in milliseconds. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A pending {@linkcode setLongTimeout}; pass it to {@linkcode clearLongTimeout}. */
export interface LongTimer {
  /** The current step's timer. */
  handle: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Calls `fn` once after `ms` milliseconds, however long that is.
 *
 * @example
 * ```ts
 * const timer = setLongTimeout(() => console.log("a month later"), 30 * 24 * 3600 * 1000);
 * clearLongTimeout(timer);
 * ```
 */
export function setLongTimeout(fn: () => void, ms: number): LongTimer {
  const timer: LongTimer = { handle: undefined };
  const due = Date.now() + Math.max(0, ms);
  const step = () => {
    const left = due - Date.now();
    if (left <= 0) {
      timer.handle = undefined;
      fn();
      return;
    }
    timer.handle = setTimeout(step, Math.min(left, MAX_TIMER_MS));
  };
  timer.handle = setTimeout(step, Math.min(Math.max(0, ms), MAX_TIMER_MS));
  return timer;
}

/** Cancels a {@linkcode setLongTimeout}; undefined is ignored. */
export function clearLongTimeout(timer: LongTimer | undefined): void {
  if (timer?.handle !== undefined) clearTimeout(timer.handle);
  if (timer) timer.handle = undefined;
}
