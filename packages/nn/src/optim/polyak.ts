import { ConfigError } from "@mtrl/core/errors";
import type { ParameterStore } from "../modules/parameter-store.js";

/**
 * target ← (1 − τ)·target + τ·source over whole stores (one kernel call on their flat blocks).
 * Both stores must come from the same architecture: the layouts are compared by name and shape.
 * τ = 1 copies (the hard update that initialises target networks).
 */
export function polyakUpdate(target: ParameterStore, source: ParameterStore, tau: number): void {
  if (!(tau >= 0 && tau <= 1)) throw new ConfigError(`polyakUpdate: tau must be in [0, 1], got ${tau}.`);
  const targetFlat = target.flat();
  const sourceFlat = source.flat();
  if (targetFlat.values.length !== sourceFlat.values.length || !layoutsAgree(target, source)) {
    throw new ConfigError(
      `polyakUpdate: target and source stores differ (${target.tensors.length} tensors / ${targetFlat.values.length} values vs ${source.tensors.length} / ${sourceFlat.values.length}). Build the target network with the same architecture as the source.`,
    );
  }
  target.engine.kernels.polyakUpdate(targetFlat.values, sourceFlat.values, tau);
}

const checkedPairs = new WeakMap<ParameterStore, WeakSet<ParameterStore>>();

/** Compares layouts once per pair of stores (the hot loop calls this every update). */
function layoutsAgree(target: ParameterStore, source: ParameterStore): boolean {
  if (checkedPairs.get(target)?.has(source) === true) return true;
  if (target.layoutSignature !== source.layoutSignature) return false;
  let set = checkedPairs.get(target);
  if (set === undefined) {
    set = new WeakSet();
    checkedPairs.set(target, set);
  }
  set.add(source);
  return true;
}
