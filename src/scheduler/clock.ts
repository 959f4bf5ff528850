/**
 * The clock the scheduler and the run pipeline read: wall-clock time and one-shot timers.
 * Injected so that tests drive time by hand instead of sleeping.
 *
 * @module
 */

/** An opaque handle for a pending timer. */
export type TimerHandle = unknown;

/** Wall-clock time and one-shot timers. */
export interface Clock {
  /** The current wall-clock time in milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds (of this clock's time). */
  setTimer(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer made by {@linkcode Clock.setTimer}; unknown handles are ignored. */
  clearTimer(handle: TimerHandle): void;
}

/** The real clock: `Date.now()` and the runtime's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
