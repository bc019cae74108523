import type { Rng } from "../../core/rng.js";

/**
 * What the bandit environments share: pulling one of k Bernoulli arms, and the observation of
 * the last pull. The observation is what an agent would need to learn the arms within an
 * episode (e.g. with the task observation hidden): a one-hot of the last arm pulled, then the
 * reward it paid; all zeros after reset.
 */

/** 1 with probability `probabilities[arm]`, else 0, from one uniform draw of the env stream. */
export function pullArm(rng: Rng, probabilities: ArrayLike<number>, arm: number): number {
  return rng.uniform() < probabilities[arm]! ? 1 : 0;
}

/** [one-hot(lastArm) (k numbers), lastReward]; pass lastArm −1 for the all-zero reset observation. */
export function banditObservation(nArms: number, lastArm: number, lastReward: number): Float32Array {
  const out = new Float32Array(nArms + 1);
  if (lastArm >= 0) out[lastArm] = 1;
  out[nArms] = lastReward;
  return out;
}

/** Episodes of both bandits are this many pulls (truncated, never terminated: pulls go on). */
export const BANDIT_EPISODE_PULLS = 10;

/**
 * One sentence listing the arms' pay-out probabilities with three decimals, in arm order, e.g.
 * "Find and keep pulling the best of 3 Bernoulli arms, which pay 1 with probabilities 0.120,
 * 0.550 and 0.900 (arm 0 first)."
 */
export function banditTaskDescription(probabilities: ArrayLike<number>): string {
  const written = Array.from(probabilities, (p) => p.toFixed(3));
  if (written.length === 1) return `Keep pulling the single Bernoulli arm, which pays 1 with probability ${written[0]}.`;
  const list = `${written.slice(0, -1).join(", ")} and ${written[written.length - 1]}`;
  return `Find and keep pulling the best of ${written.length} Bernoulli arms, which pay 1 with probabilities ${list} (arm 0 first).`;
}
