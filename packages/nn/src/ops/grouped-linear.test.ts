import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import type { Kernels } from "../kernels/kernels.js";
import { NativeKernels } from "../kernels/native-kernels.js";
import { WasmKernels } from "../kernels/wasm-kernels.js";
import type { Tensor } from "../tensor/tensor.js";
import { assertGradients } from "../testing/gradcheck.js";
import type { Activation } from "./activation.js";
import { groupedLinear } from "./grouped-linear.js";
import { linear } from "./linear.js";
import { concat } from "./shape-ops.js";

const activations: Record<Activation, (z: number) => number> = {
  identity: (z) => z,
  relu: (z) => Math.max(z, 0),
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
};

/** Float64 reference: out[g, b, o] = act(Σ_d x_g[b, d] · w[g, o, d] + bias[g, o]). */
function referenceGroupedLinear(
  x: Float64Array, w: Float64Array, bias: Float64Array | null, shared: boolean,
  groups: number, rows: number, inF: number, outF: number, act: (z: number) => number,
): Float64Array {
  const out = new Float64Array(groups * rows * outF);
  for (let g = 0; g < groups; g++) {
    const xBase = shared ? 0 : g * rows * inF;
    for (let b = 0; b < rows; b++) {
      for (let o = 0; o < outF; o++) {
        let z = bias === null ? 0 : bias[g * outF + o]!;
        for (let d = 0; d < inF; d++) z += x[xBase + b * inF + d]! * w[(g * outF + o) * inF + d]!;
        out[(g * rows + b) * outF + o] = act(z);
      }
    }
  }
  return out;
}

function filled(rng: Rng, length: number): Float32Array {
  return Float32Array.from({ length }, () => rng.uniform(-1, 1));
}

