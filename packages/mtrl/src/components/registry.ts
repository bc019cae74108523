import { ConfigError, didYouMean } from "@mtrl/core";
import { z } from "zod";
import type { BuildContext, ComponentDefinition, ComponentKind, ComponentOf } from "./component.js";

/**
 * The registered variants of every component slot. The config schema (src/config/schema.ts) builds
 * its unions from the built-in registry when it is imported: register components before that (in
 * builtin-components.ts); a variant registered later can be built in code but not chosen by config. The config schema asks it for each slot's
 * union (`configSchema("encoder")`), the agent asks it to build what a config names, and
 * `mtrl list` asks it for the summaries — one source for all three.
 */
export class ComponentRegistry {
  private readonly definitions = new Map<ComponentKind, Map<string, ComponentDefinition>>();

  constructor(definitions: readonly ComponentDefinition[] = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: ComponentDefinition): void {
    let slot = this.definitions.get(definition.kind);
    if (slot === undefined) {
      slot = new Map();
      this.definitions.set(definition.kind, slot);
    }
    if (slot.has(definition.type)) throw new ConfigError(`A ${definition.kind} component named "${definition.type}" is already registered; pick another type name.`);
    slot.set(definition.type, definition);
  }

  /** Every definition of a slot, in registration order. */
  list(kind: ComponentKind): ComponentDefinition[] {
    return [...(this.definitions.get(kind)?.values() ?? [])];
  }

  get(kind: ComponentKind, type: string): ComponentDefinition {
    const definition = this.definitions.get(kind)?.get(type);
    if (definition === undefined) {
      const known = this.list(kind).map((entry) => entry.type);
      throw new ConfigError(`No ${kind} component "${type}"; registered: ${known.join(", ")}.${didYouMean(type, known)}`);
    }
    return definition;
  }

  /**
   * The config schema of a slot: a discriminated union on `type` of the variants' option objects,
   * or — for slots whose variants have no options (heads) — an enum of their names.
   */
  configSchema(kind: ComponentKind): z.ZodType {
    const definitions = this.list(kind);
    if (definitions.length === 0) throw new ConfigError(`No ${kind} component is registered.`);
    if (definitions.every((definition) => definition.schema instanceof z.ZodLiteral)) {
      return z.enum(definitions.map((definition) => definition.type) as [string, ...string[]]);
    }
    const objects = definitions.map((definition) => definition.schema) as unknown as [z.ZodObject, ...z.ZodObject[]];
    return z.discriminatedUnion("type", objects);
  }

  /**
   * Every variant of every slot with its summary and its options' defaults, for `mtrl list` and the
   * README: `{ kind, type, summary, options: { numExperts: 4, ... } }`.
   */
  describe(): Array<{ kind: ComponentKind; type: string; summary: string; options: Record<string, unknown> }> {
    const described: Array<{ kind: ComponentKind; type: string; summary: string; options: Record<string, unknown> }> = [];
    for (const [kind, slot] of this.definitions) {
      for (const definition of slot.values()) {
        const defaults = definition.schema instanceof z.ZodObject ? (definition.schema.parse({ type: definition.type }) as Record<string, unknown>) : {};
        const { type: _type, ...options } = defaults;
        described.push({ kind, type: definition.type, summary: definition.summary, options });
      }
    }
    return described;
  }

  /** Builds the variant a config names: `{ type, ...options }`, or the bare name of an option-less variant. */
  build<Kind extends ComponentKind>(kind: Kind, config: unknown, context: BuildContext): ComponentOf<Kind> {
    const type = typeof config === "string" ? config : (config as { type?: unknown } | null)?.type;
    if (typeof type !== "string") {
      throw new ConfigError(`A ${kind} component config needs a "type" (one of ${this.list(kind).map((entry) => entry.type).join(", ")}), got ${JSON.stringify(config)}.`);
    }
    const definition = this.get(kind, type);
    // Parsing fills the options' defaults, so a config built in code ({ type: "moe" }) works as one
    // read from YAML; a bad option is a ConfigError naming the component.
    const parsed = definition.schema.safeParse(config);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(value)"}: ${issue.message}`).join("; ");
      throw new ConfigError(`Invalid options for the ${kind} component "${definition.type}": ${problems}.`);
    }
    return definition.build(parsed.data as never, context) as ComponentOf<Kind>;
  }
}
