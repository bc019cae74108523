/**
 * `npm start` until the trainer exists: a seeded random policy plays one episode on every task of
 * a multi-task environment and prints the return per task.
 *
 *   npm start                                   # MT-Pendulum-v0's four default tasks
 *   npm start -- MT-CartPole-v0 --tasks 6       # six tasks sampled from the task stream
 *   npm start -- MT-Acrobot-v0 --seed 3
 *
 * Environments with a finite task set (listTaskStates) play each of its tasks; the others play
 * `--tasks` tasks drawn with seedTask(seed). Same arguments ⇒ same table, on every machine.
 */
import { describeValue, findTaskSet, listEnvs, make, type RegisteredEnv } from "@mtrl/mtenv";

interface Arguments {
  envId: string;
  seed: number;
  tasks: number;
}

function parseArguments(argv: readonly string[]): Arguments {
  const parsed: Arguments = { envId: "MT-Pendulum-v0", seed: 0, tasks: 4 };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === "--seed" || argument === "--tasks") {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < (argument === "--seed" ? 0 : 1)) {
        throw new Error(`${argument} needs a ${argument === "--seed" ? "non-negative" : "positive"} integer, got ${argv[i] ?? "nothing"}.`);
      }
      parsed[argument === "--seed" ? "seed" : "tasks"] = value;
    } else if (argument === "--help" || argument === "-h") {
      console.log("usage: npm start -- [envId] [--seed n] [--tasks n]\nids: " + listEnvs().map((spec) => spec.id).join(", "));
      process.exit(0);
    } else {
      parsed.envId = argument;
    }
  }
  return parsed;
}

/** A short, one-line rendering of a task state for the table. */
function describeTask(state: unknown): string {
  if (state instanceof Float32Array) {
    return state.length <= 8 ? `[${Array.from(state, (x) => x.toFixed(2)).join(", ")}]` : `Float32Array(${state.length})`;
  }
  if (typeof state === "object" && state !== null && !Array.isArray(state)) {
    return `{ ${Object.entries(state).map(([key, value]) => `${key}: ${describeTask(value)}`).join(", ")} }`;
  }
  return describeValue(state, 60);
}

function playEpisode(env: RegisteredEnv, seed: number): { episodeReturn: number; steps: number } {
  env.actionSpace.seed(seed);
  env.reset({ seed });
  let episodeReturn = 0;
  for (let steps = 1; ; steps++) {
    const [, reward, terminated, truncated] = env.step(env.actionSpace.sample());
    episodeReturn += reward;
    if (terminated || truncated) return { episodeReturn, steps };
  }
}

function main(): void {
  const { envId, seed, tasks } = parseArguments(process.argv.slice(2));
  const env = make(envId);
  env.seedTask(seed);
  const taskSet = findTaskSet(env);
  const taskStates = taskSet !== undefined ? [...taskSet] : Array.from({ length: tasks }, () => env.sampleTaskState());
  const origin = taskSet !== undefined ? "its task set" : `${tasks} tasks sampled with seedTask(${seed})`;
  console.log(`Random policy on ${envId}, seed ${seed}: one episode on each of ${origin}\n`);

  const rows = taskStates.map((state, index) => {
    env.setTaskState(state);
    const { episodeReturn, steps } = playEpisode(env, seed + index);
    return [String(index), describeTask(state), episodeReturn.toFixed(1), String(steps)];
  });
  const header = ["task", "task state", "return", "steps"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]): string => row.map((cell, column) => (column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ");
  console.log(format(header));
  for (const row of rows) console.log(format(row));
  const mean = rows.reduce((total, row) => total + Number(row[2]), 0) / rows.length;
  console.log(`\nmean return ${mean.toFixed(1)} over ${rows.length} tasks`);
  env.close();
}

try {
  main();
} catch (error) {
  // Bad arguments and unknown ids already say what to do; a stack trace would bury that.
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
