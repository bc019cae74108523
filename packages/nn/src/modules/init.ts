import type { Rng } from "@mtrl/core/rng";

/**
 * Seeded initialisers. Every parameter draws from its own stream `rng.stream(fullName)`, so adding
 * or reordering layers never changes the initial values of the others.
 */

/** U(−bound, bound): PyTorch's default for Linear/Conv weights and biases is bound = 1/√fanIn. */
export function uniformInit(rng: Rng, bound: number): (values: Float32Array, fullName: string) => void {
  return (values, fullName) => {
    const stream = rng.stream(fullName);
    for (let i = 0; i < values.length; i++) values[i] = stream.uniform(-bound, bound);
  };
}

/** Every value set to `value` (LayerNorm: weight 1, bias 0). */
export function constantInit(value: number): (values: Float32Array) => void {
  return (values) => {
    values.fill(value);
  };
}

/**
 * torch.nn.Linear's default: kaiming_uniform_(a=√5) on the weight reduces to U(±1/√fanIn), and
 * the bias uses the same bound.
 */
export function defaultLinearBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}
