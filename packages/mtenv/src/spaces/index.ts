export { Space, type SpaceJSON } from "./space.js";
export { Box, type BoxOptions } from "./box.js";
export { Discrete } from "./discrete.js";
export { MultiDiscrete } from "./multi-discrete.js";
export { MultiBinary } from "./multi-binary.js";
export { DictSpace, type DictValue } from "./dict.js";
export { spaceFromJSON } from "./from-json.js";
