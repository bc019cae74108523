/**
 * How `mtrl eval` runs its episodes: "default" (the run's own seeded episodes per task) or
 * "metaworld" (Meta-World's protocol, runner/metaworld-protocol.ts). A module of its own so the
 * CLI can check the flag without loading the environments.
 */
export type EvaluationProtocol = "default" | "metaworld";
export const EVALUATION_PROTOCOLS: readonly EvaluationProtocol[] = ["default", "metaworld"];
