import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { Box, ConfigError, Discrete, EnvRegistry, type RegisteredEnv } from "@mtrl/mtenv";
import { checkEnvironment } from "./check-environment.js";
import { composeConfig } from "./compose.js";

/** A registry with one continuous and one discrete fake env; only the action space matters here. */
function fakeRegistry(closed: string[]): EnvRegistry {
  const registry = new EnvRegistry();
  const fake = (id: string, actionSpace: Box | Discrete) => ({
    id,
    description: "fake",
    kwargsSchema: z.strictObject({ tasks: z.number().int().positive().optional() }),
    entryPoint: () => ({ actionSpace, close: () => closed.push(id) }) as unknown as RegisteredEnv,
    testKwargs: { valid: [], invalid: [] },
  });
  registry.register(fake("MT-Pendulum-v0", new Box(-2, 2, { shape: [1] })));
  registry.register(fake("MT-CartPole-v0", new Discrete(2)));
  return registry;
}

function configWith(...overrides: string[]) {
  return composeConfig(overrides).config;
}

describe("checking the env section against the registry", () => {
  test("a registered continuous env with valid kwargs passes, and the probe env is closed", () => {
    const closed: string[] = [];
    checkEnvironment(configWith(), fakeRegistry(closed));
    assert.deepEqual(closed, ["MT-Pendulum-v0"]);
  });

  test("an unknown id is a ConfigError at env.id with a suggestion", () => {
    assert.throws(
      () => checkEnvironment(configWith("env.id=MT-Pendulm-v0"), fakeRegistry([])),
      (error: unknown) => error instanceof ConfigError && /^env\.id: No environment registered with id "MT-Pendulm-v0"\. Did you mean: MT-Pendulum-v0/.test(error.message),
    );
  });

  test("kwargs the environment does not accept are a ConfigError at env.kwargs", () => {
    assert.throws(() => checkEnvironment(configWith("env.kwargs.taks=3"), fakeRegistry([])), /^ConfigError: env\.kwargs: .*\n.*kwargs\.taks: unknown keyword\. Did you mean: tasks\?/);
  });

  test("MT-SAC refuses a discrete action space and says what to pick", () => {
    const closed: string[] = [];
    assert.throws(
      () => checkEnvironment(configWith("env.id=MT-CartPole-v0"), fakeRegistry(closed)),
      /agent "mtsac" needs a continuous \(Box\) action space, but MT-CartPole-v0 has Discrete actions/,
    );
    assert.deepEqual(closed, ["MT-CartPole-v0"]);
  });
});
