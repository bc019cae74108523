/**
 * `npm run bench:physics`: prints JSON with
 *  - env steps/s per MuJoCo domain (state observations, random actions),
 *  - frames/s of the CPU ray-cast renderer per domain (84×84) and pixel-env steps/s,
 *  - raw mj_step steps/s of the same XML in the WASM build, and — when Debian's libmujoco-dev
 *    and a C compiler are present — in a small C program compiled in this run, with the ratio.
 * Timings follow a warm-up: the WASM engine is slow until V8 has optimised it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ControlSuiteEnv, MujocoSimulation, initMujoco, make } from "../src/index.js";

const DOMAINS = [
  { domain: "cartpole", id: "MT-DMC-Cartpole-Swingup-v0" },
  { domain: "cheetah", id: "MT-DMC-Cheetah-Run-v0" },
  { domain: "walker", id: "MT-DMC-Walker-Walk-v0" },
  { domain: "finger", id: "MT-DMC-Finger-Spin-v0" },
  { domain: "reacher", id: "MT-DMC-Reacher-Easy-v0" },
] as const;
const MEASURE_SECONDS = Number(process.env["BENCH_SECONDS"] ?? 1);
const RAW_WARMUP_STEPS = 20000;

/** Calls `work` in batches until `seconds` have passed; returns calls per second. */
function rate(work: () => void, seconds = MEASURE_SECONDS, batch = 100): number {
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < batch; i++) work();
    calls += batch;
  }
  return calls / ((performance.now() - started) / 1000);
}

function envStepsPerSecond(id: string, kwargs: Record<string, unknown>, warmupSteps: number): number {
  const env = make(id, kwargs) as ControlSuiteEnv;
  env.seedTask(0);
  env.reset({ seed: 0 });
  const actions = Array.from({ length: 64 }, () => env.actionSpace.sample());
  let t = 0;
  const step = (): void => {
    const [, , terminated, truncated] = env.step(actions[t++ % actions.length]!);
    if (terminated || truncated) env.reset();
  };
  for (let i = 0; i < warmupSteps; i++) step();
  const perSecond = rate(step, MEASURE_SECONDS, 10);
  env.close();
  return perSecond;
}

function rendererFramesPerSecond(id: string): number {
  const env = make(id) as ControlSuiteEnv;
  env.seedTask(0);
  env.reset({ seed: 0 });
  for (let i = 0; i < 200; i++) env.renderFrame();
  const perSecond = rate(() => env.renderFrame(), MEASURE_SECONDS, 10);
  env.close();
  return perSecond;
}

function wasmRawStepsPerSecond(xml: string): number {
  const simulation = MujocoSimulation.fromXml(xml, "bench");
  simulation.step(RAW_WARMUP_STEPS);
  const perSecond = rate(() => simulation.step(), MEASURE_SECONDS, 1000);
  simulation.close();
  return perSecond;
}

/** Builds the C benchmark; undefined (with the reason) when the system MuJoCo or gcc is missing. */
function buildNative(directory: string): { binary?: string; reason?: string } {
  if (!existsSync("/usr/include/mujoco/mujoco.h")) return { reason: "libmujoco-dev not installed (no /usr/include/mujoco/mujoco.h)" };
  const source = join(dirname(fileURLToPath(import.meta.url)), "mj-step-native.c");
  const binary = join(directory, "mj-step-native");
  try {
    execFileSync("cc", ["-O2", "-o", binary, source, "-lmujoco"], { stdio: "pipe" });
    return { binary };
  } catch (error) {
    return { reason: `compiling the C benchmark failed: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}` };
  }
}

function nativeStepsPerSecond(binary: string, xml: string, directory: string, domain: string, timedSteps: number): { stepsPerSecond: number; version: string } {
  // MuJoCo 2.2 predates <size memory=...> (its arena is sized by nstack instead): drop it there.
  const path = join(directory, `${domain}.xml`);
  writeFileSync(path, xml.replace(/<size memory="[^"]*"\/>/, ""));
  const output = execFileSync(binary, [path, String(RAW_WARMUP_STEPS), String(timedSteps)], { encoding: "utf8" });
  return JSON.parse(output) as { stepsPerSecond: number; version: string };
}

const info = await initMujoco();
const scratch = mkdtempSync(join(tmpdir(), "mtenv-bench-"));
try {
  const native = buildNative(scratch);
  const domains: Record<string, Record<string, number | string | null>> = {};
  let nativeVersion: string | null = null;
  for (const { domain, id } of DOMAINS) {
    const env = make(id) as ControlSuiteEnv;
    const xml = env.family.xml(0);
    env.close();
    const wasmRaw = wasmRawStepsPerSecond(xml);
    let nativeRaw: number | null = null;
    if (native.binary !== undefined) {
      const measured = nativeStepsPerSecond(native.binary, xml, scratch, domain, Math.max(20000, Math.round(wasmRaw * MEASURE_SECONDS)));
      nativeRaw = measured.stepsPerSecond;
      nativeVersion = measured.version;
    }
    domains[domain] = {
      id,
      envStepsPerSecondState: Math.round(envStepsPerSecond(id, {}, 3000)),
      rendererFramesPerSecond84: Math.round(rendererFramesPerSecond(id)),
      envStepsPerSecondPixels: Math.round(envStepsPerSecond(id, { fromPixels: true, frameSkip: 2, frameStack: 3 }, 300)),
      rawMjStepPerSecondWasm: Math.round(wasmRaw),
      rawMjStepPerSecondNative: nativeRaw === null ? null : Math.round(nativeRaw),
      ratioWasmToNative: nativeRaw === null ? null : Number((wasmRaw / nativeRaw).toFixed(2)),
    };
  }
  console.log(
    JSON.stringify(
      {
        benchmark: "physics",
        wasmMujocoVersion: info.version,
        nativeMujocoVersion: nativeVersion,
        ...(native.reason === undefined ? {} : { nativeSkipped: native.reason }),
        measureSeconds: MEASURE_SECONDS,
        notes: "envStepsPerSecondState: control steps (walker = 10 physics steps each); pixels: frameSkip 2, frameStack 3, 84x84; raw mj_step with zero controls from the model's initial state",
        domains,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
