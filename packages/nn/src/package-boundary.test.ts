import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("../", import.meta.url));

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|js)$/.test(name)) files.push(path);
  }
  return files;
}

test("the engine (@mtrl/nn) imports nothing from the environment package", () => {
  const offenders = sourceFiles(packageDir).filter((file) => /from\s+"@mtrl\/mtenv/.test(readFileSync(file, "utf8")));
  assert.deepEqual(offenders, []);
});

