import { resolve } from "node:path";
import { jobOwner } from "../sweep/run-job.js";
import { parseArgs } from "./args.js";
import { WORKER_HELP } from "./help.js";
import { writeLine, type CliIo } from "./io.js";
import { leaseSecondsFlag, positiveIntegerFlag } from "./sweep-command.js";
import { CliUsageError } from "./usage-error.js";

/** `npx mtrl worker --queue <url> [--concurrency N] [--runs-dir <dir>] [--lease-seconds S]`: runs until SIGINT/SIGTERM. */
export async function workerCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs("worker", argv, { queue: { takesValue: true }, concurrency: { takesValue: true }, "runs-dir": { takesValue: true }, "lease-seconds": { takesValue: true } });
  if (args.flags.has("help")) {
    io.stdout.write(WORKER_HELP);
    return 0;
  }
  const url = args.flags.get("queue");
  if (url === undefined) throw new CliUsageError("worker needs the queue: npx mtrl worker --queue redis://<host>:<port> (the URL given to npx mtrl sweep --queue).");
  if (args.positionals.length > 0) throw new CliUsageError(`worker takes no arguments besides its options, got ${args.positionals.join(" ")}.`);
  const concurrency = positiveIntegerFlag("worker", "concurrency", args.flags.get("concurrency"), 1);
  const leaseSeconds = leaseSecondsFlag("worker", args.flags.get("lease-seconds"));
  const runsDirFlag = args.flags.get("runs-dir");
  const say = (line: string): void => writeLine(io.stdout, `${new Date().toISOString()} ${line}`);
  const { startWorker } = await import("../sweep/queue.js");
  const worker = await startWorker({ url, concurrency, runsDir: runsDirFlag === undefined ? undefined : resolve(runsDirFlag), leaseSeconds, say });
  say(`worker ${jobOwner()} on ${url}: ${concurrency} at a time, lease ${leaseSeconds} s, runs in ${runsDirFlag === undefined ? "the folder each sweep was enqueued with" : resolve(runsDirFlag)}; Ctrl-C to stop`);
  await new Promise<void>((done) => {
    const stop = (signal: string): void => {
      say(`${signal}: stopping (running train processes save a checkpoint first)`);
      process.removeListener("SIGINT", onInterrupt);
      process.removeListener("SIGTERM", onTerminate);
      done();
    };
    const onInterrupt = (): void => stop("SIGINT");
    const onTerminate = (): void => stop("SIGTERM");
    process.on("SIGINT", onInterrupt);
    process.on("SIGTERM", onTerminate);
  });
  await worker.close();
  say("stopped");
  return 130;
}
