/**
 * Copies what the viewer needs of a run folder into a (shippable) policy folder with the same
 * layout: config.yaml, metrics.jsonl, checkpoints/latest.json and checkpoints/<step>/agent.safetensors
 * holding only the policy's tensors (actor, critic encoder, task encoder: POLICY_TENSOR_PREFIXES),
 * not the critics, targets, optimizer moments or replay — a tenth of a full checkpoint.
 *
 *   NODE_OPTIONS=--conditions=mtrl-source node --import tsx packages/viewer/scripts/export-policy.ts <run folder> <policy folder> [step]
 *
 * With `step`, the checkpoint of that step (checkpoints/step-<8 digits>/, which must still be
 * kept) instead of the latest, and metrics.jsonl cut to the rows up to that step: the folder then
 * holds what a run with totalSteps=<step> writes.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeSafetensors, encodeSafetensors, type NamedArray } from "@mtrl/nn";
import { POLICY_TENSOR_PREFIXES } from "../src/policy-session.js";

const [runDir, outDir, stepText] = process.argv.slice(2);
if (runDir === undefined || outDir === undefined) {
  console.error("usage: export-policy.ts <run folder> <policy folder> [step]");
  process.exit(2);
}
const latest =
  stepText === undefined
    ? (JSON.parse(readFileSync(join(runDir, "checkpoints", "latest.json"), "utf8")) as { step: number; dir: string })
    : { step: Number(stepText), dir: `step-${stepText.padStart(8, "0")}` };
const latestText = `${JSON.stringify(latest)}\n`;
const decoded = decodeSafetensors(new Uint8Array(readFileSync(join(runDir, "checkpoints", latest.dir, "agent.safetensors"))));
const policy: Array<[string, NamedArray]> = [];
for (const [name, stored] of decoded.tensors) {
  if (stored.data !== null && POLICY_TENSOR_PREFIXES.some((prefix) => name.startsWith(prefix))) policy.push([name, { shape: stored.shape, data: stored.data }]);
}
mkdirSync(join(outDir, "checkpoints", latest.dir), { recursive: true });
const bytes = encodeSafetensors(policy, { ...decoded.metadata, contents: "policy tensors only (exported for the viewer)" });
writeFileSync(join(outDir, "checkpoints", latest.dir, "agent.safetensors"), bytes);
writeFileSync(join(outDir, "checkpoints", "latest.json"), latestText);
copyFileSync(join(runDir, "config.yaml"), join(outDir, "config.yaml"));
if (existsSync(join(runDir, "metrics.jsonl"))) {
  const rows = readFileSync(join(runDir, "metrics.jsonl"), "utf8").split("\n").filter((line) => line.trim() !== "");
  const kept = rows.filter((line) => (JSON.parse(line) as { step: number }).step <= latest.step);
  writeFileSync(join(outDir, "metrics.jsonl"), kept.map((line) => `${line}\n`).join(""));
}
console.log(JSON.stringify({ step: latest.step, tensors: policy.map(([name]) => name), bytes: bytes.length }));
