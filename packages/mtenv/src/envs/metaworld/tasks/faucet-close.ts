import { faucetTask } from "../faucet.js";

/**
 * faucet-close: swing the faucet's lever a quarter turn to the left (−x).
 *
 * The faucet, its reward and success test are faucet.ts's (the reference's v2 terms). The
 * reference's faucet-close reward reads the lever at the observed point itself; the goal is the
 * base + (−0.175, 0, 0.125). Base range x ±0.1, y 0.8–0.85 (the reference's).
 */
export const faucetCloseTask = faucetTask({
  name: "faucet-close",
  description: "Turn the faucet off by pushing its lever round to the left. Each configuration places the faucet at random.",
  baseRange: [[-0.1, 0.8, 0], [0.1, 0.85, 0]],
  direction: -1,
  rewardPointOffset: [0, 0, 0],
});
