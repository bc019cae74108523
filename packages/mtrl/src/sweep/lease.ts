import { randomBytes } from "node:crypto";
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync, linkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@mtrl/core";

/**
 * The lease of a run folder (`lease.json`): who may write the folder, until when. Held by the
 * process that trains the run and renewed by it, so a machine that dies stops renewing and the
 * lease expires; another worker then takes it over and resumes the run from its checkpoint.
 *
 *   acquire   create lease.json with open(..., "wx"): of several takers exactly one succeeds
 *   takeover  an expired lease is first renamed away (one rename wins), then created as above
 *   renew     rewrite lease.json (write a temporary file, rename it over) with a later expiry
 *   release   remove lease.json
 *
 * Expiry compares wall clocks, so machines sharing a runs folder need clocks within a few
 * seconds of each other (NTP), and the lease must outlast any pause of a holder (a suspended VM).
 * Every acquisition and release is appended to lease-history.jsonl.
 */

export const LEASE_FILE = "lease.json";
export const LEASE_HISTORY_FILE = "lease-history.jsonl";
/** Default lease length; `MTRL_LEASE_SECONDS` (set by `mtrl worker --lease-seconds`) changes it. */
export const DEFAULT_LEASE_SECONDS = 60;

export interface LeaseRecord {
  /** `host:pid:random`, unique per acquisition. */
  readonly owner: string;
  /** Epoch milliseconds. */
  readonly acquiredAt: number;
  readonly expiresAt: number;
}

/** One line of lease-history.jsonl. */
export type LeaseEvent =
  | { readonly event: "acquired"; readonly owner: string; readonly at: number; readonly expiresAt: number; readonly tookOver?: LeaseRecord }
  | { readonly event: "released"; readonly owner: string; readonly at: number }
  | { readonly event: "lost"; readonly owner: string; readonly at: number; readonly holder: string | null };

/** The lease length from `MTRL_LEASE_SECONDS`, or the default. */
export function leaseSecondsFromEnvironment(environment: NodeJS.ProcessEnv = process.env): number {
  const text = environment["MTRL_LEASE_SECONDS"];
  if (text === undefined || text === "") return DEFAULT_LEASE_SECONDS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 1) {
    throw new ConfigError(`MTRL_LEASE_SECONDS: expected a number of seconds >= 1, got ${JSON.stringify(text)}. Unset it for the default (${DEFAULT_LEASE_SECONDS}).`);
  }
  return seconds;
}

export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

/** The lease in `runDir`, or undefined when there is none (or it is being replaced right now). */
export function readLease(runDir: string): LeaseRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(runDir, LEASE_FILE), "utf8")) as LeaseRecord;
    return typeof record.owner === "string" && typeof record.expiresAt === "number" ? record : undefined;
  } catch {
    return undefined;
  }
}

export function readLeaseHistory(runDir: string): LeaseEvent[] {
  const path = join(runDir, LEASE_HISTORY_FILE);
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as LeaseEvent);
}

function appendHistory(runDir: string, event: LeaseEvent): void {
  // One write of one line with O_APPEND: lines of several processes never interleave.
  appendFileSync(join(runDir, LEASE_HISTORY_FILE), `${JSON.stringify(event)}\n`);
}

function sameLease(a: LeaseRecord | undefined, b: LeaseRecord): boolean {
  return a !== undefined && a.owner === b.owner && a.expiresAt === b.expiresAt;
}

/** A lease this process holds. */
export class RunLease {
  private record: LeaseRecord;
  private lost = false;

  private constructor(
    readonly runDir: string,
    readonly seconds: number,
    record: LeaseRecord,
  ) {
    this.record = record;
  }

  get owner(): string {
    return this.record.owner;
  }

  get expiresAt(): number {
    return this.record.expiresAt;
  }

