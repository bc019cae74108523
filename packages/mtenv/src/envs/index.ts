// Registers every environment id with the default registry (side effect), then re-exports.
import "./classic/register.js";
import "./mujoco/register.js";
import "./metaworld/register.js";

export * from "./classic/index.js";
export * from "./mujoco/index.js";
export * from "./metaworld/index.js";
