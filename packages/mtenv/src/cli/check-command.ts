import { checkEnv, formatCheckReport } from "../checker/check-env.js";
import { registry } from "../registry/registry.js";
import { loadBuiltinEnvs } from "../vector/env-modules.js";
import { type CliCommand, type CliOutput, EXIT_FAILURE, EXIT_OK, UsageError } from "./command.js";
import { requireEnvArguments } from "./env-id.js";
import { integerOption, kwargsOption, parseOptions } from "./parse-options.js";

export const checkCommand: CliCommand = {
  name: "check",
  summary: "run the environment checker (checkEnv) on an id and print a pass/fail table",
  help: `Usage: mtenv check <id> [--kwargs JSON] [--seed N] [--task-seed N]

Builds the environment with make(id, kwargs) and runs checkEnv's named checks: reset/step
types, observations inside their spaces, same seeds => same trajectories, task-state round
trip, no NaN/inf, bad actions rejected. Exits with 1 when a check fails, and with 2 for a
wrong command line (an unknown id, kwargs the environment rejects).

Options:
  --kwargs JSON    keyword arguments for make, e.g. '{"nArms": 3}'
  --seed N         environment seed of the rollouts (default 5)
  --task-seed N    task seed (default 15)
  --help           show this help

Example:
  mtenv check MT-CartPole-v0`,

  async run(args: readonly string[], output: CliOutput): Promise<number> {
    const { values, positionals } = parseOptions(args, { kwargs: { type: "string" }, seed: { type: "string" }, "task-seed": { type: "string" } });
    const [id, ...extra] = positionals;
    if (id === undefined) throw new UsageError('expected an environment id, e.g. "mtenv check MT-CartPole-v0" ("mtenv list" shows them all).');
    if (extra.length > 0) throw new UsageError(`expected one environment id, got also ${extra.join(" ")}.`);
    const kwargs = kwargsOption(values.kwargs);
    await loadBuiltinEnvs([id]);
    // Fails here, before the checks, for an unknown id or bad kwargs: those are not env defects.
    requireEnvArguments(id, kwargs);
    const report = checkEnv(() => registry.make(id, kwargs), {
      seed: integerOption(values.seed, "seed", 5, 0),
      taskSeed: integerOption(values["task-seed"], "task-seed", 15, 0),
    });
    output.out(`checkEnv ${id}${Object.keys(kwargs).length > 0 ? ` ${JSON.stringify(kwargs)}` : ""}`);
    // A terminal's own width; files and pipes get lines of at most 100 characters.
    output.out(formatCheckReport(report, { width: output.columns ?? 100 }));
    return report.passed ? EXIT_OK : EXIT_FAILURE;
  },
};
