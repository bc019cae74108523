import type { MessagePort } from "node:worker_threads";
import * as errors from "../core/errors.js";
import type { Info } from "../core/types.js";
import type { SpaceJSON } from "../spaces/space.js";
import type { AutoresetMode } from "./autoreset-mode.js";
import type { BufferSizes, BufferStorage } from "./buffers.js";
import { DataCloneError } from "./clone.js";
import type { VectorEnvSpec } from "./types.js";

/**
 * How ParallelVectorEnv talks to its workers. The hot path (step) moves no messages: actions and
 * results live in SharedArrayBuffers and each worker has a slot of Int32 control words that the
 * two sides advance with Atomics. Irregular data (reset arguments, non-empty infos, errors, call
 * results) goes through a MessagePort that both sides read synchronously with
 * receiveMessageOnPort, flagged by HAS_MESSAGE, so reset/step stay synchronous calls.
 */

/** Int32 words per worker; 16 × 4 bytes = one cache line, so workers never share a line. */
export const CONTROL_STRIDE = 16;
/** Incremented by the main thread to post a command. */
export const COMMAND_SEQ = 0;
/** The command (a Command value) for the current COMMAND_SEQ. */
export const COMMAND = 1;
/** Set by the worker to the COMMAND_SEQ it finished. */
export const DONE_SEQ = 2;
/** A WorkerStatus value for the finished command. */
export const STATUS = 3;
/** 1 when the worker posted a message for the finished command. */
export const HAS_MESSAGE = 4;

export enum Command {
  Step = 1,
  Reset = 2,
  Call = 3,
  Close = 4,
}

export enum WorkerStatus {
  Ok = 0,
  /** The command threw; the error is in the message. */
  Error = 1,
  /** The thread is going down (uncaught error or process.exit in an env). */
  Crashed = 2,
}

/** Everything a worker needs to build its environments (sent as workerData). */
export interface WorkerInit {
  readonly workerIndex: number;
  /** Global index of the worker's first env. */
  readonly start: number;
  readonly specs: readonly VectorEnvSpec[];
  readonly imports: readonly string[];
  readonly autoresetMode: AutoresetMode;
  readonly control: SharedArrayBuffer;
  /** Carries CommandPayloads in and WorkerReplies out, both read with receiveMessageOnPort. */
  readonly port: MessagePort;
  /** Polls of the command word before sleeping (see ParallelVectorEnvOptions.spinPolls). */
  readonly spinPolls: number;
}

/**
 * The main thread's answer to "ready" on parentPort: the shared buffers, allocated once the
 * spaces (and so the sizes) are known from the workers' own environments.
 */
export interface BuffersMessage {
  readonly kind: "buffers";
  readonly sizes: BufferSizes;
  readonly storage: BufferStorage;
}

/** The worker's first message on parentPort. */
export type StartupMessage =
  | { readonly kind: "ready"; readonly observationSpace: SpaceJSON; readonly actionSpace: SpaceJSON }
  | { readonly kind: "error"; readonly error: SerializedError };

/** Main → worker payloads of the commands that need one. */
export type CommandPayload =
  | {
      readonly kind: "reset";
      readonly seeds: readonly (number | undefined)[];
      readonly options: Record<string, unknown> | undefined;
      readonly mask: readonly boolean[];
    }
  | { readonly kind: "call"; readonly method: string; readonly args: readonly unknown[] };

/** Worker → main answers; infos are null where an env's info was empty (most steps). */
export type WorkerReply =
  | { readonly kind: "infos"; readonly infos: readonly (Info | null)[] }
  | { readonly kind: "results"; readonly results: readonly unknown[] }
  | { readonly kind: "error"; readonly error: SerializedError };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly envIndex: number | undefined;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const envIndex = (error as { envIndex?: unknown }).envIndex;
    return { name: error.name, message: error.message, stack: error.stack, envIndex: typeof envIndex === "number" ? envIndex : undefined };
  }
  return { name: "Error", message: `non-Error value thrown: ${errors.describeValue(error)}`, stack: undefined, envIndex: undefined };
}

type ErrorClass = new (message: string) => Error;

/** The library's error classes by name, so a worker's InvalidActionError arrives as one. */
const KNOWN_ERRORS: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ...Object.values(errors as Record<string, unknown>)
    .filter((value): value is ErrorClass => typeof value === "function" && value.prototype instanceof Error)
    .map((cls): [string, ErrorClass] => [cls.name, cls]),
  ["MTError", errors.MTError],
  ["DataCloneError", DataCloneError],
  ["Error", Error],
  ["TypeError", TypeError],
  ["RangeError", RangeError],
  ["SyntaxError", SyntaxError],
  ["ReferenceError", ReferenceError],
]);

/**
 * Rebuilds a worker's error in this thread: the same class when it is one of ours or a built-in
 * (otherwise an Error carrying the original name), the same message, and the worker's stack below.
 */
export function deserializeError(serialized: SerializedError, workerIndex: number): Error {
  const ErrorType = KNOWN_ERRORS.get(serialized.name);
  const error = ErrorType === undefined ? new Error(serialized.message) : new ErrorType(serialized.message);
  if (ErrorType === undefined) error.name = serialized.name;
  if (serialized.envIndex !== undefined) (error as { envIndex?: number }).envIndex = serialized.envIndex;
  const workerFrames = serialized.stack?.split("\n").slice(1).join("\n");
  error.stack = `${error.name}: ${error.message}\n    -- raised in vector env worker thread ${workerIndex}:${workerFrames ? `\n${workerFrames}` : ""}`;
  return error;
}
