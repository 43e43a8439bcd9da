// Bundles apps-script/src into one Apps Script file whose entry points are top-level functions.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'apps-script', 'Code.js');
export const ENTRY_POINTS = [
  'onOpen',
  'about',
  'recalculateScores',
  'refreshPbrScoreboard',
  'buildLeadershipReport',
  'PN_SCORE',
  'PN_RECOMMEND',
  'PN_RYG',
];
/** The no-server sync's entry points (menu items and the trigger's handler), from apps-script/src/sync/entry.ts. */
export const SYNC_ENTRY_POINTS = [
  'connectNotion',
  'disconnectNotion',
  'turnOnAutomaticSync',
  'turnOffAutomaticSync',
  'syncNow',
  'runScheduledSync',
];

const options = {
  bundle: true,
  format: 'iife',
  target: 'es2020',
  platform: 'neutral',
  // The Notion SDK is CommonJS: the neutral platform reads no main field unless told to.
  mainFields: ['module', 'main'],
  write: false,
  legalComments: 'none',
};
const result = await build({
  ...options,
  entryPoints: [join(root, 'apps-script', 'src', 'main.ts')],
  globalName: 'Partnernomics',
});
// The sync engine (src/sync, the Notion client) as a second global, so the scoring functions load without it.
const sync = await build({
  ...options,
  entryPoints: [join(root, 'apps-script', 'src', 'sync', 'entry.ts')],
  globalName: 'PartnernomicsSync',
});
// esbuild keeps no ordinary comments, so each entry point's JSDoc is copied from the source onto its
// top-level wrapper: Sheets reads the @param lines and @customfunction there for its formula help.
const source = readFileSync(join(root, 'apps-script', 'src', 'main.ts'), 'utf8');
const docs = new Map(
  [...source.matchAll(/(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)\s*export function (\w+)\s*\(/g)].map((m) => [
    m[2],
    m[1],
  ]),
);
const stubs = ENTRY_POINTS.map((name) => {
  const doc = docs.get(name) ?? '';
  const params = [...doc.matchAll(/@param\s+(?:\{[^}]*\}\s+)?([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
  if (name.startsWith('PN_') && !/^ \* @customfunction$/m.test(doc))
    throw new Error(`apps-script: ${name} needs a JSDoc block with @customfunction on its own line`);
  return `${doc ? `${doc}\n` : ''}function ${name}(${params.join(', ')}) { return Partnernomics.${name}.apply(null, arguments); }`;
}).join('\n');
const syncStubs = SYNC_ENTRY_POINTS.map(
  (name) => `function ${name}() { return PartnernomicsSync.${name}.apply(null, arguments); }`,
).join('\n');
const code = `// Partnernomics Apps Script bundle: built by \`npm run gas:build\` from apps-script/src. Do not edit.\n${result.outputFiles[0].text}\n${sync.outputFiles[0].text}\n${stubs}\n${syncStubs}\n`;
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
// clasp pushes rootDir as it is: the manifest sits beside the bundle (see .clasp.json).
copyFileSync(join(root, 'appsscript.json'), join(dirname(out), 'appsscript.json'));
console.log(`apps-script bundle: ${out} (${code.length} bytes)`);
