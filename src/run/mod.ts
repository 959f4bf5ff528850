/**
 * The run pipeline: one container run per call (`runContainer`), restart recovery (`collectExited`), the bounded
 * output tail, and the run events with the original docket's log texts.
 *
 * @module
 */

export * from "./collect_exited.ts";
export * from "./output_tail.ts";
export * from "./read_output.ts";
export * from "./run_container.ts";
export * from "./run_events.ts";
