/**
 * Where the CLI writes: standard output for results (JSON, `Deleted foo`), standard error for
 * request lines, notes and errors. Injected so that tests capture what the user would see.
 *
 * @module
 */

/** Writes text exactly as given (the caller adds newlines). */
export type Writer = (text: string) => void;

/** The CLI's two output streams. */
export interface Output {
  /** Results: JSON and one-line confirmations. */
  stdout: Writer;
  /** Request lines, notes, warnings and errors. */
  stderr: Writer;
}

/** A file that takes bytes synchronously, such as `Deno.stdout` or `Deno.stderr`. */
export interface SyncFile {
  /** Writes some of `bytes`, returning how many were written. */
  writeSync(bytes: Uint8Array): number;
}

const encoder = new TextEncoder();

/**
 * A {@linkcode Writer} for a file such as `Deno.stdout`. It writes everything before returning, so
 * nothing is lost when the process exits right after, and it stays silent when the reader has
 * gone away (`docket list | head -1`).
 *
 * @example
 * ```ts
 * const stdout = fileWriter(Deno.stdout);
 * stdout("hello\n");
 * ```
 */
export function fileWriter(file: SyncFile): Writer {
  return (text) => {
    let bytes = encoder.encode(text);
    try {
      while (bytes.byteLength > 0) bytes = bytes.subarray(file.writeSync(bytes));
    } catch (error) {
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
    }
  };
}

/**
 * Formats a value as the CLI prints JSON: indented with 4 spaces (as the original docket did),
 * with a trailing newline so that the output pipes cleanly into `jq` and friends.
 */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 4)}\n`;
}
