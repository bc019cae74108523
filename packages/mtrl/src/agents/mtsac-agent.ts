import { ConfigError, Rng, type RngState } from "@mtrl/core";
import { Adam, Engine, ParameterStore, add, affine, exp, indexSelect, mean, mseLoss, mul, squashedGaussianSample, sub, type AdamOptions, type Kernels, type NamedArray, type Tensor } from "@mtrl/nn";
import type { AuxiliaryLoss, BatchLoss, BuildContext, DistilledPolicy, Encoder, GradientStep, OptimizedGroup, TaskDescriptions, TaskEncoder } from "../components/component.js";
import { components } from "../components/builtin-components.js";
import { TaskContext } from "../components/task-context.js";
import type { MTSACConfig } from "../config/schema.js";
import type { ReplayBatch } from "../replay/replay-buffer.js";
import type { AgentDimensions, AgentState, Metrics, MultiTaskAgent } from "./agent.js";
import { ComponentTable, type TableGroup } from "./component-table.js";
import { Actor, Critic, type ComponentContextFor } from "./mtsac-networks.js";

/**
 * Multi-task SAC (the reference MTRL's `state_sac`) composed from multi-task components: a task
 * encoder (one-hot, learned, metadata, observation) shared by actor and critic; the critic's encoder (identity,
 * mlp, moe) whose features the actor reads detached; per network a trunk (mlp, film,
 * soft-modularization) and a head (single, multi-head); twin critics with Polyak-averaged targets
 * (the encoder's target with its own τ); a tanh-Gaussian actor; a learned temperature, shared or
 * one per task ("disentangled alpha"); a gradient step per update (critic, actor) that turns per-row
 * losses into parameter updates (plain, PCGrad, GradNorm); optionally a distilled shared policy
 * (Distral); and optionally an auxiliary loss trained through the critic's encoder after the SAC
 * steps (SAC-AE's pixel decoder). With the one-hot task encoder, identity encoder, mlp trunks, single heads and the plain
 * step it is plain MT-SAC: the one-hot appended to the state.
 *
 * Losses reach the gradient step as `BatchLoss` closures over the batch, so a step that needs each
 * task's gradient runs the forward pass over each task's rows rather than backpropagating T times
 * through the whole batch.
 *
 * The actor reads the critic's encoder output (detached), as SAC-AE ties the actor's encoder to the
 * critic's. With a mixture of encoders the reference goes one step further and gives the actor its
 * own routing over the shared experts; ours routes the actor as the critic does — simpler, one
 * encoder pass shared by both, at the cost of an actor that cannot weigh experts differently.
 *
 * An update is `updateCritic`, then every `actor.updateEvery` updates `updateActor` and
 * `updateAlpha`, then every `critic.targetUpdateEvery` updates the Polyak step — the order of the
 * reference. Bootstrapping multiplies by `notDone` = 1 − terminated, so truncated episodes still
 * bootstrap (the replay buffer's contract).
 */
