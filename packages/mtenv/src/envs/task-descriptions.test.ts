import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { InvalidTaskStateError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { findTaskDescriber, findTaskSet } from "../core/task-set.js";
import { listEnvs, make, type RegisteredEnv } from "../registry/registry.js";
import { MTAcrobot, MTBandit, MTCartPole, MTPendulum, TwoGoalMaze, UniformTabularMDP } from "./classic/index.js";
import { METAWORLD_MT1_ID, METAWORLD_MT10_ID, METAWORLD_MT50_ID, MT10_TASK_NAMES, MT50_TASK_NAMES, taskByName } from "./metaworld/index.js";
import { ControlSuiteEnv, MUJOCO_ENV_IDS, initMujoco } from "./index.js";

/**
 * Task descriptions are the task metadata of encoders that read them (CARE): every env must have
 * one, and tasks that differ must read differently, or the encoder cannot tell them apart.
 */
before(async () => {
  await initMujoco();
});

const opened: RegisteredEnv[] = [];
after(() => {
  for (const env of opened) env.close();
});

function open(id: string, kwargs: Record<string, unknown> = {}): RegisteredEnv {
  const env = make(id, kwargs);
  opened.push(env);
  return env;
}

function describerOf(env: unknown, id: string): (taskState: unknown) => string {
  const describe = findTaskDescriber(env);
  assert.ok(describe !== undefined, `${id} has no task describer: implement DescribesTasks (describeTask) on the env`);
  return describe;
}

/** Descriptions that appear more than once, for a readable failure. */
function repeated(descriptions: readonly string[]): string[] {
  return descriptions.filter((description, index) => descriptions.indexOf(description) !== index);
}

for (const spec of listEnvs()) {
  test(`${spec.id} describes its current task in a non-empty sentence`, () => {
    const env = open(spec.id);
    const description = describerOf(env, spec.id)(env.getTaskState());
    assert.ok(description.trim().length > 0, `${spec.id}: empty description`);
  });

  test(`${spec.id}: each task of its finite task set (if any) has its own non-empty description`, () => {
    const env = open(spec.id);
    const taskSet = findTaskSet(env);
    if (taskSet === undefined) return;
    const descriptions = taskSet.map((taskState) => describerOf(env, spec.id)(taskState));
    for (const description of descriptions) assert.ok(description.trim().length > 0, `${spec.id}: empty description`);
    if (spec.id === METAWORLD_MT1_ID) {
      // MT1's task states are the configurations of one task: they share the task's sentence by
      // design (a configuration only moves objects and goal, which the observation shows).
      assert.deepEqual(new Set(descriptions), new Set([taskByName("pick-place").description]));
      return;
    }
    assert.deepEqual(repeated(descriptions), [], `${spec.id}: tasks share a description`);
  });
}

for (const [id, names] of [[METAWORLD_MT10_ID, MT10_TASK_NAMES], [METAWORLD_MT50_ID, MT50_TASK_NAMES]] as const) {
  test(`${id}: the ${names.length} descriptions are distinct and each names its task (a word of the task name)`, () => {
    const env = open(id);
    const describe = describerOf(env, id);
    const descriptions = names.map((_, index) => describe(index));
    assert.equal(new Set(descriptions).size, names.length, descriptions.join("\n"));
    names.forEach((name, index) => {
      const words = name.split("-");
      const text = descriptions[index]!.toLowerCase();
      assert.ok(words.some((word) => text.includes(word)), `"${descriptions[index]}" mentions none of ${words.join(", ")}`);
    });
  });
}

test("a description is one or two sentences: capitalised, ending with a full stop, on one line", () => {
  const env = open(METAWORLD_MT10_ID);
  const describe = describerOf(env, METAWORLD_MT10_ID);
  for (let index = 0; index < MT10_TASK_NAMES.length; index++) {
    assert.match(describe(index), /^[A-Z][^\n]*\.$/);
  }
});

test("MT1 describes any of its configurations with its task's sentence", () => {
  const env = open(METAWORLD_MT1_ID, { task: "door-open" });
  assert.equal(describerOf(env, METAWORLD_MT1_ID)(17), taskByName("door-open").description);
});

test("Meta-World describers reject task states the env rejects", () => {
  assert.throws(() => describerOf(open(METAWORLD_MT10_ID), METAWORLD_MT10_ID)(10), InvalidTaskStateError);
  assert.throws(() => describerOf(open(METAWORLD_MT1_ID), METAWORLD_MT1_ID)(50), InvalidTaskStateError);
});

test("Pendulum's description changes when the mass changes, and states the mass", () => {
  const pendulum = new MTPendulum();
  const classic = pendulum.describeTask({ mass: 1, length: 1, gravity: 10 });
  const heavier = pendulum.describeTask({ mass: 1.2, length: 1, gravity: 10 });
  assert.notEqual(classic, heavier);
  assert.match(heavier, /mass 1\.20 kg/);
  assert.equal(classic, "Swing up and balance a pendulum of mass 1.00 kg and length 1.00 m under gravity 10.00 m/s^2.");
});

test("Pendulum's describer rejects a task outside the parameter ranges", () => {
  assert.throws(() => new MTPendulum().describeTask({ mass: 0, length: 1, gravity: 10 }), InvalidTaskStateError);
});

test("CartPole and Acrobot describe different task vectors differently, including the action direction", () => {
  const cartPole = new MTCartPole();
  const mu = new Float32Array(5);
  const reversed = Float32Array.of(0, 0, 0, 0, -0.5);
  assert.match(cartPole.describeTask(mu), /10\.00 N \(action 1 pushes right\)/);
  assert.match(cartPole.describeTask(reversed), /5\.00 N \(action 1 pushes left\)/);
  const heavyCart = Float32Array.of(0, 1, 0, 0, 0);
  assert.notEqual(cartPole.describeTask(heavyCart), cartPole.describeTask(mu));

  const acrobot = new MTAcrobot();
  const longerUpperLink = Float32Array.of(0.5, 0, 0, 0, 0, 0, 1);
  const flippedTorque = Float32Array.of(0.5, 0, 0, 0, 0, 0, -1);
  assert.match(acrobot.describeTask(longerUpperLink), /upper link of length 1\.25 m/);
  assert.notEqual(acrobot.describeTask(longerUpperLink), acrobot.describeTask(flippedTorque));
  assert.throws(() => acrobot.describeTask(new Float32Array(3)), InvalidTaskStateError);
});

test("bandit and tabular-MDP tasks drawn from the task stream read differently", () => {
  const bandit = new MTBandit({ nArms: 3 });
  bandit.seedTask(5);
  assert.notEqual(bandit.describeTask(bandit.sampleTaskState()), bandit.describeTask(bandit.sampleTaskState()));
  assert.match(bandit.describeTask(Float32Array.of(0.1, 0.5, 0.9)), /0\.100, 0\.500 and 0\.900/);

  const mdp = new UniformTabularMDP({ nStates: 2, nActions: 2 });
  mdp.seedTask(5);
  assert.notEqual(mdp.describeTask(mdp.sampleTaskState()), mdp.describeTask(mdp.sampleTaskState()));
});

test("TwoGoalMaze names the goal box, unless the goal is hidden from the agent", () => {
  const shown = new TwoGoalMaze();
  assert.match(shown.describeTask(0), /^Reach the blue box/);
  assert.match(shown.describeTask(1), /^Reach the red box/);
  const hidden = new TwoGoalMaze({ taskObservation: "hidden" });
  assert.equal(hidden.describeTask(0), hidden.describeTask(1));
  assert.doesNotMatch(hidden.describeTask(0), /Reach the (blue|red) box/);
});

test("every MuJoCo control-suite variant has its own description naming its parameter", () => {
  let variedFamilies = 0;
  const controlSuiteIds = MUJOCO_ENV_IDS.filter((id) => id !== METAWORLD_MT1_ID && id !== METAWORLD_MT10_ID && id !== METAWORLD_MT50_ID);
  for (const id of controlSuiteIds) {
    // No time limit is registered for these ids, so make() returns the env itself.
    const env = open(id, { fromPixels: false });
    assert.ok(env instanceof ControlSuiteEnv, id);
    const descriptions = Array.from({ length: env.variantCount }, (_, variant) => env.describeTask(variant));
    assert.deepEqual(repeated(descriptions), [], `${id}: variants share a description`);
    if (env.variantCount > 1) {
      variedFamilies += 1;
      assert.ok(descriptions.every((description) => description.includes(env.family.parameterName)), `${id}: ${descriptions[0]}`);
    }
    assert.throws(() => env.describeTask(env.variantCount), InvalidTaskStateError);
  }
  assert.equal(variedFamilies, 4, "the four HiP-BMDP families vary a parameter");
});

test("descriptions are deterministic: the same task state gives the same sentence in a new env", () => {
  const rng = Rng.fromSeed(3, "task-descriptions-test");
  const mu = Float32Array.from({ length: 5 }, () => rng.uniform(-1, 1));
  assert.equal(new MTCartPole().describeTask(mu), new MTCartPole().describeTask(mu.slice()));
});
