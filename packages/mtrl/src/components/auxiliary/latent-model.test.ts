import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "@mtrl/core";
import { Engine, JsKernels, ParameterStore } from "@mtrl/nn";
import { z } from "zod";
import { components } from "../builtin-components.js";
import { composeConfig } from "../../config/compose.js";
import { configErrorOf } from "../../testing/config-error.js";
import { buildComponent, finiteDifferenceError, testTasks } from "../testing/component-harness.js";
import { LatentModelLoss, latentModelFields } from "./latent-model.js";
import { RewardDecoder, rewardLoss } from "./reward-decoder.js";
import { TaskTheta, contrastiveLoss, reversedRows } from "./task-theta.js";
import { TransitionModel, transitionConfigSchema, transitionLoss } from "./transition-model.js";

const features = 3;
/** Every option of the latent model at its default. */
const latentModelDefaults = z.strictObject(latentModelFields).parse({});
const actions = 2;
const rows = 4;

function engineAndStore(name: string): { engine: Engine; params: ParameterStore } {
  const engine = new Engine(new JsKernels(), { blockFloats: 1 << 16 });
  return { engine, params: new ParameterStore(engine, name) };
}

function assertGradients(result: { worst: number; checked: number; worstAt: string }, minimumChecked: number): void {
  assert.ok(result.checked >= minimumChecked && result.worst < 0.02, `worst relative gradient error ${result.worst.toFixed(4)} over ${result.checked} entries, at ${result.worstAt}`);
}

for (const type of ["deterministic", "probabilistic"] as const) {
  test(`the ${type} transition loss has the gradients of finite differences in the model and in h, a and h′`, () => {
    const { engine, params } = engineAndStore("transition");
    // σ in [0.5, 2] keeps log σ and 1/σ² well inside the float32 finite differences' reach.
    const config = transitionConfigSchema.parse(type === "deterministic" ? { type, layerWidth: 5 } : { type, layerWidth: 5, minSigma: 0.5, maxSigma: 2 });
    const model = new TransitionModel(params, config, features + actions, features, Rng.fromSeed(2, "transition"));
    const result = finiteDifferenceError(engine, params.tensors, [[rows, features], [rows, actions], [rows, features]], ([latent, action, next]) => transitionLoss(model.forward([latent!, action!]), next!), { samples: 6 });
    assert.deepEqual(result.outShape, []);
    assertGradients(result, type === "deterministic" ? 30 : 40);
  });
}

test("the probabilistic transition loss is ½((μ − h′)/σ)² + log σ averaged, with σ squashed into [minSigma, maxSigma]", () => {
  const { engine, params } = engineAndStore("transition");
  const model = new TransitionModel(params, transitionConfigSchema.parse({ type: "probabilistic", layerWidth: 4, minSigma: 0.1, maxSigma: 3 }), features + actions, features, Rng.fromSeed(5));
  engine.beginStep();
  const latent = engine.input([rows, features], Rng.fromSeed(1).fillUniform(new Float32Array(rows * features), -1, 1));
  const action = engine.input([rows, actions], Rng.fromSeed(2).fillUniform(new Float32Array(rows * actions), -1, 1));
  const next = engine.input([rows, features], Rng.fromSeed(3).fillUniform(new Float32Array(rows * features), -1, 1));
  const prediction = model.forward([latent, action]);
  let expected = 0;
  for (let i = 0; i < rows * features; i++) {
    const sigma = prediction.sigma!.data[i]!;
    assert.ok(sigma > 0.1 && sigma < 3, `σ ${sigma} inside (0.1, 3)`);
    expected += 0.5 * ((prediction.mean.data[i]! - next.data[i]!) / sigma) ** 2 + Math.log(sigma);
  }
  assert.ok(Math.abs(transitionLoss(prediction, next).item() - expected / (rows * features)) < 1e-5);
});

test("the reward loss of R([draw of the probabilistic next latent ‖ θ]) has the gradients of finite differences (the draw's noise fixed)", () => {
  const { engine, params } = engineAndStore("latent");
  const reward = new RewardDecoder(params.child("reward"), features + 2, 6, Rng.fromSeed(3));
  const withTheta = new TransitionModel(params.child("transitionWithTheta"), transitionConfigSchema.parse({ type: "probabilistic", layerWidth: 5, minSigma: 0.5, maxSigma: 2 }), features + 2 + actions, features, Rng.fromSeed(2));
  const result = finiteDifferenceError(
    engine,
    [...params.child("transitionWithTheta").tensors, ...params.child("reward").tensors],
    [[rows, features], [rows, 2], [rows, actions], [rows, 1]],
    ([latent, theta, action, rewards]) => {
      // The same noise at every evaluation: a fresh stream of one seed.
      const sampled = withTheta.sample(withTheta.forward([latent!, theta!, action!]), Rng.fromSeed(7, "noise"));
      return rewardLoss(reward.forward([sampled, theta!]), rewards!);
    },
    { samples: 6 },
  );
  assertGradients(result, 50);
});

