/**
 * Activations that a fused op (Linear, MLP) can apply in place. Each has a derivative that needs
 * only the output y, so the pre-activation never has to be kept.
 */
export type Activation = "identity" | "relu" | "tanh" | "sigmoid" | "elu";

export const activationCodes: Readonly<Record<Activation, number>> = { identity: 0, relu: 1, tanh: 2, sigmoid: 3, elu: 4 };

/** Applies activation `code` to `data` in place. */
export function applyActivation(code: number, data: Float32Array): void {
  switch (code) {
    case 0:
      return;
    case 1:
      for (let i = 0; i < data.length; i++) if (!(data[i]! > 0)) data[i] = 0;
      return;
    case 2:
      for (let i = 0; i < data.length; i++) data[i] = Math.tanh(data[i]!);
      return;
    case 3:
      for (let i = 0; i < data.length; i++) data[i] = 1 / (1 + Math.exp(-data[i]!));
      return;
    case 4:
      for (let i = 0; i < data.length; i++) {
        const x = data[i]!;
        if (x <= 0) data[i] = Math.expm1(x);
      }
      return;
    default:
      throw new RangeError(`unknown activation code ${code}`);
  }
}

/** grad[i] *= activation'(y[i]) in place, for the activation with `code` and output `y`. */
export function multiplyByActivationDerivative(code: number, y: Float32Array, grad: Float32Array): void {
  switch (code) {
    case 0:
      return;
    case 1:
      for (let i = 0; i < y.length; i++) if (!(y[i]! > 0)) grad[i] = 0;
      return;
    case 2:
      for (let i = 0; i < y.length; i++) {
        const v = y[i]!;
        grad[i]! *= 1 - v * v;
      }
      return;
    case 3:
      for (let i = 0; i < y.length; i++) {
        const v = y[i]!;
        grad[i]! *= v * (1 - v);
      }
      return;
    case 4:
      for (let i = 0; i < y.length; i++) {
        const v = y[i]!;
        if (v <= 0) grad[i]! *= v + 1;
      }
      return;
    default:
      throw new RangeError(`unknown activation code ${code}`);
  }
}
