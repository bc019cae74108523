/**
 * Benchmark of the pixel agents (npm run bench:pixels): prints JSON lines only.
 *
 * 1. Replay bytes per stored transition for 84×84 RGB observations, 3 frames stacked ([9, 84, 84]),
 *    in the flat float32 layout and the frame-stack layout (each frame once, as bytes), measured
 *    on allocated buffers and projected to 1M transitions.
 * 2. Milliseconds per `update` of each pixel recipe (agent=sac-pixels, agent=sac-ae, and
 *    agent=deepmdp / agent=hipbmdp where their configs exist; 84×84, 3 stacked frames, batch 128
 *    unless --batch) on each backend, and of the same update in PyTorch (pixels_peer.py, 2
 *    threads) when /usr/bin/python3 has torch. Each backend and the peer run in a process of their
 *    own (so each has its own peak RSS), all alive for one recipe at a time and driven in
 *    interleaved rounds: round r runs --iters-per-round updates on each in turn, so load that
 *    comes and goes on a shared machine falls on all of them alike. Medians over every timed
 *    update, wall clock and CPU time (all threads of the process: on a loaded machine, CPU time
 *    says more about the code than wall time does). The config's cadences apply as they are (the
 *    actor and the targets every second update), so critic-only and full updates are printed apart.
 *
 *   node --import tsx packages/mtrl/bench/pixels.ts [--recipes sac-pixels,sac-ae,deepmdp,hipbmdp]
 *     [--backends wasm,native] [--batch 128] [--rounds 3] [--iters-per-round 2] [--warmup 2] [--no-peer]
 *
 * The load average is printed with every timing: on a shared machine it explains more than the
 * code does.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Rng } from "@mtrl/core";
import type { BackendName } from "@mtrl/nn";
import { MTSACAgent } from "../src/agents/mtsac-agent.js";
import { composeConfig } from "../src/config/compose.js";
import { ReplayBuffer, type ReplayBatch } from "../src/replay/replay-buffer.js";
import { loadBackend, percentile, print, round3 } from "./bench-helpers.js";

const observationShape = [9, 84, 84] as const;
const observationSize = 9 * 84 * 84;
const frameSize = 3 * 84 * 84;
const python = "/usr/bin/python3";
const peerScript = fileURLToPath(new URL("./pixels_peer.py", import.meta.url));
/** Recipes pixels_peer.py has a PyTorch twin of. */
const peerRecipes = new Set(["sac-pixels", "sac-ae", "deepmdp", "hipbmdp"]);

function option(argv: readonly string[], flag: string, fallback: string): string {
  const at = argv.indexOf(flag);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
}

function positiveInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`pixels bench: ${flag} needs a positive integer, got "${value}" (e.g. ${flag} 4).`);
  return parsed;
}

function replayBytes(): void {
  const options = { capacity: 2000, numTasks: 1, observationSize, actionSize: 1 };
  const flat = new ReplayBuffer(options).bytesPerTransition;
  const frames = new ReplayBuffer({ ...options, observationLayout: { type: "frame-stack", frames: 3, frameSize } }).bytesPerTransition;
  const gigabytes = (bytes: number): number => round3((bytes * 1e6) / 1e9);
  print({
    bench: "replay-bytes", observation: "[9, 84, 84] (3 stacked RGB frames)", actionSize: 1,
    flatFloat32BytesPerTransition: flat, frameStackBytesPerTransition: round3(frames), ratio: round3(frames / flat),
    gigabytesPer1MTransitions: { flatFloat32: gigabytes(flat), frameStack: gigabytes(frames) },
  });
}

function pixelBatch(size: number): ReplayBatch {
  const rng = Rng.fromSeed(1, "pixel-batch");
  const bytes = (count: number): Float32Array => {
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = rng.integers(0, 256);
    return values;
  };
  return {
    size, observations: bytes(size * observationSize), nextObservations: bytes(size * observationSize),
    actions: rng.fillUniform(new Float32Array(size), -1, 1), rewards: rng.fillUniform(new Float32Array(size), 0, 1),
    notDones: new Float32Array(size).fill(1), taskIndices: new Int32Array(size),
  };
}

const peakRssMB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * The child side: one recipe on one backend, answering `run <updates>`, `rss` and `quit` on stdin
 * with one JSON line each.
 */
