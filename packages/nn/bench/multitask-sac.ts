import { Rng } from "@mtrl/mtenv/rng";
import type { Engine } from "../src/autodiff/engine.js";
import { MLP } from "../src/modules/mlp.js";
import { ParameterStore } from "../src/modules/parameter-store.js";
import { add, affine, minimum, mul, sub } from "../src/ops/binary.js";
import { indexSelect } from "../src/ops/index-ops.js";
import { mseLoss } from "../src/ops/loss.js";
import { mean } from "../src/ops/reduce.js";
import { concat } from "../src/ops/shape-ops.js";
import { squashedGaussianSample } from "../src/ops/squashed-gaussian.js";
import { exp } from "../src/ops/unary.js";
import { Adam } from "../src/optim/adam.js";
import { polyakUpdate } from "../src/optim/polyak.js";
import type { Tensor } from "../src/tensor/tensor.js";

/**
 * The multi-task SAC update of ../shared/bench/torch_mtsac_update.py, written with the nn modules
 * (the real agent lives in @mtrl/mtrl): the same shapes, losses and order of steps, so the two
 * timings compare like for like.
 */
export const sacShapes = { observation: 39, tasks: 10, action: 4, hidden: 400, layers: 3 } as const;

const gamma = 0.99;
const tau = 0.005;
const targetEntropy = -sacShapes.action;
const learningRate = 3e-4;

/** Twin Q networks over concat(state, action). */
class TwinCritic {
  readonly q1: MLP;
  readonly q2: MLP;

  constructor(params: ParameterStore, inputSize: number, rng: Rng) {
    const hiddenSizes = Array.from({ length: sacShapes.layers }, () => sacShapes.hidden);
    this.q1 = new MLP(params.child("q1"), { inputSize, hiddenSizes, outputSize: 1 }, rng);
    this.q2 = new MLP(params.child("q2"), { inputSize, hiddenSizes, outputSize: 1 }, rng);
  }

  forward(state: Tensor, action: Tensor): [Tensor, Tensor] {
    const stateAction = concat([state, action], -1);
    return [this.q1.forward(stateAction), this.q2.forward(stateAction)];
  }
}

/** Fixed replay batch (random, as in the peer) held in persistent tensors. */
interface Batch {
  readonly task: Int32Array;
  readonly observation: Tensor;
  readonly nextObservation: Tensor;
  readonly action: Tensor;
  readonly reward: Tensor;
  readonly notDone: Tensor;
  readonly noiseNext: Tensor;
  readonly noiseCurrent: Tensor;
}

/** Losses of the last update, copied out of step memory. */
export interface SacLosses {
  critic: number;
  actor: number;
  alpha: number;
}

export class MultiTaskSacUpdate {
  private readonly actor: MLP;
  private readonly critic: TwinCritic;
  private readonly criticTarget: TwinCritic;
  private readonly actorParams: ParameterStore;
  private readonly criticParams: ParameterStore;
  private readonly targetParams: ParameterStore;
  private readonly logAlpha: Tensor;
  private readonly actorOptimizer: Adam;
  private readonly criticOptimizer: Adam;
  private readonly alphaOptimizer: Adam;
  private readonly batch: Batch;
  private readonly noiseRng: Rng;
  readonly losses: SacLosses = { critic: 0, actor: 0, alpha: 0 };

  constructor(
    private readonly engine: Engine,
    batchSize: number,
    seed = 0,
  ) {
    const { observation, tasks, action, hidden, layers } = sacShapes;
    const rng = Rng.fromSeed(seed, "init");
    const stateSize = observation + tasks;
    const hiddenSizes = Array.from({ length: layers }, () => hidden);
    this.actorParams = new ParameterStore(engine, "actor");
    this.actor = new MLP(this.actorParams, { inputSize: stateSize, hiddenSizes, outputSize: 2 * action }, rng);
    this.criticParams = new ParameterStore(engine, "critic");
    this.critic = new TwinCritic(this.criticParams, stateSize + action, rng);
    this.targetParams = new ParameterStore(engine, "criticTarget");
    this.criticTarget = new TwinCritic(this.targetParams, stateSize + action, rng);
    polyakUpdate(this.targetParams, this.criticParams, 1);
    this.targetParams.setRequiresGrad(false);
    const alphaParams = new ParameterStore(engine, "alpha");
    this.logAlpha = alphaParams.create("logAlpha", [tasks, 1], (values) => values.fill(0));
    this.actorOptimizer = new Adam(this.actorParams, { lr: learningRate });
    this.criticOptimizer = new Adam(this.criticParams, { lr: learningRate });
    this.alphaOptimizer = new Adam(alphaParams, { lr: learningRate });
    this.noiseRng = Rng.fromSeed(seed, "policy-noise");
    this.batch = makeBatch(engine, batchSize, Rng.fromSeed(seed, "batch"));
  }

