import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

/** Bounds of the log standard deviation, reached through a tanh squash (as in MTRL's SAC actor). */
export interface SquashedGaussianOptions {
  readonly logStdMin?: number;
  readonly logStdMax?: number;
}

/** What a reparameterized tanh-Gaussian sample gives the SAC actor. */
export interface SquashedGaussianSample {
  /** tanh(mean + noise · std), in (−1, 1): shape [batch, actions]. */
  readonly action: Tensor;
  /** log π(action | state) with the tanh change-of-variables correction: shape [batch, 1]. */
  readonly logProb: Tensor;
}

const halfLogTwoPi = 0.5 * Math.log(2 * Math.PI);
/** Added inside log(1 − a² + ε) so saturated actions do not give −∞, as in the reference. */
const tanhCorrectionEpsilon = 1e-6;

/**
 * The SAC actor's head, fused into one op (as torch_mtsac_update.py computes it):
 * `params` = [mean | raw log-std] of shape [batch, 2·actions], `noise` ~ N(0, 1) of [batch, actions].
 *
 *   logStd  = min + ½(max − min)(tanh(raw) + 1)
 *   pre     = mean + noise · exp(logStd)
 *   action  = tanh(pre)
 *   logProb = Σⱼ (−½ noiseⱼ² − logStdⱼ − ½ log 2π) − Σⱼ log(relu(1 − actionⱼ²) + 1e-6)
 *
 * Gradients go to `params` only (noise is a sample), from either output or both.
 */
export function squashedGaussianSample(params: Tensor, noise: Tensor, options: SquashedGaussianOptions = {}): SquashedGaussianSample {
  const engine = params.engine;
  engine.check(params);
  engine.check(noise);
  const logStdMin = options.logStdMin ?? -20;
  const logStdMax = options.logStdMax ?? 2;
  if (params.rank !== 2 || noise.rank !== 2 || params.dim(0) !== noise.dim(0) || params.dim(1) !== 2 * noise.dim(1)) {
    throw new ShapeError(
      `squashedGaussianSample: expected params [batch, 2·actions] and noise [batch, actions], got ${params.describe()} and ${noise.describe()}.`,
    );
  }
  const batch = noise.dim(0);
  const actions = noise.dim(1);
  const action = engine.empty([batch, actions]);
  const logProb = engine.empty([batch, 1]);
  const p = params.data;
  const eps = noise.data;
  const halfRange = 0.5 * (logStdMax - logStdMin);
  for (let i = 0; i < batch; i++) {
    let total = 0;
    for (let j = 0; j < actions; j++) {
      const mean = p[i * 2 * actions + j]!;
      const logStd = logStdMin + halfRange * (Math.tanh(p[i * 2 * actions + actions + j]!) + 1);
      const e = eps[i * actions + j]!;
      const a = Math.tanh(mean + e * Math.exp(logStd));
      action.data[i * actions + j] = a;
      const oneMinusSquare = 1 - a * a;
      total += -0.5 * e * e - logStd - halfLogTwoPi - Math.log((oneMinusSquare > 0 ? oneMinusSquare : 0) + tanhCorrectionEpsilon);
    }
    logProb.data[i] = total;
  }
  const node = engine.record(squashedGaussianBackward, action, params);
  if (node !== null) {
    node.out2 = logProb;
    logProb.requiresGrad = true;
    logProb.producer = node;
    node.b = null;
    node.saved = noise;
    node.n0 = logStdMin;
    node.n1 = halfRange;
  }
  return { action, logProb };
}

function squashedGaussianBackward(node: TapeNode): void {
  const params = node.a!;
  const engine = params.engine;
  if (!engine.needsGrad(params)) return;
  const action = node.out;
  const logProb = node.out2!;
  const noise = node.saved!;
  const gradAction = engine.hasGrad(action) ? action.grad! : null;
  const gradLogProb = engine.hasGrad(logProb) ? logProb.grad! : null;
  const logStdMin = node.n0;
  const halfRange = node.n1;
  const batch = noise.dim(0);
  const actions = noise.dim(1);
  const beta = engine.claimGrad(params);
  const p = params.data;
  const grad = params.grad!;
  for (let i = 0; i < batch; i++) {
    const gl = gradLogProb === null ? 0 : gradLogProb[i]!;
    for (let j = 0; j < actions; j++) {
      const meanAt = i * 2 * actions + j;
      const rawAt = meanAt + actions;
      const squashed = Math.tanh(p[rawAt]!);
      const logStd = logStdMin + halfRange * (squashed + 1);
      const std = Math.exp(logStd);
      const e = noise.data[i * actions + j]!;
      const a = action.data[i * actions + j]!;
      const oneMinusSquare = 1 - a * a;
      // d logProb / d action through −log(relu(1 − a²) + ε).
      const correction = oneMinusSquare > 0 ? (2 * a) / (oneMinusSquare + tanhCorrectionEpsilon) : 0;
      const gA = (gradAction === null ? 0 : gradAction[i * actions + j]!) + gl * correction;
      const gPre = gA * oneMinusSquare;
      const gLogStd = gPre * e * std - gl;
      const gRaw = gLogStd * halfRange * (1 - squashed * squashed);
      grad[meanAt] = beta === 0 ? gPre : grad[meanAt]! + gPre;
      grad[rawAt] = beta === 0 ? gRaw : grad[rawAt]! + gRaw;
    }
  }
}
