export { Adam, type AdamOptions, type AdamState } from "./adam.js";
export { polyakUpdate } from "./polyak.js";
