/**
 * Benchmark: the MT-SAC update (MT10 shapes, B = 128, config/agent/mtsac.yaml) when the cores are
 * shared — the situation of a user who runs two seeds at once, or trains beside a compile. For each
 * backend it times the update in a child process
 *   1. alone,
 *   2. as one of two identical processes running at the same time,
 *   3. beside one CPU-bound neighbour process (a busy loop on one thread),
 * and prints ms/update per case and each case's ratio to the solo time. Targets (issue "hardening"):
 * two processes ≤ 2.2× solo each, beside a busy neighbour ≤ 2.5×. Prints JSON lines only.
 *
 *   node --import tsx packages/mtrl/bench/contention.ts [--backends native,wasm] [--seconds 8]
 *        [--rounds 3] [--cases alone,two_processes,busy_neighbour]
 *
 * Each child warms up (20 updates), says "ready", and starts timing only when the parent says "go"
 * to all children of the case at once, so the measured windows overlap completely. Rounds repeat
 * the three cases; the summary gives the median of each case over the rounds (this VM's speed
 * drifts for tens of seconds at a time).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { BackendName } from "@mtrl/nn";
import { MTSACAgent } from "../src/agents/mtsac-agent.js";
import { DEFAULT_CONFIG_DIR, readYamlFile } from "../src/config/config-dir.js";
import { mtsacConfigSchema } from "../src/config/schema.js";
import { loadBackend, mt10Dimensions, percentile, print, randomBatch, round3 } from "./bench-helpers.js";

const targets = { two_processes: 2.2, busy_neighbour: 2.5 } as const;
const batchSize = 128;

type CaseName = "alone" | "two_processes" | "busy_neighbour";
const caseNames: readonly CaseName[] = ["alone", "two_processes", "busy_neighbour"];

interface Options {
  backends: BackendName[];
  cases: CaseName[];
  seconds: number;
  rounds: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { backends: ["native", "wasm"], cases: [...caseNames], seconds: 8, rounds: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1] ?? "";
    if (flag === "--backends") options.backends = value.split(",") as BackendName[];
    else if (flag === "--cases") {
      options.cases = value.split(",") as CaseName[];
      const unknown = options.cases.find((name) => !caseNames.includes(name));
      if (unknown !== undefined) throw new Error(`contention bench: --cases takes ${caseNames.join(",")}, got "${unknown}".`);
    }
    else if (flag === "--seconds" || flag === "--rounds") {
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`contention bench: ${flag} needs a positive integer, got "${value}".`);
      if (flag === "--seconds") options.seconds = parsed;
      else options.rounds = parsed;
    } else throw new Error(`contention bench: unknown flag ${flag}; see the comment at the top of the file.`);
  }
  return options;
}

/** Child: warm up, wait for "go" on stdin, time updates for `seconds`, print one JSON line. */
async function runChild(backend: BackendName, seconds: number): Promise<void> {
  const kernels = await loadBackend(backend);
  if (typeof kernels === "string") {
    process.stdout.write(`${JSON.stringify({ skipped: kernels })}\n`);
    return;
  }
  const config = { ...mtsacConfigSchema.parse(readYamlFile(join(DEFAULT_CONFIG_DIR, "agent", "mtsac.yaml"))), batchSize };
  const agent = new MTSACAgent(config, mt10Dimensions, kernels, 0);
  const batch = randomBatch(batchSize, 0);
  let step = 0;
  for (; step < 20; step++) agent.update(batch, step);
  process.stdout.write("ready\n");
  const lines = createInterface({ input: process.stdin });
  const [go] = (await once(lines, "line")) as [string];
  if (go !== "go") throw new Error(`contention bench child: expected "go", got "${go}"`);
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    agent.update(batch, step++);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  // wasm has `threads`; native reports its pool's threads through blasInfo().
  const native = kernels as { threads?: number; blasInfo?: () => { threads: number } };
  const threads = native.threads ?? native.blasInfo?.().threads;
  process.stdout.write(`${JSON.stringify({ median_ms: percentile(times, 0.5), p90_ms: percentile(times, 0.9), updates: times.length, threads })}\n`);
  lines.close();
  (kernels as { close?: () => void }).close?.();
}

