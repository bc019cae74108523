/** node:util in the page: formatting helpers only. */
export const inspect = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};
export const format = (...values: unknown[]): string => values.map((value) => (typeof value === "string" ? value : inspect(value))).join(" ");
export default { inspect, format };
export const isDeepStrictEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
export const parseArgs = (): never => {
  throw new Error("util.parseArgs is a Node-only call (command-line parsing) and is not available in the browser viewer.");
};
export const promisify = <T>(fn: T): T => fn;
