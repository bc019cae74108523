import { ConfigError, Rng, type RngState } from "@mtrl/mtenv";
import {
  Adam,
  Engine,
  ParameterStore,
  add,
  exp,
  indexSelect,
  mean,
  mseLoss,
  mul,
  polyakUpdate,
  squashedGaussianSample,
  sub,
  type AdamOptions,
  type AdamState,
  type Kernels,
  type NamedArray,
  type Tensor,
} from "@mtrl/nn";
import type { MTSACConfig } from "../config/schema.js";
import type { ReplayBatch } from "../replay/replay-buffer.js";
import type { AgentDimensions, AgentState, Metrics, MultiTaskAgent } from "./agent.js";
import { GaussianActor, TwinCritic } from "./mtsac-networks.js";

/**
 * Multi-task SAC (the reference MTRL's `state_sac` with a task one-hot): twin critics with
 * Polyak-averaged targets, a tanh-Gaussian actor, and a learned temperature that is either shared
 * or one per task ("disentangled alpha"). The task enters as a one-hot appended to the state.
 *
 * An update is `updateCritic`, then every `actor.updateEvery` updates `updateActor` and
 * `updateAlpha`, then every `critic.targetUpdateEvery` updates the Polyak step — the order of the
 * reference. Bootstrapping multiplies by `notDone` = 1 − terminated, so truncated episodes still
 * bootstrap (the replay buffer's contract).
 */
export class MTSACAgent implements MultiTaskAgent {
  readonly engine: Engine;
  readonly actor: GaussianActor;
  readonly critic: TwinCritic;
  readonly criticTarget: TwinCritic;
  /** log α: [numTasks, 1] for per-task temperatures, [1, 1] when shared. */
  readonly logAlpha: Tensor;
  private readonly alphaParams: ParameterStore;
  private readonly actorOptimizer: Adam;
  private readonly criticOptimizer: Adam;
  private readonly alphaOptimizer: Adam;
  /** Exploration noise and the reparameterisation noise of updates. */
  private noiseRng: Rng;
  private readonly stateSize: number;
  private readonly targetEntropy: number;
  /** Which log α each task uses (all zeros when shared). */
  private readonly alphaIndexOfTask: Int32Array;
  private readonly rowAlphaIndex: Int32Array[] = [];
  /** The actor's log-std range, read once from the config (used by every sample). */
  private readonly logStdBounds: { readonly logStdMin: number; readonly logStdMax: number };

  constructor(
    readonly config: MTSACConfig,
    readonly dimensions: AgentDimensions,
    kernels: Kernels,
    seed: number,
  ) {
    const { observationSize, actionSize, numTasks } = dimensions;
    this.engine = new Engine(kernels);
    this.stateSize = observationSize + numTasks;
    const initRng = Rng.fromSeed(seed, "init");
    this.actor = new GaussianActor(this.engine, this.stateSize, config.actor.hiddenSizes, actionSize, initRng);
    this.critic = new TwinCritic(this.engine, "critic", this.stateSize + actionSize, config.critic.hiddenSizes, initRng.stream("critic"));
    this.criticTarget = new TwinCritic(this.engine, "criticTarget", this.stateSize + actionSize, config.critic.hiddenSizes, initRng.stream("critic"));
    this.criticTarget.params.setRequiresGrad(false);
    polyakUpdate(this.criticTarget.params, this.critic.params, 1);

    const perTask = config.alpha.type === "per-task";
    this.alphaParams = new ParameterStore(this.engine, "alpha");
    const initialLogAlpha = Math.log(config.alpha.initTemperature);
    this.logAlpha = this.alphaParams.create("logAlpha", [perTask ? numTasks : 1, 1], (values) => values.fill(initialLogAlpha));
    this.alphaIndexOfTask = Int32Array.from({ length: numTasks }, (_, task) => (perTask ? task : 0));
    this.targetEntropy = config.alpha.targetEntropy.type === "auto" ? -actionSize : config.alpha.targetEntropy.value;

    this.actorOptimizer = new Adam(this.actor.params, adamOptions(config.actor));
    this.criticOptimizer = new Adam(this.critic.params, adamOptions(config.critic));
    this.alphaOptimizer = new Adam(this.alphaParams, adamOptions(config.alpha));
    this.noiseRng = Rng.fromSeed(seed, "policy");
    const [logStdMin, logStdMax] = config.actor.logStdBounds as readonly [number, number];
    this.logStdBounds = { logStdMin, logStdMax };
  }

