import { findTaskDescriber, findTaskNames, findTaskSet, make, type MujocoSimulation, type RegisteredEnv } from "@mtrl/mtenv";
import type { Kernels, NamedArray } from "@mtrl/nn";
import { MTSACAgent } from "../../mtrl/src/agents/mtsac-agent.js";
import type { TaskDescriptions } from "../../mtrl/src/components/component.js";
import { actionScalerFor, type ActionScaler } from "../../mtrl/src/runner/build-task-envs.js";
import { imageShapeOf } from "../../mtrl/src/runner/replay-layout.js";
import { RunFolderError, type RunPolicy } from "./run-folder-policy.js";

/**
 * Tensor name prefixes the deterministic policy reads: the actor, the critic's encoder (the actor
 * reads its features), a trained task encoder, and Distral's shared policy (which is the
 * evaluation policy when it acts). A shipped policy holds only these; a full checkpoint holds them
 * among the critics, targets and optimizer moments.
 */
export const POLICY_TENSOR_PREFIXES = ["actor.", "critic.encoder.", "taskEncoder.", "distilled."] as const;

/** One step of the policy in its env, as the viewer shows it. */
export interface PolicyStep {
  /** The agent's action in [-1, 1] (before scaling to the env's bounds). */
  readonly action: Float32Array;
  /** The env observation after the step (flattened envObs). */
  readonly observation: Float32Array;
  readonly reward: number;
  /** info.success of the step (false when the env reports none). */
  readonly success: boolean;
  readonly terminated: boolean;
  readonly truncated: boolean;
  /** Steps taken in this episode, this one included. */
  readonly episodeStep: number;
  readonly episodeReturn: number;
}

/**
 * The trained policy of a run acting in one of its tasks, one env step at a time: the same
 * `make()` env and the same MTSACAgent (deterministic action = tanh of the mean, as `mtrl eval`)
 * as Node, so the page and Node produce the same bits on the same backend and seed.
 */
export class PolicySession {
  readonly taskNames: readonly string[];
  readonly observationSize: number;
  readonly actionSize: number;
  private taskIndex = 0;
  private readonly taskStates: readonly unknown[];
  private readonly taskIndices = new Int32Array(1);
  private readonly agentAction: Float32Array;
  private readonly envAction: Float32Array;
  private observation: Float32Array;
  private stepsInEpisode = 0;
  private returnSoFar = 0;
  private needsReset = true;

  private constructor(
    readonly run: RunPolicy,
    private readonly env: RegisteredEnv,
    private readonly agent: MTSACAgent,
    private readonly scaler: ActionScaler,
  ) {
    const numTasks = run.config.env.numTasks;
    const taskSet = findTaskSet(env);
    if (taskSet === undefined || taskSet.length < numTasks) {
      throw new RunFolderError(`${run.label}: the viewer shows envs with a fixed list of tasks (Meta-World, MT-Pendulum, the HiP-BMDP families); ${run.config.env.id} has ${taskSet === undefined ? "none" : `${taskSet.length}, fewer than the run's ${numTasks}`}.`);
    }
    this.taskStates = taskSet.slice(0, numTasks);
    const names = findTaskNames(env);
    this.taskNames = Array.from({ length: numTasks }, (_, i) => names?.[i] ?? `task${i}`);
    this.observationSize = env.observationSpace.spaces.envObs.flatSize;
    this.actionSize = scaler.actionSize;
    this.agentAction = new Float32Array(this.actionSize);
    this.envAction = new Float32Array(this.actionSize);
    this.observation = new Float32Array(this.observationSize);
  }

  /**
   * Builds the run's env (config.env.id with its kwargs) and agent (config.agent, seed) and loads
   * the policy tensors of the checkpoint. MuJoCo envs need `await initMujoco()` first.
   */
  static create(run: RunPolicy, kernels: Kernels): PolicySession {
    const { config } = run;
    const env = make(config.env.id, { ...config.env.kwargs });
    try {
      const scaler = actionScalerFor(env.actionSpace, "MT-SAC", config.env.id);
      const observationSpace = env.observationSpace.spaces.envObs;
      const observationShape = imageShapeOf(observationSpace);
      const dimensions = { observationSize: observationSpace.flatSize, actionSize: scaler.actionSize, numTasks: config.env.numTasks, ...(observationShape === undefined ? {} : { observationShape }) };
      const agent = new MTSACAgent(config.agent, dimensions, kernels, config.experiment.seed, describeTasks(env, config.env.numTasks));
      loadPolicyTensors(agent, run);
      return new PolicySession(run, env, agent, scaler);
    } catch (error) {
      env.close();
      throw error;
    }
  }

  get currentTask(): number {
    return this.taskIndex;
  }

  /** Switches to task `index` (0 … numTasks − 1); the next step starts a new episode. */
  selectTask(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.taskStates.length) {
      throw new RunFolderError(`task index must be an integer from 0 to ${this.taskStates.length - 1} (${this.taskNames.join(", ")}), got ${index}.`);
    }
    this.taskIndex = index;
    this.taskIndices[0] = index;
    this.env.setTaskState(this.taskStates[index]);
    this.needsReset = true;
  }

