/**
 * The learning bar of MT-SAC: train on MT-Pendulum-v0's default tasks from scratch with the
 * default backend and require a mean evaluation return ≥ −250 on every task. Prints one JSON
 * line and exits 1 when the bar is missed.
 *
 *   npm run learn:pendulum [-- seed=3 ...any other override]
 */
import { learnPendulum } from "./pendulum-bar.js";

const result = await learnPendulum("learn-pendulum", "mtsac-small", process.argv.slice(2));
console.log(JSON.stringify({ ...result, benchmark: "learn:pendulum" }));
process.exitCode = result.passed ? 0 : 1;
