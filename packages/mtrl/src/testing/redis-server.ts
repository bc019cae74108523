import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";

/**
 * A throwaway Redis for tests and benchmarks: Debian's `redis-server` on a loopback port nobody
 * uses, without persistence, stopped by `stop()`.
 */

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A loopback TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const port = (server.address() as { port: number }).port;
  await new Promise((closed) => server.close(closed));
  return port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      answer(true);
    });
    socket.once("error", () => answer(false));
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let output = "";
  const server: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  server.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const failed = new Promise<never>((_, reject) => {
    server.once("error", (error) => reject(new Error(`cannot start redis-server (apt-get install redis-server): ${error.message}`)));
    server.once("exit", (code) => reject(new Error(`redis-server exited with ${String(code)}:\n${output}`)));
  });
  failed.catch(() => {});
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([accepts(port), failed]))) {
    if (Date.now() > deadline) throw new Error(`redis-server did not accept connections on ${port} within 10 s:\n${output}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (server.exitCode !== null) return;
      const exited = new Promise((done) => server.once("exit", done));
      server.kill("SIGTERM");
      await exited;
    },
  };
}
