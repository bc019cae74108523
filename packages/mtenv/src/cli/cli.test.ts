import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
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
import { closestIds } from "./env-id.js";
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

test("`mtenv list | head -1`: a reader that closes the pipe early ends the CLI quietly with status 0", async () => {
  const child = spawn(process.execPath, [BIN, "list"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // Close our end before the child writes (it is still starting Node): its first write meets a
  // closed pipe, as a long listing does once `head` has read its lines.
  child.stdout.destroy();
  const [code] = (await once(child, "exit")) as [number | null];
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Error/);
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
  assert.equal(id.code, 2);
  assert.match(id.err, /no environment is registered with id "MT-CartPol-v0"\. Did you mean: MT-CartPole-v0[,?]/);
  const option = await runCaptured("bench", "MT-CartPole-v0", "--step", "10");
  assert.equal(option.code, 2);
  assert.match(option.err, /Unknown option --step\. Did you mean: --steps\?/);
  const kwargs = await runCaptured("check", "MT-Bandit-v0", "--kwargs", "{nArms: 3}");
  assert.equal(kwargs.code, 2);
  assert.match(kwargs.err, /--kwargs expects a JSON object/);
  assert.equal((await runCaptured("bench")).code, 2);
  assert.equal((await runCaptured("bench", "MT-CartPole-v0", "--steps", "0")).code, 2);
});

test("an unknown id is a usage error (exit 2) suggesting only ids with a close name, or none", async () => {
  const unrelated = await runCaptured("check", "MT-Foo-v0");
  assert.equal(unrelated.code, 2);
  assert.match(unrelated.err, /^mtenv check: no environment is registered with id "MT-Foo-v0"\. Run "mtenv list" to see every id\.$/m);
  assert.doesNotMatch(unrelated.err, /Did you mean/, "the shared MT-/-v0 affixes made MT-Acrobot-v0 look close");
  const wrongVersion = await runCaptured("bench", "MT-Pendulum-v1");
  assert.equal(wrongVersion.code, 2);
  assert.match(wrongVersion.err, /Did you mean: MT-Pendulum-v0\?/);
  const lowerCase = await runCaptured("check", "mt-cartpole-v0");
  assert.equal(lowerCase.code, 2);
  assert.match(lowerCase.err, /Did you mean: MT-CartPole-v0[,?]/);
  assert.doesNotMatch(lowerCase.err, /Acrobot/);
  const badKwargs = await runCaptured("check", "MT-Bandit-v0", "--kwargs", '{"nArm": 3}');
  assert.equal(badKwargs.code, 2);
  assert.match(badKwargs.err, /kwargs\.nArm: unknown keyword\. Did you mean: nArms\?/);
});

test("closestIds compares names without the MT- prefix and version suffix", () => {
  const ids = ["MT-Acrobot-v0", "MT-CartPole-v0", "MT-DMC-Walker-Walk-v0", "MT-DMC-Walker-Run-v0"];
  assert.deepEqual(closestIds("MT-Foo-v0", ids), []);
  assert.deepEqual(closestIds("MT-Acrobt-v0", ids), ["MT-Acrobot-v0"]);
  assert.deepEqual(closestIds("MT-CartPole-v3", ids), ["MT-CartPole-v0"]);
  assert.deepEqual(closestIds("Walker", ids).sort(), ["MT-DMC-Walker-Run-v0", "MT-DMC-Walker-Walk-v0"]);
  assert.deepEqual(closestIds("MT-", ids), []);
});

test("every error message carries the command prefix once", async () => {
  const cases = [["check"], ["check", "MT-CartPole-v0", "MT-Pendulum-v0"], ["bench"], ["bench", "MT-CartPole-v0", "extra"], ["list", "extra"], ["check", "MT-Foo-v0"], ["check", "MT-CartPole-v0", "--seed", "x"]];
  for (const args of cases) {
    const { code, err } = await runCaptured(...args);
    assert.equal(code, 2, args.join(" "));
    assert.match(err, new RegExp(`^mtenv ${args[0]}: \\S`), args.join(" "));
    assert.doesNotMatch(err, /^mtenv \w+: mtenv \w+/m, `doubled prefix: ${err}`);
  }
});

class WideActionEnv extends MTEnvBase<Float32Array, Float32Array, Float32Array, number> {
  constructor() {
    super(new Box(-1, 1, { shape: [16] }), new Box(-1, 1, { shape: [1] }), new Box(0, 1, { shape: [1] }));
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
    return [Float32Array.of(0), 0, false, false, {}];
  }
}

test("check wraps a long message under its column and never cuts a JSON value", async () => {
  register({
    id: "MT-CliTestWideAction-v0",
    description: "a 16-dimensional action space, whose JSON is longer than a table line (CLI test only)",
    kwargsSchema: z.strictObject({}),
    entryPoint: () => new WideActionEnv(),
    maxEpisodeSteps: 20,
    testKwargs: { valid: [], invalid: [] },
  });
  const { out } = await runCaptured("check", "MT-CliTestWideAction-v0");
  const lines = out.split("\n");
  for (const line of lines) assert.ok(line.length <= 100, `line longer than 100 characters: ${line}`);
  // The spaces row and its continuation lines (indented under the message column).
  const start = lines.findIndex((line) => /^PASS +spaces /.test(line));
  assert.ok(start >= 0, out);
  const column = /^PASS +spaces +/.exec(lines[start]!)![0].length;
  const rows = [lines[start]!.slice(column)];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(" ".repeat(column))) break;
    rows.push(line.slice(column));
  }
  // Lines break between words or after a comma inside a value.
  const message = rows.reduce((text, row) => (text.endsWith(",") ? text + row : `${text} ${row}`));
  const json = /^action (\{.*\}); observation keys envObs, taskObs$/.exec(message)?.[1];
  assert.ok(json !== undefined, `spaces message: ${message}`);
  assert.deepEqual(JSON.parse(json), new Box(-1, 1, { shape: [16] }).toJSON());
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
