import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { Engine } from "./engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { MLP } from "../modules/mlp.js";
import { ParameterStore } from "../modules/parameter-store.js";
import { Adam } from "../optim/adam.js";
import { mseLoss } from "../ops/loss.js";
import { add, mul } from "../ops/binary.js";
import { sum } from "../ops/reduce.js";
import { GradientError, StaleTensorError } from "../errors.js";

/** Counts every arena block the kernels hand out. */
class CountingKernels extends JsKernels {
  allocations = 0;
  override allocate(length: number): Float32Array {
    this.allocations++;
    return super.allocate(length);
  }
}

/** A small regression problem trained with Adam: returns the per-step losses and final weights. */
function trainSmallMlp(seed: number, steps: number, kernels = new JsKernels()): { engine: Engine; losses: number[]; weights: Float32Array } {
  const engine = new Engine(kernels, { blockFloats: 1 << 14 });
  const params = new ParameterStore(engine, "net");
  const mlp = new MLP(params, { inputSize: 5, hiddenSizes: [16, 16], outputSize: 2, activation: "tanh" }, Rng.fromSeed(seed, "init"));
  const adam = new Adam(params, { lr: 1e-2, weightDecay: 1e-4 });
  const data = Rng.fromSeed(seed, "data");
  const batch = 32;
  const inputs = new Float32Array(batch * 5);
  const targets = new Float32Array(batch * 2);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    data.fillNormal(inputs);
    for (let i = 0; i < batch; i++) {
      targets[2 * i] = Math.sin(inputs[5 * i]!);
      targets[2 * i + 1] = inputs[5 * i + 1]! * inputs[5 * i + 2]!;
    }
    engine.beginStep();
    const loss = mseLoss(mlp.forward(engine.input([batch, 5], inputs)), engine.input([batch, 2], targets));
    engine.backward(loss, params.tensors);
    adam.update();
    losses.push(loss.item());
  }
  return { engine, losses, weights: params.flat().values.slice() };
}

describe("Engine", () => {
  it("allocates no new arena memory and no new views over 100 training steps after warm-up", () => {
    const kernels = new CountingKernels();
    const { engine } = trainSmallMlp(0, 2, kernels);
    // Reuse the same engine for 100 more steps of the same loop.
    const params = new ParameterStore(engine, "again");
    const mlp = new MLP(params, { inputSize: 5, hiddenSizes: [16, 16], outputSize: 2 }, Rng.fromSeed(1, "init"));
    const adam = new Adam(params, { lr: 1e-3 });
    const x = new Float32Array(32 * 5).fill(0.5);
    const y = new Float32Array(32 * 2).fill(0.1);
    const step = (): void => {
      engine.beginStep();
      const loss = mseLoss(mlp.forward(engine.input([32, 5], x)), engine.input([32, 2], y));
      engine.backward(loss, params.tensors);
      adam.update();
    };
    step();
    step();
    const before = engine.arena.stats();
    const allocationsBefore = kernels.allocations;
    for (let i = 0; i < 100; i++) step();
    const after = engine.arena.stats();
    assert.equal(kernels.allocations, allocationsBefore, "kernels.allocate calls");
    assert.equal(after.transientCapacity, before.transientCapacity);
    assert.equal(after.persistentCapacity, before.persistentCapacity);
    assert.equal(after.transientViewsCreated, before.transientViewsCreated, "no new Float32Array views");
  });

  it("reproduces a training trajectory bit for bit with the same seed, and differs with another", () => {
    const first = trainSmallMlp(7, 30);
    const second = trainSmallMlp(7, 30);
    const other = trainSmallMlp(8, 30);
    assert.deepEqual(first.losses, second.losses);
    assert.deepEqual(Buffer.from(first.weights.buffer), Buffer.from(second.weights.buffer));
    assert.notDeepEqual(first.losses, other.losses);
    assert.ok(first.losses[29]! < first.losses[0]! * 0.75, `training reduces the loss: ${first.losses[0]} → ${first.losses[29]}`);
  });

  it("records nothing inside noGrad", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.input([2], [1, 2], true);
    const y = engine.noGrad(() => mul(x, x));
    assert.equal(engine.tapeSize, 0);
    assert.equal(y.requiresGrad, false);
    assert.equal(engine.isGradEnabled, true);
  });

  it("gives each requested input its gradient, overwriting (not accumulating) between backward calls", () => {
    const engine = new Engine(new JsKernels());
    const a = engine.persistent([2], "a", true);
    const b = engine.persistent([2], "b", true);
    a.data.set([1, 2]);
    b.data.set([3, 4]);
    for (let repeat = 0; repeat < 2; repeat++) {
      engine.beginStep();
      engine.backward(sum(add(mul(a, b), a)), [a, b]);
      assert.deepEqual(Array.from(a.grad!), [4, 5]);
      assert.deepEqual(Array.from(b.grad!), [1, 2]);
    }
  });

  it("leaves gradients of tensors that were not asked for untouched, and zeroes unreachable ones", () => {
    const engine = new Engine(new JsKernels());
    const a = engine.persistent([2], "a", true);
    const b = engine.persistent([2], "b", true);
    const unused = engine.persistent([2], "unused", true);
    a.data.set([1, 2]);
    b.data.set([3, 4]);
    b.grad!.fill(Number.NaN);
    unused.grad!.fill(5);
    engine.backward(sum(mul(a, b)), [a, unused]);
    assert.deepEqual(Array.from(a.grad!), [3, 4]);
    assert.ok(b.grad!.every(Number.isNaN), "b's gradient was not computed");
    assert.deepEqual(Array.from(unused.grad!), [0, 0]);
  });

  it("rejects a non-scalar output without a seed, and a tensor from a previous step", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.input([2], [1, 2], true);
    const y = mul(x, x);
    assert.throws(() => engine.backward(y, [x]), GradientError);
    engine.beginStep();
    assert.throws(() => mul(x, x), (error: unknown) => error instanceof StaleTensorError && /recycled by beginStep/.test(error.message));
  });
});
