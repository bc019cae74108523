import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LEASE_FILE, readLease, readLeaseHistory, RunLease } from "./lease.js";

function withRunDir(body: (runDir: string) => void): void {
  const runDir = mkdtempSync(join(tmpdir(), "mtrl-lease-"));
  try {
    body(runDir);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** A clock the test moves by hand. */
function clock(start: number): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe("run leases", () => {
  test("a live lease is not taken: the second taker is told who holds it", () => {
    withRunDir((runDir) => {
      const time = clock(1_000_000);
      const first = RunLease.acquire(runDir, { seconds: 10, owner: "a", now: time.now });
      assert.ok(first instanceof RunLease);
      time.advance(9_999);
      const second = RunLease.acquire(runDir, { seconds: 10, owner: "b", now: time.now });
      assert.ok(!(second instanceof RunLease));
      assert.equal(second.heldBy.owner, "a");
      assert.equal(readLease(runDir)?.owner, "a");
    });
  });

  test("takeover only after expiry; renewal pushes expiry back; the old holder learns it lost the lease", () => {
    withRunDir((runDir) => {
      const time = clock(1_000_000);
      const first = RunLease.acquire(runDir, { seconds: 10, owner: "a", now: time.now }) as RunLease;
      time.advance(8_000);
      assert.equal(first.renew(time.now), true);
      assert.equal(readLease(runDir)?.expiresAt, 1_018_000);
      time.advance(9_000); // 1 s before the renewed expiry
      assert.ok(!(RunLease.acquire(runDir, { seconds: 10, owner: "b", now: time.now }) instanceof RunLease));
      time.advance(1_001);
      const second = RunLease.acquire(runDir, { seconds: 10, owner: "b", now: time.now });
      assert.ok(second instanceof RunLease, "an expired lease should be taken over");
      assert.equal(first.renew(time.now), false, "the old holder must find out it lost the lease");
      first.release(time.now); // must not remove b's lease
      assert.equal(readLease(runDir)?.owner, "b");
      second.release(time.now);
      assert.equal(existsSync(join(runDir, LEASE_FILE)), false);
      const history = readLeaseHistory(runDir);
      assert.deepEqual(
        history.map((event) => [event.event, event.owner]),
        [["acquired", "a"], ["acquired", "b"], ["lost", "a"], ["released", "b"]],
      );
      const takeover = history[1]!;
      assert.ok(takeover.event === "acquired" && takeover.tookOver?.owner === "a" && takeover.at > takeover.tookOver.expiresAt);
    });
  });

  test("after a release the next taker acquires without a takeover", () => {
    withRunDir((runDir) => {
      const lease = RunLease.acquire(runDir, { seconds: 60, owner: "a" }) as RunLease;
      lease.release();
      const next = RunLease.acquire(runDir, { seconds: 60, owner: "b" });
      assert.ok(next instanceof RunLease);
      const last = readLeaseHistory(runDir).at(-1)!;
      assert.ok(last.event === "acquired" && last.owner === "b" && last.tookOver === undefined);
    });
  });
});
