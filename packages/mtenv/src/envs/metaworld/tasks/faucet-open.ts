import { faucetTask } from "../faucet.js";

/**
 * faucet-open: swing the faucet's lever a quarter turn to the right (+x).
 *
 * The faucet, its reward and success test are faucet.ts's (the reference's v2 terms). The
 * reference's faucet-open reward reads the lever at the observed point + (−0.04, 0, 0.03); the
 * goal is the base + (0.175, 0, 0.125). Base range x ±0.05, y 0.8–0.85 (the reference's).
 */
export const faucetOpenTask = faucetTask({
  name: "faucet-open",
  description: "Turn the faucet on by pushing its lever round to the right. Each configuration places the faucet at random.",
  baseRange: [[-0.05, 0.8, 0], [0.05, 0.85, 0]],
  direction: 1,
  rewardPointOffset: [-0.04, 0, 0.03],
});
