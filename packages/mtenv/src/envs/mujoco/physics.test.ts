import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../core/rng.js";
import { cheetahXml } from "./models/cheetah.js";
import { walkerXml } from "./models/walker.js";
import { initMujoco } from "./runtime.js";
import { MujocoSimulation } from "./simulation.js";

await initMujoco();

test("a passive walker released upright collapses: the torso ends far below standing height", () => {
  const walker = MujocoSimulation.fromXml(walkerXml(), "walker");
  const torso = walker.id("body", "torso");
  assert.ok(Math.abs(walker.xpos[3 * torso + 2]! - 1.3) < 1e-9, "starts standing");
  walker.step(1200); // 3 s with zero controls
  walker.forward();
  assert.ok(walker.xpos[3 * torso + 2]! < 0.7, `torso height ${walker.xpos[3 * torso + 2]} should be < 0.7`);
  walker.close();
});

test("an undamped pendulum conserves its energy (RK4, 4 s) within 1e-6 of its swing", () => {
  const pendulum = MujocoSimulation.fromXml(
    `<mujoco model="pendulum">
      <size memory="64K"/>
      <option timestep="0.001" integrator="RK4"><flag energy="enable" contact="disable"/></option>
      <worldbody><body name="arm" pos="0 0 2">
        <joint name="swing" type="hinge" axis="0 1 0"/>
        <geom type="capsule" fromto="0 0 0 0 0 -1" size="0.02" mass="0.2"/>
        <geom type="sphere" pos="0 0 -1" size="0.05" mass="1"/>
      </body></worldbody>
    </mujoco>`,
    "pendulum",
  );
  pendulum.qpos[0] = 1.2;
  pendulum.forward();
  const total = (): number => pendulum.energy[0]! + pendulum.energy[1]!;
  const initial = total();
  pendulum.qpos[0] = 0;
  pendulum.forward();
  const swing = initial - total(); // potential energy released between 1.2 rad and the bottom
  assert.ok(swing > 1, `swing energy ${swing} J should be substantial`);
  pendulum.qpos[0] = 1.2;
  pendulum.forward();
  let worst = 0;
  for (let i = 0; i < 4000; i++) {
    pendulum.step();
    if (i % 50 === 0) {
      pendulum.forward();
      worst = Math.max(worst, Math.abs(total() - initial));
    }
  }
  assert.ok(worst / swing < 1e-6, `energy drift ${worst} J of a ${swing} J swing`);
  pendulum.close();
});

test("cheetah's forward-velocity sensor agrees with the finite difference of its centre of mass", () => {
  const cheetah = MujocoSimulation.fromXml(cheetahXml(), "cheetah");
  const velocity = cheetah.sensorSlice("torso_subtreelinvel").address;
  const com = cheetah.sensorSlice("torso_subtreecom").address;
  const rng = Rng.fromSeed(7, "cheetah-test");
  cheetah.forward();
  let compared = 0;
  let worst = 0;
  let fastest = 0;
  for (let t = 0; t < 400; t++) {
    for (let i = 0; i < cheetah.nu; i++) cheetah.ctrl[i] = rng.uniform(-1, 1);
    const before = cheetah.sensordata[com]!;
    cheetah.advance();
    const finiteDifference = (cheetah.sensordata[com]! - before) / cheetah.timestep;
    const sensed = cheetah.sensordata[velocity]!;
    worst = Math.max(worst, Math.abs(finiteDifference - sensed));
    fastest = Math.max(fastest, Math.abs(sensed));
    compared += 1;
  }
  assert.equal(compared, 400);
  assert.ok(fastest > 0.3, `the cheetah should move (max speed ${fastest})`);
  assert.ok(worst < 0.02 + 0.02 * fastest, `largest sensor/finite-difference gap ${worst} m/s (max speed ${fastest})`);
  cheetah.close();
});
