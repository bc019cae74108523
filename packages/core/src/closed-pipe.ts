/**
 * `mtrl list | head`: once the reader of stdout has gone, a command-line tool stops quietly with
 * status 0, as other Unix tools do, instead of dying on an unhandled EPIPE with a stack trace.
 */
export function exitQuietlyWhenStdoutCloses(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}
