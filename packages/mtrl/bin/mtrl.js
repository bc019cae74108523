#!/usr/bin/env node
// `npx mtrl`: runs the compiled CLI in dist/ (built by `npm ci` in the repository, shipped in the
// package). Under the repository's "mtrl-source" export condition (`npm test` sets it through
// NODE_OPTIONS) the package resolves to its TypeScript sources instead, and tsx — a development
// dependency of the repository, never needed by the built package — is registered to load them.
const fromSource = import.meta.resolve("@mtrl/mtrl").endsWith(".ts");
if (fromSource) (await import("tsx/esm/api")).register();
(await import("@mtrl/core/closed-pipe")).exitQuietlyWhenStdoutCloses();
const { main } = await import(fromSource ? "../src/cli/main.ts" : "../dist/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
