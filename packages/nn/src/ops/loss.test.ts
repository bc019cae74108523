import { describe, it } from "node:test";
import { assertGradients } from "../testing/gradcheck.js";
import { mseLoss } from "./loss.js";

describe("mseLoss", () => {
  it("gradients of prediction and target match finite differences", () => {
    assertGradients({
      inputs: [{ shape: [6, 1] }, { shape: [6, 1] }],
      forward: (_e, [p, t]) => mseLoss(p!, t!),
      reference: ([p, t]) => Float64Array.of(p!.reduce((acc, v, i) => acc + (v - t![i]!) ** 2, 0) / p!.length),
    });
  });
});
