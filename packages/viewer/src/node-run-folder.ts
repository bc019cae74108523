import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { RunFolderFiles } from "./run-folder-policy.js";

/** A run folder on disk, for Node (the tests and the measure script); the page has its own readers. */
export function runFolderOnDisk(dir: string): RunFolderFiles {
  const root = resolve(dir);
  return {
    label: dir,
    async read(path) {
      try {
        return new Uint8Array(await readFile(join(root, path)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
        throw error;
      }
    },
  };
}