export class MTSACAgent implements MultiTaskAgent {
  readonly engine: Engine;
  readonly taskEncoder: TaskEncoder;
  readonly actor: Actor;
  readonly critic: Critic;
  readonly criticTarget: Critic;
  /** log α: [numTasks, 1] for per-task temperatures, [1, 1] when shared. */
  readonly logAlpha: Tensor;
  /** Every parameter group, its optimizer and its target: drives save/load and target updates. */
  readonly table: ComponentTable;
  private readonly actorGroup: OptimizedGroup;
  private readonly criticGroups: OptimizedGroup[];
  private readonly alphaOptimizer: Adam;
  private readonly criticGradientStep: GradientStep;
  private readonly actorGradientStep: GradientStep;
  /** Distral's shared policy, or null. */
  private readonly distilled: DistilledPolicy | null;
  /**
   * The actor's own encoder head over the critic encoder's shared part (`actor.encoderHead: own`),
   * or null when the actor reads the critic's features.
   */
  private readonly actorEncoderHead: ((shared: Tensor) => Tensor) | null;
  /** A loss trained beside SAC through the critic's encoder (SAC-AE's decoder), or null. */
  private readonly auxiliary: AuxiliaryLoss | null;
  /** Per-row values the loss closures record for metrics and later steps (batch order). */
  private readonly recorded = { q1: new Float32Array(0), logProbs: new Float32Array(0), actorParams: new Float32Array(0), taskIndices: new Int32Array(0) };
  /** Exploration noise, the reparameterisation noise of updates, and the encoder's augmentation draws. */
  private noiseRng: Rng;
  /** Augmented copies of a batch's observations (encoders that augment). */
  private augmentedRows = { observations: new Float32Array(0), nextObservations: new Float32Array(0) };
  private readonly targetEntropy: number;
  /** Which log α each task uses (all zeros when shared). */
  private readonly alphaIndexOfTask: Int32Array;
  private readonly rowAlphaIndex: Int32Array[] = [];
  /** 0 … numTasks − 1, the rows of a context that encodes every task once. */
  private readonly allTaskIndices: Int32Array;
  /** The actor's log-std range, read once from the config (used by every sample). */
  private readonly logStdBounds: { readonly logStdMin: number; readonly logStdMax: number };

