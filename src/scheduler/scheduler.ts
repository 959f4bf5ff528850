/**
 * The scheduler: fires each named schedule at its exact instants from one timer.
 *
 * All schedules share a min-heap of next instants and a single timer armed for the earliest one,
 * so thousands of idle schedules cost nothing between firings (no polling loop). The timer never
 * sleeps longer than `maxSleepMs`, so a wall-clock jump (suspend, NTP step) is noticed promptly.
 *
 * @module
 */
import { type Clock, systemClock, type TimerHandle } from "./clock.ts";
import { MinHeap } from "./min_heap.ts";

/** Anything that can say when it fires next: a parsed cron expression, for instance. */
export interface Schedule {
  /** The first instant strictly after `after`, or null when there is none. */
  next(after: Date): Date | null;
}

/** Called when a schedule's instant has come. Must not throw; runs are launched from here. */
export type DueHandler = (name: string, instant: Date) => void;

/** Called with instants that passed while the process could not fire them (it fell behind). */
export type MissedHandler = (name: string, instants: Date[]) => void;

/** Options for {@linkcode Scheduler}. */
export interface SchedulerOptions {
  /** Called at each instant. */
  onDue: DueHandler;
  /** Called with instants skipped because the process fell behind by more than one period. */
  onMissed?: MissedHandler;
  /** The clock. @default {systemClock} */
  clock?: Clock;
  /** The longest single sleep, in milliseconds. @default {60000} */
  maxSleepMs?: number;
}

interface Entry {
  name: string;
  at: number;
}

interface Job {
  schedule: Schedule;
  entry: Entry | undefined;
  lastFired: number;
}

/** How many skipped instants are reported at most per late firing. */
const MAX_MISSED_REPORTED = 100;

/** Fires named schedules at their exact instants. */
export class Scheduler {
  #clock: Clock;
  #onDue: DueHandler;
  #onMissed: MissedHandler | undefined;
  #maxSleepMs: number;
  #jobs = new Map<string, Job>();
  #heap = new MinHeap<Entry>((entry) => entry.at);
  #stale = 0;
  #timer: TimerHandle | undefined;
  #timerAt = Infinity;
  #running = false;

  /** Makes a stopped scheduler; call {@linkcode Scheduler.start} to begin firing. */
  constructor(options: SchedulerOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#onDue = options.onDue;
    this.#onMissed = options.onMissed;
    this.#maxSleepMs = options.maxSleepMs ?? 60_000;
  }

  /** How many schedules are registered. */
  get size(): number {
    return this.#jobs.size;
  }

  /**
   * Adds or replaces the schedule called `name`; its next instant is the first strictly after
   * `after` (default: now), so a caller that has accounted for every instant up to `after`
   * leaves no gap.
   * Returns that instant, or null when the schedule never fires again.
   */
  set(name: string, schedule: Schedule, after?: Date): Date | null {
    const previous = this.#jobs.get(name);
    if (previous?.entry) this.#stale++;
    // Strictly after now (or `after`), and never an instant this name already fired.
    const from = Math.max(after?.getTime() ?? this.#clock.now(), previous?.lastFired ?? -Infinity);
    const job: Job = { schedule, entry: undefined, lastFired: previous?.lastFired ?? -Infinity };
    this.#jobs.set(name, job);
    const next = schedule.next(new Date(from));
    if (next) this.#enqueue(job, name, next.getTime());
    this.#compact();
    return next;
  }

  /** Removes the schedule called `name`; its future instants never fire. Returns whether it existed. */
  delete(name: string): boolean {
    const job = this.#jobs.get(name);
    if (!job) return false;
    if (job.entry) this.#stale++;
    this.#jobs.delete(name);
    this.#compact();
    return true;
  }

  /** Whether a schedule called `name` is registered. */
  has(name: string): boolean {
    return this.#jobs.has(name);
  }

  /** The next instant `name` fires, or null when it is unknown or never fires again. */
  nextRun(name: string): Date | null {
    const at = this.#jobs.get(name)?.entry?.at;
    return at === undefined ? null : new Date(at);
  }

  /** Starts firing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#arm();
  }

  /** Stops firing; schedules stay registered, and {@linkcode Scheduler.start} resumes. */
  stop(): void {
    this.#running = false;
    this.#disarm();
  }

  #enqueue(job: Job, name: string, at: number): void {
    const entry = { name, at };
    job.entry = entry;
    this.#heap.push(entry);
    if (this.#running && at < this.#timerAt) this.#arm();
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #arm(): void {
    this.#disarm();
    if (!this.#running) return;
    const top = this.#peekLive();
    if (!top) return;
    const delay = Math.min(Math.max(0, top.at - this.#clock.now()), this.#maxSleepMs);
    this.#timerAt = top.at;
    this.#timer = this.#clock.setTimer(() => this.#fire(), delay);
  }

  #peekLive(): Entry | undefined {
    for (;;) {
      const top = this.#heap.peek();
      if (!top || this.#jobs.get(top.name)?.entry === top) return top;
      this.#heap.pop();
      this.#stale--;
    }
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.#clock.now();
    const fired: [Job, string, number][] = [];
    for (;;) {
      const top = this.#peekLive();
      if (!top || top.at > now) break;
      this.#heap.pop();
      const job = this.#jobs.get(top.name) as Job;
      job.entry = undefined;
      job.lastFired = top.at;
      fired.push([job, top.name, top.at]);
      try {
        this.#onDue(top.name, new Date(top.at));
      } catch {
        // A due handler must not throw; if it does, the scheduler carries on.
      }
    }
    if (fired.length === 0) return this.#arm();
    // Every due instant is handed over before any next instant is computed (that takes tens of
    // microseconds each), and in a later task, so the due handlers' own work goes first.
    this.#clock.setTimer(() => {
      for (const [job, name, firedAt] of fired) {
        // A job replaced or deleted meanwhile was rescheduled (or dropped) by set() or delete().
        if (this.#jobs.get(name) === job && job.entry === undefined) {
          this.#advance(job, name, firedAt, now);
        }
      }
      this.#arm();
    }, 0);
  }

  /** Queues the instant after `firedAt`, skipping (and reporting) instants that are already past. */
  #advance(job: Job, name: string, firedAt: number, now: number): void {
    let next = job.schedule.next(new Date(firedAt));
    const missed: Date[] = [];
    while (next && next.getTime() <= now && missed.length < MAX_MISSED_REPORTED) {
      missed.push(next);
      next = job.schedule.next(next);
    }
    if (next && next.getTime() <= now) next = job.schedule.next(new Date(now));
    if (missed.length > 0 && this.#onMissed) {
      try {
        this.#onMissed(name, missed);
      } catch {
        // Reporting must not stop the scheduler.
      }
    }
    if (next) {
      const entry = { name, at: next.getTime() };
      job.entry = entry;
      this.#heap.push(entry);
    }
  }

  /** Rebuilds the heap when replaced entries outnumber live ones. */
  #compact(): void {
    if (this.#stale < 1024 || this.#stale < this.#jobs.size) return;
    this.#heap.clear();
    for (const job of this.#jobs.values()) if (job.entry) this.#heap.push(job.entry);
    this.#stale = 0;
    if (this.#running) this.#arm();
  }
}