  /**
   * Takes the lease of `runDir` (which must exist), taking over an expired one; returns the
   * current holder's record instead when a live lease is held by someone else.
   */
  static acquire(runDir: string, options: { readonly seconds: number; readonly owner?: string; readonly now?: () => number }): RunLease | { readonly heldBy: LeaseRecord } {
    const now = options.now ?? Date.now;
    const owner = options.owner ?? newLeaseOwner();
    const path = join(runDir, LEASE_FILE);
    for (let attempt = 0; attempt < 50; attempt++) {
      const at = now();
      const record: LeaseRecord = { owner, acquiredAt: at, expiresAt: at + options.seconds * 1000 };
      let descriptor: number;
      try {
        descriptor = openSync(path, "wx");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const current = readLease(runDir);
        if (current === undefined) continue; // removed or half-written just now: look again
        if (current.expiresAt > now()) return { heldBy: current };
        // Expired: move it away under a name of our own; of several takers one rename wins.
        const aside = `${path}.expired-${randomBytes(4).toString("hex")}`;
        try {
          renameSync(path, aside);
        } catch (renameError) {
          if ((renameError as NodeJS.ErrnoException).code === "ENOENT") continue;
          throw renameError;
        }
        const moved = readAside(aside);
        if (!sameLease(moved, current)) {
          // Between our read and our rename another taker replaced the expired lease with a live
          // one, and we moved that: put it back (link fails if a third process created one since).
          try {
            linkSync(aside, path);
          } catch {
            // The live holder will see on its next renewal that the lease is no longer its own, and stop.
          }
          rmSync(aside, { force: true });
          continue;
        }
        rmSync(aside, { force: true });
        try {
          descriptor = openSync(path, "wx");
        } catch (error2) {
          if ((error2 as NodeJS.ErrnoException).code === "EEXIST") continue;
          throw error2;
        }
        writeRecord(descriptor, record);
        appendHistory(runDir, { event: "acquired", owner, at: record.acquiredAt, expiresAt: record.expiresAt, tookOver: current });
        return new RunLease(runDir, options.seconds, record);
      }
      writeRecord(descriptor, record);
      appendHistory(runDir, { event: "acquired", owner, at: record.acquiredAt, expiresAt: record.expiresAt });
      return new RunLease(runDir, options.seconds, record);
    }
    const current = readLease(runDir);
    if (current !== undefined) return { heldBy: current };
    throw new ConfigError(`Cannot take the lease of ${runDir}: ${LEASE_FILE} keeps changing under us. Is something else deleting it?`);
  }

  /**
   * Extends the lease; false when it is no longer ours (it expired and was taken over), in which
   * case the caller must stop writing the run folder at once.
   */
  renew(now: () => number = Date.now): boolean {
    if (this.lost) return false;
    const current = readLease(this.runDir);
    if (!sameLease(current, this.record)) {
      this.lost = true;
      appendHistory(this.runDir, { event: "lost", owner: this.record.owner, at: now(), holder: current?.owner ?? null });
      return false;
    }
    const next: LeaseRecord = { ...this.record, expiresAt: now() + this.seconds * 1000 };
    const temporary = join(this.runDir, `${LEASE_FILE}.${randomBytes(4).toString("hex")}.tmp`);
    writeFileSync(temporary, `${JSON.stringify(next)}\n`);
    renameSync(temporary, join(this.runDir, LEASE_FILE));
    this.record = next;
    return true;
  }

  /** Removes the lease if it is still ours. */
  release(now: () => number = Date.now): void {
    if (this.lost) return;
    this.lost = true;
    if (!sameLease(readLease(this.runDir), this.record)) return;
    rmSync(join(this.runDir, LEASE_FILE), { force: true });
    appendHistory(this.runDir, { event: "released", owner: this.record.owner, at: now() });
  }
}

function readAside(path: string): LeaseRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LeaseRecord;
  } catch {
    return undefined;
  }
}

function writeRecord(descriptor: number, record: LeaseRecord): void {
  try {
    writeSync(descriptor, `${JSON.stringify(record)}\n`);
  } finally {
    closeSync(descriptor);
  }
}