  constructor(
    readonly config: MTSACConfig,
    readonly dimensions: AgentDimensions,
    kernels: Kernels,
    seed: number,
    /** Names and descriptions of the tasks (metadata task encoders, cluster routing); default: task0, task1, ... undescribed. */
    tasks?: TaskDescriptions,
  ) {
    const { observationSize, actionSize, numTasks } = dimensions;
    this.engine = new Engine(kernels);
    this.allTaskIndices = Int32Array.from({ length: numTasks }, (_, task) => task);
    const engine = this.engine;
    const taskDescriptions: TaskDescriptions = tasks ?? { names: Array.from({ length: numTasks }, (_, i) => `task${i}`), descriptions: new Array<string>(numTasks).fill("") };
    const initRng = Rng.fromSeed(seed, "init");
    let taskEncodingSize = 0;
    const [logStdMin, logStdMax] = config.actor.logStdBounds as readonly [number, number];
    this.logStdBounds = { logStdMin, logStdMax };
    const contextFor: ComponentContextFor = (params, streamPath, inputSize, outputSize = 0): BuildContext => ({
      engine,
      params,
      rng: streamPath.reduce((rng, name) => rng.stream(name), initRng),
      numTasks,
      tasks: taskDescriptions,
      inputSize,
      taskEncodingSize,
      outputSize,
      logStdBounds: this.logStdBounds,
      ...(dimensions.observationShape === undefined ? {} : { observationShape: dimensions.observationShape }),
    });

    const taskEncoderParams = networkStore(engine, config, "taskEncoder");
    this.taskEncoder = components.build("taskEncoder", config.taskEncoder, contextFor(taskEncoderParams, ["taskEncoder"], numTasks));
    taskEncodingSize = this.taskEncoder.outputSize;
    const sizes = { observationSize, taskEncodingSize, actionSize };
    this.critic = new Critic(networkStore(engine, config, "critic"), config, sizes, contextFor);
    // Uniform whatever the scheme: the target starts as a copy of the critic (below), and an
    // orthogonal init of 1024-wide layers costs seconds.
    this.criticTarget = new Critic(new ParameterStore(engine, "criticTarget"), config, sizes, contextFor);
    this.criticTarget.params.setRequiresGrad(false);
    this.actor = new Actor(networkStore(engine, config, "actor"), config, { featureSize: this.critic.encoder.outputSize, taskEncodingSize, actionSize }, contextFor);
    this.actorEncoderHead = config.actor.encoderHead === "own" ? ownEncoderHead(this.critic.encoder, this.actor.params, initRng, config.encoder.type) : null;

    const perTask = config.alpha.type === "per-task";
    const alphaParams = networkStore(engine, config, "alpha");
    const initialLogAlpha = Math.log(config.alpha.initTemperature);
    this.logAlpha = alphaParams.create("logAlpha", [perTask ? numTasks : 1, 1], (values) => values.fill(initialLogAlpha));
    this.alphaIndexOfTask = Int32Array.from({ length: numTasks }, (_, task) => (perTask ? task : 0));
    this.targetEntropy = config.alpha.targetEntropy.type === "auto" ? -actionSize : config.alpha.targetEntropy.value;

    const actorOptimizer = new Adam(this.actor.params, adamOptions(config.actor));
    const criticOptimizer = new Adam(this.critic.params, adamOptions(config.critic));
    this.alphaOptimizer = new Adam(alphaParams, adamOptions(config.alpha));
    const taskEncoderOptimizer = this.taskEncoder.trainable && taskEncoderParams.size > 0 ? new Adam(taskEncoderParams, adamOptions(config.taskEncoder as { lr: number; betas: readonly number[] })) : null;
    // One gradient step per update, each with its own state (GradNorm's weights, PCGrad's order stream).
    const criticGradientParams = networkStore(engine, config, "criticGradient");
    const actorGradientParams = networkStore(engine, config, "actorGradient");
    this.criticGradientStep = components.build("gradient", config.gradient, contextFor(criticGradientParams, ["gradient", "critic"], 0));
    this.actorGradientStep = components.build("gradient", config.gradient, contextFor(actorGradientParams, ["gradient", "actor"], 0));
    const distilledParams = networkStore(engine, config, "distilled");
    this.distilled = components.build("distillation", config.distillation, contextFor(distilledParams, ["distilled"], observationSize, 2 * actionSize));
    const groups: TableGroup[] = [
      { name: "actor", params: this.actor.params, optimizer: actorOptimizer },
      { name: "critic", params: this.critic.params, optimizer: criticOptimizer },
      { name: "criticTarget", params: this.criticTarget.params, optimizer: null },
      { name: "alpha", params: alphaParams, optimizer: this.alphaOptimizer },
      // Parameters of the gradient steps (e.g. learned task weights) are saved; they step them themselves.
      { name: "criticGradient", params: criticGradientParams, optimizer: null },
      { name: "actorGradient", params: actorGradientParams, optimizer: null },
    ];
    if (taskEncoderOptimizer !== null) groups.push({ name: "taskEncoder", params: taskEncoderParams, optimizer: taskEncoderOptimizer });
    if (this.distilled !== null) groups.push({ name: "distilled", params: distilledParams, optimizer: this.distilled.optimizer });
    const auxiliaryContext = contextFor(networkStore(engine, config, "auxiliary"), ["auxiliary"], observationSize);
    this.auxiliary = components.build("auxiliary", config.auxiliary, { ...auxiliaryContext, sharedEncoder: { encoder: this.critic.encoder, params: this.critic.params.child("encoder") }, actionSize });
    if (this.auxiliary !== null) groups.push(...this.auxiliary.groups);
    const target = (name: string, tau: number) => ({ target: this.criticTarget.params.child(name), source: this.critic.params.child(name), tau });
    this.table = new ComponentTable(
      groups,
      [target("encoder", config.critic.encoderTau), target("q1", config.critic.tau), target("q2", config.critic.tau)],
      new Map([
        ["gradient.critic", this.criticGradientStep],
        ["gradient.actor", this.actorGradientStep],
      ]),
    );
    // The targets start as exact copies of the online critic.
    new ComponentTable([], [target("encoder", 1), target("q1", 1), target("q2", 1)]).updateTargets();

    const optimized = (params: ParameterStore, optimizer: Adam, roles = { taskSpecific: [], lastSharedLayer: [] } as OptimizedGroupRoles): OptimizedGroup => ({ params, update: () => optimizer.update(), ...roles });
    this.actorGroup = optimized(this.actor.params, actorOptimizer, this.actor.roles());
    this.criticGroups = [optimized(this.critic.params, criticOptimizer, this.critic.roles())];
    if (taskEncoderOptimizer !== null) this.criticGroups.push(optimized(taskEncoderParams, taskEncoderOptimizer));
    this.noiseRng = Rng.fromSeed(seed, "policy");
  }

