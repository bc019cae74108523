import { InvalidTaskStateError, describeValue } from "../../core/errors.js";
import type { DescribesTasks } from "../../core/task-set.js";
import { CONFIGURATIONS_PER_TASK, taskConfigurations } from "./configurations.js";
import { ManipulationEnvBase, type ManipulationEnvOptions } from "./manipulation-env.js";
import { TabletopSimulation } from "./tabletop-simulation.js";
import type { ManipulationTask, TaskConfiguration } from "./task.js";

export interface MT1EnvOptions extends ManipulationEnvOptions {
  /** Configuration used until the first setTaskState. */
  initialTaskState: number;
}

/**
 * MT1: one task, its 50 fixed configurations as the task states (task state = configuration
 * index). Every episode of a task state starts from the same object and goal positions, so the
 * environment stream is not used by the dynamics.
 */
export class MetaWorldMT1Env extends ManipulationEnvBase implements DescribesTasks<number> {
  private configurationIndex: number;
  private simulation: TabletopSimulation | undefined;

  constructor(
    readonly task: ManipulationTask,
    options: MT1EnvOptions,
  ) {
    super(CONFIGURATIONS_PER_TASK, options);
    this.configurationIndex = checkedIndex(options.initialTaskState, task.name);
  }

  getTaskState(): number {
    return this.configurationIndex;
  }

  setTaskState(state: number): void {
    this.assertOpen("setTaskState");
    this.configurationIndex = checkedIndex(state, this.task.name);
  }

  /**
   * The task's sentence, the same for every configuration: a configuration only moves the objects
   * and the goal, which the observation already shows, so it adds nothing a description should say.
   */
  describeTask(state: number): string {
    checkedIndex(state, this.task.name);
    return this.task.description;
  }

  /** Configuration names in task-state order, e.g. "pick-place/7". */
  listTaskNames(): readonly string[] {
    return this.listTaskStates().map((state) => `${this.task.name}/${state}`);
  }

  /** The scene (created on first use; for tests, renderers and tools). */
  get tabletop(): TabletopSimulation {
    return this.activeSimulation();
  }

  override close(): void {
    if (!this.isClosed) this.simulation?.close();
    super.close();
  }

  protected activeSimulation(): TabletopSimulation {
    this.simulation ??= new TabletopSimulation(this.task);
    return this.simulation;
  }

  protected episodeConfiguration(): TaskConfiguration {
    return taskConfigurations(this.task, this.benchmarkSeed)[this.configurationIndex]!;
  }
}

function checkedIndex(state: unknown, taskName: string): number {
  if (typeof state !== "number" || !Number.isInteger(state) || state < 0 || state >= CONFIGURATIONS_PER_TASK) {
    throw new InvalidTaskStateError(
      `${taskName}: an MT1 task state is a configuration index in [0, ${CONFIGURATIONS_PER_TASK - 1}], got ${describeValue(state)}.`,
    );
  }
  return state;
}
