import { ConfigError, SeedError, describeValue } from "../core/errors.js";
import { Rng } from "../core/rng.js";

/**
 * A fixed list of `size` task states, drawn once from an environment's own task sampler and then
 * sampled uniformly by index. Shared by NTasks (which hands out the states) and NTasksId (which
 * hands out the indices), so both pick the same tasks in the same order under the same task seed.
 */
export class FixedTaskSet<TaskState> {
  private drawn: TaskState[] | undefined;
  private rng: Rng | undefined;

  constructor(
    readonly size: number,
    /** Draws one task state from the wrapped environment (its task stream). */
    private readonly drawTask: () => TaskState,
    /** Names the owning wrapper in error messages. */
    private readonly owner: string,
  ) {
    if (!Number.isInteger(size) || size <= 0) {
      throw new ConfigError(`${owner}: the number of tasks n must be a positive integer, got n=${describeValue(size)}. Pass e.g. n=10.`);
    }
  }

  /** Seeds the index stream. The list itself comes from the wrapped env's task stream. */
  seed(seed: number): void {
    this.rng = Rng.fromSeed(seed, "n-tasks");
  }

  /**
   * The fixed task states, drawn on first use. Later re-seeding does not redraw them: the set is
   * fixed for the wrapper's lifetime, as in the reference.
   */
  get tasks(): readonly TaskState[] {
    if (this.drawn === undefined) {
      this.requireSeed();
      this.drawn = Array.from({ length: this.size }, () => this.drawTask());
    }
    return this.drawn;
  }

  /** A uniformly random index into `tasks` (draws the list first if needed). */
  sampleIndex(): number {
    const rng = this.requireSeed();
    const tasks = this.tasks;
    return rng.integers(0, tasks.length);
  }

  /** The task state at `index`; `index` must already be validated. */
  at(index: number): TaskState {
    return this.tasks[index]!;
  }

  private requireSeed(): Rng {
    if (this.rng === undefined) {
      throw new SeedError(`${this.owner}: the task RNG is not seeded. Call seedTask(seed) before sampling or setting tasks.`);
    }
    return this.rng;
  }
}
