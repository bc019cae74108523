import { InvalidSpaceError, describeValue } from "../core/errors.js";
import { Box, decodeNumber } from "./box.js";
import { DictSpace } from "./dict.js";
import { Discrete } from "./discrete.js";
import { MultiBinary } from "./multi-binary.js";
import { MultiDiscrete } from "./multi-discrete.js";
import type { Space, SpaceJSON } from "./space.js";

/** Rebuilds a space from `space.toJSON()` (e.g. read back from a checkpoint). */
export function spaceFromJSON(json: SpaceJSON): Space<unknown> {
  switch (json?.type) {
    case "box":
      return new Box(json.low.map(decodeNumber), json.high.map(decodeNumber), { shape: json.shape, dtype: json.dtype ?? "float32" });
    case "discrete":
      return new Discrete(json.n, json.start);
    case "multi-discrete":
      return new MultiDiscrete(json.nvec);
    case "multi-binary":
      return new MultiBinary(json.n);
    case "dict": {
      const spaces: Record<string, Space<unknown>> = {};
      for (const [key, sub] of Object.entries(json.spaces)) spaces[key] = spaceFromJSON(sub);
      return new DictSpace(spaces);
    }
    default:
      throw new InvalidSpaceError(
        `Expected a space JSON with type box, discrete, multi-discrete, multi-binary or dict, got ${describeValue(json)}.`,
      );
  }
}
