import { taskConfigurations } from "./configurations.js";
import { TabletopSimulation } from "./tabletop-simulation.js";
import type { ManipulationTask } from "./task.js";

export interface ExpertEpisodeResult {
  readonly configuration: number;
  readonly success: boolean;
  /** Steps until the first success (1-based), or undefined when it never succeeded. */
  readonly stepsToSuccess: number | undefined;
  readonly totalReward: number;
}

/**
 * Runs the task's scripted expert for one episode of `maxSteps` in fixed configuration
 * `configuration`, stopping at the first success (the episode counts as solved, as in the
 * benchmark's "success at any step"). Reuses `simulation` when given.
 */
export function runExpertEpisode(
  task: ManipulationTask,
  configuration: number,
  options: { maxSteps?: number; simulation?: TabletopSimulation } = {},
): ExpertEpisodeResult {
  const simulation = options.simulation ?? new TabletopSimulation(task);
  const maxSteps = options.maxSteps ?? 500;
  try {
    let observation = simulation.reset(taskConfigurations(task)[configuration]!);
    const expert = task.createExpert();
    const action = new Float32Array(4);
    let totalReward = 0;
    for (let step = 1; step <= maxSteps; step++) {
      expert.act(observation, action);
      observation = simulation.step(action);
      const { reward, success } = simulation.evaluate();
      totalReward += reward;
      if (success) return { configuration, success: true, stepsToSuccess: step, totalReward };
    }
    return { configuration, success: false, stepsToSuccess: undefined, totalReward };
  } finally {
    if (options.simulation === undefined) simulation.close();
  }
}
