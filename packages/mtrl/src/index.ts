export * from "./config/index.js";
export * from "./run/index.js";
export * from "./report/index.js";
