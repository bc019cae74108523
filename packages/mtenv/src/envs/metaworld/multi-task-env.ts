import { ConfigError, InvalidTaskStateError, describeValue } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import type { DescribesTasks } from "../../core/task-set.js";
import { CONFIGURATIONS_PER_TASK, taskConfigurations } from "./configurations.js";
import { ManipulationEnvBase, type ManipulationEnvOptions } from "./manipulation-env.js";
import { TabletopSimulation } from "./tabletop-simulation.js";
import type { ManipulationTask, TaskConfiguration } from "./task.js";

export interface MultiTaskManipulationEnvOptions extends ManipulationEnvOptions {
  /** Task index used until the first setTaskState. */
  initialTaskState: number;
}

/**
 * MT10 and MT50: the task state is the task's index in `tasks`. Each episode starts in
 * one of that task's 50 fixed configurations, drawn from the environment stream (seeded by
 * `reset({ seed })`), or the one named by `reset({ options: { configuration: k } })` — what an
 * evaluation over every fixed goal uses. The scene of each visited task is kept until close(),
 * so switching tasks costs nothing after the first visit.
 */
export class MetaWorldMultiTaskEnv extends ManipulationEnvBase implements DescribesTasks<number> {
  private taskIndex: number;
  private readonly simulations = new Map<number, TabletopSimulation>();
  private lastConfiguration = 0;

  constructor(
    readonly tasks: readonly ManipulationTask[],
    options: MultiTaskManipulationEnvOptions,
  ) {
    super(tasks.length, options);
    this.taskIndex = this.checkedIndex(options.initialTaskState);
  }

  getTaskState(): number {
    return this.taskIndex;
  }

  setTaskState(state: number): void {
    this.assertOpen("setTaskState");
    this.taskIndex = this.checkedIndex(state);
  }

  /** The sentence of task `state` (its ManipulationTask's description). */
  describeTask(state: number): string {
    return this.tasks[this.checkedIndex(state)]!.description;
  }

  /** Task names in task-state order (metrics keys such as `eval/success/reach`). */
  listTaskNames(): readonly string[] {
    return this.tasks.map((task) => task.name);
  }

  /** The current task. */
  get task(): ManipulationTask {
    return this.tasks[this.taskIndex]!;
  }

  /** The configuration index of the current episode. */
  get configurationIndex(): number {
    return this.lastConfiguration;
  }

  /** The current task's scene (created on first use; for tests, renderers and tools). */
  get tabletop(): TabletopSimulation {
    return this.activeSimulation();
  }

  override close(): void {
    if (!this.isClosed) for (const simulation of this.simulations.values()) simulation.close();
    this.simulations.clear();
    super.close();
  }

  protected activeSimulation(): TabletopSimulation {
    let simulation = this.simulations.get(this.taskIndex);
    if (simulation === undefined) {
      simulation = new TabletopSimulation(this.task);
      this.simulations.set(this.taskIndex, simulation);
    }
    return simulation;
  }

  protected episodeConfiguration(rng: Rng, options: Record<string, unknown>): TaskConfiguration {
    const requested = options["configuration"];
    if (requested === undefined) {
      this.lastConfiguration = rng.integers(0, CONFIGURATIONS_PER_TASK);
    } else if (typeof requested === "number" && Number.isInteger(requested) && requested >= 0 && requested < CONFIGURATIONS_PER_TASK) {
      this.lastConfiguration = requested;
    } else {
      throw new ConfigError(
        `reset options.configuration must be a configuration index in [0, ${CONFIGURATIONS_PER_TASK - 1}], got ${describeValue(requested)}. Omit it to draw one from the seeded environment stream.`,
      );
    }
    return taskConfigurations(this.task, this.benchmarkSeed)[this.lastConfiguration]!;
  }

  private checkedIndex(state: unknown): number {
    if (typeof state !== "number" || !Number.isInteger(state) || state < 0 || state >= this.tasks.length) {
      throw new InvalidTaskStateError(
        `A Meta-World multi-task state is a task index in [0, ${this.tasks.length - 1}] (${this.tasks.map((task, i) => `${i} ${task.name}`).join(", ")}), got ${describeValue(state)}.`,
      );
    }
    return state;
  }
}
