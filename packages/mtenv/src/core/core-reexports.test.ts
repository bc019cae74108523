import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError as CoreConfigError, Rng as CoreRng } from "@mtrl/core";
import { ConfigError as MtenvConfigError, Rng as MtenvRng } from "../index.js";

test("@mtrl/mtenv re-exports the core's classes themselves, so instanceof works across packages", () => {
  assert.equal(MtenvConfigError, CoreConfigError);
  assert.equal(MtenvRng, CoreRng);
  assert.ok(new MtenvConfigError("x") instanceof CoreConfigError);
});
