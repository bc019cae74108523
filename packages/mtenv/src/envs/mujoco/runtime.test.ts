import { test } from "node:test";
import assert from "node:assert/strict";
import { MujocoError } from "../../core/errors.js";
import { make } from "../../registry/registry.js";
import "./register.js";
import { currentHeapBytes, heapGeneration, initMujoco, isMujocoReady, liveModelCount } from "./runtime.js";
import { MujocoSimulation } from "./simulation.js";
import { walkerXml } from "./models/walker.js";

// node:test runs each file in its own process, so this first test really sees an unloaded engine.
test("making a MuJoCo env before initMujoco() throws a MujocoError that says to await it", () => {
  assert.equal(isMujocoReady(), false);
  assert.throws(() => make("MT-DMC-Cartpole-Swingup-v0"), (error: unknown) => error instanceof MujocoError && /await initMujoco\(\)/.test(error.message));
});

test("initMujoco loads once and reports MuJoCo's version; later calls return at once", async () => {
  const first = await initMujoco();
  assert.match(first.version, /^\d+\.\d+\.\d+$/);
  const again = await initMujoco();
  assert.equal(again.loadMilliseconds, 0);
  assert.equal(isMujocoReady(), true);
});

const PENDULUM = `<mujoco><size memory="64K"/><worldbody><body name="arm" pos="0 0 1"><joint name="swing" type="hinge" axis="0 1 0"/><geom name="bob" type="sphere" pos="0 0 -0.5" size="0.05"/></body></worldbody></mujoco>`;

test("bad XML throws a MujocoError carrying MuJoCo's own message (attribute and line)", () => {
  const broken = PENDULUM.replace('<geom name="bob"', '<geom nonsense="1" name="bob"');
  assert.throws(
    () => MujocoSimulation.fromXml(broken, "broken pendulum"),
    (error: unknown) =>
      error instanceof MujocoError && /broken pendulum/.test(error.message) && /nonsense/.test(error.message) && /line 1/.test(error.message),
  );
});

test("an unknown name throws a MujocoError listing the known names", () => {
  const simulation = MujocoSimulation.fromXml(PENDULUM, "pendulum");
  assert.equal(simulation.id("joint", "swing"), 0);
  assert.throws(() => simulation.id("joint", "swign"), (error: unknown) => error instanceof MujocoError && /Did you mean: swing/.test(error.message));
  assert.throws(() => simulation.sitePosition("tip"), /no site named "tip"/);
  simulation.close();
});

test("a closed simulation refuses further use, and close() is idempotent", () => {
  const simulation = MujocoSimulation.fromXml(PENDULUM, "pendulum");
  simulation.close();
  simulation.close();
  assert.equal(simulation.isClosed, true);
  assert.throws(() => simulation.step(), (error: unknown) => error instanceof MujocoError && /closed/.test(error.message));
});

/** Sixty distinct walker models (each friction compiles its own model). */
const walkerVariant = (i: number): string => walkerXml({ friction: 0.5 + i / 100, leftFootHalfLength: 0.1 });

test("60 distinct walker models fit in one WASM instance; views stay correct while the heap grows", () => {
  const modelsBefore = liveModelCount();
  const first = MujocoSimulation.fromXml(walkerVariant(0), "walker 0");
  first.qpos[1] = 0.25;
  const viewBefore = first.qpos;
  const heapBefore = currentHeapBytes();
  const generationBefore = heapGeneration();
  const simulations = [first];
  for (let i = 1; i < 60; i++) simulations.push(MujocoSimulation.fromXml(walkerVariant(i), `walker ${i}`));
  assert.equal(liveModelCount(), modelsBefore + 60);
  for (const simulation of simulations) simulation.step(5);
  assert.ok(currentHeapBytes() > heapBefore, "60 × 1 MiB of MjData must grow the heap");
  assert.ok(heapGeneration() > generationBefore, "the growth was noticed");
  // The cached view was re-fetched: it now spans the grown heap, unlike the one taken before.
  assert.equal(first.qpos.buffer.byteLength, currentHeapBytes());
  assert.notEqual(first.qpos, viewBefore);
  // A view fetched after all the allocations sees the value written through the early one.
  assert.equal(first.qpos.length, first.nq);
  assert.ok(Math.abs(first.qpos[1]! - 0.25) < 0.01);
  for (const simulation of simulations) simulation.close();
  assert.equal(liveModelCount(), modelsBefore);
});

test("simulations of the same XML share one compiled model until the last one closes", () => {
  const modelsBefore = liveModelCount();
  const a = MujocoSimulation.fromXml(PENDULUM, "a");
  const b = MujocoSimulation.fromXml(PENDULUM, "b");
  assert.equal(liveModelCount(), modelsBefore + 1);
  a.qpos[0] = 1;
  assert.equal(b.qpos[0], 0, "each simulation has its own state");
  a.close();
  b.step();
  assert.equal(liveModelCount(), modelsBefore + 1);
  b.close();
  assert.equal(liveModelCount(), modelsBefore);
});

test("closing frees the WASM memory: building and closing 100 models does not grow the heap", () => {
  // Warm up so the allocator has its pool, then the heap must stay flat.
  for (let i = 0; i < 5; i++) MujocoSimulation.fromXml(walkerVariant(i), "warm-up").close();
  const heapBefore = currentHeapBytes();
  for (let i = 0; i < 100; i++) MujocoSimulation.fromXml(walkerVariant(i % 7), "churn").close();
  assert.equal(currentHeapBytes(), heapBefore);
});
