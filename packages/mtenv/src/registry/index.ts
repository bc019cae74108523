export { EnvRegistry, registry, register, make, listEnvs, type EnvSpec, type MakeOptions, type RegisteredEnv } from "./registry.js";
