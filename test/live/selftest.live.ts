// `npm run test:live`: selftest against real accounts when credentials are set; never part of `npm test` (not *.test.ts).
import { processIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { googleCredential } from '../../src/config/credentials.js';

const env = process.env;
if (env.CI) {
  // Real accounts are never touched from CI, whatever credentials its environment happens to hold.
  process.stdout.write('skipped: CI never runs the live selftest\n');
  process.exit(0);
}
const runs: string[][] = [];
const root = env.PN_SELFTEST_ROOT?.trim();
if (env.NOTION_TOKEN?.trim() && root) runs.push(['selftest', '--target', 'notion', '--root', root]);
else process.stdout.write('notion: skipped (set NOTION_TOKEN and PN_SELFTEST_ROOT to run it)\n');

let hasGoogle: boolean;
try {
  hasGoogle = googleCredential(env) !== null;
} catch {
  hasGoogle = true; // an unreadable credentials file: let the CLI report it
}
if (hasGoogle) runs.push(['selftest', '--target', 'sheets']);
else process.stdout.write('sheets: skipped (run `partnernomics login google` first)\n');

if (runs.length === 0) {
  process.stdout.write('skipped: no credentials\n');
} else {
  let code = 0;
  for (const argv of runs) {
    process.stdout.write(`\n$ partnernomics ${argv.join(' ')}\n`);
    code = Math.max(code, await runCli(argv, processIo()));
  }
  process.exitCode = code;
}
