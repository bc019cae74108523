import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { MTError } from "@mtrl/core";
import type { Sweep, SweepRun } from "./sweep-file.js";

/**
 * `<runsDir>/<sweep>/sweep.json`: the runs of a sweep and their overrides, written when the sweep
 * is started (locally or on the queue), read by `sweep status` on any machine.
 */

export const SWEEP_MANIFEST = "sweep.json";

/** A sweep folder that is missing, or a sweep name reused for different runs. */
export class SweepError extends MTError {}

interface SweepManifest {
  readonly format: "mtrl-sweep";
  readonly version: 1;
  readonly name: string;
  readonly runs: readonly SweepRun[];
}

export function sweepDir(runsDir: string, name: string): string {
  return resolve(runsDir, name);
}

export function sweepRunDir(runsDir: string, sweep: string, run: string): string {
  return join(sweepDir(runsDir, sweep), run);
}

/** Writes sweep.json, or checks that an existing one lists the same runs (starting a sweep again continues it). */
export function writeSweepManifest(runsDir: string, sweep: Sweep): string {
  const dir = sweepDir(runsDir, sweep.name);
  const path = join(dir, SWEEP_MANIFEST);
  const manifest: SweepManifest = { format: "mtrl-sweep", version: 1, name: sweep.name, runs: sweep.runs.map((run) => ({ name: run.name, overrides: [...run.overrides] })) };
  if (existsSync(path)) {
    const existing = readSweepManifest(runsDir, sweep.name);
    if (!isDeepStrictEqual(existing.runs, manifest.runs)) {
      throw new SweepError(
        `${path} lists other runs than this sweep file (the file changed since the sweep started). Give the sweep a new name, or remove ${dir} to start it again.`,
      );
    }
    return path;
  }
  mkdirSync(dir, { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temporary, path);
  return path;
}

export function readSweepManifest(runsDir: string, name: string): Sweep {
  const path = join(sweepDir(runsDir, name), SWEEP_MANIFEST);
  if (!existsSync(path)) {
    throw new SweepError(`No sweep "${name}" in ${resolve(runsDir)}: ${path} does not exist. Start it with npx mtrl sweep <sweep.yaml>, or pass --runs-dir <the shared runs folder>.`);
  }
  const manifest = JSON.parse(readFileSync(path, "utf8")) as SweepManifest;
  if (manifest.format !== "mtrl-sweep" || manifest.version !== 1) throw new SweepError(`${path}: not a version 1 mtrl sweep manifest.`);
  return { name: manifest.name, runs: manifest.runs };
}
