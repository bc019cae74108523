/**
 * The learning bar of every component recipe: each agent recipe of config/agent/ trains on
 * MT-Pendulum-v0's four default tasks and must reach a mean evaluation return ≥ −250 on every
 * task. The recipes keep their components; their sizes and rates are those of mtsac-small (the
 * Pendulum sizing: 2 × 256 trunks, batch 256, learning rates 1e-3), since the MT10 sizes (3 × 400,
 * 3e-4) are tuned for a 2M-step budget. Prints one JSON line per recipe (with its wall time) and a
 * summary line; exits 1 when a recipe misses the bar.
 *
 *   npm run learn:components [-- --recipes moe,care] [-- seed=3 ...overrides for every recipe]
 */
import { composeConfig } from "../src/config/compose.js";
import { learnPendulum } from "./pendulum-bar.js";

const allRecipes = ["mtsac", "mtmhsac", "mtsac-task-encoder", "film", "moe", "care", "soft-modularization", "pcgrad", "gradnorm", "distral"];
const argv = process.argv.slice(2);
const recipesFlag = argv.indexOf("--recipes");
const recipes = recipesFlag >= 0 ? (argv[recipesFlag + 1] ?? "").split(",").filter((name) => name !== "") : allRecipes;
const overrides = recipesFlag >= 0 ? [...argv.slice(0, recipesFlag), ...argv.slice(recipesFlag + 2)] : argv;
for (const recipe of recipes) {
  if (!allRecipes.includes(recipe)) throw new Error(`learn:components: unknown recipe "${recipe}"; expected some of ${allRecipes.join(", ")}.`);
}

/** mtsac-small's sizing applied to a recipe, leaving its components as they are. */
function pendulumSizing(recipe: string): string[] {
  const { config } = composeConfig([`agent=${recipe}`]);
  const sizing = ["agent.batchSize=256", "agent.actor.lr=1e-3", "agent.critic.lr=1e-3", "agent.alpha.lr=1e-3", "agent.replay.capacity=200000"];
  for (const network of ["actor", "critic"] as const) {
    if (config.agent[network].trunk.type !== "soft-modularization") sizing.push(`agent.${network}.trunk.hiddenSizes=[256,256]`);
  }
  if (config.agent.taskEncoder.type !== "one-hot") sizing.push("agent.taskEncoder.lr=1e-3");
  if (config.agent.distillation.type === "distral") sizing.push("agent.distillation.hiddenSizes=[256,256]", "agent.distillation.lr=1e-3");
  return sizing;
}

const results: Array<Record<string, unknown> & { passed: boolean }> = [];
for (const recipe of recipes) {
  const result = await learnPendulum(`learn-components-${recipe}`, recipe, [...pendulumSizing(recipe), ...overrides]);
  console.log(JSON.stringify({ ...result, benchmark: "learn:components" }));
  results.push(result);
}
console.log(
  JSON.stringify({
    benchmark: "learn:components-summary",
    recipes: results.map((result) => ({ agent: result["agent"], passed: result.passed, wallSeconds: result["wallSeconds"] })),
    allPassed: results.every((result) => result.passed),
  }),
);
process.exitCode = results.every((result) => result.passed) ? 0 : 1;
