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
 *
 * Each direction is one kernel call (`Kernels.filmForward` / `filmBackward`): SIMD loops on wasm and
 * native for the identity and ReLU, the js reference's loops for the other activations. They give
 * the js reference's bits on every backend and thread count (rows sharing a gammaBeta row add their
 * gradients in row order on one thread). As plain JavaScript this op took ~6 ns per element
 * forward and ~11 ns backward on an idle machine, ~60% of a FiLM agent's update at B = 1280.
 * Forward + backward at x [1280, 400], gammaBeta [10, 2400] with a row index, one thread
 * (bench/feature-modulation.ts, medians on the shared 2-core VM with other jobs running): 19-25 ms
 * as JavaScript, 1.3 ms on wasm, 0.7 ms on native.
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
  engine.kernels.filmForward(rows, features, gammaBeta.dim(0), width, offset, code, x.data, gammaBeta.data, rowIndex, out.data);
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
  const needX = engine.needsGrad(x);
  const needModulation = engine.needsGrad(gammaBeta);
  // claimGrad's beta 0 (a first contribution) overwrites: gradX in place, and the whole of
  // gammaBeta's gradient (zeros in the columns other layers' ops own; they add theirs later).
  const betaX = needX ? engine.claimGrad(x) : 1;
  const betaModulation = needModulation ? engine.claimGrad(gammaBeta) : 1;
  engine.kernels.filmBackward(
    node.n0, node.n1, gammaBeta.dim(0), node.n2, node.n3, node.n4,
    x.data, gammaBeta.data, node.index, node.out.data, node.out.grad!,
    betaX, needX ? x.grad! : null, betaModulation, needModulation ? gammaBeta.grad! : null,
  );
}
