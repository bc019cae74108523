import { test } from "node:test";
import assert from "node:assert/strict";
import { JsKernels } from "@mtrl/nn";
import { composeConfig } from "../config/compose.js";
import type { MTSACConfig } from "../config/schema.js";
import { pixelBatch, pixelDimensions as dimensions } from "../testing/pixel-batch.js";
import { MTSACAgent } from "./mtsac-agent.js";

/** agent=deepmdp or hipbmdp with encoder, decoder, models and networks shrunk to a unit-test size. */
function latentModelConfig(recipe: "deepmdp" | "hipbmdp", transition: "deterministic" | "probabilistic" = "deterministic", extra: readonly string[] = []): MTSACConfig {
  const { config } = composeConfig([
    `agent=${recipe}`,
    "agent.encoder.numLayers=2",
    "agent.encoder.numFilters=4",
    "agent.encoder.featureSize=6",
    "agent.actor.trunk.hiddenSizes=[16]",
    "agent.critic.trunk.hiddenSizes=[16]",
    "agent.auxiliary.numLayers=2",
    "agent.auxiliary.numFilters=4",
    `agent.auxiliary.transition.type=${transition}`,
    "agent.auxiliary.transition.layerWidth=8",
    "agent.auxiliary.rewardWidth=8",
    ...(recipe === "hipbmdp" ? ["agent.auxiliary.thetaEmbeddingSize=4", "agent.auxiliary.thetaSize=3"] : []),
    ...extra,
  ]);
  return config.agent;
}

const weightsOf = (agent: MTSACAgent, prefix: string): number[] =>
  [...agent.getState().tensors].filter(([name]) => name.startsWith(prefix)).flatMap(([, array]) => Array.from(array.data as Float32Array));

for (const [recipe, transition] of [["deepmdp", "deterministic"], ["deepmdp", "probabilistic"], ["hipbmdp", "deterministic"], ["hipbmdp", "probabilistic"]] as const) {
  test(`${recipe} (${transition} transitions): every update trains transition model, reward decoder, decoder and encoder, reproducibly, and resumes exactly`, () => {
    const config = latentModelConfig(recipe, transition);
    const batch = pixelBatch(8);
    const agent = new MTSACAgent(config, dimensions, new JsKernels(), 5);
    const before = { transition: weightsOf(agent, "auxiliary.transition."), reward: weightsOf(agent, "auxiliary.reward."), decoder: weightsOf(agent, "auxiliary.decoder."), theta: weightsOf(agent, "auxiliary.theta.") };
    const metrics = agent.update(batch, 0);
    const keys = ["train/transition_loss", "train/reward_loss", "train/ae_loss", ...(recipe === "hipbmdp" ? ["train/contrastive_loss"] : [])];
    for (const key of keys) assert.ok(Number.isFinite(metrics[key]), `${key} = ${metrics[key]}`);
    if (recipe === "deepmdp") assert.equal(metrics["train/contrastive_loss"], undefined);
    assert.notDeepEqual(weightsOf(agent, "auxiliary.transition."), before.transition, "the transition model moved");
    assert.notDeepEqual(weightsOf(agent, "auxiliary.reward."), before.reward, "the reward decoder moved");
    assert.notDeepEqual(weightsOf(agent, "auxiliary.decoder."), before.decoder, "the decoder moved");
    if (recipe === "hipbmdp") assert.notDeepEqual(weightsOf(agent, "auxiliary.theta."), before.theta, "θ moved");
    else assert.equal(before.theta.length, 0, "DeepMDP has no θ");
    const state = agent.getState();
    for (const group of ["transitionModel", "rewardDecoder", "decoder", "latentModelEncoder", ...(recipe === "hipbmdp" ? ["theta"] : [])]) {
      assert.ok(state.tensors.has(`optimizer.${group}.firstMoment`), `the ${group} optimizer is saved`);
    }
    const twin = new MTSACAgent(config, dimensions, new JsKernels(), 5);
    assert.deepEqual(twin.update(batch, 0), metrics, "the same seed gives the same update");
    const resumed = new MTSACAgent(config, dimensions, new JsKernels(), 9);
    resumed.setState(state);
    for (let update = 1; update < 3; update++) assert.deepEqual(resumed.update(batch, update), agent.update(batch, update));
  });
}

test("the decoder step follows agent.auxiliary.updateEvery; the transition and reward step runs every update", () => {
  const agent = new MTSACAgent(latentModelConfig("deepmdp", "deterministic", ["agent.auxiliary.updateEvery=2"]), dimensions, new JsKernels(), 5);
  const batch = pixelBatch(8);
  const first = agent.update(batch, 0);
  const second = agent.update(batch, 1);
  assert.ok(Number.isFinite(first["train/ae_loss"]) && Number.isFinite(first["train/transition_loss"]));
  assert.equal(second["train/ae_loss"], undefined, "no decoder step on update 1");
  assert.ok(Number.isFinite(second["train/transition_loss"]) && Number.isFinite(second["train/reward_loss"]));
});

test("agent=hipbmdp's policy does not read the task: the same pixels give the same actions for every task", () => {
  const agent = new MTSACAgent(latentModelConfig("hipbmdp"), dimensions, new JsKernels(), 5);
  const batch = pixelBatch(2);
  const observations = Float32Array.from([...batch.observations.subarray(0, dimensions.observationSize), ...batch.observations.subarray(0, dimensions.observationSize)]);
  const actions = new Float32Array(2);
  agent.act(observations, Int32Array.of(0, 1), true, actions);
  assert.equal(actions[0], actions[1]);
});
