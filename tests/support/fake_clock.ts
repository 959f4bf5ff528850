/**
 * A hand-driven {@linkcode Clock} for tests: time only moves when the test calls
 * {@linkcode FakeClock.advance} or {@linkcode FakeClock.advanceTo}, and due timers fire in order.
 *
 * @module
 */
import type { Clock, TimerHandle } from "../../src/scheduler/clock.ts";

interface PendingTimer {
  handle: number;
  at: number;
  fn: () => void;
}

/** A clock whose time moves only when told to. */
export class FakeClock implements Clock {
  #now: number;
  #nextHandle = 1;
  #timers: PendingTimer[] = [];

  /** Starts the clock at `start` (a Date, an ISO string or epoch milliseconds). */
  constructor(start: Date | string | number) {
    this.#now = new Date(start).getTime();
  }

  /** The current fake time in epoch milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Registers `fn` to run when the fake time reaches now + `ms`. */
  setTimer(fn: () => void, ms: number): TimerHandle {
    const handle = this.#nextHandle++;
    this.#timers.push({ handle, at: this.#now + Math.max(0, ms), fn });
    return handle;
  }

  /** Forgets a pending timer. */
  clearTimer(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((timer) => timer.handle !== handle);
  }

  /** How many timers are pending. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** The instant of the earliest pending timer, or undefined. */
  get nextTimerAt(): number | undefined {
    return this.#timers.reduce<number | undefined>(
      (min, timer) => min === undefined || timer.at < min ? timer.at : min,
      undefined,
    );
  }

  /** Moves time forward by `ms`, firing due timers in order (letting promises settle between them). */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `target`, firing due timers in order (letting promises settle between them). */
  async advanceTo(target: Date | string | number): Promise<void> {
    const end = new Date(target).getTime();
    for (;;) {
      const due = this.#timers
        .filter((timer) => timer.at <= end)
        .sort((a, b) => a.at - b.at || a.handle - b.handle)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((timer) => timer !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
      await settle();
    }
    this.#now = Math.max(this.#now, end);
    await settle();
  }
}

/** Lets pending promise callbacks run (a few microtask turns). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => queueMicrotask(resolve));
}
