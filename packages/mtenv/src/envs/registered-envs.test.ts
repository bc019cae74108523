import { before, test } from "node:test";
import assert from "node:assert/strict";
import { checkEnv, formatCheckReport } from "../checker/check-env.js";
import { ConfigError } from "../core/errors.js";
import { listEnvs, make } from "../registry/registry.js";
import { initMujoco } from "./index.js";

/**
 * The conformance test of the whole registry (the reference's validate_mtenv, extended): every
 * registered id passes checkEnv with its default kwargs and with each of its valid test kwargs,
 * and each of its invalid test kwargs is rejected with a ConfigError. A new id is covered here
 * the moment it is registered.
 */
before(async () => {
  await initMujoco();
});

/** Pixel envs get shorter rollouts: every check still runs, on fewer frames. */
function optionsFor(id: string, kwargs: Record<string, unknown>): { rolloutSteps: number; compareSteps: number } {
  const env = make(id, kwargs);
  const large = env.observationSpace.spaces.envObs.flatSize > 10_000;
  env.close();
  return large ? { rolloutSteps: 24, compareSteps: 8 } : { rolloutSteps: 200, compareSteps: 50 };
}

for (const spec of listEnvs()) {
  for (const kwargs of [{}, ...spec.testKwargs.valid]) {
    test(`${spec.id} ${JSON.stringify(kwargs)} passes checkEnv`, () => {
      const report = checkEnv(() => make(spec.id, kwargs), optionsFor(spec.id, kwargs));
      assert.equal(report.passed, true, formatCheckReport(report));
    });
  }
  test(`${spec.id} rejects each invalid test kwargs with a ConfigError`, () => {
    assert.ok(spec.testKwargs.invalid.length > 0, `${spec.id} declares no invalid test kwargs`);
    for (const kwargs of spec.testKwargs.invalid) {
      assert.throws(() => make(spec.id, kwargs), ConfigError, `make(${spec.id}, ${JSON.stringify(kwargs)}) should throw`);
    }
  });
}
