import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { make } from "../../../registry/registry.js";
import { ControlSuiteEnv } from "../control-suite-env.js";
import "../register.js";
import { initMujoco } from "../runtime.js";
import { MujocoSimulation } from "../simulation.js";
import { crc32, encodePng } from "./png.js";
import { RayCastRenderer } from "./ray-cast-renderer.js";

await initMujoco();

const DOMAIN_IDS = {
  cartpole: "MT-DMC-Cartpole-Balance-v0",
  cheetah: "MT-DMC-Cheetah-Run-v0",
  walker: "MT-DMC-Walker-Walk-v0",
  finger: "MT-DMC-Finger-Spin-v0",
  reacher: "MT-DMC-Reacher-Easy-v0",
} as const;

/** Decodes our own PNGs (8-bit RGB, filter 0) back to RGB bytes, checking every chunk's CRC. */
function decodePng(png: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  const data: Uint8Array[] = [];
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    assert.equal(view.getUint32(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)), `${type} CRC`);
    if (type === "IHDR") {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
    }
    if (type === "IDAT") data.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const rgb = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    assert.equal(raw[row * (width * 3 + 1)], 0, "filter type 0");
    rgb.set(raw.subarray(row * (width * 3 + 1) + 1, (row + 1) * (width * 3 + 1)), row * width * 3);
  }
  return { width, height, rgb };
}

function distinctColours(rgb: Uint8Array): number {
  const colours = new Set<number>();
  for (let i = 0; i < rgb.length; i += 3) colours.add((rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!);
  return colours.size;
}

test("each domain renders an 84×84 PNG that is not blank and changes when the state changes", () => {
  const directory = mkdtempSync(join(tmpdir(), "mtenv-render-"));
  try {
    for (const [domain, id] of Object.entries(DOMAIN_IDS)) {
      const env = make(id) as ControlSuiteEnv;
      env.seedTask(0);
      env.reset({ seed: 1 });
      const before = env.renderFrame();
      for (let t = 0; t < 15; t++) env.step(env.actionSpace.sample());
      const after = env.renderFrame();
      const path = join(directory, `${domain}.png`);
      writeFileSync(path, encodePng(after, 84, 84));
      const decoded = decodePng(encodePng(after, 84, 84));
      assert.deepEqual([decoded.width, decoded.height], [84, 84]);
      assert.deepEqual(decoded.rgb, after, `${domain}: PNG round trip`);
      assert.ok(distinctColours(after) > 20, `${domain}: ${distinctColours(after)} colours is too few (blank?)`);
      let changed = 0;
      for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) changed += 1;
      assert.ok(changed > 30, `${domain}: only ${changed} bytes changed between two states`);
      env.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("every primitive is drawn where it is, in its own colour (plane, sphere, capsule, ellipsoid, cylinder, box)", () => {
  // Five coloured primitives in a row in front of a camera looking along +y, over a grey floor.
  const xs = [-1.6, -0.8, 0, 0.8, 1.6];
  const shapes = [
    `type="sphere" size="0.3" rgba="1 0 0 1"`,
    `type="capsule" size="0.2 0.2" rgba="0 1 0 1"`,
    `type="ellipsoid" size="0.3 0.2 0.35" rgba="0 0 1 1"`,
    `type="cylinder" size="0.3 0.3" rgba="1 1 0 1"`,
    `type="box" size="0.3 0.3 0.3" rgba="0 1 1 1"`,
  ];
  const geoms = shapes.map((shape, i) => `<geom ${shape} pos="${xs[i]} 0 1"/>`).join("");
  const simulation = MujocoSimulation.fromXml(
    `<mujoco><size memory="64K"/><worldbody><camera name="eye" pos="0 -5 1" xyaxes="1 0 0 0 0 1" fovy="45"/><geom type="plane" size="0 0 1" rgba="0.5 0.5 0.5 1"/>${geoms}</worldbody></mujoco>`,
    "primitives",
  );
  const size = 101;
  const renderer = new RayCastRenderer(simulation, { width: size, height: size, camera: "eye" });
  const image = renderer.render();
  const pixel = (x: number, z: number): [number, number, number] => {
    // Project a point on the y = 0 plane: the camera is 5 m away.
    const tanHalf = Math.tan(Math.PI / 8);
    const column = Math.round(((x / 5 / tanHalf + 1) * size) / 2 - 0.5);
    const row = Math.round(((1 - (z - 1) / 5 / tanHalf) * size) / 2 - 0.5);
    const at = 3 * (row * size + column);
    return [image[at]!, image[at + 1]!, image[at + 2]!];
  };
  const expectedChannels = [[0], [1], [2], [0, 1], [1, 2]];
  xs.forEach((x, i) => {
    const [r, g, b] = pixel(x, 1);
    const lit = [r > 60, g > 60, b > 60];
    const expected = [0, 1, 2].map((channel) => expectedChannels[i]!.includes(channel));
    assert.deepEqual(lit, expected, `shape ${i} at x=${x}: rgb ${r},${g},${b}`);
  });
  // Below the objects we see the grey floor; above them the sky (more blue than red).
  const [floorRed, floorGreen, floorBlue] = pixel(0, 0.2);
  assert.ok(floorRed === floorGreen && floorGreen === floorBlue && floorRed > 0, `floor ${floorRed},${floorGreen},${floorBlue}`);
  const [skyRed, , skyBlue] = pixel(0, 2.5);
  assert.ok(skyBlue > skyRed, "sky");
  simulation.close();
});
