/** node:path in the page: POSIX joins for module-level constants (no file is ever opened through them). */
export const sep = "/";
export const delimiter = ":";
function normalize(path: string): string {
  const absolute = path.startsWith("/");
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else if (part !== ".." || !absolute) parts.push(part);
  }
  return (absolute ? "/" : "") + parts.join("/") || (absolute ? "/" : ".");
}
export const join = (...parts: string[]): string => normalize(parts.filter((part) => part !== "").join("/"));
export const resolve = (...parts: string[]): string => {
  let path = "";
  for (const part of parts) path = part.startsWith("/") ? part : `${path}/${part}`;
  return normalize(path.startsWith("/") ? path : `/${path}`);
};
export const isAbsolute = (path: string): boolean => path.startsWith("/");
export const dirname = (path: string): string => {
  const cut = normalize(path).lastIndexOf("/");
  return cut <= 0 ? (path.startsWith("/") ? "/" : ".") : normalize(path).slice(0, cut);
};
export const basename = (path: string, suffix?: string): string => {
  const base = normalize(path).split("/").pop() ?? "";
  return suffix !== undefined && base.endsWith(suffix) ? base.slice(0, -suffix.length) : base;
};
export const extname = (path: string): string => {
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot);
};
export const relative = (from: string, to: string): string => {
  const a = resolve(from).split("/").filter(Boolean);
  const b = resolve(to).split("/").filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => ".."), ...b.slice(common)].join("/");
};
export const posix = { sep, join, resolve, dirname, basename, extname, relative, isAbsolute };
export default { sep, delimiter, join, resolve, isAbsolute, dirname, basename, extname, relative, posix };
