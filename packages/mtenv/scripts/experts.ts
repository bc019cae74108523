/**
 * `npm run experts`: runs every Meta-World task's scripted expert over all 50 fixed configurations
 * (500-step episodes, stopping at the first success) and prints one JSON line per task:
 * successes out of 50 and the mean number of steps to success. Exits 1 if a task is below 90%.
 * `npm run experts -- reach,push` runs only the named tasks.
 */
import { initMujoco } from "../src/envs/mujoco/runtime.js";
import { CONFIGURATIONS_PER_TASK } from "../src/envs/metaworld/configurations.js";
import { runExpertEpisode } from "../src/envs/metaworld/expert-rollout.js";
import { TabletopSimulation } from "../src/envs/metaworld/tabletop-simulation.js";
import { METAWORLD_TASKS, taskByName } from "../src/envs/metaworld/task-catalog.js";

const REQUIRED_SUCCESS_RATE = 0.9;

await initMujoco();
let allPassed = true;
const requested = process.argv[2];
const tasks = requested === undefined ? METAWORLD_TASKS : requested.split(",").map((name) => taskByName(name.trim()));
for (const task of tasks) {
  const simulation = new TabletopSimulation(task);
  const started = performance.now();
  const steps: number[] = [];
  let successes = 0;
  for (let configuration = 0; configuration < CONFIGURATIONS_PER_TASK; configuration++) {
    const result = runExpertEpisode(task, configuration, { simulation });
    if (result.success) {
      successes += 1;
      steps.push(result.stepsToSuccess!);
    }
  }
  simulation.close();
  const successRate = successes / CONFIGURATIONS_PER_TASK;
  allPassed &&= successRate >= REQUIRED_SUCCESS_RATE;
  console.log(
    JSON.stringify({
      task: task.name,
      successes: `${successes}/${CONFIGURATIONS_PER_TASK}`,
      successRate,
      meanStepsToSuccess: steps.length === 0 ? null : Number((steps.reduce((a, b) => a + b, 0) / steps.length).toFixed(1)),
      maxStepsToSuccess: steps.length === 0 ? null : Math.max(...steps),
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    }),
  );
}
process.exitCode = allPassed ? 0 : 1;