  act(observations: Float32Array, taskIndices: Int32Array, deterministic: boolean, out: Float32Array): void {
    const rows = taskIndices.length;
    const actions = this.dimensions.actionSize;
    this.engine.beginStep();
    this.engine.noGrad(() => {
      if (deterministic && this.distilled?.evaluationPolicy === "shared") {
        // Distral evaluates its shared policy, which never sees the task: tanh of its mean.
        meanActions(this.distilled.forward(this.observationInput(observations, rows)), rows, actions, out);
        return;
      }
      const context = this.taskContext(taskIndices);
      const features = this.actorFeatures(this.observationInput(observations, rows), context);
      const params = this.actor.forward(features, context.taskEncoding, context);
      if (deterministic) {
        // The evaluation policy: tanh of the mean, no sampling.
        meanActions(params, rows, actions, out);
        return;
      }
      const { action } = squashedGaussianSample(params, this.noise(rows), this.logStdBounds);
      out.set(action.data.subarray(0, rows * actions));
    });
  }

  update(sampled: ReplayBatch, updateIndex: number): Metrics {
    const batch = this.augmented(sampled);
    const metrics = this.updateCritic(batch);
    if (updateIndex % this.config.actor.updateEvery === 0) {
      const { metrics: actorMetrics, logProbs } = this.updateActor(batch);
      Object.assign(metrics, actorMetrics, this.updateAlpha(batch, logProbs));
      if (this.distilled !== null) metrics["train/distillation_loss"] = this.distilled.distill(this.observationInput(batch.observations, batch.size), this.recorded.actorParams);
    }
    if (updateIndex % this.config.critic.targetUpdateEvery === 0) this.table.updateTargets();
    // After the targets, as the reference orders SAC-AE's decoder step.
    if (this.auxiliary !== null) Object.assign(metrics, this.auxiliary.update(batch.observations, batch.size, this.taskContext(batch.taskIndices), updateIndex, this.noiseRng, batch));
    return metrics;
  }

