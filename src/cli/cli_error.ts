/**
 * The error a CLI command throws to end with a message and a non-zero exit code.
 *
 * @module
 */

/** Options for {@linkcode CliError}. */
export interface CliErrorOptions extends ErrorOptions {
  /** The process's exit code. @default {1} */
  exitCode?: number;
  /** True when the problem was already printed, so only the exit code is left to set. */
  reported?: boolean;
}

/**
 * A command failed in a way the user should read about: the CLI prints `Error: <message>` on
 * standard error (unless `reported`) and exits with `exitCode`.
 *
 * @example
 * ```ts
 * throw new CliError(`Cannot read docket.yml: no such file`);
 * ```
 */
export class CliError extends Error {
  /** The process's exit code. */
  readonly exitCode: number;
  /** Whether the problem was already printed. */
  readonly reported: boolean;

  /** Makes the error; see {@linkcode CliErrorOptions}. */
  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.exitCode = options.exitCode ?? 1;
    this.reported = options.reported ?? false;
  }
}