  act(observations: Float32Array, taskIndices: Int32Array, deterministic: boolean, out: Float32Array): void {
    const rows = taskIndices.length;
    const actions = this.dimensions.actionSize;
    this.engine.beginStep();
    this.engine.noGrad(() => {
      const params = this.actor.forward(this.stateInput(observations, taskIndices));
      if (deterministic) {
        // The evaluation policy: tanh of the mean, no sampling.
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < actions; j++) out[i * actions + j] = Math.tanh(params.data[i * 2 * actions + j]!);
        }
        return;
      }
      const { action } = squashedGaussianSample(params, this.noise(rows), this.logStdBounds);
      out.set(action.data.subarray(0, rows * actions));
    });
  }

  update(batch: ReplayBatch, updateIndex: number): Metrics {
    const metrics = this.updateCritic(batch);
    if (updateIndex % this.config.actor.updateEvery === 0) {
      const { metrics: actorMetrics, logProbs } = this.updateActor(batch);
      Object.assign(metrics, actorMetrics, this.updateAlpha(batch, logProbs));
    }
    if (updateIndex % this.config.critic.targetUpdateEvery === 0) {
      polyakUpdate(this.criticTarget.params, this.critic.params, this.config.critic.tau);
    }
    return metrics;
  }

  /** Regresses both critics on r + γ·notDone·(min target Q(s′, a′) − α·log π(a′|s′)). */
  updateCritic(batch: ReplayBatch): Metrics {
    const engine = this.engine;
    engine.beginStep();
    const rows = batch.size;
    const alphas = this.rowAlphas(batch.taskIndices);
    const nextState = this.stateInput(batch.nextObservations, batch.taskIndices);
    const target = engine.noGrad(() => {
      const { action, logProb } = squashedGaussianSample(this.actor.forward(nextState), this.noise(rows), this.logStdBounds);
      const nextQ = this.criticTarget.minimumOf(nextState, action);
      const values = engine.empty([rows, 1]);
      const gamma = this.config.discount;
      for (let i = 0; i < rows; i++) {
        const softValue = nextQ.data[i]! - alphas[i]! * logProb.data[i]!;
        values.data[i] = batch.rewards[i]! + batch.notDones[i]! * gamma * softValue;
      }
      return values;
    });
    const [q1, q2] = this.critic.both(this.stateActionInput(batch));
    const loss = add(mseLoss(q1, target), mseLoss(q2, target));
    engine.backward(loss, this.critic.params.tensors);
    this.criticOptimizer.update();
    return { "train/critic_loss": loss.item(), "train/q1_mean": meanOf(q1.data), "train/target_q_mean": meanOf(target.data) };
  }

  /** Maximises E[min Q(s, a) − α·log π(a|s)] through the reparameterised action. */
  updateActor(batch: ReplayBatch): { metrics: Metrics; logProbs: Float32Array } {
    const engine = this.engine;
    engine.beginStep();
    const rows = batch.size;
    const state = this.stateInput(batch.observations, batch.taskIndices);
    const { action, logProb } = squashedGaussianSample(this.actor.forward(state), this.noise(rows), this.logStdBounds);
    const q = this.critic.minimumOf(state, action);
    const alpha = engine.input([rows, 1], this.rowAlphas(batch.taskIndices));
    const loss = mean(sub(mul(alpha, logProb), q));
    // Gradients w.r.t. the actor only: the critic's weight gradients are never computed.
    engine.backward(loss, this.actor.params.tensors);
    this.actorOptimizer.update();
    return { metrics: { "train/actor_loss": loss.item(), "train/entropy": -meanOf(logProb.data) }, logProbs: logProb.data };
  }

  /** Tunes log α so that each task's policy entropy tracks the target entropy. */
  updateAlpha(batch: ReplayBatch, logProbs: Float32Array): Metrics {
    const engine = this.engine;
    const rows = batch.size;
    const coefficient = engine.empty([rows, 1]);
    for (let i = 0; i < rows; i++) coefficient.data[i] = -logProbs[i]! - this.targetEntropy;
    const alpha = exp(indexSelect(this.logAlpha, this.rowAlphaIndices(batch.taskIndices)));
    const loss = mean(mul(alpha, coefficient));
    engine.backward(loss, [this.logAlpha]);
    this.alphaOptimizer.update();
    return { "train/alpha_loss": loss.item(), "train/alpha": meanOf(this.logAlpha.data, Math.exp) };
  }

  /** The temperature of every task (for logs and reports). */
  temperatures(): number[] {
    return Array.from(this.alphaIndexOfTask, (index) => Math.exp(this.logAlpha.data[index]!));
  }

  getState(): AgentState {
    const tensors = new Map<string, NamedArray>();
    for (const store of [this.actor.params, this.critic.params, this.criticTarget.params, this.alphaParams]) {
      for (const tensor of store.tensors) tensors.set(tensor.name, { shape: [...tensor.shape], data: tensor.data.slice() });
    }
    const optimizers: Record<string, Omit<AdamState, "firstMoment" | "secondMoment">> = {};
    for (const [name, optimizer] of this.optimizers()) {
      const { firstMoment, secondMoment, ...rest } = optimizer.getState();
      tensors.set(`optimizer.${name}.firstMoment`, { shape: [firstMoment.length], data: firstMoment });
      tensors.set(`optimizer.${name}.secondMoment`, { shape: [secondMoment.length], data: secondMoment });
      optimizers[name] = rest;
    }
    return { tensors, json: { optimizers, noiseRng: this.noiseRng.getState() } };
  }

  setState(state: AgentState): void {
    const take = (name: string, length: number): Float32Array => {
      const values = state.tensors.get(name)?.data;
      if (values === undefined) throw new ConfigError(`MT-SAC state has no tensor "${name}": the checkpoint was written for another agent configuration.`);
      if (values.length !== length) {
        throw new ConfigError(`MT-SAC state tensor "${name}" has ${values.length} values, expected ${length}: the checkpoint was written for other network sizes.`);
      }
      return values;
    };
    for (const store of [this.actor.params, this.critic.params, this.criticTarget.params, this.alphaParams]) {
      for (const tensor of store.tensors) tensor.data.set(take(tensor.name, tensor.size));
    }
    const json = state.json as { optimizers: Record<string, Omit<AdamState, "firstMoment" | "secondMoment">>; noiseRng: RngState };
    for (const [name, optimizer] of this.optimizers()) {
      const saved = json.optimizers?.[name];
      if (saved === undefined) throw new ConfigError(`MT-SAC state has no optimizer "${name}".`);
      const size = optimizer.params.flat().values.length;
      optimizer.setState({ ...saved, firstMoment: take(`optimizer.${name}.firstMoment`, size), secondMoment: take(`optimizer.${name}.secondMoment`, size) });
    }
    this.noiseRng = Rng.fromState(json.noiseRng);
  }

  private optimizers(): Array<[string, Adam]> {
    return [["actor", this.actorOptimizer], ["critic", this.criticOptimizer], ["alpha", this.alphaOptimizer]];
  }


  /** [rows, observation ‖ one-hot(task)], written straight into a step tensor. */
  private stateInput(observations: Float32Array, taskIndices: Int32Array): Tensor {
    const rows = taskIndices.length;
    const { observationSize, numTasks } = this.dimensions;
    const input = this.engine.empty([rows, this.stateSize]);
    const data = input.data;
    data.fill(0);
    for (let i = 0; i < rows; i++) {
      data.set(observations.subarray(i * observationSize, (i + 1) * observationSize), i * this.stateSize);
      const task = taskIndices[i]!;
      if (task < 0 || task >= numTasks) throw new ConfigError(`Task index ${task} is outside [0, ${numTasks - 1}] for an agent built for ${numTasks} tasks.`);
      data[i * this.stateSize + observationSize + task] = 1;
    }
    return input;
  }

  /** [rows, observation ‖ one-hot(task) ‖ action] of a replay batch (the critic's input). */
  private stateActionInput(batch: ReplayBatch): Tensor {
    const rows = batch.size;
    const { observationSize, actionSize } = this.dimensions;
    const width = this.stateSize + actionSize;
    const input = this.engine.empty([rows, width]);
    const data = input.data;
    data.fill(0);
    for (let i = 0; i < rows; i++) {
      data.set(batch.observations.subarray(i * observationSize, (i + 1) * observationSize), i * width);
      data[i * width + observationSize + batch.taskIndices[i]!] = 1;
      data.set(batch.actions.subarray(i * actionSize, (i + 1) * actionSize), i * width + this.stateSize);
    }
    return input;
  }

  /** Standard normal noise [rows, actions] from the agent's seeded stream. */
  private noise(rows: number): Tensor {
    const tensor = this.engine.empty([rows, this.dimensions.actionSize]);
    this.noiseRng.fillNormal(tensor.data);
    return tensor;
  }

  /** α of each row's task, as plain values (the detached temperature). */
  private rowAlphas(taskIndices: Int32Array): Float32Array {
    const values = this.engine.empty([taskIndices.length]).data;
    for (let i = 0; i < taskIndices.length; i++) values[i] = Math.exp(this.logAlpha.data[this.alphaIndexOfTask[taskIndices[i]!]!]!);
    return values;
  }

  /** Each row's index into log α, cached per batch size so updates allocate nothing. */
  private rowAlphaIndices(taskIndices: Int32Array): Int32Array {
    let indices = this.rowAlphaIndex[taskIndices.length];
    if (indices === undefined) {
      indices = new Int32Array(taskIndices.length);
      this.rowAlphaIndex[taskIndices.length] = indices;
    }
    for (let i = 0; i < taskIndices.length; i++) indices[i] = this.alphaIndexOfTask[taskIndices[i]!]!;
    return indices;
  }
}

function adamOptions(section: { readonly lr: number; readonly betas: readonly number[] }): AdamOptions {
  const [beta1, beta2] = section.betas as readonly [number, number];
  return { lr: section.lr, beta1, beta2 };
}

function meanOf(values: Float32Array, map: (value: number) => number = (value) => value): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += map(values[i]!);
  return values.length === 0 ? 0 : total / values.length;
}
