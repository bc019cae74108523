import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { composeConfig } from "./compose.js";
import { DEFAULT_CONFIG_DIR, listAllGroupOptions } from "./config-dir.js";
import { readTrainConfig, stringifyTrainConfig, writeTrainConfig } from "./config-file.js";
import { configErrorOf } from "../testing/config-error.js";

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

const AGENT_YAML = `type: mtsac
discount: 0.99
batchSize: 128
actor:
  trunk: { type: mlp, hiddenSizes: [400, 400, 400] }
  head: single
  logStdBounds: [-20, 2]
  lr: 3.0e-4
  betas: [0.9, 0.999]
  updateEvery: 1
critic:
  trunk: { type: mlp, hiddenSizes: [400, 400, 400] }
  head: single
  lr: 3.0e-4
  betas: [0.9, 0.999]
  tau: 0.005
  encoderTau: 0.05
  targetUpdateEvery: 1
alpha:
  type: per-task
  initTemperature: 1.0
  lr: 3.0e-4
  betas: [0.9, 0.999]
  targetEntropy: { type: auto }
taskEncoder:
  type: one-hot
encoder:
  type: identity
gradient:
  type: plain
replay:
  capacity: 1000000
  sampling: uniform
`;

const EXPERIMENT_YAML = (seed: number, totalSteps: number): string => `seed: ${seed}
totalSteps: ${totalSteps}
warmupSteps: 10
updatesPerStep: 1
evalEvery: 50
evalEpisodes: 1
checkpointEvery: 50
logEvery: 10
vectorEnv: sync
runName: null
runsDir: runs
`;

/** A config folder with known contents, independent of the repository's own config/. */
function makeConfigDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-config-"));
  temporaryDirs.push(dir);
  const contents: Record<string, string> = {
    "train.yaml": "defaults:\n  env: mt-pendulum\n  agent: mtsac\n  experiment: default\n",
    "env/mt-pendulum.yaml": "id: MT-Pendulum-v0\nkwargs: {}\nnumTasks: 4\n",
    "env/mt-pendulum-two.yaml": "id: MT-Pendulum-v0\nkwargs: {}\nnumTasks: 2\n",
    "agent/mtsac.yaml": AGENT_YAML,
    "experiment/default.yaml": EXPERIMENT_YAML(1, 1000),
    "experiment/long.yaml": EXPERIMENT_YAML(7, 50000),
    ...files,
  };
  for (const [path, text] of Object.entries(contents)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}


