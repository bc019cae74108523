#!/usr/bin/env node
// The `mtenv` command. The package ships TypeScript sources, so register tsx (a dependency)
// before loading the CLI; this works from `npx mtenv` without any Node flags.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import(new URL("../src/cli/main.ts", import.meta.url).href);
process.exitCode = await runCli(process.argv.slice(2));
