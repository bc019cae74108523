/** The README's quick start, kept runnable: `node --import tsx packages/mtenv/examples/quick-start.ts`. */
import { initMujoco, make, makeMultiTaskVectorEnv } from "@mtrl/mtenv";

// One multi-task env: the task is state you can sample, get, set and observe.
const env = make("MT-CartPole-v0");
env.seedTask(15); // task stream (separate from the dynamics stream)
env.resetTaskState(); // = setTaskState(sampleTaskState())
const [observation] = env.reset({ seed: 5 }); // { envObs, taskObs }
const [, reward, terminated, truncated] = env.step(env.actionSpace.sample());
console.log("task state", env.getTaskState(), "taskObs", Array.from(observation.taskObs as Float32Array));
console.log("reward", reward, "terminated", terminated, "truncated", truncated);
env.close();

// One env per task, stepped together (the MT10 pattern), in worker threads.
const tasks = await makeMultiTaskVectorEnv({ id: "MT-Pendulum-v0", mode: "parallel", seed: 1 });
const { envObs } = tasks.reset({ seed: 0 }); // Float32Array [4 tasks × 3]
tasks.step(tasks.actionSpace.sample());
console.log("vector env observations", envObs.length);
await tasks.close();

// MuJoCo envs load the WASM engine once per process.
await initMujoco();
const cheetah = make("MT-HiPBMDP-Cheetah-Run-vary-torso-length-v0"); // 84×84 pixels, frameSkip 2, frameStack 3
cheetah.seedTask(0);
cheetah.resetTaskState();
const [pixels] = cheetah.reset({ seed: 0 });
console.log("cheetah pixel observation size", (pixels.envObs as Float32Array).length);
cheetah.close();
