export * from "./core/index.js";
export * from "./spaces/index.js";
export * from "./registry/index.js";
export * from "./wrappers/index.js";
export * from "./checker/index.js";
export * from "./envs/index.js";
export * from "./vector/index.js";
