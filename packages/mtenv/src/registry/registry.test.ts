import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { ConfigError, DuplicateEnvError, UnregisteredEnvError } from "../core/errors.js";
import { MTEnvBase } from "../core/mt-env.js";
import type { Info } from "../core/types.js";
import { Box } from "../spaces/box.js";
import { Discrete } from "../spaces/discrete.js";
import { TimeLimit } from "../wrappers/time-limit.js";
import { EnvRegistry } from "./registry.js";

class Counter extends MTEnvBase<Float32Array, number, number, number> {
  constructor(readonly size: number) {
    super(new Discrete(2), new Box(0, Infinity, { shape: [1] }), new Discrete(size));
  }
  private count = 0;
  private task = 0;
  getTaskObs(): number { return this.task; }
  getTaskState(): number { return this.task; }
  setTaskState(state: number): void { this.task = state; }
  sampleTaskState(): number { return this.taskRng.integers(0, this.size); }
  protected resetEnv(): [Float32Array, Info] { this.count = 0; return [Float32Array.of(0), {}]; }
  protected stepEnv(): [Float32Array, number, boolean, boolean, Info] { this.count += 1; return [Float32Array.of(this.count), 1, false, false, {}]; }
}

function makeRegistry(): EnvRegistry {
  const registry = new EnvRegistry();
  registry.register({
    id: "Counter-v0",
    description: "counts steps",
    kwargsSchema: z.strictObject({ size: z.number().int().positive().default(3), nested: z.strictObject({ depth: z.number().min(0) }).optional() }),
    entryPoint: ({ size }) => new Counter(size),
    maxEpisodeSteps: 4,
    testKwargs: { valid: [{ size: 2 }], invalid: [{ size: 0 }] },
  });
  return registry;
}

test("make validates kwargs, fills defaults and applies the time limit", () => {
  const registry = makeRegistry();
  const env = registry.make("Counter-v0");
  assert.ok(env instanceof TimeLimit);
  assert.equal(((env as TimeLimit<unknown, unknown, unknown, unknown>).unwrapped as Counter).size, 3);
  env.reset({ seed: 0 });
  const flags = Array.from({ length: 4 }, () => env.step(0)[3]);
  assert.deepEqual(flags, [false, false, false, true]);
  assert.ok(!(registry.make("Counter-v0", {}, { maxEpisodeSteps: null }) instanceof TimeLimit));
});

test("unknown ids suggest the closest registered id", () => {
  const registry = makeRegistry();
  assert.throws(() => registry.make("Countr-v0"), (e: unknown) => e instanceof UnregisteredEnvError && /Did you mean: Counter-v0\?/.test(e.message));
});

test("registering an id twice throws", () => {
  const registry = makeRegistry();
  assert.throws(() => registry.register({ ...registry.spec("Counter-v0") }), DuplicateEnvError);
});

test("ids need a version suffix", () => {
  assert.throws(() => new EnvRegistry().register({ ...makeRegistry().spec("Counter-v0"), id: "Counter" }), ConfigError);
});

test("bad kwargs name the path, the bad value, and suggest the right key", () => {
  const registry = makeRegistry();
  assert.throws(() => registry.make("Counter-v0", { size: 0 }), (e: unknown) => e instanceof ConfigError && /kwargs\.size: .*\(got 0\)/.test(e.message));
  assert.throws(() => registry.make("Counter-v0", { sise: 2 }), (e: unknown) => e instanceof ConfigError && /kwargs\.sise: unknown keyword\. Did you mean: size\?/.test(e.message));
  assert.throws(() => registry.make("Counter-v0", { nested: { depth: -1 } }), (e: unknown) => e instanceof ConfigError && /kwargs\.nested\.depth: .*\(got -1\)/.test(e.message));
});

test("aliases build the same environment and are listed as aliases", () => {
  const registry = makeRegistry();
  registry.registerAlias("Countr-v0", "Counter-v0");
  assert.equal(registry.spec("Countr-v0").aliasOf, "Counter-v0");
  assert.ok((registry.make("Countr-v0") as TimeLimit<unknown, unknown, unknown, unknown>).unwrapped instanceof Counter);
  assert.deepEqual(registry.list().map((s) => s.id), ["Counter-v0", "Countr-v0"]);
});
