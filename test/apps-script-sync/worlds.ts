// Installed workspaces on the fakes for the Apps Script sync tests: the CLI's install, then a world both runtimes can sync.
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { METADATA_SCRIPT } from '../../src/targets/sheets/install.js';
import { cliEnvFor, loginGoogle } from '../fakes/cli-env.js';
import { createFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import { createFakeNotion, FakeClock, type FakeNotion } from '../fakes/notion/index.js';
import { cli, editedTemplates } from '../helpers.js';
import { attachWorld, type SyncWorld } from '../sync/convergence-world.js';
import type { WorldConfig } from './gas-protocol.js';

export const MINUTE = 60_000;
/** A small workbook (every table DATA_ROWS rows), as the convergence test uses. */
export const DATA_ROWS = 10;
export const templates = editedTemplates({
  'blueprint/workbook.yaml': (t) => t.replace(/data_rows: \d+/g, `data_rows: ${DATA_ROWS}`),
});
export const ws: DesiredWorkspace = compile(loadBlueprint(templates), parseConfig({}, 'test'));

export interface Installed {
  notion: FakeNotion;
  google: FakeGoogle;
  clock: FakeClock;
  world: SyncWorld;
  /** The Apps Script harness's view of the same workspace. */
  gas: WorldConfig;
  /** The script's code as the installer pushed it (the bundle and the generated sync settings). */
  pushed: string;
}

/** A fake Notion + fake Google pair with `install --target all` done (the same start every time it is called). */
export async function installWorld(name: string, start: number, token?: string): Promise<Installed> {
  const clock = new FakeClock(start);
  const notion = createFakeNotion({ clock, ...(token ? { token } : {}) });
  const google = createFakeGoogle();
  await Promise.all([notion.listen(), google.listen()]);
  const env = cliEnvFor(notion, google, {
    PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1',
    PARTNERNOMICS_TEMPLATES: templates,
  });
  const login = await loginGoogle(google, env);
  if (login.code !== 0) throw new Error(`login: ${login.stderr}`);
  const root = notion.seedRootPage('Program');
  const install = await cli(['--json', 'install', '--target', 'all', '--root', root], { env });
  if (install.code !== 0) throw new Error(`install: ${install.stderr}`);
  const spreadsheetId: string = JSON.parse(install.stdout).sheets.spreadsheetId;
  const world = await attachWorld(notion, google, ws, { root, spreadsheetId });
  const record = google.state
    .spreadsheet(spreadsheetId)
    .developerMetadata.find((m) => m.metadataKey === METADATA_SCRIPT)?.metadataValue;
  const gas: WorldConfig = {
    name,
    notionBase: notion.baseUrl,
    googleRoot: google.rootUrl,
    googleToken: google.issueToken(['drive.file']).accessToken,
    spreadsheetId,
    scriptId: String(record ?? '').split(':')[0] || 'no-script',
  };
  const project = [...google.state.script.projects.values()].find(
    (p) => p.project.parentId === spreadsheetId,
  );
  const pushed = project?.pushes.at(-1)?.find((f) => f.name === 'Code')?.source ?? '';
  if (!pushed) throw new Error('install pushed no Code file');
  return { notion, google, clock, world, gas, pushed };
}

export async function closeWorld(w: Installed | undefined): Promise<void> {
  if (w) await Promise.all([w.notion.close(), w.google.close()]);
}

/** The start of both worlds' clocks: 10 s into a minute (the install's lock compares it with the real clock). */
export function startTime(): number {
  return Math.floor(Date.now() / MINUTE) * MINUTE + 10_000;
}
