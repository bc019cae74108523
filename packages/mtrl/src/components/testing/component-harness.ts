import { Rng } from "@mtrl/mtenv";
import { Engine, JsKernels, ParameterStore, type Tensor } from "@mtrl/nn";
import type { BuildContext, ComponentKind, ComponentOf, TaskDescriptions } from "../component.js";
import { components } from "../builtin-components.js";
import { TaskContext } from "../task-context.js";

/** A component built alone on the js backend, for tests. */
export interface BuiltComponent<Kind extends ComponentKind> {
  readonly engine: Engine;
  readonly params: ParameterStore;
  readonly component: ComponentOf<Kind>;
  readonly numTasks: number;
  /** Task of each test row: 0, 1, 2, 0, 1, ... */
  readonly taskIndices: Int32Array;
  /** A task context for the test rows whose task encodings ([numTasks, width]) are `encodings`. */
  context(encodings: Tensor): TaskContext;
}

export const testTasks: TaskDescriptions = {
  names: ["reach", "push", "open-door"],
  descriptions: ["Reach a goal position.", "Push the puck to a goal.", "Open a door by its handle."],
  observations: [Float32Array.of(0.5, -1), Float32Array.of(0, 0.25), Float32Array.of(-0.75, 1)],
};

export function buildComponent<Kind extends ComponentKind>(
  kind: Kind,
  config: unknown,
  sizes: { inputSize: number; outputSize?: number; taskEncodingSize: number; rows: number; logStdBounds?: { logStdMin: number; logStdMax: number }; observationShape?: readonly number[] },
  tasks: TaskDescriptions = testTasks,
): BuiltComponent<Kind> {
  const engine = new Engine(new JsKernels(), { blockFloats: 1 << 16 });
  const params = new ParameterStore(engine, kind);
  const numTasks = tasks.names.length;
  const buildContext: BuildContext = {
    engine, params, rng: Rng.fromSeed(11, "init"), numTasks, tasks, inputSize: sizes.inputSize, taskEncodingSize: sizes.taskEncodingSize, outputSize: sizes.outputSize ?? 0,
    logStdBounds: sizes.logStdBounds ?? { logStdMin: -20, logStdMax: 2 },
    ...(sizes.observationShape === undefined ? {} : { observationShape: sizes.observationShape }),
  };
  const component = components.build(kind, config, buildContext);
  const taskIndices = Int32Array.from({ length: sizes.rows }, (_, i) => i % numTasks);
  return {
    engine, params, component, numTasks, taskIndices,
    context(encodings) {
      const context = new TaskContext(engine, taskIndices, numTasks);
      context.setTaskEncodings(encodings);
      return context;
    },
  };
}

/**
 * Checks the gradient of L = Σ forward(inputs) · R (R fixed, random) w.r.t. every parameter and
 * every input against central finite differences of L, on up to `samples` entries per tensor.
 * Inputs are created by the harness (same random values on every run; one entry perturbed per
 * difference). Returns the worst relative error |analytic − numeric| / max(1e-2, |a| + |n|) and where.
 */
export function finiteDifferenceError(
  engine: Engine,
  allParameters: readonly Tensor[],
  inputShapes: readonly (readonly number[])[],
  forward: (inputs: Tensor[]) => Tensor,
  options: { samples?: number; step?: number; detachedInputs?: readonly number[] } = {},
): { worst: number; checked: number; outShape: readonly number[]; worstAt: string } {
  // Frozen parameters (metadata vectors, routing tables) have no gradient by design.
  const parameters = allParameters.filter((tensor) => tensor.requiresGrad);
  const step = options.step ?? 1e-3;
  const samples = options.samples ?? 10;
  const inputValues = inputShapes.map((shape, i) => Rng.fromSeed(100 + i, "fd-input").fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), -1, 1));
  const makeInputs = (): Tensor[] => inputShapes.map((shape, i) => engine.input(shape, inputValues[i], true));
  engine.beginStep();
  const inputs = makeInputs();
  const out = forward(inputs);
  const weights = Rng.fromSeed(9, "fd").fillUniform(new Float64Array(out.size), -1, 1);
  engine.backward(out, [...parameters, ...inputs], { seed: Float32Array.from(weights) });
  const analytic = [...parameters, ...inputs].map((tensor) => Float64Array.from(tensor.grad!));
  const loss = (): number =>
    engine.noGrad(() => {
      engine.beginStep();
      const result = forward(makeInputs());
      let total = 0;
      for (let i = 0; i < result.size; i++) total += result.data[i]! * weights[i]!;
      return total;
    });
  const pick = Rng.fromSeed(3, "samples");
  let worst = 0;
  let worstAt = "";
  let checked = 0;
  const values = [...parameters.map((tensor) => tensor.data), ...inputValues];
  const names = [...parameters.map((tensor) => tensor.name), ...inputShapes.map((_, i) => `input ${i}`)];
  values.forEach((data, t) => {
    // A component that reads an input detached (routing from the task encoding) has no gradient for it by design.
    if (t >= parameters.length && options.detachedInputs?.includes(t - parameters.length) === true) return;
    for (let s = 0; s < Math.min(samples, data.length); s++) {
      const index = data.length <= samples ? s : pick.integers(0, data.length);
      const original = data[index]!;
      const difference = (h: number): number => {
        data[index] = original + h;
        const plus = loss();
        data[index] = original - h;
        const minus = loss();
        data[index] = original;
        return (plus - minus) / (2 * h);
      };
      // Two steps: a ReLU whose kink lies within one step bends that difference (it averages both
      // sides), rarely both; a wrong gradient is wrong at every step.
      const candidates = [difference(step), difference(step / 4)];
      const exact = analytic[t]![index]!;
      const errors = candidates.map((value) => Math.abs(exact - value) / Math.max(1e-2, Math.abs(exact) + Math.abs(value)));
      const error = Math.min(...errors);
      const numeric = candidates[errors.indexOf(error)]!;
      if (error > worst) {
        worst = error;
        worstAt = `${names[t]}[${index}]: analytic ${exact}, numeric ${numeric}`;
      }
      checked++;
    }
  });
  return { worst, checked, outShape: out.shape, worstAt };
}