  /**
   * Regresses both critics on r + γ·notDone·(min target Q(s′, a′) − α·log π(a′|s′)); the critic's
   * loss also trains its encoder and the task encoder.
   */
  updateCritic(batch: ReplayBatch): Metrics {
    const engine = this.engine;
    engine.beginStep();
    const rows = batch.size;
    const context = this.taskContext(batch.taskIndices, true);
    const encoding = context.taskEncoding;
    const alphas = this.rowAlphas(batch.taskIndices);
    const recorded = this.recordedFor(rows);
    // Only the target values outlive this pass: its two encoder passes' activations are freed.
    const target = engine.noGradResult(() => {
      const nextObservations = this.observationInput(batch.nextObservations, rows);
      const nextFeatures = this.actorFeatures(nextObservations, context);
      const nextParams = this.actor.forward(nextFeatures, encoding, context);
      const noise = this.noise(rows);
      const { action, logProb } = squashedGaussianSample(nextParams, noise, this.logStdBounds);
      const nextQ = this.criticTarget.minimumOf(this.criticTarget.encoder.encode(nextObservations, context), encoding, action, context);
      const values = engine.empty([rows, 1]);
      const gamma = this.config.discount;
      const distilled = this.distilled;
      if (distilled === null) {
        for (let i = 0; i < rows; i++) {
          const softValue = nextQ.data[i]! - alphas[i]! * logProb.data[i]!;
          values.data[i] = batch.rewards[i]! + batch.notDones[i]! * gamma * softValue;
        }
      } else {
        // Distral's regularised soft value: + c_KL · log π0(a′|s′) − (c_KL + α/β) · log π(a′|s′).
        const sharedLogProb = distilled.logProbOfTaskSample(distilled.forward(nextObservations), nextParams, noise);
        for (let i = 0; i < rows; i++) {
          const entropyWeight = distilled.klCoefficient + alphas[i]! * distilled.entropyScale;
          const softValue = nextQ.data[i]! + distilled.klCoefficient * sharedLogProb.data[i]! - entropyWeight * logProb.data[i]!;
          values.data[i] = batch.rewards[i]! + batch.notDones[i]! * gamma * softValue;
        }
      }
      return values;
    });
    const observations = this.observationInput(batch.observations, rows);
    const actions = engine.input([rows, this.dimensions.actionSize], batch.actions);
    const loss: BatchLoss = {
      forward: (subset) => {
        // Every row (plain step), or the given rows with their own task context (per-task steps).
        const rowContext = subset === null ? context : this.taskContext(this.tasksOf(batch.taskIndices, subset), true);
        const features = this.critic.encoder.encode(subset === null ? observations : this.gatherRows(batch.observations, this.dimensions.observationSize, subset), rowContext);
        const rowActions = subset === null ? actions : this.gatherRows(batch.actions, this.dimensions.actionSize, subset);
        const rowTarget = subset === null ? target : this.gatherRows(target.data, 1, subset);
        const [q1, q2] = this.critic.both(features, rowContext.taskEncoding, rowActions, rowContext);
        scatterRows(q1.data, 1, subset, recorded.q1);
        return add(mseLoss(q1, rowTarget, { reduction: "none" }), mseLoss(q2, rowTarget, { reduction: "none" }));
      },
    };
    const reported = this.criticGradientStep.minimize(loss, context, this.criticGroups);
    return { "train/critic_loss": reported, "train/q1_mean": meanOf(recorded.q1), "train/target_q_mean": meanOf(target.data), ...stepMetrics("critic", this.criticGradientStep) };
  }

  /** Maximises E[min Q(s, a) − α·log π(a|s)] through the reparameterised action. */
  updateActor(batch: ReplayBatch): { metrics: Metrics; logProbs: Float32Array } {
    const engine = this.engine;
    engine.beginStep();
    const rows = batch.size;
    const context = this.taskContext(batch.taskIndices);
    const actionSize = this.dimensions.actionSize;
    const recorded = this.recordedFor(rows);
    // The actor reads the critic's features and the task encoding detached: only its own loss moves
    // it. With its own encoder head, the encoder's shared part is computed once, for both.
    const head = this.actorEncoderHead;
    const split = this.critic.encoder.split;
    const observations = this.observationInput(batch.observations, rows);
    const shared = head === null ? null : engine.noGradResult(() => split!.shared(observations, context));
    const features = engine.noGradResult(() => (shared === null ? this.critic.encoder.encode(observations, context) : split!.project(shared, context)));
    const noise = this.noise(rows);
    const alphas = this.rowAlphas(batch.taskIndices);
    const distilled = this.distilled;
    const sharedParams = distilled === null || distilled.klCoefficient === 0 ? null : engine.noGrad(() => distilled.forward(this.observationInput(batch.observations, rows)));
    const loss: BatchLoss = {
      forward: (subset) => {
        const rowContext = subset === null ? context : this.taskContext(this.tasksOf(batch.taskIndices, subset));
        const rowFeatures = subset === null ? features : this.gatherRows(features.data, features.dim(1), subset);
        const rowNoise = subset === null ? noise : this.gatherRows(noise.data, actionSize, subset);
        const actorFeatures = head === null ? rowFeatures : head(subset === null ? shared! : this.gatherRows(shared!.data, shared!.dim(1), subset));
        const params = this.actor.forward(actorFeatures, rowContext.taskEncoding, rowContext);
        const { action, logProb } = squashedGaussianSample(params, rowNoise, this.logStdBounds);
        const q = this.critic.minimumOf(rowFeatures, rowContext.taskEncoding, action, rowContext);
        scatterRows(logProb.data, 1, subset, recorded.logProbs);
        scatterRows(params.data, 2 * actionSize, subset, recorded.actorParams);
        const rowAlphas = subset === null ? alphas : this.gatherRows(alphas, 1, subset).data;
        if (distilled === null) return sub(mul(engine.input([rowAlphas.length, 1], rowAlphas), logProb), q);
        // Distral: ((c_KL + α/β) log π − c_KL log π0) − Q, log π0 of the same reparameterised sample.
        const entropyWeight = engine.empty([rowAlphas.length, 1]);
        for (let i = 0; i < rowAlphas.length; i++) entropyWeight.data[i] = distilled.klCoefficient + rowAlphas[i]! * distilled.entropyScale;
        const regularised = mul(entropyWeight, logProb);
        if (sharedParams === null) return sub(regularised, q);
        const rowShared = subset === null ? sharedParams : this.gatherRows(sharedParams.data, 2 * actionSize, subset);
        return sub(sub(regularised, affine(distilled.logProbOfTaskSample(rowShared, params, rowNoise), distilled.klCoefficient)), q);
      },
    };
    // Gradients w.r.t. the actor only: the critic's weight gradients are never computed.
    const reported = this.actorGradientStep.minimize(loss, context, [this.actorGroup]);
    return { metrics: { "train/actor_loss": reported, "train/entropy": -meanOf(recorded.logProbs), ...stepMetrics("actor", this.actorGradientStep) }, logProbs: recorded.logProbs };
  }

