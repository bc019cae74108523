import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGradients, referenceMatmul, referenceTranspose } from "../testing/gradcheck.js";
import { matmul } from "./matmul.js";
import { bmm } from "./bmm.js";

describe("matmul", () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`matches float64 finite differences with transA=${transA}, transB=${transB} (odd sizes)`, () => {
        const [m, k, n] = [3, 5, 7];
        assertGradients({
          inputs: [{ shape: transA ? [k, m] : [m, k] }, { shape: transB ? [n, k] : [k, n] }],
          forward: (_engine, [a, b]) => matmul(a!, b!, { transA, transB }),
          reference: ([a, b]) =>
            referenceMatmul(transA ? referenceTranspose(a!, k, m) : a!, transB ? referenceTranspose(b!, n, k) : b!, m, k, n),
        });
      });
    }
  }

  it("rejects inner dimensions that differ, naming both shapes", () => {
    assert.throws(
      () => assertGradients({ inputs: [{ shape: [2, 3] }, { shape: [4, 2] }], forward: (_e, [a, b]) => matmul(a!, b!), reference: () => new Float64Array() }),
      /inner dimensions differ.*2×3.*4×2/,
    );
  });
});

describe("bmm", () => {
  const [groups, m, k, n] = [3, 2, 4, 5];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`batched product matches finite differences (transA=${transA}, transB=${transB})`, () => {
        assertGradients({
          inputs: [{ shape: transA ? [groups, k, m] : [groups, m, k] }, { shape: transB ? [groups, n, k] : [groups, k, n] }],
          forward: (_e, [a, b]) => bmm(a!, b!, { transA, transB }),
          reference: ([a, b]) => {
            const out = new Float64Array(groups * m * n);
            for (let g = 0; g < groups; g++) {
              let ag = a!.subarray(g * m * k, (g + 1) * m * k);
              let bg = b!.subarray(g * k * n, (g + 1) * k * n);
              if (transA) ag = referenceTranspose(ag, k, m);
              if (transB) bg = referenceTranspose(bg, n, k);
              out.set(referenceMatmul(ag, bg, m, k, n), g * m * n);
            }
            return out;
          },
        });
      });
    }
  }

  it("shares a 2-D left operand across groups and sums its gradient (experts on one batch)", () => {
    assertGradients({
      inputs: [{ shape: [m, k] }, { shape: [groups, k, n] }],
      forward: (_e, [a, b]) => bmm(a!, b!),
      reference: ([a, b]) => {
        const out = new Float64Array(groups * m * n);
        for (let g = 0; g < groups; g++) out.set(referenceMatmul(a!, b!.subarray(g * k * n, (g + 1) * k * n), m, k, n), g * m * n);
        return out;
      },
    });
  });

  it("shares a 2-D right operand across groups", () => {
    assertGradients({
      inputs: [{ shape: [groups, m, k] }, { shape: [k, n] }],
      forward: (_e, [a, b]) => bmm(a!, b!),
      reference: ([a, b]) => {
        const out = new Float64Array(groups * m * n);
        for (let g = 0; g < groups; g++) out.set(referenceMatmul(a!.subarray(g * m * k, (g + 1) * m * k), b!, m, k, n), g * m * n);
        return out;
      },
    });
  });
});