test("DeepMDP's next-image loss (decoder of a draw of T(h, a), plus λ·½‖h‖²) has the gradients of finite differences in encoder, transition model, decoder and inputs", () => {
  const shape = [6, 11, 11] as const;
  const inputSize = 6 * 11 * 11;
  const built = buildComponent("encoder", { type: "pixel", numLayers: 2, numFilters: 3, featureSize: 4 }, { inputSize, taskEncodingSize: 0, rows: 2, observationShape: shape });
  const auxiliaryParams = new ParameterStore(built.engine, "auxiliary");
  const config = { ...latentModelDefaults, transition: transitionConfigSchema.parse({ type: "probabilistic", layerWidth: 5, minSigma: 0.5, maxSigma: 2 }), numLayers: 2, numFilters: 3, latentPenalty: 0.3 };
  const loss = new LatentModelLoss("deepmdp", config, null, {
    engine: built.engine, params: auxiliaryParams, rng: Rng.fromSeed(6, "auxiliary"), numTasks: 3, tasks: testTasks, inputSize, taskEncodingSize: 0, outputSize: 0,
    logStdBounds: { logStdMin: -10, logStdMax: 2 }, observationShape: shape, sharedEncoder: { encoder: built.component, params: built.params }, actionSize: actions,
  });
  const context = built.context(built.engine.empty([3, 0]));
  const trained = [...built.params.tensors, ...auxiliaryParams.child("transition").tensors, ...auxiliaryParams.child("decoder").tensors];
  const result = finiteDifferenceError(built.engine, trained, [[2, inputSize], [2, actions], [2, inputSize]], ([observations, action, target]) => loss.nextImageLoss(built.component.encode(observations!, context), action!, null, target!, Rng.fromSeed(8, "noise")), { samples: 6 });
  assert.deepEqual(result.outShape, []);
  assertGradients(result, 60);
});

test("the contrastive loss (‖Θ − Θ̃‖ − d)² has the gradients of finite differences in θ's embeddings and layers", () => {
  const { engine, params } = engineAndStore("theta");
  const theta = new TaskTheta(params, 3, 4, 3, Rng.fromSeed(4, "theta"));
  const tasks = Int32Array.of(0, 1, 2, 2, 0);
  const result = finiteDifferenceError(engine, params.tensors, [], () => contrastiveLoss(theta.ofRows(tasks), reversedRows(tasks.length), 0.7), { samples: 8 });
  assert.deepEqual(result.outShape, []);
  assertGradients(result, 30);
});

test("the contrastive loss is (‖Θ − Θ̃‖ − d)² of the batch reversed, and the constant d² when every row meets its own task", () => {
  const { engine, params } = engineAndStore("theta");
  const theta = new TaskTheta(params, 2, 3, 2, Rng.fromSeed(1));
  engine.beginStep();
  const tasks = Int32Array.of(0, 1, 1);
  const rowsOfTheta = theta.ofRows(tasks);
  const all = theta.ofAllTasks().data;
  // Rows (0, 1, 1) reversed are (1, 1, 0): rows 0 and 2 differ, row 1 meets itself.
  let squared = 0;
  for (let j = 0; j < 2; j++) squared += 2 * (all[j]! - all[2 + j]!) ** 2;
  assert.ok(Math.abs(contrastiveLoss(rowsOfTheta, reversedRows(3), 0.25).item() - (Math.sqrt(squared) - 0.25) ** 2) < 1e-5);
  engine.beginStep();
  const symmetric = theta.ofRows(Int32Array.of(0, 1, 0));
  assert.ok(Math.abs(contrastiveLoss(symmetric, reversedRows(3), 0.5).item() - 0.25) < 1e-7);
});

test("bad transition and latent-model options are ConfigErrors naming the key", () => {
  const check = (overrides: string[], pattern: RegExp): void => {
    const message = configErrorOf(() => composeConfig(["agent=hipbmdp", ...overrides]));
    assert.match(message, pattern, overrides.join(" "));
  };
  check(["agent.auxiliary.transition.type=probabilistic", "agent.auxiliary.transition.minSigma=2", "agent.auxiliary.transition.maxSigma=1"], /agent\.auxiliary\.transition\.maxSigma.*minSigma < maxSigma/s);
  check(["agent.auxiliary.transition.type=ensemble"], /agent\.auxiliary\.transition\.type.*deterministic.*probabilistic/s);
  check(["agent.auxiliary.contrastiveWeight=-1"], /agent\.auxiliary\.contrastiveWeight/);
  check(["agent.transition.type=probabilistic"], /agent\.auxiliary\.transition\.type=deterministic\|probabilistic/);
  const engine = new Engine(new JsKernels());
  const context = { engine, params: new ParameterStore(engine, "auxiliary"), rng: Rng.fromSeed(1), numTasks: 1, tasks: { names: ["a"], descriptions: [""] }, inputSize: 4, taskEncodingSize: 1, outputSize: 0, logStdBounds: { logStdMin: -10, logStdMax: 2 }, actionSize: 1 };
  assert.match(configErrorOf(() => components.build("auxiliary", { type: "deepmdp" }, context)), /auxiliary.type=deepmdp reconstructs images.*encoder.type=pixel/);
});
