/** dy/dt at state y (autonomous systems: the classic envs' dynamics do not depend on t). */
export type Derivative = (y: Float64Array, out: Float64Array) => void;

/**
 * One classic fourth-order Runge–Kutta step of length dt, in place of `y`. Writes derivatives
 * into preallocated scratch space so the acrobot's inner loop does not allocate.
 */
export class RungeKutta4 {
  private readonly k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly probe: Float64Array;

  constructor(readonly size: number) {
    this.k1 = new Float64Array(size);
    this.k2 = new Float64Array(size);
    this.k3 = new Float64Array(size);
    this.k4 = new Float64Array(size);
    this.probe = new Float64Array(size);
  }

  step(derivative: Derivative, y: Float64Array, dt: number): void {
    const { k1, k2, k3, k4, probe, size } = this;
    const half = dt / 2;
    derivative(y, k1);
    for (let i = 0; i < size; i++) probe[i] = y[i]! + half * k1[i]!;
    derivative(probe, k2);
    for (let i = 0; i < size; i++) probe[i] = y[i]! + half * k2[i]!;
    derivative(probe, k3);
    for (let i = 0; i < size; i++) probe[i] = y[i]! + dt * k3[i]!;
    derivative(probe, k4);
    for (let i = 0; i < size; i++) y[i] = y[i]! + (dt / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
  }
}
