/**
 * The labels docket puts on every container it creates, besides the run pipeline's
 * `docket.allocation` and `docket.run`: which store's runs it belongs to, and whether the user
 * asked for AutoRemove. Restart recovery finds and treats containers by them.
 *
 * @module
 */
import type { ContainerSpec } from "../spec/allocation.ts";

/** The label carrying the id of the store whose runs a container belongs to. */
export const INSTANCE_LABEL = "docket.instance";

/** The label recording whether the user asked for `HostConfig.AutoRemove`. */
export const AUTO_REMOVE_LABEL = "docket.auto-remove";

/** The user's container options plus docket's own labels, without touching the stored spec. */
export function labelled(container: ContainerSpec, instanceId: string): ContainerSpec {
  const labels = (container.Config.Labels ?? {}) as Record<string, string>;
  return {
    ...container,
    Config: {
      ...container.Config,
      Labels: {
        ...labels,
        [INSTANCE_LABEL]: instanceId,
        [AUTO_REMOVE_LABEL]: String(container.HostConfig?.AutoRemove === true),
      },
    },
  };
}