  /** One update: critic step, actor step, temperature step, Polyak averaging of the targets. */
  update(): void {
    const engine = this.engine;
    const batch = this.batch;
    this.noiseRng.fillNormal(batch.noiseNext.data);
    this.noiseRng.fillNormal(batch.noiseCurrent.data);
    engine.beginStep();
    const alphaDetached = engine.noGrad(() => exp(indexSelect(this.logAlpha, batch.task)));
    const afterAlpha = engine.arena.mark();

    // Critic: regress both Q heads on the soft Bellman target.
    const targetQ = engine.noGrad(() => {
      const next = squashedGaussianSample(this.actor.forward(batch.nextObservation), batch.noiseNext);
      const [targetQ1, targetQ2] = this.criticTarget.forward(batch.nextObservation, next.action);
      const softValue = sub(minimum(targetQ1, targetQ2), mul(alphaDetached, next.logProb));
      return add(batch.reward, mul(batch.notDone, affine(softValue, gamma)));
    });
    const [q1, q2] = this.critic.forward(batch.observation, batch.action);
    const criticLoss = add(mseLoss(q1, targetQ), mseLoss(q2, targetQ));
    engine.backward(criticLoss, this.criticParams.tensors);
    this.criticOptimizer.update();
    this.losses.critic = criticLoss.item();
    // Nothing of the critic step is needed any more: the actor step reuses its (cache-warm) memory.
    engine.arena.release(afterAlpha);

    // Actor: gradients flow through the critic's activations, never into its weights.
    const current = squashedGaussianSample(this.actor.forward(batch.observation), batch.noiseCurrent);
    const [actorQ1, actorQ2] = this.critic.forward(batch.observation, current.action);
    const actorLoss = mean(sub(mul(alphaDetached, current.logProb), minimum(actorQ1, actorQ2)));
    engine.backward(actorLoss, this.actorParams.tensors);
    this.actorOptimizer.update();

    // Temperature: the log-prob is a constant now (its tape was cleared by the actor backward).
    const alpha = exp(indexSelect(this.logAlpha, batch.task));
    const alphaLoss = mean(mul(alpha, affine(current.logProb, -1, -targetEntropy)));
    engine.backward(alphaLoss, [this.logAlpha]);
    this.alphaOptimizer.update();

    polyakUpdate(this.targetParams, this.criticParams, tau);
    this.losses.actor = actorLoss.item();
    this.losses.alpha = alphaLoss.item();
  }
}

function makeBatch(engine: Engine, batchSize: number, rng: Rng): Batch {
  const { observation, tasks, action } = sacShapes;
  const stateSize = observation + tasks;
  const task = new Int32Array(batchSize);
  for (let i = 0; i < batchSize; i++) task[i] = rng.integers(0, tasks);
  const state = (name: string): Tensor => {
    const tensor = engine.persistent([batchSize, stateSize], name);
    for (let i = 0; i < batchSize; i++) {
      for (let j = 0; j < observation; j++) tensor.data[i * stateSize + j] = rng.normal();
      tensor.data[i * stateSize + observation + task[i]!] = 1;
    }
    return tensor;
  };
  const actionTensor = engine.persistent([batchSize, action], "action");
  rng.fillUniform(actionTensor.data, -1, 1);
  const reward = engine.persistent([batchSize, 1], "reward");
  rng.fillNormal(reward.data);
  const notDone = engine.persistent([batchSize, 1], "notDone");
  notDone.data.fill(1);
  return {
    task,
    observation: state("observation"),
    nextObservation: state("nextObservation"),
    action: actionTensor,
    reward,
    notDone,
    noiseNext: engine.persistent([batchSize, action], "noiseNext"),
    noiseCurrent: engine.persistent([batchSize, action], "noiseCurrent"),
  };
}
