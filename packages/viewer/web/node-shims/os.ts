/** node:os in the page: the numbers the kernels ask about, from the browser where it knows them. */
export const availableParallelism = (): number => globalThis.navigator?.hardwareConcurrency ?? 1;
export const cpus = (): Array<{ model: string }> => Array.from({ length: availableParallelism() }, () => ({ model: "browser" }));
export const homedir = (): string => "/";
export const tmpdir = (): string => "/tmp";
export const platform = (): string => "browser";
export const arch = (): string => "wasm32";
export const hostname = (): string => "browser";
export const endianness = (): "LE" => "LE";
export const EOL = "\n";
export default { availableParallelism, cpus, homedir, tmpdir, platform, arch, hostname, EOL };
