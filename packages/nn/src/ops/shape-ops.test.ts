import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGradients } from "../testing/gradcheck.js";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { concat, detach, reshape, slice } from "./shape-ops.js";
import { mul } from "./binary.js";
import { sum } from "./reduce.js";

describe("shape ops", () => {
  it("reshape passes gradients through unchanged (no copy)", () => {
    assertGradients({
      inputs: [{ shape: [2, 6] }],
      forward: (_e, [x]) => mul(reshape(reshape(x!, [3, 4]), [12]), reshape(x!, [12])),
      reference: ([x]) => x!.map((v) => v * v),
    });
  });

  it("concat along the last axis matches finite differences (the critic's [state, action])", () => {
    assertGradients({
      inputs: [{ shape: [3, 2] }, { shape: [3, 4] }],
      forward: (_e, [a, b]) => concat([a!, b!], -1),
      reference: ([a, b]) => {
        const out = new Float64Array(18);
        for (let r = 0; r < 3; r++) {
          out.set(a!.subarray(r * 2, r * 2 + 2), r * 6);
          out.set(b!.subarray(r * 4, r * 4 + 4), r * 6 + 2);
        }
        return out;
      },
    });
  });

  it("concat along axis 0 with three inputs, one of which takes no gradient", () => {
    assertGradients({
      inputs: [{ shape: [1, 3] }, { shape: [2, 3], grad: false }, { shape: [2, 3] }],
      forward: (_e, [a, b, c]) => concat([a!, b!, c!], 0),
      reference: ([a, b, c]) => Float64Array.from([...a!, ...b!, ...c!]),
    });
  });

  it("slice along the middle axis matches finite differences", () => {
    assertGradients({
      inputs: [{ shape: [2, 5, 3] }],
      forward: (_e, [x]) => slice(x!, 1, 1, 4),
      reference: ([x]) => {
        const out: number[] = [];
        for (let i = 0; i < 2; i++) for (let j = 1; j < 4; j++) for (let k = 0; k < 3; k++) out.push(x![(i * 5 + j) * 3 + k]!);
        return Float64Array.from(out);
      },
    });
  });

  it("detach stops gradients", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.input([3], [1, 2, 3], true);
    const y = sum(mul(x, detach(x)));
    engine.backward(y, [x]);
    assert.deepEqual(Array.from(x.grad!), [1, 2, 3]);
  });

  it("rejects mismatched shapes with both shapes in the message", () => {
    const engine = new Engine(new JsKernels());
    const a = engine.input([2, 3]);
    const b = engine.input([3, 3]);
    assert.throws(() => concat([a, b], 1), /\[2, 3\], \[3, 3\]/);
    assert.throws(() => reshape(a, [4, 2]), /6 elements but \[4, 2\] holds 8/);
    assert.throws(() => slice(a, 1, 2, 5), /0 <= start < end <= 3/);
  });
});
