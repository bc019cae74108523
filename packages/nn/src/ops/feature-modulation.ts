import { ConfigError } from "@mtrl/core/errors";
import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { activationCodes, type Activation } from "./activation.js";

/**
 * FiLM (feature-wise linear modulation) with its activation, in one op:
 * out = activation((1 + γ) ⊙ x + β) for x [B, H], where γ = gammaBeta[:, offset : offset+H] and
 * β = gammaBeta[:, offset+H : offset+2H] are read in place from gammaBeta [B, W] (W ≥ offset + 2H).
 *
 * A FiLM network computes the γ and β of all its layers in one linear map of the task encoding and
 * gives each layer its own column range of that one tensor; this op replaces the slice, slice,
 * affine, mul, add and activation of each layer (six passes over memory and five temporaries) by
 * one pass forward and one backward. Each step rounds to float32 where that chain did, so the
 * results are the same numbers.
 *
 * Gradients flow to x and to gammaBeta's columns [offset, offset + 2H); the other columns belong
 * to other layers' ops, which add theirs.
 *
 * `rowIndex` (optional): row r of x reads gammaBeta row rowIndex[r] instead of row r. FiLM's γ and β
 * depend on the task alone, so they are computed once per task ([numTasks, W]) and each batch row
 * reads its task's row — no [B, W] gather forward, no [B, W] gradient to scatter back (at B = 1280
 * and three 400-wide layers that was 3 M floats each way per forward pass).
 */
export function featureModulation(x: Tensor, gammaBeta: Tensor, offset: number, activation: Activation = "relu", rowIndex: Int32Array | null = null): Tensor {
  const engine = x.engine;
  engine.check(x);
  engine.check(gammaBeta);
  if (!Object.hasOwn(activationCodes, activation)) {
    throw new ConfigError(
      `featureModulation: unknown activation "${String(activation)}"; use one of ${Object.keys(activationCodes).join(", ")}.`,
    );
  }
  const code = activationCodes[activation];
  if (x.rank !== 2) {
    throw new ShapeError(`featureModulation: x must be [rows, features], got ${x.describe()}. Flatten the leading dimensions first.`);
  }
  const rows = x.dim(0);
  const features = x.dim(1);
  if (rowIndex !== null) {
    if (rowIndex.length !== rows) {
      throw new ShapeError(`featureModulation: rowIndex must give one gammaBeta row per row of x (${rows}), got ${rowIndex.length} indices.`);
    }
    for (let r = 0; r < rows; r++) {
      const index = rowIndex[r]!;
      if (!(index >= 0 && index < gammaBeta.dim(0))) {
        throw new ShapeError(`featureModulation: rowIndex[${r}] = ${index} is outside the ${gammaBeta.dim(0)} rows of gammaBeta ${gammaBeta.describe()}.`);
      }
    }
  }
  if (gammaBeta.rank !== 2 || (rowIndex === null && gammaBeta.dim(0) !== rows)) {
    throw new ShapeError(
      `featureModulation: gammaBeta must be [${rows}, width] (one row of γ and β per row of x ${x.describe()}), got ${gammaBeta.describe()}.`,
    );
  }
  const width = gammaBeta.dim(1);
  if (!Number.isInteger(offset) || offset < 0 || offset + 2 * features > width) {
    throw new ShapeError(
      `featureModulation: γ and β of x ${x.describe()} take ${2 * features} columns of gammaBeta from offset ${offset}, ` +
        `i.e. columns [${offset}, ${offset + 2 * features}), but gammaBeta ${gammaBeta.describe()} has ${width}. ` +
        "Pass an integer offset >= 0 with offset + 2 * features <= gammaBeta's width.",
    );
  }
  const out = engine.empty([rows, features]);
  const input = x.data;
  const modulation = gammaBeta.data;
  const output = out.data;
  for (let r = 0; r < rows; r++) {
    const row = r * features;
    const gammaStart = (rowIndex === null ? r : rowIndex[r]!) * width + offset;
    const betaStart = gammaStart + features;
    if (code === reluCode) {
      // FiLM's activation, without the per-element dispatch (which costs V8 ~40% here).
      for (let h = 0; h < features; h++) {
        const scale = Math.fround(1 + modulation[gammaStart + h]!);
        const pre = Math.fround(Math.fround(scale * input[row + h]!) + modulation[betaStart + h]!);
        output[row + h] = pre > 0 ? pre : 0;
      }
      continue;
    }
    for (let h = 0; h < features; h++) {
      const scale = Math.fround(1 + modulation[gammaStart + h]!);
      const pre = Math.fround(Math.fround(scale * input[row + h]!) + modulation[betaStart + h]!);
      output[row + h] = activate(code, pre);
    }
  }
  const node = engine.record(featureModulationBackward, out, x, gammaBeta);
  if (node !== null) {
    node.n0 = rows;
    node.n1 = features;
    node.n2 = width;
    node.n3 = offset;
    node.n4 = code;
    node.index = rowIndex;
  }
  return out;
}

