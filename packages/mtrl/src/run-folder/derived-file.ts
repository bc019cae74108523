import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A file derived from metrics.jsonl (metrics.csv, the TensorBoard event file): written whole from
 * the rows when the metrics writer opens, then appended to row by row. Writing it whole replaces it
 * atomically (temporary file, then rename), so a reader never sees half of a rewrite.
 */
export class DerivedFile {
  private fd: number | null;
  private length: number;

  private constructor(
    readonly path: string,
    fd: number,
    length: number,
  ) {
    this.fd = fd;
    this.length = length;
  }

  /** Replaces the file at `path` with `content` (creating its folder) and opens it for appending. */
  static replace(path: string, content: Uint8Array): DerivedFile {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.tmp`;
    writeFileSync(temporary, content);
    renameSync(temporary, path);
    return new DerivedFile(path, openSync(path, "r+"), content.length);
  }

  /** Bytes in the file. */
  get bytes(): number {
    return this.length;
  }

  /** Appends `content` with positional writes (no buffering in the process). */
  append(content: Uint8Array): void {
    if (this.fd === null) throw new Error(`${this.path} is closed; open the metrics writer again to write to it.`);
    let written = 0;
    while (written < content.length) written += writeSync(this.fd, content, written, content.length - written, this.length + written);
    this.length += content.length;
  }

  /** Replaces the whole file with `content` and keeps appending after it. */
  rewrite(content: Uint8Array): void {
    this.close(false);
    const reopened = DerivedFile.replace(this.path, content);
    this.fd = reopened.fd;
    this.length = reopened.length;
  }

  /** Closes the file, by default after an fsync. */
  close(sync = true): void {
    if (this.fd === null) return;
    if (sync) fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}
