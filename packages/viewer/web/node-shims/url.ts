/** node:url in the page: file URLs become their path (used for module-level constants only). */
export const fileURLToPath = (url: string | URL): string => decodeURIComponent(new URL(String(url)).pathname);
export const pathToFileURL = (path: string): URL => new URL(`file://${path}`);
export const URL_ = URL;
export default { fileURLToPath, pathToFileURL };