  /**
   * What the actor reads of `observations` when acting or bootstrapping (call under noGrad): the
   * critic's features, or its own head over the critic encoder's shared part.
   */
  private actorFeatures(observations: Tensor, context: TaskContext): Tensor {
    const head = this.actorEncoderHead;
    if (head === null) return this.critic.encoder.encode(observations, context);
    return head(this.critic.encoder.split!.shared(observations, context));
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
    const optimizers = this.table.saveTensors(tensors);
    return { tensors, json: { optimizers, components: this.table.saveComponentStates(), noiseRng: this.noiseRng.getState() } };
  }

  setState(state: AgentState): void {
    const json = state.json as { optimizers?: Parameters<ComponentTable["loadTensors"]>[1]; components?: Record<string, unknown>; noiseRng: RngState };
    this.table.loadTensors(state.tensors, json.optimizers, "MT-SAC");
    this.table.loadComponentStates(json.components, "MT-SAC");
    this.noiseRng = Rng.fromState(json.noiseRng);
  }

  /**
   * The batch's task context with the encoding of every task (with gradient only where the critic
   * trains the task encoder): the encoder runs on the numTasks tasks, not on the batch rows.
   */
  private taskContext(taskIndices: Int32Array, withGradient = false): TaskContext {
    const context = new TaskContext(this.engine, taskIndices, this.dimensions.numTasks);
    const allTasks = TaskContext.ofAllTasks(this.engine, this.dimensions.numTasks, this.allTaskIndices);
    context.setTaskEncodings(withGradient ? this.taskEncoder.encode(allTasks) : this.engine.noGrad(() => this.taskEncoder.encode(allTasks)));
    return context;
  }

  /**
   * The batch with its observations and next observations augmented by the encoder (random shifts
   * of pixels), each image with its own draw from the policy stream; the batch itself when the
   * encoder does not augment.
   */
  private augmented(batch: ReplayBatch): ReplayBatch {
    const augment = this.critic.encoder.augment;
    if (augment === undefined) return batch;
    if (this.augmentedRows.observations.length !== batch.observations.length) {
      this.augmentedRows = { observations: new Float32Array(batch.observations.length), nextObservations: new Float32Array(batch.nextObservations.length) };
    }
    const { observations, nextObservations } = this.augmentedRows;
    augment(batch.observations, batch.size, this.noiseRng, observations);
    augment(batch.nextObservations, batch.size, this.noiseRng, nextObservations);
    return { ...batch, observations, nextObservations };
  }

