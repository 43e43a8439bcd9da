// The library API: the pure domain core, plus loading and compiling the blueprint for other tools.
export { compile } from './blueprint/compile.js';
export type { DesiredWorkspace } from './blueprint/desired.js';
export { type Blueprint, loadBlueprint } from './blueprint/load.js';
export { loadConfig, parseConfig, parseConfigYaml } from './config/load.js';
export type { Config } from './config/schema.js';
export * from './domain/index.js';
export { PnError } from './platform/errors.js';
