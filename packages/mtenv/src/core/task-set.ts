/**
 * Environments whose tasks form a finite, ordered set (Pendulum's default tasks, a finite bandit's
 * arms, MT10's ten environments) expose it with `listTaskStates()`, so that a multi-task trainer
 * can run exactly one environment per task instead of sampling tasks and hoping to cover them.
 */
export interface HasTaskSet<TaskState> {
  listTaskStates(): readonly TaskState[];
}

/**
 * The ordered task set of `env` or of the nearest wrapped env that has one (wrappers that change
 * the task representation, such as NTasksId, define their own), or undefined.
 */
export function findTaskSet(env: unknown): readonly unknown[] | undefined {
  let current: unknown = env;
  for (let depth = 0; depth < 64 && typeof current === "object" && current !== null; depth++) {
    const candidate = current as Partial<HasTaskSet<unknown>> & { env?: unknown };
    if (typeof candidate.listTaskStates === "function") return candidate.listTaskStates();
    current = candidate.env;
  }
  return undefined;
}

/** Environments whose tasks have names (MT10: "reach", "push", ...) list them in task-set order. */
export interface HasTaskNames {
  listTaskNames(): readonly string[];
}

/** The task names of `env` or of the nearest wrapped env that has them, or undefined. */
export function findTaskNames(env: unknown): readonly string[] | undefined {
  let current: unknown = env;
  for (let depth = 0; depth < 64 && typeof current === "object" && current !== null; depth++) {
    const candidate = current as Partial<HasTaskNames> & Partial<HasTaskSet<unknown>> & { env?: unknown };
    if (typeof candidate.listTaskNames === "function") return candidate.listTaskNames();
    // A wrapper that defines its own task set (NTasksId) renumbers tasks: inner names no longer apply.
    if (typeof candidate.listTaskStates === "function") return undefined;
    current = candidate.env;
  }
  return undefined;
}

/**
 * Environments that can say in words what a task state asks for. The sentence is the task's
 * metadata for encoders that read task descriptions (CARE), so it must be stable across runs and
 * must read differently for tasks that differ: parameters are written with a fixed number of
 * decimals. Example: "Swing up and balance a pendulum of mass 1.20 kg and length 0.80 m under
 * gravity 9.80 m/s^2."
 */
export interface DescribesTasks<TaskState> {
  /** A short English description of `taskState`; throws InvalidTaskStateError for a state the env rejects. */
  describeTask(taskState: TaskState): string;
}

/**
 * The task describer of `env` or of the nearest wrapped env that has one, bound to that env, or
 * undefined. Like findTaskNames, it stops at a wrapper that defines its own task set (NTasksId,
 * MultiEnv): such a wrapper renumbers tasks, so the inner env's describer would be handed task
 * states it does not understand.
 */
export function findTaskDescriber(env: unknown): ((taskState: unknown) => string) | undefined {
  let current: unknown = env;
  for (let depth = 0; depth < 64 && typeof current === "object" && current !== null; depth++) {
    const candidate = current as Partial<DescribesTasks<unknown>> & Partial<HasTaskSet<unknown>> & { env?: unknown };
    const describeTask = candidate.describeTask;
    if (typeof describeTask === "function") return (taskState: unknown) => describeTask.call(candidate, taskState);
    if (typeof candidate.listTaskStates === "function") return undefined;
    current = candidate.env;
  }
  return undefined;
}
