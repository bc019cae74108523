import type { z } from "zod";
import { ConfigError } from "../../core/errors.js";

/**
 * Validates constructor options with the same zod schema the registry uses for kwargs, so
 * `new MTPendulum({...})` and `make("MT-Pendulum-v0", {...})` accept exactly the same values.
 * The error names every bad path, the value that came, and the rule it broke.
 */
export function parseEnvOptions<Schema extends z.ZodType>(envName: string, schema: Schema, options: unknown): z.output<Schema> {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") return `  options: unknown keys ${issue.keys.join(", ")}; remove them.`;
    const path = ["options", ...issue.path.map(String)].join(".");
    const received = issue.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey], options);
    return `  ${path}: ${issue.message} (got ${JSON.stringify(received) ?? "undefined"})`;
  });
  throw new ConfigError(`Invalid options for ${envName}:\n${lines.join("\n")}\nFix or remove these options; omitted ones take their documented defaults.`);
}