function assertSameBits(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${label}[${i}]: ${actual[i]} differs from ${expected[i]}`);
  }
}

describe("groupedLinear", () => {
  const [groups, rows, inF, outF] = [3, 5, 7, 3];

  for (const activation of Object.keys(activations) as Activation[]) {
    it(`gradients of a shared x, weight and bias match finite differences with ${activation}`, () => {
      assertGradients({
        inputs: [{ shape: [rows, inF] }, { shape: [groups, outF, inF] }, { shape: [groups, outF] }],
        forward: (_e, [x, w, b]) => groupedLinear(x!, w!, b!, activation),
        reference: ([x, w, b]) => referenceGroupedLinear(x!, w!, b!, true, groups, rows, inF, outF, activations[activation]),
      });
    });
  }

  it("gradients of a per-group x [G, B, D] match finite differences, with and without a bias", () => {
    assertGradients({
      inputs: [{ shape: [groups, rows, inF] }, { shape: [groups, outF, inF] }, { shape: [groups, outF] }],
      forward: (_e, [x, w, b]) => groupedLinear(x!, w!, b!, "tanh"),
      reference: ([x, w, b]) => referenceGroupedLinear(x!, w!, b!, false, groups, rows, inF, outF, Math.tanh),
    });
    assertGradients({
      inputs: [{ shape: [groups, rows, inF] }, { shape: [groups, outF, inF] }],
      forward: (_e, [x, w]) => groupedLinear(x!, w!, null, "relu"),
      reference: ([x, w]) => referenceGroupedLinear(x!, w!, null, false, groups, rows, inF, outF, activations.relu),
    });
  });

  for (const shared of [true, false]) {
    for (const [activation, withBias] of [["relu", true], ["relu", false], ["tanh", true], ["identity", false]] as const) {
      it(`gives the same bits as ${groups} separate linear calls (${shared ? "shared" : "per-group"} x, ${activation}, ${withBias ? "bias" : "no bias"})`, () => {
        const rng = Rng.fromSeed(11, "grouped-vs-separate");
        const xValues = filled(rng, (shared ? 1 : groups) * rows * inF);
        const wValues = filled(rng, groups * outF * inF);
        const bValues = filled(rng, groups * outF);
        const seed = filled(rng, groups * rows * outF);

        const grouped = new Engine(new JsKernels());
        const x = grouped.persistent(shared ? [rows, inF] : [groups, rows, inF], "x", true);
        const w = grouped.persistent([groups, outF, inF], "w", true);
        const b = grouped.persistent([groups, outF], "b", true);
        x.data.set(xValues);
        w.data.set(wValues);
        b.data.set(bValues);
        grouped.beginStep();
        const y = groupedLinear(x, w, withBias ? b : null, activation);
        grouped.backward(y, withBias ? [x, w, b] : [x, w], { seed });

        const separate = new Engine(new JsKernels());
        const sharedX = separate.persistent([rows, inF], "x", true);
        if (shared) sharedX.data.set(xValues);
        const xs: Tensor[] = [];
        const ws: Tensor[] = [];
        const bs: Tensor[] = [];
        for (let g = 0; g < groups; g++) {
          if (!shared) {
            const xg = separate.persistent([rows, inF], `x${g}`, true);
            xg.data.set(xValues.subarray(g * rows * inF, (g + 1) * rows * inF));
            xs.push(xg);
          }
          const wg = separate.persistent([outF, inF], `w${g}`, true);
          wg.data.set(wValues.subarray(g * outF * inF, (g + 1) * outF * inF));
          ws.push(wg);
          const bg = separate.persistent([outF], `b${g}`, true);
          bg.data.set(bValues.subarray(g * outF, (g + 1) * outF));
          bs.push(bg);
        }
        separate.beginStep();
        const outputs = ws.map((wg, g) => linear(shared ? sharedX : xs[g]!, wg, withBias ? bs[g]! : null, activation));
        const joined = concat(outputs, 0);
        separate.backward(joined, [...(shared ? [sharedX] : xs), ...ws, ...(withBias ? bs : [])], { seed });

        assert.deepEqual(y.shape, [groups, rows, outF]);
        assertSameBits(y.data, joined.data, "output");
        if (shared) assertSameBits(x.grad!, sharedX.grad!, "shared x gradient");
        for (let g = 0; g < groups; g++) {
          if (!shared) assertSameBits(x.grad!.subarray(g * rows * inF, (g + 1) * rows * inF), xs[g]!.grad!, `x gradient of group ${g}`);
          assertSameBits(w.grad!.subarray(g * outF * inF, (g + 1) * outF * inF), ws[g]!.grad!, `weight gradient of group ${g}`);
          if (withBias) assertSameBits(b.grad!.subarray(g * outF, (g + 1) * outF), bs[g]!.grad!, `bias gradient of group ${g}`);
        }
      });
    }
  }

  it("computes no input gradient when x does not need one, and no weight gradient when it is not asked for", () => {
    const gemmShapes: string[] = [];
    class CountingKernels extends JsKernels {
      override gemm(...args: Parameters<JsKernels["gemm"]>): void {
        gemmShapes.push(`${args[0] ? "T" : "N"}${args[1] ? "T" : "N"} ${args[2]}x${args[3]}x${args[4]}`);
        super.gemm(...args);
      }
    }
    const engine = new Engine(new CountingKernels());
    const input = engine.persistent([rows, inF], "input", false);
    const w = engine.persistent([groups, outF, inF], "w", true);
    input.data.set(filled(Rng.fromSeed(1, "x"), rows * inF));
    engine.beginStep();
    const y = groupedLinear(input, w, null, "relu");
    gemmShapes.length = 0;
    engine.backward(y, [w], { seed: new Float32Array(y.size).fill(1) });
    assert.deepEqual(gemmShapes, Array(groups).fill(`TN ${outF}x${inF}x${rows}`), "only dW_g = dZ_gᵀ·x per group");

    const x = engine.persistent([rows, inF], "x", true);
    const frozen = engine.persistent([groups, outF, inF], "frozen", true);
    frozen.grad!.fill(Number.NaN);
    engine.beginStep();
    const z = groupedLinear(x, frozen, null, "tanh");
    gemmShapes.length = 0;
    engine.backward(z, [x], { seed: new Float32Array(z.size).fill(1) });
    assert.deepEqual(gemmShapes, Array(groups).fill(`NN ${rows}x${inF}x${outF}`), "only dx += dZ_g·W_g per group");
    assert.ok(frozen.grad!.every(Number.isNaN), "the weight gradient buffer was not touched");
  });

  it("rejects mismatched shapes, naming both and what to pass", () => {
    const engine = new Engine(new JsKernels());
    const w = engine.input([groups, outF, inF]);
    const cases: Array<[() => Tensor, RegExp]> = [
      [() => groupedLinear(engine.input([rows, inF]), engine.input([outF, inF]), null), /weight must be \[groups, out, in\].*got tensor\[3, 7\]/],
      [() => groupedLinear(engine.input([rows, inF + 1]), w, null), /x must be \[rows, 7\].*or \[3, rows, 7\].*tensor\[3, 3, 7\].*got tensor\[5, 8\]/],
      [() => groupedLinear(engine.input([groups + 1, rows, inF]), w, null), /\[3, rows, 7\].*got tensor\[4, 5, 7\]/],
      [() => groupedLinear(engine.input([rows, inF]), w, engine.input([outF])), /bias must be \[3, 3\].*got tensor\[3\]/],
    ];
    for (const [call, message] of cases) assert.throws(call, (error: unknown) => error instanceof ShapeError && message.test(error.message));
  });
});

describe("groupedLinear on the fast backends", () => {
  const backends: Array<{ label: string; kernels: Kernels; close?: () => void }> = [];
  before(async () => {
    const wasm = await WasmKernels.create();
    backends.push({ label: "wasm", kernels: wasm, close: () => wasm.close() });
    try {
      backends.push({ label: "native", kernels: NativeKernels.load() });
    } catch (error) {
      // Optional by design; say why so a missing BLAS is visible in the report.
      console.log(`native backend not tested: ${(error as Error).message}`);
    }
  });
  after(() => {
    for (const backend of backends) backend.close?.();
  });

  /** Forward and every gradient of one grouped layer on `kernels`, from fixed inputs. */
  function run(kernels: Kernels, shared: boolean, activation: Activation): Float32Array[] {
    const [groups, rows, inF, outF] = [4, 37, 53, 29];
    const rng = Rng.fromSeed(21, "grouped-backends");
    const engine = new Engine(kernels);
    const x = engine.persistent(shared ? [rows, inF] : [groups, rows, inF], "x", true);
    const w = engine.persistent([groups, outF, inF], "w", true);
    const b = engine.persistent([groups, outF], "b", true);
    x.data.set(filled(rng, x.size));
    w.data.set(filled(rng, w.size));
    b.data.set(filled(rng, b.size));
    const seed = filled(rng, groups * rows * outF);
    engine.beginStep();
    const y = groupedLinear(x, w, b, activation);
    const output = Float32Array.from(y.data);
    engine.backward(y, [x, w, b], { seed });
    return [output, Float32Array.from(x.grad!), Float32Array.from(w.grad!), Float32Array.from(b.grad!)];
  }

  for (const shared of [true, false]) {
    for (const activation of ["relu", "tanh"] as const) {
      it(`wasm and native agree with js within float32 tolerance (${shared ? "shared" : "per-group"} x, ${activation})`, () => {
        assert.ok(backends.length > 0, "at least the wasm backend is tested");
        const expected = run(new JsKernels(), shared, activation);
        const names = ["output", "x gradient", "weight gradient", "bias gradient"];
        for (const { label, kernels } of backends) {
          const actual = run(kernels, shared, activation);
          actual.forEach((values, which) => {
            for (let i = 0; i < values.length; i++) {
              const want = expected[which]![i]!;
              // Sums of a few dozen products of magnitude ≤ 1, reassociated by the SIMD kernels.
              const tolerance = 1e-5 * (1 + Math.abs(want)) * Math.sqrt(53);
              if (!(Math.abs(values[i]! - want) <= tolerance)) {
                assert.fail(`${label} ${names[which]}[${i}] = ${values[i]}, js ${want} (tolerance ${tolerance})`);
              }
            }
          });
        }
      });
    }
  }
});
