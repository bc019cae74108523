/**
 * Benchmark: one full multi-task SAC update (critic + actor + temperature steps + Polyak) per
 * backend and batch size, and the PyTorch peer in the same invocation when it is available.
 * Prints JSON lines only (see packages/nn/README.md).
 *
 *   node --import tsx packages/nn/bench/sac-update.ts [--backends js,wasm,native] [--batch 128,1280]
 *        [--iters 30] [--js-budget-ms 30000] [--no-peer]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Engine } from "../src/autodiff/engine.js";
import type { BackendName, Kernels } from "../src/kernels/kernels.js";
import { createKernels } from "../src/kernels/select.js";
import { MultiTaskSacUpdate } from "./multitask-sac.js";

interface Options {
  backends: BackendName[];
  batches: number[];
  iterations: number;
  warmup: number;
  jsBudgetMs: number;
  peer: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { backends: ["js", "wasm", "native"], batches: [128, 1280], iterations: 30, warmup: 5, jsBudgetMs: 30_000, peer: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1] ?? "";
    if (flag === "--backends") options.backends = value.split(",") as BackendName[];
    else if (flag === "--batch") options.batches = value.split(",").map(Number);
    else if (flag === "--iters") options.iterations = Number(value);
    else if (flag === "--warmup") options.warmup = Number(value);
    else if (flag === "--js-budget-ms") options.jsBudgetMs = Number(value);
    else if (flag === "--no-peer") {
      options.peer = false;
      continue;
    } else throw new Error(`sac-update bench: unknown flag ${flag}; see the comment at the top of the file.`);
    i++;
  }
  return options;
}

function percentile(sorted: readonly number[], fraction: number): number {
  // numpy's default linear interpolation, as the peer uses.
  const position = (sorted.length - 1) * fraction;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function loadBackend(name: BackendName): Promise<Kernels | string> {
  const notes: string[] = [];
  try {
    const kernels = await createKernels({ backend: name, log: (line) => notes.push(line), env: {} });
    return kernels.name === name ? kernels : `fell back to ${kernels.name}: ${notes.join(" ")}`;
  } catch (error) {
    return (error as Error).message;
  }
}

function timeUpdates(kernels: Kernels, batch: number, options: Options): Record<string, unknown> {
  const engine = new Engine(kernels);
  const sac = new MultiTaskSacUpdate(engine, batch);
  const slow = kernels.name === "js";
  const warmup = slow ? 1 : options.warmup;
  for (let i = 0; i < warmup; i++) sac.update();
  const allocationsAfterWarmup = engine.arena.stats().kernelAllocations;
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < options.iterations; i++) {
    const t0 = performance.now();
    sac.update();
    times.push(performance.now() - t0);
    // The js reference is ~100× slower: stop once its time budget is spent (at least 3 runs).
    if (slow && i >= 2 && performance.now() - started > options.jsBudgetMs) break;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const stats = engine.arena.stats();
  return {
    bench: "sac-update",
    backend: kernels.name,
    batch,
    median_ms: round3(percentile(sorted, 0.5)),
    p10_ms: round3(percentile(sorted, 0.1)),
    p90_ms: round3(percentile(sorted, 0.9)),
    iters: times.length,
    arena_growth_after_warmup: stats.kernelAllocations - allocationsAfterWarmup,
    step_memory_mb: round3((stats.transientHighWater * 4) / 2 ** 20),
    critic_loss: round3(sac.losses.critic),
  };
}

interface PeerResult {
  batch: number;
  median_ms: number;
}

function runPeer(options: Options): PeerResult[] {
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
  const args = [script, "--threads", "1", "--batch", ...options.batches.map(String), "--iters", String(options.iterations)];
  // The peer prints JSON already; pass --json only if its argument parser knows the flag.
  if (readFileSync(script, "utf8").includes('"--json"')) args.push("--json");
  const result = spawnSync(python, args, { encoding: "utf8", env: { ...process.env, OPENBLAS_NUM_THREADS: "2" } });
  if (result.status !== 0) {
    print({ bench: "sac-update", peer: "pytorch", skipped: `peer failed with status ${result.status}: ${result.stderr.trim().split("\n").pop()}` });
    return [];
  }
  const results: PeerResult[] = [];
  for (const line of result.stdout.split("\n")) {
    if (line.trim() === "") continue;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    print({ bench: "sac-update", ...parsed, env: "OPENBLAS_NUM_THREADS=2" });
    results.push({ batch: Number(parsed["batch"]), median_ms: Number(parsed["median_ms"]) });
  }
  return results;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const ours: Array<{ backend: string; batch: number; median_ms: number }> = [];
  for (const name of options.backends) {
    const kernels = await loadBackend(name);
    if (typeof kernels === "string") {
      print({ bench: "sac-update", backend: name, skipped: kernels });
      continue;
    }
    for (const batch of options.batches) {
      const line = timeUpdates(kernels, batch, options);
      print(line);
      ours.push({ backend: name, batch, median_ms: line["median_ms"] as number });
    }
  }
  if (!options.peer) return;
  const peer = runPeer(options);
  for (const mine of ours) {
    const theirs = peer.find((result) => result.batch === mine.batch);
    if (theirs === undefined) continue;
    print({ bench: "sac-update-ratio", backend: mine.backend, batch: mine.batch, ours_ms: mine.median_ms, pytorch_ms: theirs.median_ms, ratio: round3(mine.median_ms / theirs.median_ms) });
  }
}

await main();
