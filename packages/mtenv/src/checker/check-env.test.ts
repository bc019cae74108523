import { test } from "node:test";
import assert from "node:assert/strict";
import { MTEnvBase } from "../core/mt-env.js";
import type { Info } from "../core/types.js";
import type { Rng } from "../core/rng.js";
import { Box } from "../spaces/box.js";
import { Discrete } from "../spaces/discrete.js";
import { CHECK_NAMES, checkEnv, formatCheckReport } from "./check-env.js";

/** A 1-D walk whose drift is the task; terminates at |x| ≥ 5. Flaws are switched on per test. */
class DriftWalk extends MTEnvBase<Float32Array, Float32Array, number, number> {
  private x = 0;
  private drift = 0;
  private recordedTask = 0;
  constructor(private readonly flaw: "none" | "nan" | "unseeded-noise" | "stale-task" | "out-of-space" | "typed-task-state" | "negative-zero-task" = "none") {
    super(new Discrete(2), new Box(-10, 10, { shape: [1] }), new Box(-1, 1, { shape: [1] }));
  }
  getTaskObs(): Float32Array {
    return Float32Array.of(this.drift);
  }
  getTaskState(): number {
    // The flaw: the task kept in a Float32Array, which JSON turns into {"0": drift}.
    if (this.flaw === "typed-task-state") return Float32Array.of(this.recordedTask) as unknown as number;
    return this.recordedTask;
  }
  setTaskState(state: number): void {
    // Indexing also reads {"0": drift}, so only the JSON check notices the typed array.
    const value = typeof state === "number" ? state : (state as ArrayLike<number>)[0]!;
    this.recordedTask = value;
    if (this.flaw !== "stale-task") this.drift = value;
  }
  sampleTaskState(): number {
    // The flaw: −0 is a task of its own here (it shows in taskObs), and JSON writes it as 0.
    if (this.flaw === "negative-zero-task") return -0;
    const drawn = this.taskRng.uniform(-1, 1);
    // A Float32Array keeps float32 values only: draw those, so that only JSON loses the task.
    const state = this.flaw === "typed-task-state" ? Math.fround(drawn) : drawn;
    // The flaw: dynamics follow the last *sampled* task, not the one that was set.
    if (this.flaw === "stale-task") this.drift = state;
    return state;
  }
  protected resetEnv(rng: Rng): [Float32Array, Info] {
    this.x = rng.uniform(-0.5, 0.5);
    return [Float32Array.of(this.x), {}];
  }
  protected stepEnv(action: number): [Float32Array, number, boolean, boolean, Info] {
    this.x += (action === 1 ? 0.5 : -0.5) + this.drift;
    if (this.flaw === "unseeded-noise") this.x += (globalNoise = (globalNoise * 9301 + 49297) % 233280) / 233280 - 0.5;
    const terminated = Math.abs(this.x) >= 5;
    const reward = this.flaw === "nan" && terminated ? Number.NaN : -Math.abs(this.x);
    const observed = this.flaw === "out-of-space" ? this.x * 10 : this.x;
    return [Float32Array.of(observed), reward, terminated, false, {}];
  }
}
let globalNoise = 1;

function failedChecks(flaw: ConstructorParameters<typeof DriftWalk>[0]): string[] {
  const report = checkEnv(() => new DriftWalk(flaw));
  return report.results.filter((r) => !r.passed).map((r) => r.name);
}

test("a correct environment passes every named check", () => {
  const report = checkEnv(() => new DriftWalk());
  assert.equal(report.passed, true, formatCheckReport(report));
  assert.deepEqual(report.results.map((r) => r.name), [...CHECK_NAMES]);
});

test("NaN rewards fail the finite-values check", () => {
  assert.ok(failedChecks("nan").includes("finite values"));
});

test("randomness outside the seeded streams fails the determinism check", () => {
  assert.ok(failedChecks("unseeded-noise").includes("determinism"));
});

test("an env whose dynamics ignore setTaskState fails the task-state round trip", () => {
  assert.ok(failedChecks("stale-task").includes("task state round trip"));
});

test("a typed-array task state fails the JSON check, which names the path and the fix, and only that check", () => {
  const report = checkEnv(() => new DriftWalk("typed-task-state"));
  assert.deepEqual(report.results.filter((r) => !r.passed).map((r) => r.name), ["task state survives JSON"]);
  const result = report.results.find((r) => r.name === "task state survives JSON");
  assert.match(result?.message ?? "", /getTaskState\(\) is a Float32Array\(1\)/);
  assert.match(result?.message ?? "", /must be plain JSON data/);
});

test("a task state that JSON changes (−0 becomes 0) fails the JSON check on the task observation", () => {
  const result = checkEnv(() => new DriftWalk("negative-zero-task")).results.find((r) => r.name === "task state survives JSON");
  assert.equal(result?.passed, false);
  assert.match(result?.message ?? "", /another task observation/);
});

test("observations outside the declared space fail the space check with the reason", () => {
  const report = checkEnv(() => new DriftWalk("out-of-space"));
  const result = report.results.find((r) => r.name === "observations in space");
  assert.equal(result?.passed, false);
  assert.match(result?.message ?? "", /outside \[-10, 10\]/);
});

test("the report table lists PASS/FAIL per check", () => {
  const text = formatCheckReport(checkEnv(() => new DriftWalk("nan")));
  assert.match(text, /FAIL {2}finite values/);
  assert.match(text, /PASS {2}spaces/);
});
