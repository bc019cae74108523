/**
 * Which tasks a policy folder solves as the browser test runs it: per task, the first success step
 * of `runRollout` from the test's seed (200 steps, wasm kernels on one thread), as JSON. The tasks
 * with a success go into src/shipped-policy.ts.
 *
 *   NODE_OPTIONS=--conditions=mtrl-source node --import tsx packages/viewer/scripts/solved-tasks.ts [policy folder] [seed] [steps]
 */
import { initMujoco } from "@mtrl/mtenv";
import { WasmKernels } from "@mtrl/nn";
import { runFolderOnDisk } from "../src/node-run-folder.js";
import { PolicySession } from "../src/policy-session.js";
import { runRollout } from "../src/rollout.js";
import { readRunPolicy } from "../src/run-folder-policy.js";
import { SHIPPED_POLICY_FOLDER } from "../src/shipped-policy.js";

const [folder = SHIPPED_POLICY_FOLDER, seedText = "12345", stepsText = "200"] = process.argv.slice(2);
await initMujoco();
const kernels = await WasmKernels.create({ threads: 1 });
const session = PolicySession.create(await readRunPolicy(runFolderOnDisk(folder)), kernels);
const tasks = session.taskNames.map((name, task) => {
  const rollout = runRollout(session, task, Number(seedText), Number(stepsText));
  return { task, name, firstSuccessStep: rollout.firstSuccessStep };
});
console.log(JSON.stringify({ folder, seed: Number(seedText), steps: Number(stepsText), solved: tasks.filter((t) => t.firstSuccessStep > 0).map((t) => t.task), tasks }));
session.close();
kernels.close();
