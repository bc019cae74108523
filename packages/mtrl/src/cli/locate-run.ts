import { composeConfig } from "../config/compose.js";
import { resolveRunDir, type RunPaths } from "../run-folder/run-dir.js";

/** The runs folder of the default config (experiment.runsDir), or "runs" if it cannot be composed. */
export function defaultRunsDir(): string {
  try {
    return composeConfig([]).config.experiment.runsDir;
  } catch {
    return "runs";
  }
}

/** An existing run from a name in the runs folder or a path; errors list the runs. */
export function locateRun(nameOrPath: string): RunPaths {
  return resolveRunDir(nameOrPath, defaultRunsDir());
}
