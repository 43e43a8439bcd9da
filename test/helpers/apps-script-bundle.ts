// The built Apps Script bundle (dist/apps-script/Code.js) run in a vm context over in-memory SpreadsheetApp fakes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { installSpreadsheetFakes, type SpreadsheetFakes } from '../fakes/spreadsheet-app.js';

const BUNDLE_PATH = fileURLToPath(new URL('../../dist/apps-script/Code.js', import.meta.url));

/** The bundle's top-level functions, called as Apps Script calls them. */
export type BundleGlobals = Record<string, (...args: unknown[]) => unknown>;

/** Evaluates the bundle (built by the test global setup) in one global scope holding the fakes. */
export function loadAppsScriptBundle(fakes: SpreadsheetFakes): BundleGlobals {
  const context: Record<string, unknown> = {};
  installSpreadsheetFakes(fakes, context);
  vm.createContext(context);
  vm.runInContext(readFileSync(BUNDLE_PATH, 'utf8'), context, { filename: 'Code.js' });
  const globals: BundleGlobals = {};
  for (const [name, value] of Object.entries(context))
    if (typeof value === 'function') globals[name] = (...args: unknown[]) => value(...args);
  return globals;
}
