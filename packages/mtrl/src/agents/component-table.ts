import { ConfigError } from "@mtrl/core";
import { polyakUpdate, type Adam, type AdamState, type NamedArray, type ParameterStore } from "@mtrl/nn";
import type { StatefulComponent } from "../components/component.js";

/** One root parameter group of an agent and the optimizer that trains it (null: not trained by gradient). */
export interface TableGroup {
  readonly name: string;
  readonly params: ParameterStore;
  readonly optimizer: Adam | null;
}

/** A target group that tracks a source group by Polyak averaging. */
export interface TableTarget {
  readonly target: ParameterStore;
  readonly source: ParameterStore;
  readonly tau: number;
}

type SavedOptimizer = Omit<AdamState, "firstMoment" | "secondMoment">;

/**
 * What an agent is made of, for everything that must treat all parts alike: save, load, and the
 * target updates. Components build their parameters inside these groups, so a new component is
 * saved, loaded and (inside a critic) target-tracked without any edit here or in the agent.
 */
export class ComponentTable {
  constructor(
    private readonly groups: readonly TableGroup[],
    private readonly targets: readonly TableTarget[],
    /** Components with state beyond their parameters, by name (saved as JSON). */
    private readonly stateful: ReadonlyMap<string, Partial<StatefulComponent>> = new Map(),
  ) {}

  /** The JSON state of every stateful component, by name. */
  saveComponentStates(): Record<string, unknown> {
    const states: Record<string, unknown> = {};
    for (const [name, component] of this.stateful) if (component.getState !== undefined) states[name] = component.getState();
    return states;
  }

  loadComponentStates(states: Record<string, unknown> | undefined, agentName: string): void {
    for (const [name, component] of this.stateful) {
      if (component.setState === undefined) continue;
      if (states?.[name] === undefined) throw new ConfigError(`${agentName} state has no state for component "${name}": the checkpoint was written for another agent configuration.`);
      component.setState(states[name]);
    }
  }

  /** Every target ← (1 − τ)·target + τ·source, each with its own τ (Q networks vs encoder). */
  updateTargets(): void {
    for (const { target, source, tau } of this.targets) if (source.size > 0) polyakUpdate(target, source, tau);
  }

  /** Weights of every group and the moments of every optimizer, by stable name, plus optimizer scalars. */
  saveTensors(tensors: Map<string, NamedArray>): Record<string, SavedOptimizer> {
    const optimizers: Record<string, SavedOptimizer> = {};
    for (const group of this.groups) {
      for (const tensor of group.params.tensors) tensors.set(tensor.name, { shape: [...tensor.shape], data: tensor.data.slice() });
      if (group.optimizer === null || group.params.size === 0) continue;
      const { firstMoment, secondMoment, ...rest } = group.optimizer.getState();
      tensors.set(`optimizer.${group.name}.firstMoment`, { shape: [firstMoment.length], data: firstMoment });
      tensors.set(`optimizer.${group.name}.secondMoment`, { shape: [secondMoment.length], data: secondMoment });
      optimizers[group.name] = rest;
    }
    return optimizers;
  }

  /** The inverse of `saveTensors`; names what is missing or mis-sized, for checkpoints of another configuration. */
  loadTensors(tensors: ReadonlyMap<string, NamedArray>, optimizers: Record<string, SavedOptimizer> | undefined, agentName: string): void {
    const take = (name: string, length: number): Float32Array => {
      const values = tensors.get(name)?.data;
      if (values === undefined) {
        throw new ConfigError(`${agentName} state has no tensor "${name}": the checkpoint was written for another agent configuration (other components?). Resume with the run's own config.yaml.`);
      }
      if (values.length !== length) {
        throw new ConfigError(`${agentName} state tensor "${name}" has ${values.length} values, expected ${length}: the checkpoint was written for other network sizes.`);
      }
      return values;
    };
    for (const group of this.groups) {
      for (const tensor of group.params.tensors) tensor.data.set(take(tensor.name, tensor.size));
    }
    for (const group of this.groups) {
      if (group.optimizer === null || group.params.size === 0) continue;
      const saved = optimizers?.[group.name];
      if (saved === undefined) throw new ConfigError(`${agentName} state has no optimizer "${group.name}": the checkpoint was written for another agent configuration.`);
      const size = group.params.size;
      group.optimizer.setState({ ...saved, firstMoment: take(`optimizer.${group.name}.firstMoment`, size), secondMoment: take(`optimizer.${group.name}.secondMoment`, size) });
    }
  }
}
