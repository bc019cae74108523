import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { Engine } from "../autodiff/engine.js";
import { CheckpointError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { MLP } from "../modules/mlp.js";
import { ParameterStore } from "../modules/parameter-store.js";
import { decodeSafetensors, encodeSafetensors, loadParameters, saveParameters } from "./safetensors.js";

function model(seed: number, hidden = 3): ParameterStore {
  const store = new ParameterStore(new Engine(new JsKernels()), "actor");
  new MLP(store, { inputSize: 2, hiddenSizes: [hidden], outputSize: 1 }, Rng.fromSeed(seed, "init"));
  return store;
}

/** A file with one hand-written header (for corrupt and foreign files). */
function fileWithHeader(header: unknown, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + dataBytes);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  return bytes;
}

function assertCheckpointError(action: () => unknown, pattern: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof CheckpointError, `expected CheckpointError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe("safetensors", () => {
  it("writes the documented layout: u64 LE header length, JSON header, 8-byte aligned little-endian data", () => {
    const bytes = encodeSafetensors([["w", { shape: [2], data: Float32Array.of(1.5, -2) }]], { format: "mtrl" });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + headerLength) % 8, 0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    assert.deepEqual(header, { __metadata__: { format: "mtrl" }, w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } });
    const data = new DataView(bytes.buffer, 8 + headerLength);
    assert.equal(data.getFloat32(0, true), 1.5);
    assert.equal(data.getFloat32(4, true), -2);
  });

  it("round-trips every parameter of a model bit for bit, with metadata", () => {
    const source = model(1);
    const target = model(2);
    assert.notDeepEqual(Array.from(target.tensors[0]!.data), Array.from(source.tensors[0]!.data));
    const metadata = loadParameters(target, saveParameters(source, { step: "42" }));
    assert.deepEqual(metadata, { step: "42" });
    source.tensors.forEach((tensor, i) => assert.deepEqual(target.tensors[i]!.data, tensor.data));
    assert.deepEqual(target.names, ["actor.layers.0.weight", "actor.layers.0.bias", "actor.layers.1.weight", "actor.layers.1.bias"]);
  });

  it("names a missing tensor, what the file has instead, and what to do", () => {
    const bytes = encodeSafetensors([["actor.layers.0.weights", { shape: [3, 2], data: new Float32Array(6) }]]);
    assertCheckpointError(() => loadParameters(model(1), bytes), /expected a tensor named "actor.layers.0.weight" \[3, 2\].*Did you mean: actor.layers.0.weights/);
  });

  it("reports expected vs got shape and leaves the model unchanged", () => {
    const store = model(1);
    const before = store.tensors.map((tensor) => tensor.data.slice());
    assertCheckpointError(() => loadParameters(store, saveParameters(model(1, 4))), /"actor.layers.0.weight" expected shape \[3, 2\], got \[4, 2\]/);
    store.tensors.forEach((tensor, i) => assert.deepEqual(tensor.data, before[i]));
  });

  it("rejects a dtype other than F32 with the conversion to make", () => {
    const header = {
      "actor.layers.0.weight": { dtype: "F16", shape: [3, 2], data_offsets: [0, 12] },
    };
    assertCheckpointError(() => loadParameters(model(1), fileWithHeader(header, 12)), /expected dtype F32, got F16.*tensor.float\(\)/);
  });

  it("rejects tensors the model does not have unless strict is off", () => {
    const source = model(1);
    const extra = encodeSafetensors([...source.tensors.map((tensor) => [tensor.name, tensor] as const), ["critic.q1", { shape: [1], data: new Float32Array(1) }]]);
    assertCheckpointError(() => loadParameters(model(2), extra), /"critic.q1" that is not a parameter.*strict: false/);
    loadParameters(model(2), extra, { strict: false });
  });

  it("rejects truncated files and corrupt headers with what was expected", () => {
    assertCheckpointError(() => decodeSafetensors(new Uint8Array(3)), /at least 8 bytes.*got 3/);
    const good = saveParameters(model(1));
    assertCheckpointError(() => decodeSafetensors(good.subarray(0, good.length - 4)), /ends at byte .* the data has .*truncated/);
    const lying = good.slice();
    new DataView(lying.buffer).setBigUint64(0, 1n << 40n, true);
    assertCheckpointError(() => decodeSafetensors(lying), /header claims \d+ bytes but only \d+ follow/);
    const garbled = good.slice();
    garbled[9] = 0x7b; // "{" inside the JSON
    garbled[10] = 0x7b;
    assertCheckpointError(() => decodeSafetensors(garbled), /not valid UTF-8 JSON/);
    assertCheckpointError(() => decodeSafetensors(fileWithHeader({ w: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, 4)), /spans 4 bytes but shape \[2\] of F32 needs 8/);
    assertCheckpointError(() => decodeSafetensors(fileWithHeader({ w: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, 8)), /starts at byte 4 .* contiguous/);
    assertCheckpointError(() => decodeSafetensors(fileWithHeader({ w: { dtype: "F32", shape: "2" } }, 0)), /must be \{dtype/);
  });

  it("is readable by Python's safetensors package when it is installed", (context) => {
    const probe = spawnSync("python3", ["-c", "import safetensors.numpy"], { encoding: "utf8" });
    if (probe.status !== 0) {
      context.skip("python3 with the safetensors package is not installed");
      return;
    }
    const path = join(mkdtempSync(join(tmpdir(), "mtrl-nn-")), "model.safetensors");
    const store = model(3);
    writeFileSync(path, saveParameters(store, { step: "7" }));
    const script = "import sys, json; from safetensors.numpy import load_file; t = load_file(sys.argv[1]); print(json.dumps({k: [list(v.shape), float(v.astype('float64').sum())] for k, v in t.items()}))";
    const result = spawnSync("python3", ["-c", script, path], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    const loaded = JSON.parse(result.stdout) as Record<string, [number[], number]>;
    for (const tensor of store.tensors) {
      assert.deepEqual(loaded[tensor.name]![0], tensor.shape);
      assert.ok(Math.abs(loaded[tensor.name]![1] - tensor.data.reduce((a, v) => a + v, 0)) < 1e-5);
    }
  });
});
