import type { Rng } from "@mtrl/mtenv";
import { MLP, ParameterStore, minimum, type Engine, type Tensor } from "@mtrl/nn";

/**
 * The twin Q networks of SAC: Q1 and Q2 over [observation ‖ task one-hot ‖ action]. Taking the
 * minimum of two independently initialised critics curbs the overestimation a single critic
 * feeds back into its own target.
 */
export class TwinCritic {
  readonly params: ParameterStore;
  private readonly q1: MLP;
  private readonly q2: MLP;

  constructor(engine: Engine, name: string, inputSize: number, hiddenSizes: readonly number[], rng: Rng) {
    this.params = new ParameterStore(engine, name);
    this.q1 = new MLP(this.params.child("q1"), { inputSize, hiddenSizes, outputSize: 1 }, rng.stream("q1"));
    this.q2 = new MLP(this.params.child("q2"), { inputSize, hiddenSizes, outputSize: 1 }, rng.stream("q2"));
  }

  /** Q1 and Q2 of an already-concatenated input [batch, inputSize]. */
  both(input: Tensor): [Tensor, Tensor] {
    return [this.q1.forward(input), this.q2.forward(input)];
  }

  /**
   * min(Q1, Q2) of [state ‖ action], with gradients flowing into `action`. The pair is never
   * concatenated: the first layers multiply each part by its columns of the weight, and the
   * actor's backward computes d/d(action) from the action's columns only.
   */
  minimumOf(state: Tensor, action: Tensor): Tensor {
    const parts = [state, action] as const;
    return minimum(this.q1.forward(parts), this.q2.forward(parts));
  }
}

/** The tanh-Gaussian policy's network: [observation ‖ task one-hot] → [mean ‖ raw log-std]. */
export class GaussianActor {
  readonly params: ParameterStore;
  private readonly network: MLP;

  constructor(engine: Engine, inputSize: number, hiddenSizes: readonly number[], actionSize: number, rng: Rng) {
    this.params = new ParameterStore(engine, "actor");
    this.network = new MLP(this.params, { inputSize, hiddenSizes, outputSize: 2 * actionSize }, rng.stream("actor"));
  }

  /** [batch, 2 · actions]: the means, then the unsquashed log standard deviations. */
  forward(state: Tensor): Tensor {
    return this.network.forward(state);
  }
}
