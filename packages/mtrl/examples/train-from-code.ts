/** Training from code, as in the README: `node --import tsx packages/mtrl/examples/train-from-code.ts`. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeConfig, createRunDir, train, writeTrainConfig } from "@mtrl/mtrl";

// experiment=smoke keeps this example short; drop it for a real run.
const { config } = composeConfig(["env=mt-pendulum", "agent=mtsac-small", "experiment=smoke", "seed=3"]);
const run = createRunDir(process.argv[2] ?? mkdtempSync(join(tmpdir(), "mtrl-example-")), "my-run");
writeTrainConfig(run.config, config);
const result = await train(config, { runDir: run.dir, resume: false });
console.log(JSON.stringify({ runDir: result.runDir, steps: result.steps, finalEval: result.finalEval?.metrics }));
