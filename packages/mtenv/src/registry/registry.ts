import { z } from "zod";
import { ConfigError, DuplicateEnvError, UnregisteredEnvError, didYouMean } from "../core/errors.js";
import type { MTEnv } from "../core/types.js";
import { TimeLimit } from "../wrappers/time-limit.js";

/** Any multi-task environment; the registry does not know concrete types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RegisteredEnv = MTEnv<any, any, any, any>;

/** Everything the registry knows about an environment id. */
export interface EnvSpec<Kwargs extends Record<string, unknown> = Record<string, unknown>> {
  /** e.g. "MT-CartPole-v0". */
  readonly id: string;
  /** One line for `mtenv list`. */
  readonly description: string;
  /** Validates (and fills defaults of) the keyword arguments. Use a strict zod object. */
  readonly kwargsSchema: z.ZodType<Kwargs>;
  /** Builds the environment from validated kwargs. */
  readonly entryPoint: (kwargs: Kwargs) => RegisteredEnv;
  /** Wraps the env in TimeLimit when set (can be overridden per `make`). */
  readonly maxEpisodeSteps?: number;
  /** For the conformance test: kwargs that must build, and kwargs that must be rejected. */
  readonly testKwargs: { readonly valid: readonly Record<string, unknown>[]; readonly invalid: readonly Record<string, unknown>[] };
  /** Set for aliases such as the reference's misspelt "MT-Acrobat-v0". */
  readonly aliasOf?: string;
}

export interface MakeOptions {
  /** Overrides the spec's time limit; `null` disables it. */
  maxEpisodeSteps?: number | null;
}

/**
 * A registry of environment ids. `registry` below is the default one that `make` uses; tests can
 * create their own. Registering an id twice throws instead of silently replacing the first.
 */
export class EnvRegistry {
  private readonly specs = new Map<string, EnvSpec>();

  register<Kwargs extends Record<string, unknown>>(spec: EnvSpec<Kwargs>): void {
    if (!/^[A-Za-z0-9_.-]+-v\d+$/.test(spec.id)) {
      throw new ConfigError(`Environment ids look like "Name-v0", got "${spec.id}". Add a version suffix such as -v0.`);
    }
    if (this.specs.has(spec.id)) {
      throw new DuplicateEnvError(`Environment id "${spec.id}" is already registered. Pick a new id or bump its version (e.g. -v1).`);
    }
    this.specs.set(spec.id, spec as unknown as EnvSpec);
  }

  /** Registers `alias` as another name for `id` (same kwargs, same behaviour). */
  registerAlias(alias: string, id: string): void {
    const target = this.spec(id);
    this.register({ ...target, id: alias, description: `alias of ${id}: ${target.description}`, aliasOf: id });
  }

  has(id: string): boolean {
    return this.specs.has(id);
  }

  spec(id: string): EnvSpec {
    const spec = this.specs.get(id);
    if (spec === undefined) {
      throw new UnregisteredEnvError(
        `No environment registered with id "${id}".${didYouMean(id, this.specs.keys())} Run \`npx mtenv list\` to see every id.`,
      );
    }
    return spec;
  }

  /** All specs, sorted by id. */
  list(): EnvSpec[] {
    return [...this.specs.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Validates `kwargs` against the spec and returns them with defaults filled in. */
  parseKwargs(id: string, kwargs: Record<string, unknown> = {}): Record<string, unknown> {
    const spec = this.spec(id);
    const parsed = spec.kwargsSchema.safeParse(kwargs);
    if (!parsed.success) throw kwargsError(id, parsed.error, kwargs, spec.kwargsSchema);
    return parsed.data;
  }

  /** Builds the environment `id` with validated keyword arguments. */
  make(id: string, kwargs: Record<string, unknown> = {}, options: MakeOptions = {}): RegisteredEnv {
    const spec = this.spec(id);
    const env = spec.entryPoint(this.parseKwargs(id, kwargs));
    const limit = options.maxEpisodeSteps === undefined ? spec.maxEpisodeSteps : options.maxEpisodeSteps;
    return limit === null || limit === undefined ? env : new TimeLimit(env, limit);
  }
}

function kwargsError(id: string, error: z.ZodError, kwargs: Record<string, unknown>, schema: z.ZodType): ConfigError {
  const knownKeys = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const lines = error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys
        .map((key) => `  kwargs.${key}: unknown keyword.${didYouMean(key, knownKeys)} Allowed: ${knownKeys.join(", ") || "(none)"}.`)
        .join("\n");
    }
    const path = ["kwargs", ...issue.path.map(String)].join(".");
    const received = issue.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey], kwargs);
    return `  ${path}: ${issue.message} (got ${JSON.stringify(received) ?? "undefined"})`;
  });
  return new ConfigError(`Invalid keyword arguments for "${id}":\n${lines.join("\n")}`);
}

/** The default registry used by `make`, `register` and `listEnvs`. */
export const registry = new EnvRegistry();

export function register<Kwargs extends Record<string, unknown>>(spec: EnvSpec<Kwargs>): void {
  registry.register(spec);
}

export function make(id: string, kwargs: Record<string, unknown> = {}, options: MakeOptions = {}): RegisteredEnv {
  return registry.make(id, kwargs, options);
}

export function listEnvs(): EnvSpec[] {
  return registry.list();
}