describe("composition", () => {
  test("no arguments: train.yaml's default option of every group", () => {
    const { config, choices, overrides } = composeConfig([], { configDir: makeConfigDir() });
    assert.deepEqual(choices, { env: "mt-pendulum", agent: "mtsac", experiment: "default" });
    assert.deepEqual(overrides, []);
    assert.equal(config.env.numTasks, 4);
    assert.equal(config.agent.type, "mtsac");
    assert.equal(config.agent.alpha.type, "per-task");
    assert.deepEqual(config.agent.actor.logStdBounds, [-20, 2]);
    assert.equal(config.agent.actor.lr, 3e-4);
    assert.equal(config.experiment.seed, 1);
    assert.equal(config.experiment.runName, null);
  });

  test("group=option replaces the default file of that group", () => {
    const { config, choices } = composeConfig(["env=mt-pendulum-two", "experiment=long"], { configDir: makeConfigDir() });
    assert.equal(choices.env, "mt-pendulum-two");
    assert.equal(config.env.numTasks, 2);
    assert.equal(config.experiment.totalSteps, 50000);
  });

  test("a value override beats the group file, even when written before the group choice", () => {
    const { config } = composeConfig(["experiment.seed=3", "experiment=long"], { configDir: makeConfigDir() });
    assert.equal(config.experiment.seed, 3);
    assert.equal(config.experiment.totalSteps, 50000);
  });

  test("of two overrides of the same key, the later wins", () => {
    const { config, overrides } = composeConfig(["agent.discount=0.9", "agent.discount=0.95"], { configDir: makeConfigDir() });
    assert.equal(config.agent.discount, 0.95);
    assert.deepEqual(overrides, ["agent.discount=0.9", "agent.discount=0.95"]);
  });

  test("a bare key is shorthand for an experiment key (seed=3)", () => {
    const { config } = composeConfig(["seed=3", "totalSteps=200"], { configDir: makeConfigDir() });
    assert.equal(config.experiment.seed, 3);
    assert.equal(config.experiment.totalSteps, 200);
  });

  test("values are parsed as YAML: numbers, lists, null, quoted text, nested sections", () => {
    const { config } = composeConfig(
      [
        "agent.actor.trunk.hiddenSizes=[256, 256]",
        "agent.critic.lr=1e-3",
        "experiment.runName=my-run",
        "agent.alpha.type=shared",
        "agent.alpha.targetEntropy={type: fixed, value: -2.5}",
        "agent.critic.trunk.hiddenSizes.1=64",
      ],
      { configDir: makeConfigDir() },
    );
    assert.deepEqual(config.agent.actor.trunk, { type: "mlp", hiddenSizes: [256, 256] });
    assert.deepEqual(config.agent.critic.trunk, { type: "mlp", hiddenSizes: [400, 64, 400] });
    assert.equal(config.agent.critic.lr, 0.001);
    assert.equal(config.experiment.runName, "my-run");
    assert.equal(config.agent.alpha.type, "shared");
    assert.deepEqual(config.agent.alpha.targetEntropy, { type: "fixed", value: -2.5 });
    const quoted = composeConfig(['experiment.runName="123"'], { configDir: makeConfigDir() });
    assert.equal(quoted.config.experiment.runName, "123");
  });

  test("the composed config is deeply frozen", () => {
    const { config } = composeConfig([], { configDir: makeConfigDir() });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.agent.actor.trunk));
    assert.throws(() => {
      (config.experiment as { seed: number }).seed = 5;
    }, TypeError);
  });

  test("env kwargs accept any keys here (the registry validates them)", () => {
    const { config } = composeConfig(["env.kwargs.tasks=[{mass: 1, length: 1, gravity: 10}]"], { configDir: makeConfigDir() });
    assert.deepEqual(config.env.kwargs, { tasks: [{ mass: 1, length: 1, gravity: 10 }] });
  });
});

