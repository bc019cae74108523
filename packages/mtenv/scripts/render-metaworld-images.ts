/**
 * Writes the README's Meta-World pictures to packages/mtenv/docs/images/metaworld/: one frame
 * per task from the "corner" camera, taken partway through the scripted expert's episode in
 * configuration 0 (at 60% of its steps to success, where the task is easiest to read), and prints
 * the README's grid of them (a markdown table, five tasks per row, in MT50's order). Run:
 * NODE_OPTIONS=--conditions=mtrl-source node --import tsx packages/mtenv/scripts/render-metaworld-images.ts [task,task]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { initMujoco } from "../src/envs/mujoco/runtime.js";
import { encodePng } from "../src/envs/mujoco/render/png.js";
import { RayCastRenderer } from "../src/envs/mujoco/render/ray-cast-renderer.js";
import { taskConfigurations } from "../src/envs/metaworld/configurations.js";
import { runExpertEpisode } from "../src/envs/metaworld/expert-rollout.js";
import { TabletopSimulation } from "../src/envs/metaworld/tabletop-simulation.js";
import { METAWORLD_TASKS, taskByName } from "../src/envs/metaworld/task-catalog.js";

const SIZE = 128;
const TASKS_PER_ROW = 5;
/** Where in the expert's run the frame is taken, as a fraction of its steps to success. */
const FRAME_AT = 0.6;
const outputDirectory = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "images", "metaworld");

await initMujoco();
mkdirSync(outputDirectory, { recursive: true });
const requested = process.argv[2];
const tasks = requested === undefined ? METAWORLD_TASKS : requested.split(",").map((name) => taskByName(name.trim()));
for (const task of tasks) {
  const simulation = new TabletopSimulation(task);
  const { stepsToSuccess } = runExpertEpisode(task, 0, { simulation });
  const frameStep = Math.max(1, Math.round(FRAME_AT * (stepsToSuccess ?? 100)));
  let observation = simulation.reset(taskConfigurations(task)[0]!);
  const expert = task.createExpert();
  const action = new Float32Array(4);
  for (let t = 0; t < frameStep; t++) {
    expert.act(observation, action);
    observation = simulation.step(action);
  }
  const frame = new RayCastRenderer(simulation.simulation, { width: SIZE, height: SIZE, camera: "corner" }).render(new Uint8Array(SIZE * SIZE * 3));
  const path = join(outputDirectory, `${task.name}.png`);
  writeFileSync(path, encodePng(frame, SIZE, SIZE));
  console.error(`wrote ${path} (expert step ${frameStep})`);
  simulation.close();
}

// The README grid: a header row of names over a row of pictures, five tasks at a time.
const lines: string[] = [];
for (let start = 0; start < tasks.length; start += TASKS_PER_ROW) {
  const row = tasks.slice(start, start + TASKS_PER_ROW);
  lines.push(`| ${row.map((task) => task.name).join(" | ")} |`, `|${row.map(() => "---|").join("")}`);
  lines.push(`| ${row.map((task) => `![${task.name}](packages/mtenv/docs/images/metaworld/${task.name}.png)`).join(" | ")} |`, "");
}
console.log(lines.join("\n"));
