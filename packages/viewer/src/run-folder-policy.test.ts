import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { initMujoco } from "@mtrl/mtenv";
import { JsKernels } from "@mtrl/nn";
import { PolicySession } from "./policy-session.js";
import { readRunPolicy, RunFolderError, type RunFolderFiles } from "./run-folder-policy.js";
import { SHIPPED_POLICY_FOLDER } from "./shipped-policy.js";

/** The shipped policy folder in memory, with files replaced or removed (undefined) by `changes`. */
function shippedFolderWith(changes: Record<string, string | Uint8Array | undefined> = {}): RunFolderFiles {
  return {
    label: "runs/example",
    async read(path) {
      if (path in changes) {
        const changed = changes[path];
        return typeof changed === "string" ? new TextEncoder().encode(changed) : changed;
      }
      try {
        return new Uint8Array(readFileSync(join(SHIPPED_POLICY_FOLDER, path)));
      } catch {
        return undefined;
      }
    },
  };
}

async function errorOf(files: RunFolderFiles): Promise<RunFolderError> {
  const error = await readRunPolicy(files).then(
    () => assert.fail("expected a RunFolderError"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof RunFolderError, `expected a RunFolderError, got ${String(error)}`);
  return error;
}

const shippedConfig = (): string => readFileSync(join(SHIPPED_POLICY_FOLDER, "config.yaml"), "utf8");

describe("readRunPolicy", () => {
  it("reads the shipped policy folder: its config, checkpoint step, policy tensors and metrics", async () => {
    const run = await readRunPolicy(shippedFolderWith());
    assert.equal(run.config.env.id, "MT-MetaWorld-MT10-v0");
    assert.equal(run.step, JSON.parse(readFileSync(join(SHIPPED_POLICY_FOLDER, "checkpoints/latest.json"), "utf8")).step);
    assert.ok([...run.tensors.keys()].every((name) => name.startsWith("actor.")));
    assert.match(run.metricsText, /"kind":"eval"/);
  });

  it("names a folder without config.yaml as not a run folder", async () => {
    const error = await errorOf(shippedFolderWith({ "config.yaml": undefined }));
    assert.match(error.message, /^runs\/example has no config\.yaml, so it is not a run folder/);
  });

  it("says when a run has no checkpoint yet", async () => {
    const error = await errorOf(shippedFolderWith({ "checkpoints/latest.json": undefined }));
    assert.match(error.message, /no checkpoints\/latest\.json: the run has not written a checkpoint yet/);
  });

  it("says which weights file latest.json points at when it is missing", async () => {
    const error = await errorOf(shippedFolderWith({ "checkpoints/latest.json": '{"step": 5, "dir": "step-00000005"}' }));
    assert.match(error.message, /points at step-00000005\/, but checkpoints\/step-00000005\/agent\.safetensors is missing/);
  });

  it("reports config.yaml problems with their path", async () => {
    const error = await errorOf(shippedFolderWith({ "config.yaml": shippedConfig().replace("discount: 0.99", "discount: lots") }));
    assert.match(error.message, /runs\/example\/config\.yaml/);
    assert.match(error.message, /discount/);
  });

  it("refuses a file that is not safetensors", async () => {
    const latest = JSON.parse(readFileSync(join(SHIPPED_POLICY_FOLDER, "checkpoints/latest.json"), "utf8")) as { dir: string };
    const error = await errorOf(shippedFolderWith({ [`checkpoints/${latest.dir}/agent.safetensors`]: "not weights" }));
    assert.match(error.message, /is not a readable safetensors file/);
  });
});

describe("PolicySession", () => {
  before(async () => {
    await initMujoco();
  });

  it("refuses weights written for other network sizes, naming the tensor", async () => {
    const run = await readRunPolicy(shippedFolderWith({ "config.yaml": shippedConfig().replaceAll("hiddenSizes: [256, 256]", "hiddenSizes: [64, 64]") }));
    assert.throws(() => PolicySession.create(run, new JsKernels()), (error: unknown) => error instanceof RunFolderError && /tensor "actor\.trunk\.layers\.0\.weight" has 12544 values in the checkpoint, but 3136/.test(error.message));
  });

  it("steps the policy after a reset, and asks for a reset after the episode ends", async () => {
    const session = PolicySession.create(await readRunPolicy(shippedFolderWith()), new JsKernels());
    try {
      assert.throws(() => session.step(), /reset with a seed before stepping/);
      session.selectTask(0);
      const first = session.reset(3);
      assert.equal(first.length, session.observationSize);
      let step = session.step();
      while (!step.truncated && !step.terminated) step = session.step();
      assert.equal(step.episodeStep, 150);
      assert.throws(() => session.step(), /reset with a seed before stepping/);
      assert.throws(() => session.selectTask(10), /task index must be an integer from 0 to 9/);
    } finally {
      session.close();
    }
  });
});
