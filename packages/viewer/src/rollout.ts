import type { PolicySession } from "./policy-session.js";

/** A fixed-length run of the policy on one task and seed: every action and observation, for bit comparisons. */
export interface Rollout {
  readonly task: number;
  readonly seed: number;
  readonly steps: number;
  /** steps × actionSize agent actions. */
  readonly actions: Float32Array;
  /** (steps + 1) × observationSize: the reset observation, then one per step. */
  readonly observations: Float32Array;
  readonly rewards: Float64Array;
  /** Steps (1-based) at which info.success was first true, or 0 when never. */
  readonly firstSuccessStep: number;
  /** Wall-clock milliseconds of the steps (policy + env), for steps/s. */
  readonly milliseconds: number;
}

/**
 * Runs `steps` steps of task `task` from reset(seed), starting the next episode with seed + 1, + 2, …
 * whenever one ends. Node and the page call this same function.
 */
export function runRollout(session: PolicySession, task: number, seed: number, steps: number): Rollout {
  session.selectTask(task);
  const actions = new Float32Array(steps * session.actionSize);
  const observations = new Float32Array((steps + 1) * session.observationSize);
  const rewards = new Float64Array(steps);
  observations.set(session.reset(seed), 0);
  let episodes = 0;
  let firstSuccessStep = 0;
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    const step = session.step();
    actions.set(step.action, i * session.actionSize);
    observations.set(step.observation, (i + 1) * session.observationSize);
    rewards[i] = step.reward;
    if (step.success && firstSuccessStep === 0) firstSuccessStep = i + 1;
    if (step.terminated || step.truncated) session.reset(seed + (episodes += 1));
  }
  return { task, seed, steps, actions, observations, rewards, firstSuccessStep, milliseconds: performance.now() - started };
}
