import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "@mtrl/mtenv";
import { composeConfig } from "./compose.js";

function messageOf(argumentsList: string[]): string {
  try {
    composeConfig(argumentsList);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`${argumentsList.join(" ")} should be rejected`);
}

describe("the reference MTRL's spellings name ours", () => {
  test("multi-head policy flag", () => {
    assert.match(messageOf(["agent.multitask.should_use_multi_head_policy=True"]), /reference MTRL's spelling.*agent\.actor\.head=multi-head/);
  });
  test("encoder selection and expert count", () => {
    assert.match(messageOf(["agent.encoder.type_to_select=moe"]), /agent\.encoder\.type=identity\|mlp\|moe/);
    assert.match(messageOf(["agent.encoder.moe.num_experts=4"]), /agent\.encoder\.numExperts/);
  });
  test("agent names and our own moved keys", () => {
    assert.match(messageOf(["agent=state_sac"]), /agent=mtsac/);
    assert.match(messageOf(["agent=pcgrad_state_sac"]), /agent=pcgrad/);
    assert.match(messageOf(["agent.distral_alpha=0.5"]), /agent\.distillation\.alpha/);
    assert.match(messageOf(["agent.actor.hiddenSizes=[64]"]), /agent\.actor\.trunk\.hiddenSizes/);
  });
});

describe("free composition of components by keys", () => {
  test("agent=mtsac agent.encoder.type=moe agent.encoder.numExperts=4 agent.actor.head=multi-head", () => {
    const { config } = composeConfig(["agent=mtsac", "agent.encoder.type=moe", "agent.encoder.numExperts=4", "agent.actor.head=multi-head"]);
    assert.deepEqual(config.agent.encoder, { type: "moe", numExperts: 4, routing: "attention", topK: 2, clusters: null, scoreHiddenSizes: [50, 50], hiddenSizes: [50], featureSize: 50 });
    assert.equal(config.agent.actor.head, "multi-head");
    assert.equal(config.agent.critic.head, "single");
  });
  test("switching a recipe's component drops the old variant's options, in any order of the keys", () => {
    assert.deepEqual(composeConfig(["agent=moe", "agent.encoder.type=identity"]).config.agent.encoder, { type: "identity" });
    const { config } = composeConfig(["agent=care", "agent.encoder.numExperts=6", "agent.encoder.type=moe"]);
    assert.equal((config.agent.encoder as { numExperts: number }).numExperts, 6);
    // Same-named options of another variant are not carried over: the new variant's defaults apply.
    const switched = composeConfig(["agent=care", "agent.taskEncoder.type=learned"]).config.agent.taskEncoder;
    assert.deepEqual(switched, { type: "learned", embeddingSize: 50, hiddenSizes: [50, 50], outputSize: 50, lr: 3e-4, betas: [0.9, 0.999] });
    assert.equal(composeConfig(["agent=mtsac", "agent.alpha.type=shared"]).config.agent.alpha.initTemperature, 1);
  });
  test("gradient surgery combines with a recipe's encoders: agent=care agent.gradient.type=pcgrad", () => {
    const { config } = composeConfig(["agent=care", "agent.gradient.type=pcgrad"]);
    assert.deepEqual(config.agent.gradient, { type: "pcgrad", combine: "mean" });
    assert.equal(config.agent.encoder.type, "moe");
    assert.equal(config.agent.taskEncoder.type, "metadata");
    assert.throws(() => composeConfig(["agent=pcgrad", "agent.gradient.combine=median"]), (error) => error instanceof ConfigError && /agent\.gradient\.combine/.test(error.message));
  });
  test("every recipe composes", () => {
    for (const agent of ["mtsac", "mtmhsac", "mtsac-task-encoder", "film", "moe", "care", "soft-modularization", "pcgrad", "gradnorm", "distral"]) {
      assert.equal(composeConfig([`agent=${agent}`]).config.agent.type, "mtsac");
    }
  });
});