function featureModulationBackward(node: TapeNode): void {
  const x = node.a!;
  const gammaBeta = node.b!;
  const engine = x.engine;
  const rows = node.n0;
  const features = node.n1;
  const width = node.n2;
  const offset = node.n3;
  const code = node.n4;
  const gradOut = node.out.grad!;
  const output = node.out.data;
  const input = x.data;
  const modulation = gammaBeta.data;
  const needX = engine.needsGrad(x);
  const needModulation = engine.needsGrad(gammaBeta);
  const betaX = needX ? engine.claimGrad(x) : 1;
  const betaModulation = needModulation ? engine.claimGrad(gammaBeta) : 1;
  const gradX = needX ? x.grad! : null;
  const gradModulation = needModulation ? gammaBeta.grad! : null;
  const rowIndex = node.index;
  // With a row index, several rows share a gammaBeta row: their gradients add up, so a first
  // (beta 0) contribution clears the whole buffer and every row accumulates.
  const shared = rowIndex !== null;
  if (shared && gradModulation !== null && betaModulation === 0) gradModulation.fill(0);
  const overwrite = betaModulation === 0 && !shared;
  for (let r = 0; r < rows; r++) {
    const row = r * features;
    const modulationRow = (rowIndex === null ? r : rowIndex[r]!) * width;
    const gammaStart = modulationRow + offset;
    const betaStart = gammaStart + features;
    if (gradModulation !== null && overwrite) {
      // The first contribution overwrites, and the buffer may hold anything: the columns of the
      // other layers' γ and β get zero here and their ops' contributions added later.
      gradModulation.fill(0, modulationRow, gammaStart);
      gradModulation.fill(0, betaStart + features, modulationRow + width);
    }
    for (let h = 0; h < features; h++) {
      // d(out)/d(pre) from the output, as the activation ops compute it.
      const g = gradOut[row + h]!;
      const dPre = code === reluCode ? (output[row + h]! > 0 ? g : 0) : Math.fround(preActivationGradient(code, g, output[row + h]!));
      if (gradX !== null) {
        const dx = Math.fround(dPre * Math.fround(1 + modulation[gammaStart + h]!));
        gradX[row + h] = betaX === 0 ? dx : gradX[row + h]! + dx;
      }
      if (gradModulation !== null) {
        const dGamma = Math.fround(dPre * input[row + h]!);
        if (overwrite) {
          gradModulation[gammaStart + h] = dGamma;
          gradModulation[betaStart + h] = dPre;
        } else {
          gradModulation[gammaStart + h]! += dGamma;
          gradModulation[betaStart + h]! += dPre;
        }
      }
    }
  }
}

const reluCode = activationCodes.relu;

/** activation(value) for an activation code (see activation.ts), as applyActivation computes it. */
function activate(code: number, value: number): number {
  switch (code) {
    case 0:
      return value;
    case 1:
      return value > 0 ? value : 0;
    case 2:
      return Math.tanh(value);
    case 3:
      return 1 / (1 + Math.exp(-value));
    default:
      return value > 0 ? value : Math.expm1(value);
  }
}

/** gradOut · activation'(pre), from the output y, as multiplyByActivationDerivative computes it. */
function preActivationGradient(code: number, gradOut: number, y: number): number {
  switch (code) {
    case 0:
      return gradOut;
    case 1:
      return y > 0 ? gradOut : 0;
    case 2:
      return gradOut * (1 - y * y);
    case 3:
      return gradOut * (y * (1 - y));
    default:
      return y > 0 ? gradOut : gradOut * (y + 1);
  }
}
