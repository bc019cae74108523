import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";
import { MTEnvBase } from "../core/mt-env.js";
import type { Info } from "../core/types.js";
import { register } from "../registry/registry.js";
import { Box } from "../spaces/box.js";
import { Discrete } from "../spaces/discrete.js";
import type { BenchResult } from "./bench-command.js";
import type { CliOutput } from "./command.js";
import { runCli } from "./main.js";

const BIN = fileURLToPath(new URL("../../bin/mtenv.js", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Runs the binary the way a newcomer does: plain node, no loader flags, from the repo root. */
async function spawnCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** runCli in this process, capturing what it prints. */
async function runCaptured(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const lines = { out: [] as string[], err: [] as string[] };
  const output: CliOutput = { out: (text) => lines.out.push(text), err: (text) => lines.err.push(text) };
  const code = await runCli(args, output);
  return { code, out: lines.out.join("\n"), err: lines.err.join("\n") };
}

test("`node bin/mtenv.js list` prints every id with a description and marks aliases", async () => {
  const { code, stdout, stderr } = await spawnCli("list");
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^MT-CartPole-v0 +Cart-pole/m);
  assert.match(stdout, /^MT-Acrobat-v0 +\[alias of MT-Acrobot-v0\]$/m);
  assert.match(stdout, /^\d+ environments\./m);
});

test("`node bin/mtenv.js bench` prints one JSON line, its parallel workers started through tsx's API", async () => {
  const { code, stdout, stderr } = await spawnCli("bench", "MT-CartPole-v0", "--steps", "2000", "--num-envs", "3", "--repeats", "1", "--workers", "1");
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split("\n");
  assert.equal(lines.length, 1);
  const result = JSON.parse(lines[0]!) as BenchResult;
  assert.equal(result.id, "MT-CartPole-v0");
  assert.equal(result.numEnvs, 3);
  assert.equal(result.numWorkers, 1);
  for (const key of ["singleEnvStepsPerSecond", "syncVectorStepsPerSecond", "parallelVectorStepsPerSecond"] as const) {
    assert.ok(Number.isFinite(result[key]) && result[key] > 0, `${key} = ${result[key]}`);
  }
});

test("check prints a pass/fail table and exits 0 when every check passes", async () => {
  const { code, out } = await runCaptured("check", "MT-Pendulum-v0");
  assert.equal(code, 0, out);
  assert.match(out, /^PASS +determinism/m);
  assert.match(out, /all \d+ checks passed/);
});

class ObservationOutsideSpaceEnv extends MTEnvBase<Float32Array, Float32Array, number, number> {
  constructor() {
    super(new Discrete(2), new Box(-1, 1, { shape: [1] }), new Box(0, 1, { shape: [1] }));
  }
  getTaskObs(): Float32Array {
    return Float32Array.of(0);
  }
  getTaskState(): number {
    return 0;
  }
  setTaskState(): void {}
  sampleTaskState(): number {
    return this.taskRng.integers(0, 1);
  }
  protected resetEnv(): [Float32Array, Info] {
    return [Float32Array.of(0), {}];
  }
  protected stepEnv(): [Float32Array, number, boolean, boolean, Info] {
    return [Float32Array.of(5), 0, false, false, {}];
  }
}

test("check exits 1 and marks FAIL when an environment breaks a check", async () => {
  register({
    id: "MT-CliTestBroken-v0",
    description: "observations leave their space (CLI test only)",
    kwargsSchema: z.strictObject({}),
    entryPoint: () => new ObservationOutsideSpaceEnv(),
    maxEpisodeSteps: 20,
    testKwargs: { valid: [], invalid: [] },
  });
  const { code, out } = await runCaptured("check", "MT-CliTestBroken-v0");
  assert.equal(code, 1);
  assert.match(out, /^FAIL +observations in space/m);
  assert.match(out, /\d+ of \d+ checks failed/);
});

test("unknown commands, ids and options get a suggestion and a usage exit code", async () => {
  const command = await runCaptured("lsit");
  assert.equal(command.code, 2);
  assert.match(command.err, /unknown command "lsit"\. Did you mean: list\?/);
  const id = await runCaptured("check", "MT-CartPol-v0");
  assert.equal(id.code, 1);
  assert.match(id.err, /UnregisteredEnvError: .*Did you mean: MT-CartPole-v0/);
  const option = await runCaptured("bench", "MT-CartPole-v0", "--step", "10");
  assert.equal(option.code, 2);
  assert.match(option.err, /Unknown option --step\. Did you mean: --steps\?/);
  const kwargs = await runCaptured("check", "MT-Bandit-v0", "--kwargs", "{nArms: 3}");
  assert.equal(kwargs.code, 2);
  assert.match(kwargs.err, /--kwargs expects a JSON object/);
  assert.equal((await runCaptured("bench")).code, 2);
  assert.equal((await runCaptured("bench", "MT-CartPole-v0", "--steps", "0")).code, 2);
});

test("--help works for the tool and for every command", async () => {
  const top = await runCaptured("--help");
  assert.equal(top.code, 0);
  for (const name of ["list", "check", "bench"]) {
    assert.match(top.out, new RegExp(`^  ${name} `, "m"));
    const help = await runCaptured(name, "--help");
    assert.equal(help.code, 0);
    assert.match(help.out, new RegExp(`^Usage: mtenv ${name}`));
    assert.equal((await runCaptured("help", name)).out, help.out);
  }
});
