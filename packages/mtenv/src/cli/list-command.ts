import { listEnvs } from "../registry/registry.js";
import { loadBuiltinEnvs } from "../vector/env-modules.js";
import { type CliCommand, type CliOutput, EXIT_OK, UsageError } from "./command.js";
import { parseOptions } from "./parse-options.js";

export const listCommand: CliCommand = {
  name: "list",
  summary: "list every registered environment id with a one-line description",
  help: `Usage: mtenv list [--json]

Lists every registered environment id with a one-line description. Aliases (other
names for an id, such as the reference's misspelt MT-Acrobat-v0) are marked.

Options:
  --json   print a JSON array of { id, description, aliasOf?, maxEpisodeSteps? }
  --help   show this help`,

  async run(args: readonly string[], output: CliOutput): Promise<number> {
    const { values, positionals } = parseOptions(args, { json: { type: "boolean" } });
    if (positionals.length > 0) throw new UsageError(`expected no arguments, got ${positionals.join(" ")}.`);
    await loadBuiltinEnvs();
    const specs = listEnvs();
    if (values.json === true) {
      const rows = specs.map((spec) => ({
        id: spec.id,
        description: spec.aliasOf === undefined ? spec.description : (specById(specs, spec.aliasOf)?.description ?? spec.description),
        ...(spec.aliasOf === undefined ? {} : { aliasOf: spec.aliasOf }),
        ...(spec.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: spec.maxEpisodeSteps }),
      }));
      output.out(JSON.stringify(rows));
      return EXIT_OK;
    }
    const width = Math.max(...specs.map((spec) => spec.id.length));
    for (const spec of specs) {
      // An alias shows its target instead of repeating the target's description.
      const text = spec.aliasOf === undefined ? spec.description : `[alias of ${spec.aliasOf}]`;
      output.out(`${spec.id.padEnd(width)}  ${text}`);
    }
    output.out(`\n${specs.length} environments. Details: mtenv check <id>; speed: mtenv bench <id>.`);
    return EXIT_OK;
  },
};

function specById<T extends { id: string }>(specs: readonly T[], id: string): T | undefined {
  return specs.find((spec) => spec.id === id);
}
