import { writeFileSync } from "node:fs";
import { Document, isScalar, isSeq, visit } from "yaml";
import { displayPath, readYamlFile } from "./config-dir.js";
import { validateTrainConfig } from "./compose.js";
import type { ConfigGroup, TrainConfig } from "./schema.js";

/**
 * The resolved config of a run (`runs/<name>/config.yaml`): everything the agent received, with no
 * defaults hidden elsewhere, so a run can be resumed or re-created from this file alone.
 */

export interface ConfigOrigin {
  /** The option picked for each group. */
  readonly choices: Readonly<Record<ConfigGroup, string>>;
  /** The value overrides as typed. */
  readonly overrides: readonly string[];
}

/** The YAML text of a resolved config; short lists of numbers are written inline ([400, 400, 400]). */
export function stringifyTrainConfig(config: TrainConfig, origin?: ConfigOrigin): string {
  const document = new Document(config);
  visit(document, {
    Seq(_key, node) {
      if (isSeq(node) && node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  if (origin !== undefined) {
    const choices = Object.entries(origin.choices).map(([group, option]) => `${group}=${option}`);
    document.commentBefore =
      ` Resolved config, composed from: ${[...choices, ...origin.overrides].join(" ")}\n` +
      ` Every value the run used is here; the run can be resumed from this file alone.`;
  }
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Writes config.yaml; the file is complete before anything reads it (written in one call). */
export function writeTrainConfig(path: string, config: TrainConfig, origin?: ConfigOrigin): void {
  writeFileSync(path, stringifyTrainConfig(config, origin));
}

/** Reads and validates a run's config.yaml; problems name the file. */
export function readTrainConfig(path: string): TrainConfig {
  return validateTrainConfig(readYamlFile(path), { source: displayPath(path) });
}
