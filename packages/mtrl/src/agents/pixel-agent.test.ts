import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "@mtrl/mtenv";
import { JsKernels } from "@mtrl/nn";
import { composeConfig } from "../config/compose.js";
import type { MTSACConfig } from "../config/schema.js";
import { pixelBatch, pixelDimensions as dimensions } from "../testing/pixel-batch.js";
import { MTSACAgent } from "./mtsac-agent.js";

/** agent=sac-pixels (or sac-ae) with its encoder, decoder and networks shrunk to a unit-test size. */
function pixelConfig(augmentation: "none" | "random-shift", recipe: "sac-pixels" | "sac-ae" = "sac-pixels"): MTSACConfig {
  const shrink = ["agent.encoder.numLayers=2", "agent.encoder.numFilters=4", "agent.actor.trunk.hiddenSizes=[16]", "agent.critic.trunk.hiddenSizes=[16]", `agent.encoder.augmentation.type=${augmentation}`];
  const { config } = composeConfig([`agent=${recipe}`, ...shrink, ...(recipe === "sac-ae" ? ["agent.auxiliary.numLayers=2", "agent.auxiliary.numFilters=4"] : [])]);
  return config.agent;
}

/** Critic losses of 4 updates. */
function criticLosses(config: MTSACConfig, seed = 5): number[] {
  const agent = new MTSACAgent(config, dimensions, new JsKernels(), seed);
  const batch = pixelBatch(8);
  return Array.from({ length: 4 }, (_, update) => agent.update(batch, update)["train/critic_loss"]!);
}

test("a pixel agent's updates are reproducible per seed, and random shifts change them", () => {
  const plain = criticLosses(pixelConfig("none"));
  assert.deepEqual(criticLosses(pixelConfig("none")), plain);
  const shifted = criticLosses(pixelConfig("random-shift"));
  assert.deepEqual(criticLosses(pixelConfig("random-shift")), shifted, "augmentation draws come from the agent's seeded stream");
  assert.notEqual(shifted[0], plain[0], "the critic's first loss already sees shifted images");
});

test("a pixel agent resumed from its state continues exactly, augmentation draws included", () => {
  const config = pixelConfig("random-shift");
  const batch = pixelBatch(8);
  const reference = new MTSACAgent(config, dimensions, new JsKernels(), 5);
  const resumed = new MTSACAgent(config, dimensions, new JsKernels(), 9);
  for (let update = 0; update < 2; update++) reference.update(batch, update);
  resumed.setState(reference.getState());
  for (let update = 2; update < 4; update++) assert.deepEqual(resumed.update(batch, update), reference.update(batch, update));
});

test("the actor's update leaves the shared pixel encoder alone; the critic's moves it", () => {
  const agent = new MTSACAgent(pixelConfig("none"), dimensions, new JsKernels(), 5);
  const batch = pixelBatch(8);
  const encoderWeights = (): Float32Array => Float32Array.from(agent.critic.params.child("encoder").tensors.flatMap((tensor) => Array.from(tensor.data)));
  const before = encoderWeights();
  agent.updateActor(batch);
  assert.deepEqual(encoderWeights(), before);
  agent.updateCritic(batch);
  assert.notDeepEqual(encoderWeights(), before);
});

test("a pixel agent without the observation's image shape is a ConfigError saying what to do", () => {
  const { observationShape: _, ...flat } = dimensions;
  assert.throws(() => new MTSACAgent(pixelConfig("none"), flat, new JsKernels(), 1), (error: unknown) => error instanceof ConfigError && /needs image observations/.test(error.message));
});

test("SAC-AE: every update also trains encoder and decoder on the reconstruction, and resumes exactly", () => {
  const config = pixelConfig("none", "sac-ae");
  const batch = pixelBatch(8);
  const agent = new MTSACAgent(config, dimensions, new JsKernels(), 5);
  const decoderWeights = (): number[] => Array.from(agent.getState().tensors.get("auxiliary.linear.weight")!.data.subarray(0, 20));
  const before = decoderWeights();
  const metrics = agent.update(batch, 0);
  for (const key of ["train/ae_loss", "train/ae_reconstruction_loss", "train/ae_latent_loss"]) assert.ok(Number.isFinite(metrics[key]), key);
  assert.notDeepEqual(decoderWeights(), before, "the decoder moved");
  const state = agent.getState();
  assert.ok(state.tensors.has("optimizer.decoder.firstMoment") && state.tensors.has("optimizer.autoencoderEncoder.firstMoment"), "both SAC-AE optimizers are saved");
  const resumed = new MTSACAgent(config, dimensions, new JsKernels(), 9);
  resumed.setState(state);
  for (let update = 1; update < 3; update++) assert.deepEqual(resumed.update(batch, update), agent.update(batch, update));
});

