import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, InvalidTaskStateError } from "../../core/errors.js";
import { findTaskSet } from "../../core/task-set.js";
import { Discrete } from "../../spaces/discrete.js";
import { MAZE_AGENT_RADIUS, MAZE_FORWARD_STEP, MazeAction, MazeGoal, TwoGoalMaze, isWalkable } from "./two-goal-maze.js";

const { TurnLeft, TurnRight, MoveForward } = MazeAction;

/** A maze with goal `goal` and everything placed by hand; heading 4 faces east (+x). */
function placed(goal: MazeGoal, layout: { agent: [number, number]; heading: number; blueBox: [number, number]; redBox: [number, number] }): TwoGoalMaze {
  const env = new TwoGoalMaze();
  env.setTaskState(goal);
  env.reset({ seed: 0, options: { layout } });
  return env;
}

test("the floor is a plus shape: main room and 1 m alcoves walkable, outer corners and beyond solid", () => {
  const r = MAZE_AGENT_RADIUS;
  assert.ok(isWalkable(0, 0, 3, 3, r));
  assert.ok(isWalkable(-3.5, 0, 3, 3, r), "west alcove");
  assert.ok(isWalkable(0, 3.55, 3, 3, r), "south alcove");
  assert.ok(!isWalkable(-3.7, 0, 3, 3, r), "through the west alcove's back wall");
  assert.ok(!isWalkable(3.5, 3.5, 3, 3, r), "a solid outer corner");
  assert.ok(!isWalkable(2.8, 3.3, 3, 3, r), "brushing a corner's edge");
  assert.ok(isWalkable(2.6, 2.6, 3, 3, r), "the main room's corner is open towards both alcoves");
});

test("turning changes the heading by 45°; moving forward goes 0.51 m that way unless a wall blocks it", () => {
  const env = placed(MazeGoal.Blue, { agent: [0, 0], heading: 4, blueBox: [-2.5, -2.5], redBox: [-2.5, 2.5] });
  assert.ok(Math.abs(env.step(TurnLeft)[0].envObs[2]! - 3 * Math.PI / 4) < 1e-6, "east (π/2) + 45°");
  assert.ok(Math.abs(env.step(TurnRight)[0].envObs[2]! - Math.PI / 2) < 1e-6);
  const [observation] = env.step(MoveForward);
  assert.ok(Math.abs(observation.envObs[0]! - MAZE_FORWARD_STEP / 4) < 1e-6, "x is reported as x / (sizeX + 1)");
  // Walk east until the alcove's back wall stops the agent at most 0.4 m from it.
  for (let i = 0; i < 12; i++) env.step(MoveForward);
  const [x] = env.layout.agent;
  assert.ok(x <= 4 - MAZE_AGENT_RADIUS && x > 4 - MAZE_AGENT_RADIUS - MAZE_FORWARD_STEP, `stopped at x=${x}`);
  assert.equal(env.step(MoveForward)[0].envObs[0], Math.fround(x / 4), "a blocked move leaves the agent in place");
});

test("the hint is ±1 by goal while facing the hint wall (west), 0 otherwise", () => {
  for (const [goal, hint] of [[MazeGoal.Blue, -1], [MazeGoal.Red, 1]] as const) {
    const env = placed(goal, { agent: [0, 0], heading: 1, blueBox: [2.5, 2.5], redBox: [2.5, -2.5] });
    assert.equal(env.step(TurnLeft)[0].envObs[3], 0);
    const [facingEast] = env.step(TurnRight);
    assert.equal(facingEast.envObs[3], 0);
    const [facingWest] = env.step(TurnRight);
    assert.ok(Math.abs(facingWest.envObs[2]! + Math.PI / 2) < 1e-6, "west is heading −π/2");
    assert.equal(facingWest.envObs[3], hint);
  }
});

