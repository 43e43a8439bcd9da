// Bundles apps-script/src into one Apps Script file whose entry points are top-level functions.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
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

const result = await build({
  entryPoints: [join(root, 'apps-script', 'src', 'main.ts')],
  bundle: true,
  format: 'iife',
  globalName: 'Partnernomics',
  target: 'es2020',
  platform: 'neutral',
  write: false,
  legalComments: 'none',
});
const docs = {
  PN_SCORE: '/** Partner score 0–100 from 1–5 ratings and weights. @customfunction */',
  PN_RECOMMEND: '/** Pursue, Nurture, Pass or Needs ratings for a score. @customfunction */',
  PN_RYG: '/** Green, Yellow or Red for an actual against a target. @customfunction */',
};
const stubs = ENTRY_POINTS.map(
  (name) =>
    `${docs[name] ?? ''}\nfunction ${name}() { return Partnernomics.${name}.apply(null, arguments); }`,
).join('\n');
const code = `// Partnernomics Apps Script bundle: built by \`npm run gas:build\` from apps-script/src. Do not edit.\n${result.outputFiles[0].text}\n${stubs}\n`;
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
// clasp pushes rootDir as it is: the manifest sits beside the bundle (see .clasp.json).
copyFileSync(join(root, 'appsscript.json'), join(dirname(out), 'appsscript.json'));
console.log(`apps-script bundle: ${out} (${code.length} bytes)`);