  /** Per-row buffers of this batch size (reused from update to update). */
  private recordedFor(rows: number): MTSACAgent["recorded"] {
    const recorded = this.recorded;
    if (recorded.q1.length !== rows) {
      recorded.q1 = new Float32Array(rows);
      recorded.logProbs = new Float32Array(rows);
      recorded.actorParams = new Float32Array(rows * 2 * this.dimensions.actionSize);
      recorded.taskIndices = new Int32Array(rows);
    }
    return recorded;
  }

  /** The tasks of some rows of the batch (a view valid until the next call). */
  private tasksOf(taskIndices: Int32Array, subset: Int32Array): Int32Array {
    const tasks = this.recorded.taskIndices.subarray(0, subset.length);
    for (let i = 0; i < subset.length; i++) tasks[i] = taskIndices[subset[i]!]!;
    return tasks;
  }

  /** [subset, width] step tensor of the given rows of a row-major [rows, width] array. */
  private gatherRows(values: Float32Array, width: number, subset: Int32Array): Tensor {
    const tensor = this.engine.empty([subset.length, width]);
    for (let i = 0; i < subset.length; i++) tensor.data.set(values.subarray(subset[i]! * width, (subset[i]! + 1) * width), i * width);
    return tensor;
  }

  /** [rows, observationSize] step tensor over a flat observation array. */
  private observationInput(observations: Float32Array, rows: number): Tensor {
    const size = this.dimensions.observationSize;
    return this.engine.input([rows, size], observations.length === rows * size ? observations : observations.subarray(0, rows * size));
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

/** The deterministic actions tanh(mean) of policy params [rows, 2 · actions] (mean ‖ raw log-std). */
function meanActions(params: Tensor, rows: number, actions: number, out: Float32Array): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < actions; j++) out[i * actions + j] = Math.tanh(params.data[i * 2 * actions + j]!);
  }
}

type OptimizedGroupRoles = Pick<OptimizedGroup, "taskSpecific" | "lastSharedLayer">;

/** Copies a pass's per-row values into the batch-order buffer (every row when `subset` is null). */
function scatterRows(values: Float32Array, width: number, subset: Int32Array | null, out: Float32Array): void {
  if (subset === null) {
    out.set(values.subarray(0, out.length));
    return;
  }
  for (let i = 0; i < subset.length; i++) out.set(values.subarray(i * width, (i + 1) * width), subset[i]! * width);
}

/** A gradient step's own metrics (GradNorm's weights), as `train/<update>_<name>`. */
function stepMetrics(update: "critic" | "actor", step: GradientStep): Metrics {
  const metrics: Metrics = {};
  if (step.metrics !== undefined) for (const [name, value] of Object.entries(step.metrics())) metrics[`train/${update}_${name}`] = value;
  return metrics;
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

/** A root parameter store of the agent, its layers initialised by the agent's `initScheme`. */
function networkStore(engine: Engine, config: MTSACConfig, name: string): ParameterStore {
  return new ParameterStore(engine, name).withInitScheme(config.initScheme);
}

/** The actor's own encoder head (`actor.encoderHead: own`) in its parameters, or a ConfigError when the encoder cannot be split. */
function ownEncoderHead(encoder: Encoder, actorParams: ParameterStore, initRng: Rng, encoderType: string): (shared: Tensor) => Tensor {
  if (encoder.split === undefined) {
    throw new ConfigError(
      `actor.encoderHead=own gives the actor its own head over the encoder's shared part, but encoder.type=${encoderType} has no such split (only encoder.type=pixel: convolutions, then linear → LayerNorm → tanh). ` +
        "Use actor.encoderHead=shared, or encoder.type=pixel.",
    );
  }
  return encoder.split.buildHead(actorParams.child("encoderHead"), initRng.stream("actor").stream("encoderHead"));
}
