/**
 * The packages as a user gets them: `npm pack` of core, mtenv, nn and mtrl, the four tarballs
 * installed into an empty folder, and the installed CLI run there — `npx mtrl --help`, `npx mtrl
 * list` and a 2-step training run — with nothing of this repository on the way (no tsx, no
 * TypeScript sources, no repository config/, no NODE_OPTIONS). The only test that uses the build:
 * it runs `npm run build` first (quick when dist/ is up to date), every other test runs the sources.
 */
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const PACKAGES = ["core", "mtenv", "nn", "mtrl"] as const;

const scratch = mkdtempSync(join(tmpdir(), "mtrl-packed-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A fresh shell's environment: without the "mtrl-source" condition `npm test` sets, without the
 * variables npm sets for its scripts (npm_*, INIT_CWD), and without the repository's
 * node_modules/.bin on the PATH, so `npx mtrl` can only find the installed package.
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === "NODE_OPTIONS" || key === "INIT_CWD" || key.toLowerCase().startsWith("npm_")) continue;
    environment[key] = value;
  }
  environment.PATH = (process.env.PATH ?? "").split(delimiter).filter((entry) => !entry.startsWith(REPO_ROOT)).join(delimiter);
  environment.NO_COLOR = "1";
  return environment;
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: userEnvironment(), encoding: "utf8", timeout: 120_000 });
  assert.equal(result.error, undefined, `${command} ${args.join(" ")} could not run: ${result.error?.message}`);
  assert.equal(result.status, 0, `${command} ${args.join(" ")} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

interface PackResult {
  readonly name: string;
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

test("npm pack of each package installs into an empty folder and `npx mtrl` runs there", { timeout: 300_000 }, () => {
  run(process.execPath, [join(REPO_ROOT, "scripts/build.js")], REPO_ROOT);

  const tarballDir = join(scratch, "tarballs");
  mkdirSync(tarballDir);
  // --ignore-scripts: the build above already ran (each package's prepack would run it again).
  const workspaces = PACKAGES.flatMap((name) => ["--workspace", `packages/${name}`]);
  const packed = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tarballDir, ...workspaces], REPO_ROOT).stdout) as PackResult[];
  assert.deepEqual(packed.map((result) => result.name), PACKAGES.map((name) => `@mtrl/${name}`));
  const contents = new Map(packed.map((result) => [result.name, result.files.map((file) => file.path)]));
  for (const [name, files] of contents) {
    assert.ok(files.includes("dist/index.js") && files.includes("dist/index.d.ts"), `${name} ships dist/index.js and its declarations`);
    const stray = files.filter((path) => path.startsWith("src/") || /\.test\.|tsbuildinfo|(^|\/)testing\//.test(path) || (path.endsWith(".ts") && !path.endsWith(".d.ts")));
    assert.deepEqual(stray, [], `${name} ships no sources, tests or build state`);
  }
  // The runtime files that are not compiled TypeScript, each where the built code looks for it.
  for (const [name, path] of [
    ["@mtrl/mtenv", "dist/vector/worker-bootstrap.js"],
    ["@mtrl/nn", "dist/kernels/wasm-gemm-worker.js"],
    ["@mtrl/nn", "wasm/kernels.wasm"],
    ["@mtrl/nn", "scripts/install-native.js"],
    ["@mtrl/mtrl", "dist/report/assets/chart.js"],
    ["@mtrl/mtrl", "dist/report/assets/report.css"],
    ["@mtrl/mtrl", "config/train.yaml"],
    ["@mtrl/mtrl", "config/agent/mtsac.yaml"],
  ] as const) {
    assert.ok(contents.get(name)?.includes(path), `${name} ships ${path}`);
  }

  const app = join(scratch, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "packed-install-check", private: true }, null, 2)}\n`);
  const tarballs = packed.map((result) => join(tarballDir, result.filename));
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs], app);
  assert.ok(!existsSync(join(app, "node_modules", "tsx")), "nothing installs tsx: the bins run compiled JavaScript");

  const help = run("npx", ["mtrl", "--help"], app);
  assert.match(help.stdout, /npx mtrl train \[group=option \.\.\.\]/);
  assert.match(help.stdout, /--config-dir <dir>/);

  // A user's own group option, in config/ of the working directory, added to the shipped ones.
  mkdirSync(join(app, "config", "experiment"), { recursive: true });
  writeFileSync(
    join(app, "config", "experiment", "two-steps.yaml"),
    readFileSync(join(app, "node_modules/@mtrl/mtrl/config/experiment/smoke.yaml"), "utf8")
      .replace(/^totalSteps: .*$/m, "totalSteps: 2")
      .replace(/^warmupSteps: .*$/m, "warmupSteps: 1")
      .replace(/^evalEvery: .*$/m, "evalEvery: 2")
      .replace(/^checkpointEvery: .*$/m, "checkpointEvery: 2")
      .replace(/^logEvery: .*$/m, "logEvery: 1"),
  );

  const list = run("npx", ["mtrl", "list"], app);
  assert.match(list.stdout, /shipped in node_modules\/@mtrl\/mtrl\/config\//, "the shipped groups come from the installed package");
  assert.match(list.stdout, /\* mt-pendulum\s+MT-Pendulum-v0, 4 tasks/);
  assert.match(list.stdout, /^ {6}two-steps\s+\[config\/experiment\/two-steps\.yaml\]$/m, "the working directory's option is listed with its file");
  assert.match(list.stdout, /MT-Pendulum-v0\s+\S/);

  const train = run("npx", ["mtrl", "train", "experiment=two-steps", "experiment.runName=packed"], app);
  assert.match(train.stdout, /2 steps, .* backend \w+/);
  const runDir = join(app, "runs", "packed");
  assert.ok(existsSync(join(runDir, "report.html")), "the report (with its assets) is written");
  const rows = readFileSync(join(runDir, "metrics.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { kind: string; step: number });
  assert.ok(rows.some((row) => row.kind === "eval" && row.step === 2), "an evaluation at step 2 is logged");
  assert.ok(readdirSync(join(runDir, "checkpoints")).length > 0, "a checkpoint is saved");
});