async function serve(recipe: string, backend: BackendName, batchSize: number): Promise<void> {
  const kernels = await loadBackend(backend);
  if (typeof kernels === "string") {
    print({ ready: false, skipped: kernels });
    return;
  }
  let agent: MTSACAgent;
  let fullEvery: number;
  try {
    const { config } = composeConfig([`agent=${recipe}`, `agent.batchSize=${batchSize}`]);
    agent = new MTSACAgent(config.agent, { observationSize, actionSize: 1, numTasks: 1, observationShape }, kernels, 1);
    fullEvery = config.agent.actor.updateEvery;
  } catch (error) {
    print({ ready: false, skipped: `agent=${recipe} does not build here: ${(error as Error).message.split("\n")[0]}` });
    return;
  }
  const batch = pixelBatch(batchSize);
  let index = 0;
  print({ ready: true, backend: kernels.name });
  for await (const line of createInterface({ input: process.stdin })) {
    const words = line.trim().split(/\s+/);
    if (words[0] === "quit") break;
    if (words[0] === "rss") {
      print({ peakRssMB: peakRssMB(), stepMemoryMB: Math.round((agent.engine.arena.stats().transientCapacity * 4) / 1e6) });
      continue;
    }
    const updates = Number(words[1]);
    const wall: number[] = [];
    const cpu: number[] = [];
    const full: boolean[] = [];
    for (let i = 0; i < updates; i++, index++) {
      const startedCpu = process.cpuUsage();
      const started = performance.now();
      agent.update(batch, index);
      wall.push(performance.now() - started);
      const used = process.cpuUsage(startedCpu);
      cpu.push((used.user + used.system) / 1000);
      full.push(index % fullEvery === 0);
    }
    print({ msPerUpdate: wall, cpuMsPerUpdate: cpu, full });
  }
}

/** A child process spoken to in lines: each request gets the next JSON line of its stdout. */
class LineChild {
  private readonly waiting: Array<(line: Record<string, unknown>) => void> = [];
  private readonly early: Array<Record<string, unknown>> = [];
  private stderr = "";

  constructor(readonly label: string, private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return; // not a protocol line (a library's notice)
      }
      const resolve = this.waiting.shift();
      if (resolve === undefined) this.early.push(parsed);
      else resolve(parsed);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    child.on("exit", (code) => {
      for (const resolve of this.waiting.splice(0)) resolve({ error: `${label} exited with code ${code}: ${this.stderr.trim().split("\n").slice(-3).join(" | ")}` });
    });
  }

  next(): Promise<Record<string, unknown>> {
    const ready = this.early.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  request(line: string): Promise<Record<string, unknown>> {
    this.child.stdin!.write(`${line}\n`);
    return this.next();
  }

  quit(): void {
    this.child.stdin!.end("quit\n");
  }
}

/** Why the PyTorch peer cannot run, or null when it can. */
function peerMissing(): string | null {
  if (!existsSync(python)) return `${python} not found`;
  if (spawnSync(python, ["-c", "import torch"]).status !== 0) return `${python} has no torch (apt-get install -y python3-torch)`;
  return null;
}

interface Samples { wall: number[]; cpu: number[]; full: boolean[] }

const median = (values: readonly number[]): number | null => (values.length === 0 ? null : round3(percentile([...values].sort((a, b) => a - b), 0.5)));

