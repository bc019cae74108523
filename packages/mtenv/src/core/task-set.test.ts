import { test } from "node:test";
import assert from "node:assert/strict";
import { findTaskDescriber } from "./task-set.js";

/** A bare env whose describer reads its own field, so a describer that lost `this` fails. */
class DescribedEnv {
  readonly prefix = "Task";
  describeTask(taskState: number): string {
    return `${this.prefix} ${taskState}.`;
  }
  listTaskStates(): number[] {
    return [0, 1];
  }
}

test("findTaskDescriber returns the env's own describer, bound to the env", () => {
  const describe = findTaskDescriber(new DescribedEnv());
  assert.ok(describe !== undefined);
  assert.equal(describe(3), "Task 3.");
});

test("findTaskDescriber walks through wrappers that keep the task representation", () => {
  const wrapped = { env: { env: new DescribedEnv() } };
  assert.equal(findTaskDescriber(wrapped)?.(1), "Task 1.");
});

test("findTaskDescriber stops at a wrapper with its own task set: it renumbers tasks", () => {
  const renumbering = { listTaskStates: () => [0], env: new DescribedEnv() };
  assert.equal(findTaskDescriber(renumbering), undefined);
  assert.equal(findTaskDescriber({ env: renumbering }), undefined);
});

test("findTaskDescriber is undefined for envs without a describer and for non-objects", () => {
  assert.equal(findTaskDescriber({ env: { env: {} } }), undefined);
  assert.equal(findTaskDescriber(undefined), undefined);
  assert.equal(findTaskDescriber(42), undefined);
});
