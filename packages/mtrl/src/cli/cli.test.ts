import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, test } from "node:test";
import { parse } from "yaml";
import { MetricsWriter } from "../run-folder/metrics.js";
import { createRunDir } from "../run-folder/run-dir.js";
import { parseArgs } from "./args.js";
import { handleInterrupts } from "./interrupt.js";
import { runMain } from "../testing/cli-runs.js";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const BIN = "packages/mtrl/bin/mtrl.js";

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-cli-"));
  temporaryDirs.push(dir);
  return dir;
}

/** Runs the CLI the way a newcomer does from the repository root: `node packages/mtrl/bin/mtrl.js ...`. */
function mtrl(args: string[], cwd = REPO_ROOT): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const binPath = cwd === REPO_ROOT ? BIN : join(REPO_ROOT, BIN);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}


// Spawned like a newcomer would, in parallel to keep the suite fast (each start compiles with tsx).
describe("npx mtrl (spawned)", { concurrency: true }, () => {
  test("--help lists every command with examples and exits 0", async () => {
    const { status, stdout } = await mtrl(["--help"]);
    assert.equal(status, 0);
    for (const command of ["train", "eval <run>", "report <run>", "list", "--resume <run>"]) assert.ok(stdout.includes(command), `help mentions ${command}`);
    assert.match(stdout, /npx mtrl train env=mt-pendulum agent=mtsac seed=3/);
  });

  test("list shows the config groups, the components and the registered environments", async () => {
    const { status, stdout, stderr } = await mtrl(["list"]);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /\* mt-pendulum\s+MT-Pendulum-v0, 4 tasks/);
    assert.match(stdout, /^    [* ] mtsac\s+MT-SAC: /m);
    for (const recipe of ["mtmhsac", "mtsac-task-encoder", "film", "moe", "care", "soft-modularization"]) assert.match(stdout, new RegExp(`^      ${recipe}\\s+\\S`, "m"));
    // Every component of the registry, with its options and their defaults.
    assert.match(stdout, /^    moe\s+mixture of encoders/m);
    assert.match(stdout, /options: numExperts=4 routing="attention" topK=2/);
    assert.match(stdout, /^    multi-head\s+one output layer per task/m);
    assert.match(stdout, /^    [* ] default$/m);
    assert.equal(stdout.match(/^    \* /gm)?.length, 3, "one default per group");
    assert.match(stdout, /agent\.encoder\.type\s+identity, mlp, moe, pixel/);
    assert.match(stdout, /agent\.alpha\.type\s+per-task, shared/);
    assert.match(stdout, /experiment\.vectorEnv\s+sync, parallel/);
    assert.match(stdout, /MT-Pendulum-v0\s+\S/);
  });

  test("a misspelt group option exits 2, suggests the right one and creates no run folder", async () => {
    const cwd = temporaryDir();
    const { status, stdout, stderr } = await mtrl(["train", "env=mt-pendelum"], cwd);
    assert.equal(status, 2);
    assert.equal(stdout, "");
    assert.match(stderr, /^error: env=mt-pendelum: no such env option in .*env\/\. Available: (?:[a-z0-9-]+, )*mt-pendulum(?:, [a-z0-9-]+)*\. Did you mean: mt-pendulum\?/);
    assert.ok(!existsSync(join(cwd, "runs")));
  });

  test("a bad override value exits 2 naming the path, the allowed values and a suggestion", async () => {
    const { status, stderr } = await mtrl(["train", "agent.encoder.type=identiy"]);
    assert.equal(status, 2);
    assert.ok(stderr.includes('agent.encoder.type: expected one of identity, mlp, moe, pixel, got "identiy". Did you mean: identity?'), stderr);
    assert.ok(!stderr.includes("    at "), "no stack trace for a user error");
  });
});

