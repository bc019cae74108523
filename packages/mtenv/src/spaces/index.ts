export { Space, type SpaceJSON, type BoxDtype, type FlatArray } from "./space.js";
export { Box, type BoxOptions, type BoxArray } from "./box.js";
export { Discrete } from "./discrete.js";
export { MultiDiscrete } from "./multi-discrete.js";
export { MultiBinary } from "./multi-binary.js";
export { DictSpace, type DictValue } from "./dict.js";
export { spaceFromJSON } from "./from-json.js";