test("reaching the goal box pays +1, the other box −1, and either ends the episode", () => {
  const layout = { agent: [0, 0] as [number, number], heading: 4, blueBox: [2.5, 0] as [number, number], redBox: [-2.5, 0] as [number, number] };
  for (const [goal, expected] of [[MazeGoal.Blue, 1], [MazeGoal.Red, -1]] as const) {
    const env = placed(goal, layout);
    const [, reward, terminated] = env.step(MoveForward); // 0.51 m east: 1.99 m from the blue box
    assert.deepEqual([reward, terminated], [expected, true]);
  }
  const env = placed(MazeGoal.Red, layout);
  const [, reward, terminated] = env.step(TurnLeft);
  assert.deepEqual([reward, terminated], [0, false]);
});

test("random resets keep the agent in the main room, at least 2 m from both boxes, even in small rooms", () => {
  for (const sizes of [{}, { sizeX: 2, sizeZ: 2 }, { sizeX: 6, sizeZ: 2.5 }]) {
    const env = new TwoGoalMaze(sizes);
    env.seedTask(0);
    env.resetTaskState();
    env.reset({ seed: 1 });
    for (let i = 0; i < 300; i++) {
      const [observation] = env.reset();
      assert.ok(env.observationSpace.spaces.envObs.contains(observation.envObs));
      const { agent, blueBox, redBox } = env.layout;
      assert.ok(Math.abs(agent[0]) <= env.sizeX && Math.abs(agent[1]) <= env.sizeZ, `agent at ${agent}`);
      assert.ok(Math.hypot(agent[0] - blueBox[0], agent[1] - blueBox[1]) >= 2 && Math.hypot(agent[0] - redBox[0], agent[1] - redBox[1]) >= 2);
    }
  }
});

test("taskObs reveals the goal by default and is a constant 0 with taskObservation: hidden", () => {
  const revealed = new TwoGoalMaze();
  revealed.setTaskState(MazeGoal.Red);
  assert.equal(revealed.getTaskObs(), 1);
  assert.ok(revealed.observationSpace.spaces.taskObs.equals(new Discrete(2)));
  const hidden = new TwoGoalMaze({ taskObservation: "hidden" });
  hidden.setTaskState(MazeGoal.Red);
  assert.equal(hidden.getTaskObs(), 0);
  assert.ok(hidden.observationSpace.spaces.taskObs.equals(new Discrete(1)));
  assert.deepEqual(findTaskSet(hidden), [MazeGoal.Blue, MazeGoal.Red], "both goals form the task set");
});

test("same seeds give identical episodes; the goal changes what the same walk observes and earns", () => {
  const episode = (goal: MazeGoal): string => {
    const env = new TwoGoalMaze();
    env.setTaskState(goal);
    env.reset({ seed: 21 });
    const steps: unknown[] = [];
    for (let t = 0; t < 200; t++) {
      const [observation, reward, terminated] = env.step(t % 7 === 0 ? TurnLeft : MoveForward);
      steps.push([...observation.envObs], reward);
      if (terminated) break;
    }
    return JSON.stringify(steps);
  };
  assert.equal(episode(MazeGoal.Blue), episode(MazeGoal.Blue));
  assert.notEqual(episode(MazeGoal.Blue), episode(MazeGoal.Red));
});

test("bad goals, layouts and sizes are rejected with what was expected", () => {
  const env = new TwoGoalMaze();
  assert.throws(() => env.setTaskState(2), (e: unknown) => e instanceof InvalidTaskStateError && /0 \(blue box is the goal\) or 1/.test(e.message));
  assert.throws(
    () => env.reset({ seed: 0, options: { layout: { agent: [9, 9], heading: 0, blueBox: [0, 0], redBox: [1, 1] } } }),
    (e: unknown) => e instanceof ConfigError && /layout must be/.test(e.message),
  );
  assert.throws(() => new TwoGoalMaze({ sizeX: 1 }), (e: unknown) => e instanceof ConfigError && /options\.sizeX/.test(e.message));
});
