import type { TapeNode } from "../autodiff/tape-node.js";
import { Tensor } from "../tensor/tensor.js";
import { ShapeError } from "../errors.js";

type Forward = (x: number) => number;
/** dy/dx from the input x and the output y (whichever is cheaper). */
type Derivative = (x: number, y: number) => number;

/** Elementwise y = f(x) with a tape node carrying the derivative function. */
function unary(x: Tensor, forward: Forward, derivative: Derivative): Tensor {
  const engine = x.engine;
  engine.check(x);
  const out = engine.empty(x.shape);
  const input = x.data;
  const output = out.data;
  for (let i = 0; i < input.length; i++) output[i] = forward(input[i]!);
  const node = engine.record(unaryBackward, out, x);
  if (node !== null) node.fn = derivative;
  return out;
}

function unaryBackward(node: TapeNode): void {
  const x = node.a!;
  const engine = x.engine;
  if (!engine.needsGrad(x)) return;
  const derivative = node.fn!;
  const beta = engine.claimGrad(x);
  const input = x.data;
  const output = node.out.data;
  const gradOut = node.out.grad!;
  const gradIn = x.grad!;
  if (beta === 0) for (let i = 0; i < input.length; i++) gradIn[i] = gradOut[i]! * derivative(input[i]!, output[i]!);
  else for (let i = 0; i < input.length; i++) gradIn[i]! += gradOut[i]! * derivative(input[i]!, output[i]!);
}

/**
 * max(x, 0) through the backend's ReLU kernels (vectorised in wasm and native), not the generic
 * per-element callback: the ReLUs outside fused layers (routing networks, FiLM-free trunks) ran
 * at ~7 ns per element through the callback.
 */
export function relu(x: Tensor): Tensor {
  const engine = x.engine;
  engine.check(x);
  const out = engine.empty(x.shape);
  engine.kernels.reluForward(x.data, out.data);
  engine.record(reluBackward, out, x);
  return out;
}

/**
 * max(x, 0) written over x itself, as torch's ReLU(inplace=True): one activation-sized buffer less
 * per layer. Only for an `x` nothing else reads afterwards, e.g. a convolution's output (its
 * backward needs its input and weights, not its output); the result shares x's memory.
 */
export function reluInPlace(x: Tensor): Tensor {
  const engine = x.engine;
  engine.check(x);
  if (x.persistent) throw new ShapeError(`reluInPlace: ${x.describe()} is persistent (a parameter or constant); overwriting it would change the model. Use relu(x).`);
  engine.kernels.reluForward(x.data, x.data);
  const out = new Tensor(engine, x.shape, x.data, false, false, x.generation);
  engine.record(reluBackward, out, x);
  return out;
}

function reluBackward(node: TapeNode): void {
  const x = node.a!;
  const engine = x.engine;
  if (!engine.needsGrad(x)) return;
  const beta = engine.claimGradInPlace(x, node.out);
  const output = node.out.data;
  const gradOut = node.out.grad!;
  const gradIn = x.grad!;
  if (beta === 0) engine.kernels.reluBackward(output, gradOut, gradIn);
  else for (let i = 0; i < output.length; i++) if (output[i]! > 0) gradIn[i]! += gradOut[i]!;
}

export function tanh(x: Tensor): Tensor {
  return unary(x, Math.tanh, tanhDerivative);
}
const tanhDerivative: Derivative = (_x, y) => 1 - y * y;

export function sigmoid(x: Tensor): Tensor {
  return unary(x, sigmoidForward, sigmoidDerivative);
}
const sigmoidForward: Forward = (x) => 1 / (1 + Math.exp(-x));
const sigmoidDerivative: Derivative = (_x, y) => y * (1 - y);

/** ELU with alpha = 1 (torch.nn.ELU's default). */
export function elu(x: Tensor): Tensor {
  return unary(x, eluForward, eluDerivative);
}
const eluForward: Forward = (x) => (x > 0 ? x : Math.expm1(x));
const eluDerivative: Derivative = (x, y) => (x > 0 ? 1 : y + 1);

export function exp(x: Tensor): Tensor {
  return unary(x, Math.exp, expDerivative);
}
const expDerivative: Derivative = (_x, y) => y;

export function log(x: Tensor): Tensor {
  return unary(x, Math.log, logDerivative);
}
const logDerivative: Derivative = (x) => 1 / x;

/** log(1 + eˣ), computed without overflow for large x. */
export function softplus(x: Tensor): Tensor {
  return unary(x, softplusForward, softplusDerivative);
}
const softplusForward: Forward = (x) => (x > 20 ? x : x < -20 ? Math.exp(x) : Math.log1p(Math.exp(x)));
const softplusDerivative: Derivative = (x) => 1 / (1 + Math.exp(-x));

/** min(max(x, low), high); the gradient passes where low ≤ x ≤ high, as in torch.clamp. */
export function clamp(x: Tensor, low: number, high: number): Tensor {
  if (!(low <= high)) throw new ShapeError(`clamp: expected low <= high, got low=${low}, high=${high}.`);
  const engine = x.engine;
  engine.check(x);
  const out = engine.empty(x.shape);
  for (let i = 0; i < x.size; i++) {
    const value = x.data[i]!;
    out.data[i] = value < low ? low : value > high ? high : value;
  }
  const node = engine.record(clampBackward, out, x);
  if (node !== null) {
    node.n0 = low;
    node.n1 = high;
  }
  return out;
}

function clampBackward(node: TapeNode): void {
  const x = node.a!;
  const engine = x.engine;
  if (!engine.needsGrad(x)) return;
  const beta = engine.claimGrad(x);
  const low = node.n0;
  const high = node.n1;
  const gradOut = node.out.grad!;
  const gradIn = x.grad!;
  for (let i = 0; i < x.size; i++) {
    const value = x.data[i]!;
    const g = value >= low && value <= high ? gradOut[i]! : 0;
    gradIn[i] = beta === 0 ? g : gradIn[i]! + g;
  }
}