test("agent.initScheme=orthogonal starts every layer as the reference's weight_init: delta-orthogonal convs, orthogonal linears, zero biases", () => {
  const config = { ...pixelConfig("none", "sac-ae"), initScheme: "orthogonal" as const };
  const agent = new MTSACAgent(config, dimensions, new JsKernels(), 5);
  const tensors = [...agent.getState().tensors].filter(([name]) => !/moment|\.m$|\.v$/i.test(name)).map(([name, array]) => [name, array.data] as const);
  const named = (suffix: string) => tensors.filter(([name]) => name.endsWith(suffix));
  const convWeights = named("conv0.weight").concat(named("conv1.weight"), tensors.filter(([name]) => /deconv\d+\.weight$/.test(name)));
  assert.ok(convWeights.length >= 4, `conv weights found: ${convWeights.map(([name]) => name).join(", ")}`);
  for (const [name, values] of convWeights) {
    // 3×3 kernels: only the centre tap (index 4 of 9) of each [dim0, dim1] pair is non-zero.
    values.forEach((value, i) => assert.ok(i % 9 === 4 || value === 0, `${name}[${i}] = ${value} off the centre tap`));
  }
  const biases = tensors.filter(([name]) => name.endsWith(".bias") && !name.includes("norm"));
  assert.ok(biases.length > 5 && biases.every(([, values]) => values.every((value) => value === 0)), "biases start at zero");
  const uniform = new MTSACAgent(pixelConfig("none", "sac-ae"), dimensions, new JsKernels(), 5);
  assert.ok([...uniform.getState().tensors].some(([name, array]) => name.endsWith("conv0.weight") && array.data.some((value, i) => i % 9 !== 4 && value !== 0)), "the default keeps torch's uniform init");
});

test("actor.encoderHead=own: the actor maps the critic's detached convolutions with a head of its own, which only the actor's loss moves", () => {
  const config = { ...pixelConfig("none"), actor: { ...pixelConfig("none").actor, encoderHead: "own" as const } };
  const agent = new MTSACAgent(config, dimensions, new JsKernels(), 5);
  const headNames = agent.actor.params.names.filter((name) => name.startsWith("actor.encoderHead."));
  assert.deepEqual(headNames, ["actor.encoderHead.linear.weight", "actor.encoderHead.linear.bias", "actor.encoderHead.norm.weight", "actor.encoderHead.norm.bias"]);
  const snapshot = (prefix: string): number[] => agent.actor.params.tensors.concat(agent.critic.params.tensors).filter((t) => t.name.startsWith(prefix)).flatMap((t) => [...t.data]);
  const batch = pixelBatch(8);
  const head0 = snapshot("actor.encoderHead.");
  const conv0 = snapshot("critic.encoder.conv");
  agent.updateCritic(batch);
  assert.deepEqual(snapshot("actor.encoderHead."), head0, "the critic's step moved the actor's head");
  const conv1 = snapshot("critic.encoder.conv");
  assert.notDeepEqual(conv1, conv0, "the critic's step trains the shared convolutions");
  agent.updateActor(batch);
  assert.notDeepEqual(snapshot("actor.encoderHead."), head0, "the actor's step should train its head");
  assert.deepEqual(snapshot("critic.encoder.conv"), conv1, "the actor's step moved the critic's convolutions");
  // Per seed, and different from the shared-features actor from the first actor step on.
  const losses = (agentConfig: MTSACConfig): number[] => {
    const twin = new MTSACAgent(agentConfig, dimensions, new JsKernels(), 5);
    return Array.from({ length: 2 }, (_, update) => twin.update(batch, update)["train/actor_loss"]!);
  };
  assert.deepEqual(losses(config), losses(config));
  assert.notDeepEqual(losses(config), losses(pixelConfig("none")));
});

test("actor.encoderHead=own needs an encoder that splits: a ConfigError says which and how to fix it", () => {
  const { config } = composeConfig(["agent=mtsac-small", "agent.actor.encoderHead=own"]);
  assert.throws(
    () => new MTSACAgent(config.agent, { observationSize: 3, actionSize: 1, numTasks: 2 }, new JsKernels(), 1),
    (error: unknown) => error instanceof ConfigError && /actor\.encoderHead=own .* encoder\.type=identity has no such split .* Use actor\.encoderHead=shared, or encoder\.type=pixel/.test(error.message),
  );
});
