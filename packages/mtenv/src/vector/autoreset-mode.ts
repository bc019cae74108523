import { ConfigError } from "../core/errors.js";

/**
 * What a vector env does when one of its environments ends an episode (Gymnasium 1.x semantics).
 * The mode is explicit because the three behaviours need different bookkeeping in a trainer,
 * and guessing the wrong one silently corrupts replay data.
 */
export enum AutoresetMode {
  /**
   * The step that ends an episode returns its true last observation; the *next* `step()` resets
   * that environment (its action is ignored) and returns the first observation of the new episode
   * with reward 0 and both flags false. Gymnasium's default.
   */
  NextStep = "next-step",
  /**
   * The environment is reset within the step that ended the episode: the returned observation is
   * the new episode's first one, and the true last observation is in `infos[i].finalObservation`
   * (with the last step's info in `infos[i].finalInfo`). A trainer must store the final one.
   */
  SameStep = "same-step",
  /** Never reset automatically: call `reset({ mask })` for the environments that ended. */
  Disabled = "disabled",
}

const MODES: readonly string[] = Object.values(AutoresetMode);

/** Narrows a string (from a config or the CLI) to an AutoresetMode. */
export function isAutoresetMode(value: unknown): value is AutoresetMode {
  return typeof value === "string" && MODES.includes(value);
}

/** Defaults to NextStep (Gymnasium's default) and rejects unknown modes with the valid ones. */
export function checkAutoresetMode(mode: unknown): AutoresetMode {
  if (mode === undefined) return AutoresetMode.NextStep;
  if (!isAutoresetMode(mode)) {
    throw new ConfigError(
      `Unknown autoresetMode ${JSON.stringify(mode)}; expected one of ${Object.values(AutoresetMode).map((m) => JSON.stringify(m)).join(", ")} (AutoresetMode.*).`,
    );
  }
  return mode;
}
