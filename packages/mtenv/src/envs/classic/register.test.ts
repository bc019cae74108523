import { test } from "node:test";
import assert from "node:assert/strict";
import { checkEnv, formatCheckReport } from "../../checker/check-env.js";
import { ConfigError } from "../../core/errors.js";
import { make, registry } from "../../registry/registry.js";
import { TimeLimit } from "../../wrappers/time-limit.js";
import "./register.js";

/** Every id this module registers, with its time limit. */
const CLASSIC_TIME_LIMITS: Record<string, number> = {
  "MT-CartPole-v0": 500,
  "MT-Acrobot-v0": 500,
  "MT-Acrobat-v0": 500,
  "MT-Pendulum-v0": 200,
  "MT-TabularMDP-v0": 100,
  "MT-Bandit-v0": 10,
  "MT-FiniteBandit-v0": 10,
  "MT-TwoGoalMaze-v0": 200,
};

test("every classic id is registered, with its time limit and a one-line description", () => {
  for (const [id, limit] of Object.entries(CLASSIC_TIME_LIMITS)) {
    const spec = registry.spec(id);
    assert.equal(spec.maxEpisodeSteps, limit, id);
    assert.ok(spec.description.length > 0 && !spec.description.includes("\n"), id);
    const env = make(id);
    assert.ok(env instanceof TimeLimit && env.maxEpisodeSteps === limit, id);
    env.close();
  }
  assert.equal(registry.spec("MT-Acrobat-v0").aliasOf, "MT-Acrobot-v0");
});

for (const id of Object.keys(CLASSIC_TIME_LIMITS)) {
  test(`${id} passes checkEnv with default and valid kwargs, and rejects its invalid kwargs`, () => {
    const spec = registry.spec(id);
    for (const kwargs of [{}, ...spec.testKwargs.valid]) {
      const report = checkEnv(() => make(id, kwargs));
      assert.ok(report.passed, `${id} ${JSON.stringify(kwargs)}\n${formatCheckReport(report)}`);
    }
    assert.ok(spec.testKwargs.invalid.length > 0, "each id lists invalid kwargs");
    for (const kwargs of spec.testKwargs.invalid) {
      assert.throws(() => make(id, kwargs), ConfigError, `${id} should reject ${JSON.stringify(kwargs)}`);
    }
  });
}
