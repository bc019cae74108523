/**
 * Benchmark: one full MT-SAC update (critic, actor, temperature, target Polyak) for every agent
 * recipe in config/agent/ on MT10 shapes (observation 39, action 4, 10 tasks), at B = 128 and
 * B = 1280, with the ratio to plain MT-SAC (config/agent/mtsac.yaml) timed in the same round.
 * Prints JSON lines only.
 *
 *   node --import tsx packages/mtrl/bench/components.ts [--backends native,wasm] [--batch 128,1280]
 *        [--recipes mtsac,mtmhsac,...] [--iters 20] [--warmup 10] [--rounds 3]
 *
 * Rounds interleave the recipes (mtsac first in each round), so a drift of this shared VM's speed
 * hits the recipe and its baseline alike; a summary line per recipe, backend and batch gives the
 * median and worst ratio over the rounds. Targets (issue "mtrl components I"): multi-head ≤ 1.15×,
 * MoE (4 experts) and CARE ≤ 1.6×, soft modularization ≤ 2×; (issue "mtrl components II") PCGrad
 * and GradNorm ≤ 2× at B = 1280 (Distral has none).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { BackendName, Kernels } from "@mtrl/nn";
import { MTSACAgent } from "../src/agents/mtsac-agent.js";
import { DEFAULT_CONFIG_DIR, readYamlFile } from "../src/config/config-dir.js";
import { mtsacConfigSchema, type MTSACConfig } from "../src/config/schema.js";
import type { ReplayBatch } from "../src/replay/replay-buffer.js";
import { loadBackend, mt10Dimensions, percentile, print, randomBatch, round3 } from "./bench-helpers.js";

/** The targets, as ratios to plain MT-SAC. */
const targets: Readonly<Record<string, number>> = { mtmhsac: 1.15, moe: 1.6, care: 1.6, "soft-modularization": 2, pcgrad: 2, gradnorm: 2 };
/** Targets that hold at one batch size only (the gradient surgery's is stated at the MT10 recipe's B = 1280). */
const targetBatch: Readonly<Record<string, number>> = { pcgrad: 1280, gradnorm: 1280 };

/** The MT10 task names and a sentence each, so the metadata encoder of CARE has its real input size. */
const tasks = {
  names: ["reach", "push", "pick-place", "door-open", "drawer-open", "drawer-close", "button-press-topdown", "peg-insert-side", "window-open", "window-close"],
  descriptions: [
    "Reach a goal position.", "Push the puck to a goal.", "Pick the puck and place it at a goal.", "Open a door with a revolving joint.", "Open a drawer.",
    "Push and close a drawer.", "Press a button from the top.", "Insert a peg sideways.", "Push and open a window.", "Push and close a window.",
  ],
};

interface Options {
  backends: BackendName[];
  batches: number[];
  recipes: string[];
  iterations: number;
  warmup: number;
  rounds: number;
}

function allRecipes(): string[] {
  const names = readdirSync(join(DEFAULT_CONFIG_DIR, "agent")).filter((name) => name.endsWith(".yaml")).map((name) => name.slice(0, -5));
  // mtsac-small is a sizing of mtsac for Pendulum, not a component recipe.
  return ["mtsac", ...names.filter((name) => name !== "mtsac" && name !== "mtsac-small").sort()];
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { backends: ["native", "wasm"], batches: [128, 1280], recipes: allRecipes(), iterations: 20, warmup: 10, rounds: 3 };
  const positive = (flag: string, value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`components bench: ${flag} needs a positive integer, got "${value}".`);
    return parsed;
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1] ?? "";
    if (flag === "--backends") options.backends = value.split(",") as BackendName[];
    else if (flag === "--batch") options.batches = value.split(",").map((item) => positive(flag, item));
    else if (flag === "--recipes") options.recipes = ["mtsac", ...value.split(",").filter((name) => name !== "mtsac")];
    else if (flag === "--iters") options.iterations = positive(flag, value);
    else if (flag === "--warmup") options.warmup = positive(flag, value);
    else if (flag === "--rounds") options.rounds = positive(flag, value);
    else throw new Error(`components bench: unknown flag ${flag}; see the comment at the top of the file.`);
  }
  return options;
}

function recipeConfig(recipe: string, batchSize: number): MTSACConfig {
  return { ...mtsacConfigSchema.parse(readYamlFile(join(DEFAULT_CONFIG_DIR, "agent", `${recipe}.yaml`))), batchSize };
}

interface Prepared {
  recipe: string;
  kernels: Kernels;
  agent: MTSACAgent;
  batch: ReplayBatch;
  updateIndex: number;
}

function timeUpdates(entry: Prepared, iterations: number): number {
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    entry.agent.update(entry.batch, entry.updateIndex++);
    times.push(performance.now() - started);
  }
  return percentile(times.sort((a, b) => a - b), 0.5);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const prepared: Prepared[] = [];
  for (const backend of options.backends) {
    const kernels = await loadBackend(backend);
    if (typeof kernels === "string") {
      print({ bench: "components", backend, skipped: kernels });
      continue;
    }
    for (const batchSize of options.batches) {
      for (const recipe of options.recipes) {
        const agent = new MTSACAgent(recipeConfig(recipe, batchSize), mt10Dimensions, kernels, 0, tasks);
        const entry: Prepared = { recipe, kernels, agent, batch: randomBatch(batchSize, 0), updateIndex: 0 };
        for (let i = 0; i < options.warmup; i++) agent.update(entry.batch, entry.updateIndex++);
        prepared.push(entry);
      }
    }
  }
  const ratios = new Map<string, number[]>();
  for (let round = 1; round <= options.rounds; round++) {
    const baseline = new Map<string, number>();
    for (const entry of prepared) {
      const key = `${entry.kernels.name}:${entry.batch.size}`;
      const medianMs = timeUpdates(entry, options.iterations);
      if (entry.recipe === "mtsac") baseline.set(key, medianMs);
      const ratio = round3(medianMs / baseline.get(key)!);
      print({ bench: "components", recipe: entry.recipe, backend: entry.kernels.name, batch: entry.batch.size, round, median_ms: round3(medianMs), ratio_to_mtsac: ratio });
      const summaryKey = `${entry.recipe}|${key}`;
      ratios.set(summaryKey, [...(ratios.get(summaryKey) ?? []), ratio]);
    }
  }
  for (const [key, values] of ratios) {
    const [recipe, backendBatch] = key.split("|") as [string, string];
    if (recipe === "mtsac") continue;
    const [backend, batch] = backendBatch.split(":");
    const sorted = [...values].sort((a, b) => a - b);
    const median = round3(percentile(sorted, 0.5));
    const target = targetBatch[recipe] === undefined || targetBatch[recipe] === Number(batch) ? targets[recipe] : undefined;
    print({
      bench: "components-summary", recipe, backend, batch: Number(batch), rounds: values.length, ratios: values, median_ratio: median, worst_ratio: sorted[sorted.length - 1],
      ...(target === undefined ? {} : { target, met: median <= target }),
    });
  }
  for (const kernels of new Set(prepared.map((entry) => entry.kernels))) (kernels as { close?: () => void }).close?.();
}

await main();
