import { ConfigError, closestNames } from "../core/errors.js";
import { listEnvs, registry } from "../registry/registry.js";
import { UsageError } from "./command.js";

/**
 * The id and kwargs of `mtenv check|bench <id> --kwargs JSON`, validated before anything is built.
 * A mistyped id or a bad keyword is a wrong command line, not an environment defect, so both are
 * UsageErrors (exit 2). Call loadBuiltinEnvs first so that the registry knows every id.
 */
export function requireEnvArguments(id: string, kwargs: Record<string, unknown>): void {
  if (!registry.has(id)) {
    const close = closestIds(id, listEnvs().filter((spec) => spec.aliasOf === undefined).map((spec) => spec.id));
    const suggestion = close.length > 0 ? ` Did you mean: ${close.join(", ")}?` : "";
    throw new UsageError(`no environment is registered with id "${id}".${suggestion} Run "mtenv list" to see every id.`);
  }
  try {
    registry.parseKwargs(id, kwargs);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The registered ids closest to `id` (at most three). Names are compared without the "MT-" prefix
 * and "-vN" suffix that every id shares: with them, any short name counts as close to any other
 * ("MT-Foo-v0" to "MT-Acrobot-v0"), and a wrong version would hide the right name.
 */
export function closestIds(id: string, ids: readonly string[]): string[] {
  const name = (fullId: string): string => fullId.replace(/^MT-/i, "").replace(/-v\d+$/i, "");
  const idsByName = new Map<string, string[]>();
  for (const candidate of ids) idsByName.set(name(candidate), [...(idsByName.get(name(candidate)) ?? []), candidate]);
  const wanted = name(id);
  if (wanted === "") return [];
  return closestNames(wanted, idsByName.keys())
    .flatMap((closeName) => idsByName.get(closeName) ?? [])
    .slice(0, 3);
}