describe("composition errors", () => {
  test("a bad group option lists the options and suggests the closest", () => {
    const message = configErrorOf(() => composeConfig(["env=mt-pendelum"], { configDir: makeConfigDir() }));
    assert.match(message, /^env=mt-pendelum: no such env option in /);
    assert.match(message, /Available: mt-pendulum, mt-pendulum-two\./);
    assert.match(message, /Did you mean: mt-pendulum/);
  });

  test("a bad discriminator names the path, the allowed values, the bad value and a suggestion", () => {
    const message = configErrorOf(() => composeConfig(["agent.encoder.type=identiy"], { configDir: makeConfigDir() }));
    assert.ok(
      message.includes('agent.encoder.type: expected one of identity, mlp, moe, pixel, got "identiy". Did you mean: identity?'),
      `unexpected message:\n${message}`,
    );
    assert.match(message, /\(from the command line: agent\.encoder\.type=identiy\)/);
  });

  test("a bad enum value lists the allowed values with a suggestion", () => {
    const message = configErrorOf(() => composeConfig(["experiment.vectorEnv=paralel"], { configDir: makeConfigDir() }));
    assert.ok(message.includes('experiment.vectorEnv: expected one of sync, parallel, got "paralel". Did you mean: parallel?'), message);
  });

  test("an unknown key is an error with a suggestion and the allowed keys", () => {
    const message = configErrorOf(() => composeConfig(["agent.actor.trunk.hidenSizes=[64]"], { configDir: makeConfigDir() }));
    assert.ok(message.includes("agent.actor.trunk.hidenSizes: unknown key. Did you mean: hiddenSizes?"), message);
    assert.match(message, /Allowed keys here: type, hiddenSizes\./);
    assert.match(message, /\(from the command line: agent\.actor\.trunk\.hidenSizes=\[64\]\)/);
  });

  test("an unknown top-level section is an error with a suggestion", () => {
    const message = configErrorOf(() => composeConfig(["agnet.discount=0.9"], { configDir: makeConfigDir() }));
    assert.ok(message.includes("agnet: unknown key. Did you mean: agent?"), message);
  });

  test("an unknown bare key is neither a group nor an experiment key", () => {
    const message = configErrorOf(() => composeConfig(["sed=3"], { configDir: makeConfigDir() }));
    assert.match(message, /"sed" is neither a config group \(env, agent, experiment\) nor an experiment key\. Did you mean: seed/);
  });

  test("a value of the wrong type names the expected type, the value and its source", () => {
    const message = configErrorOf(() => composeConfig(["agent.discount=high"], { configDir: makeConfigDir() }));
    assert.ok(message.includes('agent.discount: expected a number, got "high" (a string).'), message);
    assert.match(message, /\(from the command line: agent\.discount=high\)/);
  });

  test("a number where text is expected suggests quoting", () => {
    const message = configErrorOf(() => composeConfig(["experiment.runName=123"], { configDir: makeConfigDir() }));
    assert.match(message, /experiment\.runName: expected a string, got 123 \(a number\)\. YAML reads 123 as a number; quote it/);
  });

  test("out-of-range values name the bound", () => {
    const message = configErrorOf(() => composeConfig(["agent.batchSize=0", "agent.critic.tau=2", "agent.actor.trunk.hiddenSizes=[64, -1]"], { configDir: makeConfigDir() }));
    assert.match(message, /\(3 problems\)/);
    assert.match(message, /agent\.batchSize: expected a number > 0, got 0\./);
    assert.match(message, /agent\.critic\.tau: expected a number <= 1, got 2\./);
    assert.match(message, /agent\.actor\.trunk\.hiddenSizes\.1: expected a number > 0, got -1\./);
  });

  test("log-std bounds must be increasing", () => {
    const message = configErrorOf(() => composeConfig(["agent.actor.logStdBounds=[2, -20]"], { configDir: makeConfigDir() }));
    assert.match(message, /agent\.actor\.logStdBounds: expected \[min, max\] with min < max, got \[2, -20\]/);
  });

  test("a missing key names the file it should be in", () => {
    const configDir = makeConfigDir({ "env/mt-pendulum.yaml": "id: MT-Pendulum-v0\nkwargs: {}\n" });
    const message = configErrorOf(() => composeConfig([], { configDir }));
    assert.match(message, /env\.numTasks: missing; expected an integer\./);
    assert.match(message, /\(from env\/mt-pendulum\.yaml\)|\(from .*mt-pendulum\.yaml\)/);
  });

  test("a key in a group file that the schema does not know is an error naming the file", () => {
    const configDir = makeConfigDir({ "experiment/default.yaml": `${EXPERIMENT_YAML(1, 1000)}should_use_eval: true\n` });
    const message = configErrorOf(() => composeConfig([], { configDir }));
    assert.match(message, /experiment\.should_use_eval: unknown key\./);
    assert.match(message, /\(from .*default\.yaml\)/);
  });

  test("an argument without '=' explains the two accepted forms", () => {
    const message = configErrorOf(() => composeConfig(["mt-pendulum"], { configDir: makeConfigDir() }));
    assert.match(message, /expected group=option \(e\.g\. env=mt-pendulum\) or key\.path=value/);
  });

  test("a key path through a single value is an error", () => {
    const message = configErrorOf(() => composeConfig(["agent.discount.value=1"], { configDir: makeConfigDir() }));
    assert.match(message, /agent\.discount is a single value \(0\.99\), so it has no "value" inside/);
  });

  test("a list index out of range is an error", () => {
    const message = configErrorOf(() => composeConfig(["agent.actor.trunk.hiddenSizes.5=1"], { configDir: makeConfigDir() }));
    assert.match(message, /agent\.actor\.trunk\.hiddenSizes is a list of 3 items; "5" is not an index in 0\.\.2/);
  });

  test("choosing a group twice is an error", () => {
    const message = configErrorOf(() => composeConfig(["env=mt-pendulum", "env=mt-pendulum-two"], { configDir: makeConfigDir() }));
    assert.match(message, /the env group was already chosen \(env=mt-pendulum\)/);
  });

  test("Hydra's +key / ~key forms are refused with the supported form", () => {
    const message = configErrorOf(() => composeConfig(["+agent.foo=1"], { configDir: makeConfigDir() }));
    assert.match(message, /adding \(\+\) or deleting \(~\) keys is not supported/);
  });

  test("invalid YAML in a group file names the file and line", () => {
    const configDir = makeConfigDir({ "experiment/default.yaml": "seed: 1\n  totalSteps: [1\n" });
    const message = configErrorOf(() => composeConfig([], { configDir }));
    assert.match(message, /default\.yaml:\d+:\d+: invalid YAML/);
  });

  test("train.yaml must name an existing default for every group", () => {
    const configDir = makeConfigDir({ "train.yaml": "defaults:\n  env: mt-pendulum\n  agnet: mtsac\n" });
    const message = configErrorOf(() => composeConfig([], { configDir }));
    assert.match(message, /defaults\.agnet: unknown group\. Did you mean: agent\?/);
    assert.match(message, /defaults\.agent: missing; expected one of mtsac/);
  });
});

