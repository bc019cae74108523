import { readFileSync } from "node:fs";
import { listEnvs } from "@mtrl/mtenv";
import { components } from "../components/builtin-components.js";
import { DEFAULT_CONFIG_DIR, displayPath, groupOptionPath, listAllGroupOptions, readDefaults, readYamlFile, resolveConfigDirs } from "../config/config-dir.js";
import { CONFIG_GROUPS, trainConfigSchema } from "../config/schema.js";
import { listChoices } from "../config/schema-walk.js";
import { listRuns } from "../run-folder/run-dir.js";
import { parseArgs } from "./args.js";
import { LIST_HELP } from "./help.js";
import { writeLine, type CliIo } from "./io.js";
import { defaultRunsDir } from "./locate-run.js";

/** What an env group file says in one line: "MT-Pendulum-v0, 4 tasks". */
function describeEnvOption(path: string): string {
  try {
    const content = readYamlFile(path) as { id?: unknown; numTasks?: unknown } | null;
    const id = typeof content?.id === "string" ? content.id : "?";
    return typeof content?.numTasks === "number" ? `${id}, ${content.numTasks} tasks` : id;
  } catch {
    return "unreadable file";
  }
}

/** The first line of an agent recipe's header comment: what the recipe is. */
function describeAgentOption(path: string): string {
  try {
    const text = readFileSync(path, "utf8");
    const first = text.split("\n").find((line) => line.startsWith("# "));
    return first === undefined ? "" : first.slice(2).replace(/\.$/, "");
  } catch {
    return "unreadable file";
  }
}

/** `npx mtrl list`. Returns the exit code. */
export async function listCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs("list", argv, { "config-dir": { takesValue: true } });
  if (args.flags.has("help")) {
    io.stdout.write(LIST_HELP);
    return 0;
  }
  const out = (text = ""): void => writeLine(io.stdout, text);
  const configDirs = resolveConfigDirs({ configDir: args.flags.get("config-dir") });
  const options = listAllGroupOptions(configDirs);
  let defaults: Partial<Record<string, string>> = {};
  try {
    defaults = readDefaults(configDirs);
  } catch {
    // A broken train.yaml is reported by `train`; listing still works without default markers.
  }
  const userDirs = configDirs.slice(1).map((dir) => `${displayPath(dir).replace(/\/$/, "")}/`);
  out(
    `Config groups (shipped in ${displayPath(DEFAULT_CONFIG_DIR).replace(/\/$/, "")}/${userDirs.length > 0 ? `, yours in ${userDirs.join(" and ")} win` : ""}), ` +
      "chosen with group=option; * marks the default:",
  );
  for (const group of CONFIG_GROUPS) {
    out(`  ${group}`);
    for (const option of options[group]) {
      const marker = defaults[group] === option ? "*" : " ";
      let path: string;
      try {
        path = groupOptionPath(configDirs, group, option);
      } catch (error) {
        out(`    ${marker} ${option.padEnd(20)}  ${(error as Error).message.split(":")[0]}: not a usable option name (letters, digits, _ . -)`);
        continue;
      }
      const description = group === "env" ? describeEnvOption(path) : group === "agent" ? describeAgentOption(path) : "";
      const origin = path.startsWith(DEFAULT_CONFIG_DIR) ? "" : `  [${displayPath(path)}]`;
      out(`    ${marker} ${option.padEnd(20)}  ${description}${origin}`.trimEnd());
    }
  }
  out();
  out("Multi-task components (one file each in src/components/), chosen with key=value; options and defaults:");
  const slotKeys: Record<string, string> = {
    taskEncoder: "agent.taskEncoder.type",
    encoder: "agent.encoder.type",
    trunk: "agent.actor.trunk.type / agent.critic.trunk.type",
    head: "agent.actor.head / agent.critic.head",
    gradient: "agent.gradient.type",
    distillation: "agent.distillation.type",
    auxiliary: "agent.auxiliary.type",
  };
  let kind = "";
  for (const component of components.describe()) {
    if (component.kind !== kind) {
      kind = component.kind;
      out(`  ${slotKeys[kind] ?? kind}`);
    }
    const options = Object.entries(component.options).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(" ");
    out(`    ${component.type.padEnd(20)}  ${component.summary}`);
    if (options !== "") out(`    ${"".padEnd(20)}  options: ${options}`);
  }
  out();
  out("Every choice in the config, chosen with key=value:");
  const choices = listChoices(trainConfigSchema);
  const width = Math.max(...choices.map((choice) => choice.path.length));
  for (const choice of choices) out(`  ${choice.path.padEnd(width)}  ${choice.values.join(", ")}`);
  out();
  const envs = listEnvs();
  out(`Environments in the mtenv registry (${envs.length}), usable as env.id=<id> in an env group:`);
  if (envs.length === 0) out("  (none registered)");
  const idWidth = Math.max(0, ...envs.map((spec) => spec.id.length));
  for (const spec of envs) out(`  ${spec.id.padEnd(idWidth)}  ${spec.description}`);
  out();
  const runsDir = defaultRunsDir();
  const runs = listRuns(runsDir).filter((run) => run.hasConfig);
  out(`Runs in ${runsDir}/ (${runs.length}):`);
  if (runs.length === 0) out("  (none yet; start one with `npx mtrl train`)");
  for (const run of runs) out(`  ${run.name}${run.hasReport ? "" : "  (no report yet)"}`);
  return 0;
}
