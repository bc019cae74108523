import { once } from "node:events";
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { AnyMTEnv, Info } from "../core/types.js";
import { registry } from "../registry/registry.js";
import { viewBuffers } from "./buffers.js";
import { DataCloneError, cloneFailureMessage } from "./clone.js";
import { buildEnv } from "./build-env.js";
import { EnvBatchRunner } from "./env-batch-runner.js";
import { importEnvModules, loadBuiltinEnvs } from "./env-modules.js";
import { assertSameSpaces } from "./vector-env-base.js";
import {
  COMMAND,
  COMMAND_SEQ,
  CONTROL_STRIDE,
  Command,
  type BuffersMessage,
  type CommandPayload,
  DONE_SEQ,
  HAS_MESSAGE,
  STATUS,
  type StartupMessage,
  type WorkerInit,
  type WorkerReply,
  WorkerStatus,
  serializeError,
} from "./worker-protocol.js";

/**
 * A ParallelVectorEnv worker: builds its share of the environments, says "ready", then serves
 * commands from the control words until told to close. Started by worker-bootstrap.js.
 */
const init = workerData as WorkerInit;
const control = new Int32Array(init.control);
const base = init.workerIndex * CONTROL_STRIDE;
/** How long one Atomics.wait sleeps before re-checking; only bounds how stale a wake-up can be. */
const IDLE_WAIT_MS = 1000;


const runner = await start();
if (runner !== undefined) serve(runner);

/**
 * Builds the envs and reports their spaces; the main thread answers with the shared buffers
 * (their sizes depend on those spaces), and then commands start.
 */
async function start(): Promise<EnvBatchRunner | undefined> {
  const envs: AnyMTEnv[] = [];
  try {
    await importEnvModules(init.imports);
    // Skipping the built-in environments when the given modules registered every id starts a
    // worker faster; MuJoCo ids are built-in, so they always take the second path.
    const ids = init.specs.map((spec) => spec.id);
    if (!ids.every((id) => registry.has(id))) await loadBuiltinEnvs(ids);
    for (const spec of init.specs) envs.push(buildEnv(spec));
    assertSameSpaces(
      envs.map((env) => ({ observation: env.observationSpace, action: env.actionSpace })),
      (i) => `environment ${init.start + i} (${init.specs[i]?.id})`,
    );
    const first = envs[0]!;
    const buffersArrived = once(parentPort!, "message");
    post({ kind: "ready", observationSpace: first.observationSpace.toJSON(), actionSpace: first.actionSpace.toJSON() });
    const [message] = (await buffersArrived) as [BuffersMessage];
    return new EnvBatchRunner(envs, init.start, viewBuffers(message.sizes, message.storage), init.autoresetMode);
  } catch (error) {
    for (const env of envs) env.close();
    post({ kind: "error", error: serializeError(error) });
    return undefined;
  }
}

function post(message: StartupMessage): void {
  parentPort!.postMessage(message);
}

function serve(runner: EnvBatchRunner): void {
  // An env that calls process.exit would otherwise leave the main thread waiting for a timeout.
  process.on("exit", () => {
    Atomics.store(control, base + STATUS, WorkerStatus.Crashed);
    Atomics.notify(control, base + DONE_SEQ);
  });
  // Not read from the control word: the first command may already be posted by now.
  let seen = 0;
  for (;;) {
    seen = waitForCommand(seen);
    const command = Atomics.load(control, base + COMMAND) as Command;
    let status = WorkerStatus.Ok;
    let reply: WorkerReply | undefined;
    try {
      reply = execute(runner, command);
    } catch (error) {
      status = WorkerStatus.Error;
      reply = { kind: "error", error: serializeError(error) };
    }
    if (reply !== undefined) {
      try {
        init.port.postMessage(reply);
      } catch (error) {
        // An info or call result with functions or class instances cannot cross threads.
        status = WorkerStatus.Error;
        const what = reply.kind === "results" ? "a call() result" : "an environment's info";
        const cloneError = new DataCloneError(cloneFailureMessage(what, error instanceof Error ? error.message : String(error)));
        init.port.postMessage({ kind: "error", error: serializeError(cloneError) } satisfies WorkerReply);
      }
    }
    // The reply is queued before DONE_SEQ moves, so the main thread finds it when it wakes.
    Atomics.store(control, base + HAS_MESSAGE, reply === undefined ? 0 : 1);
    Atomics.store(control, base + STATUS, status);
    Atomics.store(control, base + DONE_SEQ, seen);
    Atomics.notify(control, base + DONE_SEQ);
    if (command === Command.Close) return;
  }
}

function waitForCommand(seen: number): number {
  // In a stepping loop the next command comes sooner than a futex wake-up; while the trainer does
  // other work the worker soon sleeps.
  for (let poll = 0; poll < init.spinPolls; poll++) {
    const current = Atomics.load(control, base + COMMAND_SEQ);
    if (current !== seen) return current;
  }
  for (;;) {
    Atomics.wait(control, base + COMMAND_SEQ, seen, IDLE_WAIT_MS);
    const current = Atomics.load(control, base + COMMAND_SEQ);
    if (current !== seen) return current;
  }
}

function execute(runner: EnvBatchRunner, command: Command): WorkerReply | undefined {
  switch (command) {
    case Command.Step:
      return infosReply(runner.step());
    case Command.Reset: {
      const payload = readPayload("reset");
      return infosReply(runner.reset(payload.seeds, payload.options, payload.mask));
    }
    case Command.Call: {
      const payload = readPayload("call");
      return { kind: "results", results: runner.call(payload.method, payload.args) };
    }
    case Command.Close:
      runner.close();
      return undefined;
    default:
      throw new Error(`Vector env worker ${init.workerIndex} received unknown command ${String(command)}; the main thread and worker disagree on the protocol.`);
  }
}

function readPayload<K extends CommandPayload["kind"]>(kind: K): Extract<CommandPayload, { kind: K }> {
  const received = receiveMessageOnPort(init.port);
  const payload = received?.message as CommandPayload | undefined;
  if (payload?.kind !== kind) {
    throw new Error(`Vector env worker ${init.workerIndex} expected a "${kind}" payload, got ${payload === undefined ? "none" : `"${payload.kind}"`}.`);
  }
  return payload as Extract<CommandPayload, { kind: K }>;
}

/** Most steps have only empty infos: send nothing then, so the hot path moves no message. */
function infosReply(infos: readonly Info[]): WorkerReply | undefined {
  let any = false;
  const sparse = infos.map((info) => {
    for (const _ in info) {
      any = true;
      return info;
    }
    return null;
  });
  return any ? { kind: "infos", infos: sparse } : undefined;
}