async function benchRecipe(
  recipe: string, backends: readonly BackendName[], batchSize: number, rounds: number, perRound: number, warmup: number, withPeer: boolean,
): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const children: LineChild[] = [];
  for (const backend of backends) {
    const child = new LineChild(backend, spawn(process.execPath, [...process.execArgv, self, "--serve", recipe, backend, String(batchSize)], { stdio: ["pipe", "pipe", "pipe"] }));
    const ready = await child.next();
    if (ready.ready !== true) {
      print({ bench: "pixel-update", recipe, backend, skipped: ready.skipped ?? ready.error });
      child.quit();
      continue;
    }
    children.push(child);
  }
  const missing = !withPeer ? "--no-peer" : !peerRecipes.has(recipe) ? `pixels_peer.py has no PyTorch twin of agent=${recipe}` : peerMissing();
  let peer: LineChild | null = null;
  let peerInfo: Record<string, unknown> = {};
  if (missing === null) {
    peer = new LineChild("pytorch", spawn(python, [peerScript, "--serve", "--batch", String(batchSize), "--threads", "2"], { stdio: ["pipe", "pipe", "pipe"] }));
    peerInfo = await peer.next();
    if (peerInfo.ready !== true) {
      print({ bench: "pixel-update", recipe, backend: "pytorch", skipped: peerInfo.error });
      peer = null;
    }
  }
  const runners: Array<{ label: string; run: (updates: number) => Promise<Record<string, unknown>> }> = [
    ...children.map((child) => ({ label: child.label, run: (updates: number) => child.request(`run ${updates}`) })),
    ...(peer === null ? [] : [{ label: "pytorch", run: (updates: number) => peer!.request(`run ${recipe} ${updates}`) }]),
  ];
  const samples = new Map<string, Samples>(runners.map((runner) => [runner.label, { wall: [], cpu: [], full: [] }]));
  const loads: number[] = [];
  for (const runner of runners) await runner.run(warmup);
  for (let round = 0; round < rounds; round++) {
    for (const runner of runners) {
      loads.push(loadavg()[0]!);
      const answer = await runner.run(perRound);
      if (answer.error !== undefined) throw new Error(`pixels bench: ${runner.label} failed on agent=${recipe}: ${String(answer.error)}`);
      const into = samples.get(runner.label)!;
      into.wall.push(...(answer.msPerUpdate as number[]));
      into.cpu.push(...(answer.cpuMsPerUpdate as number[]));
      // The peer counts its own updates the same way: even indices are full updates.
      const full = (answer.full as boolean[] | undefined) ?? (answer.msPerUpdate as number[]).map((_, i) => ((answer.firstIndex as number) + i) % 2 === 0);
      into.full.push(...full);
    }
  }
  const rss = new Map<string, Record<string, unknown>>();
  for (const child of children) rss.set(child.label, await child.request("rss"));
  if (peer !== null) rss.set("pytorch", await peer.request("rss"));
  for (const child of children) child.quit();
  peer?.quit();
  const peerSamples = peer === null ? null : samples.get("pytorch")!;
  const peerWall = peerSamples === null ? null : median(peerSamples.wall);
  const peerCpu = peerSamples === null ? null : median(peerSamples.cpu);
  const load = { loadAverage1mMedian: median(loads), loadAverage1mRange: loads.length === 0 ? null : [round3(Math.min(...loads)), round3(Math.max(...loads))], cores: availableParallelism() };
  for (const [label, { wall, cpu, full }] of samples) {
    const pick = (values: number[], wanted: boolean): number[] => values.filter((_, i) => full[i] === wanted);
    const medianWall = median(wall);
    const medianCpu = median(cpu);
    print({
      bench: "pixel-update", recipe, backend: label, batch: batchSize, observation: "[9, 84, 84]", encoder: "4 × 32 conv, 50 features", hidden: "2 × 1024",
      medianMsPerUpdate: medianWall, medianMsCriticOnlyUpdate: median(pick(wall, false)), medianMsFullUpdate: median(pick(wall, true)),
      medianCpuMsPerUpdate: medianCpu, updates: wall.length, rounds,
      ...(label === "pytorch"
        ? { torch: peerInfo.torch, threads: peerInfo.threads }
        : {
          ratioToPytorch: peerWall === null || medianWall === null ? null : round3(medianWall / peerWall),
          cpuRatioToPytorch: peerCpu === null || medianCpu === null ? null : round3(medianCpu / peerCpu),
          ...(peerWall === null ? { pytorch: missing ?? "failed" } : {}),
        }),
      ...rss.get(label), ...load,
    });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === "--serve") {
  await serve(argv[1]!, argv[2] as BackendName, Number(argv[3]));
} else {
  const recipesOption = option(argv, "--recipes", "");
  const agentConfigs = fileURLToPath(new URL("../config/agent/", import.meta.url));
  // DeepMDP and HiP-BMDP join the default list once their recipes exist.
  const recipes = recipesOption !== "" ? recipesOption.split(",") : ["sac-pixels", "sac-ae", "deepmdp", "hipbmdp"].filter((name) => existsSync(`${agentConfigs}${name}.yaml`));
  const backends = option(argv, "--backends", "wasm,native").split(",") as BackendName[];
  const batchSize = positiveInteger("--batch", option(argv, "--batch", "128"));
  const rounds = positiveInteger("--rounds", option(argv, "--rounds", "3"));
  const perRound = positiveInteger("--iters-per-round", option(argv, "--iters-per-round", "2"));
  const warmup = positiveInteger("--warmup", option(argv, "--warmup", "2"));
  replayBytes();
  for (const recipe of recipes) await benchRecipe(recipe, backends, batchSize, rounds, perRound, warmup, !argv.includes("--no-peer"));
}
