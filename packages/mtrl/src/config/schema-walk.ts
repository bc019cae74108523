import { z } from "zod";

/**
 * Read-only walks over the config schema: which keys an object at a path accepts (for "unknown key"
 * errors) and which choices the config offers (for `npx mtrl list`). The list of components is
 * therefore always what the schema really accepts, never a hand-kept copy.
 */

export type PathSegment = string | number;

/** Strips wrappers that do not change the shape (nullable, optional, default, readonly, pipes). */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodNullable || current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodReadonly) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** The union member whose discriminator matches `value`'s, or undefined. */
function unionMember(schema: z.ZodDiscriminatedUnion, value: unknown): z.ZodType | undefined {
  const discriminator = schema.def.discriminator;
  const wanted = (value as Record<string, unknown> | null | undefined)?.[discriminator];
  for (const option of schema.options as readonly z.ZodType[]) {
    const member = unwrap(option);
    if (member instanceof z.ZodObject) {
      const literal = unwrap(member.shape[discriminator] as z.ZodType);
      if (literal instanceof z.ZodLiteral && literal.values.has(wanted as never)) return member;
    }
  }
  return undefined;
}

/**
 * The schema that validates the value at `path` of `input` (following discriminated unions by the
 * discriminator found in `input`), or undefined when the path leaves the schema.
 */
export function schemaAt(schema: z.ZodType, path: readonly PathSegment[], input: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  let value = input;
  for (const segment of path) {
    if (current instanceof z.ZodDiscriminatedUnion) current = unionMember(current, value);
    if (current === undefined) return undefined;
    if (current instanceof z.ZodObject) {
      const next = current.shape[String(segment)] as z.ZodType | undefined;
      current = next === undefined ? undefined : unwrap(next);
    } else if (current instanceof z.ZodArray) {
      current = unwrap(current.element as z.ZodType);
    } else if (current instanceof z.ZodTuple) {
      const item = (current.def.items as readonly z.ZodType[])[Number(segment)];
      current = item === undefined ? undefined : unwrap(item);
    } else if (current instanceof z.ZodRecord) {
      current = unwrap(current.def.valueType as z.ZodType);
    } else {
      return undefined;
    }
    value = (value as Record<PropertyKey, unknown> | null | undefined)?.[segment];
  }
  if (current instanceof z.ZodDiscriminatedUnion) return unionMember(current, value) ?? current;
  return current;
}

/** The keys an object at `path` accepts, or [] when the path is not an object. */
export function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[], input: unknown): string[] {
  const target = schemaAt(schema, path, input);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

/** A place in the config where the user picks one of several named values. */
export interface ConfigChoice {
  /** Dotted path of the field, e.g. "agent.encoder.type". */
  readonly path: string;
  /** The values it accepts. */
  readonly values: readonly string[];
}

/**
 * Every discriminated union and enum reachable in `schema`: the components and modes a user can
 * choose from the command line. Union members are walked too, so choices inside variants appear.
 */
export function listChoices(schema: z.ZodType, prefix = ""): ConfigChoice[] {
  const choices: ConfigChoice[] = [];
  const visit = (node: z.ZodType, path: string): void => {
    const current = unwrap(node);
    if (current instanceof z.ZodDiscriminatedUnion) {
      const discriminator = current.def.discriminator;
      const values: string[] = [];
      for (const option of current.options as readonly z.ZodType[]) {
        const member = unwrap(option);
        if (!(member instanceof z.ZodObject)) continue;
        const literal = unwrap(member.shape[discriminator] as z.ZodType);
        if (literal instanceof z.ZodLiteral) values.push(...[...literal.values].map(String));
      }
      choices.push({ path: path === "" ? discriminator : `${path}.${discriminator}`, values });
      const seen = new Set<string>();
      for (const option of current.options as readonly z.ZodType[]) {
        const member = unwrap(option);
        if (!(member instanceof z.ZodObject)) continue;
        for (const [key, child] of Object.entries(member.shape)) {
          if (key === discriminator) continue;
          const before = choices.length;
          visit(child as z.ZodType, path === "" ? key : `${path}.${key}`);
          // Variants often share fields; list each nested choice once.
          for (const added of choices.splice(before)) {
            if (!seen.has(added.path)) {
              seen.add(added.path);
              choices.push(added);
            }
          }
        }
      }
    } else if (current instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(current.shape)) visit(child as z.ZodType, path === "" ? key : `${path}.${key}`);
    } else if (current instanceof z.ZodEnum) {
      choices.push({ path, values: current.options.map(String) });
    }
  };
  visit(schema, prefix);
  return choices;
}
