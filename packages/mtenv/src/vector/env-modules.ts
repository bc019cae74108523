import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError } from "../core/errors.js";

/**
 * Imports modules that register environments (user envs, test envs) so that `make` can find
 * them. Worker threads start with an empty registry, so every module a spec depends on must be
 * named here. Specifiers are resolved from this file, so relative paths would be ambiguous: use
 * package names, file: URLs or absolute paths.
 */
export async function importEnvModules(specifiers: readonly string[]): Promise<void> {
  for (const specifier of specifiers) {
    const url = toImportable(specifier);
    try {
      await import(url);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`Could not import the environment module "${specifier}": ${reason}`);
    }
  }
}

/** A specifier `import()` resolves the same from any file: absolute paths become file: URLs. */
export function toImportable(specifier: string): string {
  if (isAbsolute(specifier)) return pathToFileURL(specifier).href;
  if (specifier.startsWith("./") || specifier.startsWith("../")) {
    throw new ConfigError(
      `Environment module "${specifier}" is relative, but modules are imported from the vector env's own folder (and in worker threads). ` +
        `Pass an absolute path, e.g. fileURLToPath(new URL("${specifier}", import.meta.url)), a file: URL, or a package name.`,
    );
  }
  return specifier;
}

const BUILTIN_ENVS = new URL("../envs/index.js", import.meta.url).href;

/** What the vector envs and the CLI use of the built-in environments module. */
interface BuiltinEnvsModule {
  readonly MUJOCO_ENV_IDS?: readonly string[];
  readonly initMujoco?: () => Promise<unknown>;
}

/**
 * Registers the package's own environments (importing envs/index registers them) and, when one
 * of `ids` is a MuJoCo environment, loads the MuJoCo WebAssembly module — `make` is synchronous
 * and cannot do that itself. Worker threads and the CLI call this before `make`. Imported lazily
 * so that using a vector env with one's own environments does not load every built-in one.
 */
export async function loadBuiltinEnvs(ids: readonly string[] = []): Promise<void> {
  const builtins = (await import(BUILTIN_ENVS)) as BuiltinEnvsModule;
  if (ids.some((id) => builtins.MUJOCO_ENV_IDS?.includes(id)) && builtins.initMujoco !== undefined) await builtins.initMujoco();
}