/** A neighbour that keeps one core busy until killed. */
function runBusyNeighbour(): void {
  let x = 0;
  for (;;) x = (x * 1103515245 + 12345) % 2147483647;
}

interface ChildHandle {
  process: ChildProcess;
  nextLine: () => Promise<string>;
  /** Settles when the child has exited (listened for from the start: it may exit before we ask). */
  exited: Promise<unknown>;
}

function startChild(args: string[]): ChildHandle {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  lines.on("line", (line) => {
    const resolve = waiting.shift();
    if (resolve) resolve(line);
    else queue.push(line);
  });
  child.once("exit", (code) => {
    for (const resolve of waiting.splice(0)) resolve(JSON.stringify({ skipped: `child exited with ${code}` }));
  });
  return {
    process: child,
    exited: once(child, "exit"),
    nextLine: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  };
}

/** Runs `count` update children (plus a busy neighbour if asked) and returns their medians. */
async function runCase(backend: BackendName, count: number, neighbour: boolean, seconds: number): Promise<Array<Record<string, number>>> {
  const busy = neighbour ? startChild(["--busy"]) : null;
  const children = Array.from({ length: count }, () => startChild(["--child", backend, String(seconds)]));
  try {
    for (const child of children) {
      const line = await child.nextLine();
      if (line !== "ready") throw new Error(`contention bench: child did not get ready: ${line}`);
    }
    for (const child of children) child.process.stdin!.write("go\n");
    const results = await Promise.all(children.map(async (child) => JSON.parse(await child.nextLine()) as Record<string, number>));
    await Promise.all(children.map((child) => child.exited));
    return results;
  } finally {
    busy?.process.kill("SIGKILL");
    for (const child of children) child.process.kill("SIGKILL");
  }
}

async function runParent(options: Options): Promise<void> {
  for (const backend of options.backends) {
    const medians: Record<CaseName, number[]> = { alone: [], two_processes: [], busy_neighbour: [] };
    let skipped = false;
    for (let round = 1; round <= options.rounds && !skipped; round++) {
      for (const name of options.cases) {
        const count = name === "two_processes" ? 2 : 1;
        const neighbour = name === "busy_neighbour";
        const results = await runCase(backend, count, neighbour, options.seconds);
        const failed = results.find((result) => "skipped" in result);
        if (failed !== undefined) {
          print({ bench: "contention", backend, skipped: failed["skipped"] });
          skipped = true;
          break;
        }
        const perProcess = results.map((result) => round3(result["median_ms"]!));
        // Two processes: the slower one is what a user waits for.
        medians[name].push(Math.max(...perProcess));
        print({
          bench: "contention", backend, batch: batchSize, round, case: name, threads: results[0]!["threads"],
          median_ms_per_process: perProcess, updates_per_process: results.map((result) => result["updates"]),
        });
      }
    }
    if (skipped || medians.alone.length === 0) continue;
    const median = (values: number[]): number => round3(percentile([...values].sort((a, b) => a - b), 0.5));
    const alone = median(medians.alone);
    const summary = (name: "two_processes" | "busy_neighbour") => {
      if (medians[name].length === 0) return "not run";
      const ratio = round3(median(medians[name]) / alone);
      return { ms: median(medians[name]), ratio, target: targets[name], met: ratio <= targets[name] };
    };
    print({
      bench: "contention-summary", backend, batch: batchSize, rounds: options.rounds, alone_ms: alone,
      two_processes: summary("two_processes"), busy_neighbour: summary("busy_neighbour"),
    });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === "--busy") runBusyNeighbour();
else if (argv[0] === "--child") await runChild(argv[1] as BackendName, Number(argv[2]));
else await runParent(parseOptions(argv));
