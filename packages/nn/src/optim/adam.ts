import { ConfigError } from "@mtrl/core/errors";
import type { ParameterStore } from "../modules/parameter-store.js";

export interface AdamOptions {
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** L2 penalty added to the gradient (torch.optim.Adam's weight_decay, not AdamW). */
  readonly weightDecay?: number;
}

/** Everything needed to resume Adam exactly: moments in the store's flat order, and the step. */
export interface AdamState {
  readonly step: number;
  readonly options: Required<AdamOptions>;
  /** Parameter names, in order, that the moment arrays cover (checked on load). */
  readonly names: readonly string[];
  readonly firstMoment: Float32Array;
  readonly secondMoment: Float32Array;
}

/**
 * Adam over every parameter of a store, as one fused kernel call on the store's flat block.
 * The gradients are whatever the last `engine.backward(..., store.tensors)` left in them.
 */
export class Adam {
  readonly options: Required<AdamOptions>;
  private readonly firstMoment: Float32Array;
  private readonly secondMoment: Float32Array;
  private stepCount = 0;

  constructor(
    readonly params: ParameterStore,
    options: AdamOptions,
  ) {
    this.options = {
      lr: options.lr,
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
    };
    validate(this.options);
    const flat = params.flat();
    const arena = params.engine.arena;
    this.firstMoment = arena.allocatePersistent(flat.values.length);
    this.secondMoment = arena.allocatePersistent(flat.values.length);
  }

  /** Number of updates made so far (bias correction uses it). */
  get step(): number {
    return this.stepCount;
  }

  /** One update of every parameter from its current gradient; `lr` may override the rate. */
  update(lr = this.options.lr): void {
    const flat = this.params.flat();
    const { beta1, beta2, eps, weightDecay } = this.options;
    this.stepCount++;
    this.params.engine.kernels.adamUpdate(flat.values, flat.grads, this.firstMoment, this.secondMoment, lr, beta1, beta2, eps, weightDecay, this.stepCount);
  }

  getState(): AdamState {
    return {
      step: this.stepCount,
      options: { ...this.options },
      names: this.params.names,
      firstMoment: this.firstMoment.slice(),
      secondMoment: this.secondMoment.slice(),
    };
  }

  setState(state: AdamState): void {
    const names = this.params.names;
    if (state.names.length !== names.length || state.names.some((name, i) => name !== names[i])) {
      throw new ConfigError(
        `Adam.setState: the state covers parameters [${state.names.slice(0, 4).join(", ")}${state.names.length > 4 ? ", ..." : ""}] but this optimizer has [${names.slice(0, 4).join(", ")}${names.length > 4 ? ", ..." : ""}]. Load the state into an optimizer over the same model.`,
      );
    }
    if (state.firstMoment.length !== this.firstMoment.length || state.secondMoment.length !== this.secondMoment.length) {
      throw new ConfigError(
        `Adam.setState: expected moments of ${this.firstMoment.length} values, got ${state.firstMoment.length} and ${state.secondMoment.length}. The state was saved for a model of another size.`,
      );
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new ConfigError(`Adam.setState: expected a non-negative integer step, got ${state.step}.`);
    }
    this.firstMoment.set(state.firstMoment);
    this.secondMoment.set(state.secondMoment);
    this.stepCount = state.step;
    Object.assign(this.options, state.options);
    validate(this.options);
  }
}

function validate(options: Required<AdamOptions>): void {
  const { lr, beta1, beta2, eps, weightDecay } = options;
  if (!(lr >= 0) || !Number.isFinite(lr)) throw new ConfigError(`Adam: lr must be a finite number >= 0, got ${lr}.`);
  if (!(beta1 >= 0 && beta1 < 1)) throw new ConfigError(`Adam: beta1 must be in [0, 1), got ${beta1}.`);
  if (!(beta2 >= 0 && beta2 < 1)) throw new ConfigError(`Adam: beta2 must be in [0, 1), got ${beta2}.`);
  if (!(eps > 0)) throw new ConfigError(`Adam: eps must be > 0, got ${eps}.`);
  if (!(weightDecay >= 0)) throw new ConfigError(`Adam: weightDecay must be >= 0, got ${weightDecay}.`);
}
