import assert from "node:assert/strict";
import { ConfigError } from "@mtrl/mtenv/errors";

/** The ConfigError message thrown by `run`, or a failed assertion if it does not throw one. */
export function configErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail("expected a ConfigError, but nothing was thrown");
}
