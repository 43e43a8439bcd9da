// The sync settings the installer pushed with the code (PN_SYNC_CONFIG): the compiled field map, read at run time.
import type { DesiredWorkspace } from '../../../src/blueprint/desired.js';
import { SYNC_CONFIG_GLOBAL, type SyncSettings } from '../../../src/targets/sheets/sync-config.js';

/**
 * The settings as the engine's workspace, or null in a project pushed without them. The engine reads only
 * the parts the settings hold (the hub key, the sync map, the synced databases and tabs); the rest is empty.
 */
export function syncWorkspace(): DesiredWorkspace | null {
  const value: unknown = Reflect.get(globalThis, SYNC_CONFIG_GLOBAL);
  if (typeof value !== 'object' || value === null) return null;
  const s = value as SyncSettings;
  if (!Array.isArray(s.sync) || !Array.isArray(s.databases) || !Array.isArray(s.workbook?.tabs)) return null;
  const ws = {
    version: '',
    types: [],
    hub: { key: s.hub.key, title: '', icon: '', markdown: '' },
    databases: s.databases.map((d) => ({ ...d, icon: '', description: '', views: [], rows: [] })),
    pages: [],
    workbook: {
      title: '',
      tabs: s.workbook.tabs.map((t) => ({
        ...t,
        frozenRows: 0,
        columnWidths: [],
        cells: [],
        validations: [],
        conditionalFormats: [],
        protectedRanges: [],
      })),
      namedRanges: [],
    },
    sync: s.sync,
    syncText: [],
    renames: [],
    manualSteps: [],
  };
  return ws as unknown as DesiredWorkspace;
}
