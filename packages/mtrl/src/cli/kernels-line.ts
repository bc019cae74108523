import type { Kernels } from "@mtrl/nn";
import { writeLine } from "./io.js";

/**
 * Loads the process's kernels and writes the one line saying which backend runs, on what BLAS and
 * threads, and why (forced by MTRL_BACKEND, measured fastest, or the only one that loaded): a run
 * 4x slower than it should be then shows its cause in its first lines.
 */
export async function loadKernelsAndSayWhich(stream: NodeJS.WritableStream): Promise<Kernels> {
  // A dynamic import, as the commands' other engine imports: usage errors never load the engine.
  const { loadKernels, describeBackendChoice } = await import("@mtrl/nn");
  const kernels = await loadKernels();
  writeLine(stream, describeBackendChoice(kernels));
  return kernels;
}
