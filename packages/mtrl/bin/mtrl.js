#!/usr/bin/env node
// `npx mtrl`: registers tsx so that Node runs the TypeScript sources directly (no build step),
// then hands the arguments to the CLI.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