describe("config.yaml", () => {
  test("round trip: write then read gives the same config", () => {
    const dir = makeConfigDir();
    const { config, choices, overrides } = composeConfig(["seed=9", "agent.alpha.type=shared"], { configDir: dir });
    const path = join(dir, "config.yaml");
    writeTrainConfig(path, config, { choices, overrides });
    assert.deepEqual(readTrainConfig(path), config);
    const text = stringifyTrainConfig(config, { choices, overrides });
    assert.match(text, /^# Resolved config, composed from: env=mt-pendulum agent=mtsac experiment=default seed=9 agent\.alpha\.type=shared/);
    assert.match(text, /hiddenSizes: \[ 400, 400, 400 \]|hiddenSizes: \[400, 400, 400\]/);
  });

  test("reading an edited, invalid config.yaml names the file", () => {
    const dir = makeConfigDir();
    const { config } = composeConfig([], { configDir: dir });
    const path = join(dir, "broken.yaml");
    writeFileSync(path, stringifyTrainConfig(config).replace("sampling: uniform", "sampling: balanced"));
    const message = configErrorOf(() => readTrainConfig(path));
    assert.match(message, /Invalid configuration in .*broken\.yaml/);
    assert.match(message, /agent\.replay\.sampling: expected one of uniform, per-task-balanced, got "balanced"/);
  });
});

describe("the repository's config/ folder", () => {
  test("every combination of its group options composes and validates", () => {
    const options = listAllGroupOptions(DEFAULT_CONFIG_DIR);
    assert.ok(options.env.includes("mt-pendulum") && options.agent.includes("mtsac") && options.experiment.includes("default"));
    for (const env of options.env) {
      for (const agent of options.agent) {
        for (const experiment of options.experiment) {
          const { config } = composeConfig([`env=${env}`, `agent=${agent}`, `experiment=${experiment}`]);
          assert.equal(typeof config.experiment.seed, "number");
        }
      }
    }
  });

  test("agent=mtsac has the reference MTRL defaults", () => {
    const { config, choices } = composeConfig(["agent=mtsac", "env=mt-pendulum"]);
    assert.equal(choices.agent, "mtsac");
    const agent = config.agent;
    assert.deepEqual(agent.actor.trunk, { type: "mlp", hiddenSizes: [400, 400, 400] });
    assert.deepEqual(agent.critic.trunk, { type: "mlp", hiddenSizes: [400, 400, 400] });
    assert.equal(agent.critic.encoderTau, 0.05);
    assert.deepEqual(agent.actor.logStdBounds, [-20, 2]);
    assert.equal(agent.actor.lr, 3e-4);
    assert.deepEqual(agent.actor.betas, [0.9, 0.999]);
    assert.equal(agent.discount, 0.99);
    assert.equal(agent.critic.tau, 0.005);
    assert.equal(agent.alpha.type, "per-task");
    assert.equal(agent.alpha.initTemperature, 1);
    assert.deepEqual(agent.alpha.targetEntropy, { type: "auto" });
    assert.deepEqual(agent.encoder, { type: "identity" });
    assert.equal(config.env.id, "MT-Pendulum-v0");
  });
});