  /** Starts an episode of the current task with `seed` (the env's dynamics and configuration stream). */
  reset(seed: number): Float32Array {
    if (this.needsReset) this.env.setTaskState(this.taskStates[this.taskIndex]);
    const [observation] = this.env.reset({ seed });
    this.env.observationSpace.spaces.envObs.flattenInto(observation.envObs, this.observation, 0);
    this.stepsInEpisode = 0;
    this.returnSoFar = 0;
    this.needsReset = false;
    return this.observation.slice();
  }

  /** One deterministic policy action and env step; call `reset` first and after an episode ends. */
  step(): PolicyStep {
    if (this.needsReset) throw new RunFolderError("The episode has ended (or none started): reset with a seed before stepping.");
    this.agent.act(this.observation, this.taskIndices, true, this.agentAction);
    this.scaler.toEnv(this.agentAction, this.envAction);
    const [next, reward, terminated, truncated, info] = this.env.step(this.envAction.slice());
    this.env.observationSpace.spaces.envObs.flattenInto(next.envObs, this.observation, 0);
    this.stepsInEpisode += 1;
    this.returnSoFar += reward;
    if (terminated || truncated) this.needsReset = true;
    return {
      action: this.agentAction.slice(),
      observation: this.observation.slice(),
      reward,
      success: info["success"] === true,
      terminated,
      truncated,
      episodeStep: this.stepsInEpisode,
      episodeReturn: this.returnSoFar,
    };
  }

  /** The MuJoCo simulation of the current task, for the 3-D view (undefined for non-MuJoCo envs). */
  physics(): MujocoSimulation | undefined {
    // Through any wrappers (each holds the next as `env`) to the env that owns the simulation.
    let current: unknown = this.env;
    for (let depth = 0; depth < 32 && typeof current === "object" && current !== null; depth++) {
      const candidate = current as { physics?: MujocoSimulation; env?: unknown };
      if (candidate.physics !== undefined) return candidate.physics;
      current = candidate.env;
    }
    return undefined;
  }

  close(): void {
    this.env.close();
  }
}

/**
 * The tasks as the trainer describes them to the agent (buildTaskEnvs in mtrl): names as in metric
 * keys, the env's sentence per task, and its flattened task observation — components that read
 * them (task encoders, cluster routing) are then built as in training. Tasks are the env's task
 * set in order, as the trainer's one-env-per-task vector env takes them.
 */
function describeTasks(env: RegisteredEnv, numTasks: number): TaskDescriptions | undefined {
  const taskSet = findTaskSet(env);
  if (taskSet === undefined || taskSet.length < numTasks) return undefined;
  const states = taskSet.slice(0, numTasks);
  const names = findTaskNames(env);
  const usable = names !== undefined && names.length >= numTasks && new Set(names.slice(0, numTasks)).size === numTasks;
  const describe = findTaskDescriber(env);
  const space = env.observationSpace.spaces.taskObs;
  return {
    names: states.map((_, i) => (usable ? names[i]!.replace(/[^A-Za-z0-9_.-]/g, "_") : `task${i}`)),
    descriptions: states.map((state) => (describe === undefined ? "" : describe(state))),
    observations: states.map((state) => {
      env.setTaskState(state);
      const flat = new Float32Array(space.flatSize);
      space.flattenInto(env.getTaskObs(), flat, 0);
      return flat;
    }),
  };
}

/**
 * Loads the policy's tensors through the agent's own setState: the agent's current state (fresh
 * weights, zero moments) with every tensor of the checkpoint written over it. Every tensor the
 * policy reads must be in the file, with the agent's size.
 */
function loadPolicyTensors(agent: MTSACAgent, run: RunPolicy): void {
  const state = agent.getState();
  const tensors = new Map<string, NamedArray>(state.tensors);
  for (const [name, own] of state.tensors) {
    const saved = run.tensors.get(name);
    const readByPolicy = POLICY_TENSOR_PREFIXES.some((prefix) => name.startsWith(prefix));
    if (saved === undefined) {
      if (readByPolicy) {
        throw new RunFolderError(`${run.label}: the checkpoint has no tensor "${name}", which the policy of this config.yaml reads. The weights were written for another agent configuration; pick the run folder the weights came from.`);
      }
      continue;
    }
    if (saved.data.length !== own.data.length) {
      throw new RunFolderError(`${run.label}: tensor "${name}" has ${saved.data.length} values in the checkpoint, but ${own.data.length} in the agent of config.yaml (shape ${JSON.stringify(own.shape)}). The weights were written for other network sizes.`);
    }
    tensors.set(name, saved);
  }
  agent.setState({ tensors, json: state.json });
}
