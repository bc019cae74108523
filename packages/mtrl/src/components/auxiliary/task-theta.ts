import { ConfigError, type Rng } from "@mtrl/core";
import { Linear, affine, exp, indexSelect, log, mul, relu, sub, sum, type ParameterStore, type Tensor } from "@mtrl/nn";

/**
 * HiP-BMDP's task parameters θ (the reference's `ThetaModel`): a learned embedding per task (drawn
 * from N(0, 1), as torch's nn.Embedding) → ReLU → linear to twice its width → ReLU → linear. θ
 * conditions the transition model and the reward decoder, never the policy: tasks the agent has
 * not trained on (HiP-BMDP's interpolation and extrapolation variants) are acted on from pixels alone.
 */
export class TaskTheta {
  readonly embeddings: Tensor;
  private readonly hidden: Linear;
  private readonly output: Linear;

  constructor(params: ParameterStore, readonly numTasks: number, embeddingSize: number, readonly outputSize: number, rng: Rng) {
    this.embeddings = params.create("embeddings", [numTasks, embeddingSize], (values) => rng.stream("embeddings").fillNormal(values));
    this.hidden = new Linear(params.child("hidden"), { inFeatures: embeddingSize, outFeatures: 2 * embeddingSize }, rng.stream("hidden"));
    this.output = new Linear(params.child("output"), { inFeatures: 2 * embeddingSize, outFeatures: outputSize }, rng.stream("output"));
  }

  /** θ of every task, [numTasks, outputSize] (the batch rows gather from it). */
  ofAllTasks(): Tensor {
    return this.output.forward(relu(this.hidden.forward(relu(this.embeddings))));
  }

  /** θ of each row's task, [rows, outputSize]. */
  ofRows(taskIndices: Int32Array): Tensor {
    for (const task of taskIndices) {
      if (!(task >= 0 && task < this.numTasks)) throw new ConfigError(`HiP-BMDP θ: task index ${task} is outside [0, ${this.numTasks - 1}]; θ is learned only for the training tasks.`);
    }
    return indexSelect(this.ofAllTasks(), taskIndices);
  }
}

/** The rows in reverse order (torch.flip along the batch): row i is paired with row rows − 1 − i. */
export function reversedRows(rows: number): Int32Array {
  return Int32Array.from({ length: rows }, (_, i) => rows - 1 - i);
}

/**
 * The reference's contrastive loss of HiP-BMDP: (‖Θ − Θ̃‖ − ‖M − M̃‖)², with Θ the batch's θ rows,
 * Θ̃ the same rows reversed, M and M̃ the transition model's predicted means under Θ and Θ̃, and ‖·‖
 * the norm over the whole batch (Frobenius). M and M̃ are targets (no gradient): the loss moves θ
 * so that distances between tasks' θ match distances between the dynamics they predict.
 * `predictedDistance` = ‖M − M̃‖, a number. When every row meets its own task reversed, ‖Θ − Θ̃‖ is 0
 * and has no gradient (torch's norm gives 0 there too); the loss is then the constant distance².
 */
export function contrastiveLoss(theta: Tensor, reversed: Int32Array, predictedDistance: number): Tensor {
  const difference = sub(theta, indexSelect(theta, reversed));
  const squaredNorm = sum(mul(difference, difference));
  if (squaredNorm.data[0]! <= 1e-30) return affine(squaredNorm, 0, predictedDistance * predictedDistance);
  // ‖·‖ = exp(½ log ‖·‖²): the engine has no square root op, and the norm is positive here.
  const thetaDistance = exp(affine(log(squaredNorm), 0.5));
  const gap = affine(thetaDistance, 1, -predictedDistance);
  return mul(gap, gap);
}

/** ‖a − b‖ over every element (Frobenius), of plain values. */
export function frobeniusDistance(a: Float32Array, b: Float32Array, size: number): number {
  let total = 0;
  for (let i = 0; i < size; i++) {
    const difference = a[i]! - b[i]!;
    total += difference * difference;
  }
  return Math.sqrt(total);
}
