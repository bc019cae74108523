/**
 * Writes the README's MuJoCo pictures to packages/mtenv/docs/images/: one 84×84 pixel
 * observation per domain (exactly what a pixel agent sees), and a strip of three cheetah
 * torso-length variants. Run: node --import tsx packages/mtenv/scripts/render-mujoco-images.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ControlSuiteEnv, encodePng, initMujoco, make } from "../src/index.js";

const SIZE = 84;
const outputDirectory = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "images");

/** Seeded random steps so the picture shows a pose from inside an episode, not the start. */
function frameAfter(id: string, kwargs: Record<string, unknown>, steps: number): Uint8Array {
  const env = make(id, kwargs) as ControlSuiteEnv;
  env.seedTask(0);
  env.actionSpace.seed(3);
  env.reset({ seed: 3 });
  for (let t = 0; t < steps; t++) env.step(env.actionSpace.sample());
  const frame = env.renderFrame(SIZE, SIZE);
  env.close();
  return frame;
}

/** Places equally sized RGB images side by side. */
function sideBySide(images: readonly Uint8Array[]): Uint8Array {
  const width = SIZE * images.length;
  const out = new Uint8Array(width * SIZE * 3);
  images.forEach((image, index) => {
    for (let row = 0; row < SIZE; row++) out.set(image.subarray(row * SIZE * 3, (row + 1) * SIZE * 3), (row * width + index * SIZE) * 3);
  });
  return out;
}

await initMujoco();
mkdirSync(outputDirectory, { recursive: true });
const domains: Array<[string, string, number]> = [
  ["cartpole", "MT-DMC-Cartpole-Balance-v0", 40],
  ["cheetah", "MT-DMC-Cheetah-Run-v0", 30],
  ["walker", "MT-DMC-Walker-Walk-v0", 12],
  ["finger", "MT-DMC-Finger-Spin-v0", 25],
  ["reacher", "MT-DMC-Reacher-Easy-v0", 20],
];
for (const [domain, id, steps] of domains) {
  const path = join(outputDirectory, `mujoco-${domain}.png`);
  writeFileSync(path, encodePng(frameAfter(id, {}, steps), SIZE, SIZE));
  console.log(`wrote ${path}`);
}
const variants = [0, 4, 9].map((variant) =>
  frameAfter("MT-HiPBMDP-Cheetah-Run-vary-torso-length-v0", { fromPixels: false, initialTaskState: variant }, 0),
);
const stripPath = join(outputDirectory, "mujoco-hipbmdp-cheetah-torso.png");
writeFileSync(stripPath, encodePng(sideBySide(variants), SIZE * variants.length, SIZE));
console.log(`wrote ${stripPath}`);
