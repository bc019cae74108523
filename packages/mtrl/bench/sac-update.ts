/**
 * Benchmark: `MTSACAgent.update` itself — the product's multi-task SAC update (critic step, actor
 * step, per-task temperature step, Polyak averaging of the target critics) — per backend and batch
 * size, and the PyTorch peer (../shared/bench/torch_mtsac_update.py) in the same invocation when
 * it is available, with the ratio ours/PyTorch. Prints JSON lines only (see packages/nn/README.md).
 *
 * Shapes are MT10's, as in the peer: observation 39 + task one-hot 10, action 4, actor and twin
 * critics of 3 × 400 ReLU, per-task α. The agent's configuration is config/agent/mtsac.yaml with
 * `batchSize` set per run. The replay batch is random and fixed, as the peer's is; the agent draws
 * its own reparameterisation noise.
 *
 *   node --import tsx packages/mtrl/bench/sac-update.ts [--backends js,wasm,native] [--batch 128,1280]
 *        [--iters 30] [--warmup 20] [--rounds 5] [--js-budget-ms 30000] [--no-peer] [--untuned-peer]
 *
 * Rounds: this machine class is a shared VM whose speed drifts for tens of seconds at a time (both
 * ours and the peer's updates slow by up to 1.6x together), so one measurement of ours followed by
 * one of the peer can straddle such a change. Each round times every backend and then the peer,
 * and prints the ratio of that round; a summary line per backend and batch gives the median and
 * the worst ratio over the rounds. The js reference is timed in the first round only.
 *
 * Warm-up: 20 updates (the peer takes 5). V8 compiles the update's JavaScript over its first ~20
 * calls, on a background thread that competes with the GEMM worker for the second core; a training
 * run makes millions of updates, so the steady state is what is timed.
 *
 * `--untuned-peer` also runs the peer with PyTorch's defaults (2 intra-op threads, OpenBLAS's own
 * thread count) for reference; the ratio is always against the tuned peer (`--threads 1`,
 * OPENBLAS_NUM_THREADS=2), the faster of the two on this machine class.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BackendName, Kernels } from "@mtrl/nn";
import { MTSACAgent } from "../src/agents/mtsac-agent.js";
import { DEFAULT_CONFIG_DIR, readYamlFile } from "../src/config/config-dir.js";
import { mtsacConfigSchema, type MTSACConfig } from "../src/config/schema.js";
import type { ReplayBatch } from "../src/replay/replay-buffer.js";
import { loadBackend, mt10Dimensions as dimensions, percentile, print, randomBatch, round3 } from "./bench-helpers.js";

interface Options {
  backends: BackendName[];
  batches: number[];
  iterations: number;
  warmup: number;
  rounds: number;
  jsBudgetMs: number;
  peer: boolean;
  untunedPeer: boolean;
}

function positiveInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new Error(`sac-update bench: ${flag} needs a positive integer, got "${value}" (e.g. ${flag} 3).`);
  }
  return parsed;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    backends: ["js", "wasm", "native"], batches: [128, 1280], iterations: 30, warmup: 20, rounds: 5, jsBudgetMs: 30_000, peer: true, untunedPeer: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1] ?? "";
    if (flag === "--no-peer") options.peer = false;
    else if (flag === "--untuned-peer") options.untunedPeer = true;
    else {
      if (flag === "--backends") options.backends = value.split(",") as BackendName[];
      else if (flag === "--batch") options.batches = value.split(",").map((item) => positiveInteger(flag, item));
      else if (flag === "--iters") options.iterations = positiveInteger(flag, value);
      else if (flag === "--warmup") options.warmup = positiveInteger(flag, value);
      else if (flag === "--rounds") options.rounds = positiveInteger(flag, value);
      else if (flag === "--js-budget-ms") options.jsBudgetMs = positiveInteger(flag, value);
      else throw new Error(`sac-update bench: unknown flag ${flag}; see the comment at the top of the file.`);
      i++;
    }
  }
  return options;
}

/** config/agent/mtsac.yaml, validated, with the batch size of this run. */
function agentConfig(batchSize: number): MTSACConfig {
  const file = mtsacConfigSchema.parse(readYamlFile(join(DEFAULT_CONFIG_DIR, "agent", "mtsac.yaml")));
  return { ...file, batchSize };
}

/** An agent with its batch, warmed up: V8 has compiled the update, the arena has its blocks. */
interface PreparedUpdate {
  kernels: Kernels;
  agent: MTSACAgent;
  batch: ReplayBatch;
  updateIndex: number;
  allocationsAfterWarmup: number;
}

function prepareUpdates(kernels: Kernels, batchSize: number, options: Options): PreparedUpdate {
  const agent = new MTSACAgent(agentConfig(batchSize), dimensions, kernels, 0);
  const batch = randomBatch(batchSize, 0);
  const warmup = kernels.name === "js" ? 1 : options.warmup;
  let updateIndex = 0;
  for (let i = 0; i < warmup; i++) agent.update(batch, updateIndex++);
  return { kernels, agent, batch, updateIndex, allocationsAfterWarmup: agent.engine.arena.stats().kernelAllocations };
}

