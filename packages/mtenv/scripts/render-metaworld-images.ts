/**
 * Writes the README's Meta-World pictures to packages/mtenv/docs/images/metaworld/: one frame
 * per MT10 task from the "corner" camera, taken partway through the scripted expert's episode in
 * configuration 0, plus a strip of all ten. Run:
 * node --import tsx packages/mtenv/scripts/render-metaworld-images.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { initMujoco } from "../src/envs/mujoco/runtime.js";
import { encodePng } from "../src/envs/mujoco/render/png.js";
import { RayCastRenderer } from "../src/envs/mujoco/render/ray-cast-renderer.js";
import { taskConfigurations } from "../src/envs/metaworld/configurations.js";
import { TabletopSimulation } from "../src/envs/metaworld/tabletop-simulation.js";
import { MT10_TASKS } from "../src/envs/metaworld/task-catalog.js";

const SIZE = 128;
const outputDirectory = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "images", "metaworld");
/** Expert steps before the picture: mid-manipulation, where the task is easiest to read. */
const STEPS_BEFORE_FRAME: Record<string, number> = {
  reach: 12,
  push: 55,
  "pick-place": 55,
  "door-open": 100,
  "drawer-open": 50,
  "drawer-close": 40,
  "button-press-topdown": 38,
  "peg-insert-side": 80,
  "window-open": 50,
  "window-close": 50,
};

await initMujoco();
mkdirSync(outputDirectory, { recursive: true });
const frames: Uint8Array[] = [];
for (const task of MT10_TASKS) {
  const simulation = new TabletopSimulation(task);
  let observation = simulation.reset(taskConfigurations(task)[0]!);
  const expert = task.createExpert();
  const action = new Float32Array(4);
  for (let t = 0; t < (STEPS_BEFORE_FRAME[task.name] ?? 40); t++) {
    expert.act(observation, action);
    observation = simulation.step(action);
  }
  const frame = new RayCastRenderer(simulation.simulation, { width: SIZE, height: SIZE, camera: "corner" }).render(new Uint8Array(SIZE * SIZE * 3));
  frames.push(frame);
  const path = join(outputDirectory, `${task.name}.png`);
  writeFileSync(path, encodePng(frame, SIZE, SIZE));
  console.log(`wrote ${path}`);
  simulation.close();
}
