/**
 * What happens during a run, and the log texts the original docket wrote for it.
 *
 * @module
 */
import { formatDuration } from "../spec/duration.ts";

/** The image was pulled. */
export interface PulledEvent {
  /** Discriminant. */
  type: "pulled";
  /** When it happened. */
  at: Date;
  /** The repository as written, e.g. `busybox` or `localhost:5000/a/b`. */
  repository: string;
  /** The tag (or digest) pulled, e.g. `latest`. */
  tag: string;
  /** The allocation name. */
  allocation: string;
}

/** The pull failed but the image is present locally, so the run went on. */
export interface PullFailedEvent {
  /** Discriminant. */
  type: "pull_failed";
  /** When it happened. */
  at: Date;
  /** The pull error. */
  message: string;
}

/** The container was created. */
export interface CreatedEvent {
  /** Discriminant. */
  type: "created";
  /** When it happened. */
  at: Date;
  /** Container id. */
  containerId: string;
  /** The daemon's warnings, possibly empty. */
  warnings: string[];
}

/** The container was started. */
export interface StartedEvent {
  /** Discriminant. */
  type: "started";
  /** When it happened. */
  at: Date;
  /** Container id. */
  containerId: string;
}

/** The container exited. */
export interface ExitedEvent {
  /** Discriminant. */
  type: "exited";
  /** When it happened. */
  at: Date;
  /** Container id. */
  containerId: string;
  /** Exit code. */
  exitCode: number;
  /** From start to exit, in milliseconds. */
  durationMs: number;
  /** The last 64 KiB of its stdout and stderr, complete at this point. */
  output: string;
}

/** Something failed (the run itself, or a step after which it went on, such as removal). */
export interface RunErrorEvent {
  /** Discriminant. */
  type: "error";
  /** When it happened. */
  at: Date;
  /** The error message. */
  message: string;
}

/** Everything a run reports, in order: pulled/pull_failed, created, started, exited, error. */
export type RunEvent =
  | PulledEvent
  | PullFailedEvent
  | CreatedEvent
  | StartedEvent
  | ExitedEvent
  | RunErrorEvent;

/**
 * The log text of an event, as the original docket wrote it:
 * `Pulled busybox latest foo`, `created: <id>`, `started: <id>`, `exited: <id> code 0 after 1.234s`,
 * `Error: <message>`. Daemon warnings are appended to the created text as `(warning: …)`.
 *
 * @example
 * ```ts
 * import { formatRunEvent } from "./run_events.ts";
 * const text = formatRunEvent({ type: "pulled", at: new Date(), repository: "busybox", tag: "latest", allocation: "foo" });
 * console.assert(text === "Pulled busybox latest foo");
 * ```
 *
 * @param event The event.
 * @returns One line of text.
 */
export function formatRunEvent(event: RunEvent): string {
  switch (event.type) {
    case "pulled":
      return `Pulled ${event.repository} ${event.tag} ${event.allocation}`;
    case "pull_failed":
      return `Error: ${event.message}`;
    case "created": {
      const warnings = event.warnings.map((warning) => ` (warning: ${warning})`).join("");
      return `created: ${event.containerId}${warnings}`;
    }
    case "started":
      return `started: ${event.containerId}`;
    case "exited":
      return `exited: ${event.containerId} code ${event.exitCode} after ${
        formatDuration(event.durationMs)
      }`;
    case "error":
      return `Error: ${event.message}`;
  }
}
