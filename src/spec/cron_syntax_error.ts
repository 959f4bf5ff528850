/** Options for {@linkcode CronSyntaxError}. */
export interface CronSyntaxErrorOptions extends ErrorOptions {
  /** A suggestion for the user, kept out of the message so the message stays cronexpr's exact text. */
  readonly hint?: string;
}

/**
 * A cron expression that the original docket's dialect (gorhill/cronexpr) does not accept.
 *
 * The message is cronexpr's exact text (`missing field(s)`, `syntax error in minute field: '61'`,
 * `invalid interval *\/0`, `month field: missing directive`, …) because it is part of the compatible
 * API: the HTTP API reports it as the cron field's validation error. Checks that docket adds on top
 * of cronexpr have their own messages (for example `too many fields: 8 (…)`).
 *
 * @example Telling a bad schedule apart
 * ```ts
 * import { CronSyntaxError, parseCron } from "./cron.ts";
 *
 * try {
 *   parseCron("61 * * * *");
 * } catch (error) {
 *   if (error instanceof CronSyntaxError) console.log(error.message); // syntax error in minute field: '61'
 * }
 * ```
 */
export class CronSyntaxError extends SyntaxError {
  /** A suggestion for the user (for example which macro to use instead), if there is one. */
  readonly hint: string | undefined;

  /**
   * Creates the error.
   *
   * @param message cronexpr's text for the problem
   * @param options an optional hint and cause
   */
  constructor(message: string, options: CronSyntaxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CronSyntaxError";
    this.hint = options.hint;
  }
}
