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