describe("mtrl commands (in process)", () => {
  test("train --help explains overrides and Ctrl-C", async () => {
    const { status, stdout } = await runMain(["train", "--help"]);
    assert.equal(status, 0);
    assert.match(stdout, /group=option/);
    assert.match(stdout, /key\.path=value/);
    assert.match(stdout, /Ctrl-C saves a checkpoint/);
  });

  test("an unknown command or option gets a suggestion and exit code 2", async () => {
    const command = await runMain(["trian"]);
    assert.equal(command.status, 2);
    assert.match(command.stderr, /Unknown command "trian"\. Did you mean: train\?/);
    const option = await runMain(["train", "--resum", "x"]);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /unknown option --resum\. Did you mean: --resume\?/);
  });

  test("train --print-config prints the composed config as YAML", async () => {
    const { status, stdout } = await runMain(["train", "--print-config", "seed=3", "agent.alpha.type=shared"]);
    assert.equal(status, 0);
    assert.match(stdout, /^# Resolved config, composed from: env=\S+ agent=\S+ experiment=\S+ seed=3 agent\.alpha\.type=shared/);
    const printed = parse(stdout) as { experiment: { seed: number }; agent: { alpha: { type: string } } };
    assert.equal(printed.experiment.seed, 3);
    assert.equal(printed.agent.alpha.type, "shared");
  });

  test("train --resume refuses overrides", async () => {
    const { status, stderr } = await runMain(["train", "--resume", "some-run", "seed=3"]);
    assert.equal(status, 2);
    assert.match(stderr, /overrides are not allowed \(got seed=3\)/);
  });

  test("report regenerates report.html of a run folder", async () => {
    const run = createRunDir(join(temporaryDir(), "runs"), "mt-pendulum-mtsac-seed1");
    writeFileSync(run.config, "env: {}\n");
    const writer = MetricsWriter.open(run.metrics);
    writer.writeTrain(10, { "train/critic_loss": 1 });
    writer.writeEval(10, { "eval/return/task0": -900 });
    writer.close();
    const { status, stdout, stderr } = await runMain(["report", run.dir]);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /report: .*mt-pendulum-mtsac-seed1\/report\.html/);
    assert.match(readFileSync(run.report, "utf8"), /"eval\/return"/);
  });

  test("eval and report of a missing run exit 2; a missing run argument is a usage error", async () => {
    const missing = join(temporaryDir(), "runs", "nope");
    for (const command of ["eval", "report"]) {
      const { status, stderr } = await runMain([command, missing]);
      assert.equal(status, 2);
      assert.match(stderr, /^error: No run ".*nope"/);
    }
    const usage = await runMain(["eval"]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /eval needs exactly one run/);
  });
});

describe("argument parsing", () => {
  test("flags with values, boolean flags, -h and overrides as positionals", () => {
    const parsed = parseArgs("train", ["seed=3", "--resume", "run-a", "--print-config", "agent.actor.logStdBounds=[-5,2]", "-h"], {
      resume: { takesValue: true },
      "print-config": { takesValue: false },
    });
    assert.deepEqual(parsed.positionals, ["seed=3", "agent.actor.logStdBounds=[-5,2]"]);
    assert.equal(parsed.flags.get("resume"), "run-a");
    assert.equal(parsed.flags.get("print-config"), "true");
    assert.equal(parsed.flags.get("help"), "true");
    assert.equal(parseArgs("eval", ["--episodes=4"], { episodes: { takesValue: true } }).flags.get("episodes"), "4");
  });

  test("a flag missing its value, or a value on a boolean flag, is an error", () => {
    assert.throws(() => parseArgs("train", ["--resume"], { resume: { takesValue: true } }), /--resume needs a value/);
    assert.throws(() => parseArgs("eval", ["--json=yes"], { json: { takesValue: false } }), /--json takes no value/);
    assert.throws(() => parseArgs("list", ["-x"], {}), /unknown option -x/);
  });
});

describe("Ctrl-C", () => {
  test("the first SIGINT aborts the run; the second forces an exit; disposing removes the handler", () => {
    const target = new EventEmitter();
    const controller = new AbortController();
    const calls: string[] = [];
    const dispose = handleInterrupts({ target, controller, onFirst: () => calls.push("first"), onForceExit: () => calls.push("force") });
    target.emit("SIGINT");
    assert.ok(controller.signal.aborted);
    assert.deepEqual(calls, ["first"]);
    target.emit("SIGINT");
    assert.deepEqual(calls, ["first", "force"]);
    dispose();
    assert.equal(target.listenerCount("SIGINT"), 0);
  });
});