function timeUpdates(prepared: PreparedUpdate, options: Options, round: number): Record<string, unknown> {
  const { kernels, agent, batch } = prepared;
  const slow = kernels.name === "js";
  let metrics: Record<string, number> = {};
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < options.iterations; i++) {
    const t0 = performance.now();
    metrics = agent.update(batch, prepared.updateIndex++);
    times.push(performance.now() - t0);
    // The js reference is ~100× slower: stop once its time budget is spent (at least 3 runs).
    if (slow && i >= 2 && performance.now() - started > options.jsBudgetMs) break;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const stats = agent.engine.arena.stats();
  return {
    bench: "sac-update",
    subject: "MTSACAgent.update",
    backend: kernels.name,
    ...threadSetting(kernels),
    batch: batch.size,
    round,
    median_ms: round3(percentile(sorted, 0.5)),
    p10_ms: round3(percentile(sorted, 0.1)),
    p90_ms: round3(percentile(sorted, 0.9)),
    iters: times.length,
    arena_growth_after_warmup: stats.kernelAllocations - prepared.allocationsAfterWarmup,
    step_memory_mb: round3((stats.transientHighWater * 4) / 2 ** 20),
    critic_loss: round3(metrics["train/critic_loss"] ?? Number.NaN),
  };
}

/** The GEMM thread setting of a backend, for the JSON line. */
function threadSetting(kernels: Kernels): Record<string, unknown> {
  const threads = (kernels as { threads?: unknown }).threads;
  return typeof threads === "number" ? { threads } : {};
}

interface PeerResult {
  batch: number;
  median_ms: number;
}

function runPeer(options: Options, tuned: boolean, round: number): PeerResult[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const script = resolve(here, "../../../../shared/bench/torch_mtsac_update.py");
  const python = "/usr/bin/python3";
  if (!existsSync(script)) {
    print({ bench: "sac-update", peer: "pytorch", skipped: `peer script not found at ${script} (../shared is missing)` });
    return [];
  }
  if (!existsSync(python) || spawnSync(python, ["-c", "import torch"]).status !== 0) {
    print({ bench: "sac-update", peer: "pytorch", skipped: "/usr/bin/python3 has no torch (apt-get install -y python3-torch)" });
    return [];
  }
  // The peer's flags: --threads N (torch.set_num_threads, default 2), --batch B..., --iters N.
  const args = [script, "--batch", ...options.batches.map(String), "--iters", String(options.iterations)];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["OPENBLAS_NUM_THREADS"];
  if (tuned) {
    args.push("--threads", "1");
    env["OPENBLAS_NUM_THREADS"] = "2";
  }
  const result = spawnSync(python, args, { encoding: "utf8", env });
  if (result.status !== 0) {
    print({ bench: "sac-update", peer: "pytorch", skipped: `peer failed with status ${result.status}: ${result.stderr.trim().split("\n").pop()}` });
    return [];
  }
  const results: PeerResult[] = [];
  for (const line of result.stdout.split("\n")) {
    if (line.trim() === "") continue;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    print({ bench: "sac-update", ...parsed, round, setting: tuned ? "tuned: --threads 1, OPENBLAS_NUM_THREADS=2" : "untuned: torch defaults" });
    results.push({ batch: Number(parsed["batch"]), median_ms: Number(parsed["median_ms"]) });
  }
  return results;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const prepared: PreparedUpdate[] = [];
  for (const name of options.backends) {
    const kernels = await loadBackend(name);
    if (typeof kernels === "string") {
      print({ bench: "sac-update", backend: name, skipped: kernels });
      continue;
    }
    for (const batch of options.batches) prepared.push(prepareUpdates(kernels, batch, options));
  }
  const ratios = new Map<PreparedUpdate, number[]>();
  for (let round = 1; round <= options.rounds; round++) {
    const ours: Array<{ entry: PreparedUpdate; median_ms: number }> = [];
    for (const entry of prepared) {
      if (entry.kernels.name === "js" && round > 1) continue;
      const line = timeUpdates(entry, options, round);
      print(line);
      ours.push({ entry, median_ms: line["median_ms"] as number });
    }
    if (!options.peer) continue;
    const peer = runPeer(options, true, round);
    if (options.untunedPeer && round === 1) runPeer(options, false, round);
    for (const { entry, median_ms } of ours) {
      const theirs = peer.find((result) => result.batch === entry.batch.size);
      if (theirs === undefined) continue;
      const ratio = round3(median_ms / theirs.median_ms);
      print({ bench: "sac-update-ratio", backend: entry.kernels.name, batch: entry.batch.size, round, ours_ms: median_ms, pytorch_ms: theirs.median_ms, ratio });
      ratios.set(entry, [...(ratios.get(entry) ?? []), ratio]);
    }
  }
  for (const [entry, values] of ratios) {
    const sorted = [...values].sort((a, b) => a - b);
    print({
      bench: "sac-update-ratio-summary", backend: entry.kernels.name, batch: entry.batch.size, rounds: values.length,
      ratios: values, median_ratio: round3(percentile(sorted, 0.5)), worst_ratio: sorted[sorted.length - 1],
    });
  }
  for (const kernels of new Set(prepared.map((entry) => entry.kernels))) (kernels as { close?: () => void }).close?.();
}

await main();
