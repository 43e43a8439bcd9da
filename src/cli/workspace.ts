// Loads config and blueprint and compiles the desired workspace: the shared first half of plan and install.
import { compile } from '../blueprint/compile.js';
import type { DesiredWorkspace } from '../blueprint/desired.js';
import { type Blueprint, loadBlueprint } from '../blueprint/load.js';
import { loadConfig } from '../config/load.js';
import type { Io } from './io.js';

export function desiredWorkspace(
  io: Io,
  configPath: string | undefined,
): { ws: DesiredWorkspace; configSource: string; blueprint: Blueprint } {
  const { config, source } = loadConfig({ path: configPath, cwd: io.cwd });
  const blueprint = loadBlueprint(io.env.PARTNERNOMICS_TEMPLATES || undefined);
  return { ws: compile(blueprint, config), configSource: source, blueprint };
}
