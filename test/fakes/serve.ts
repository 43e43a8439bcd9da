// `npm run fakes`: serves the fake Notion and Google APIs on 127.0.0.1 so the CLI can be pointed at them by hand.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GOOGLE_SCOPES } from '../../src/cli/google.js';
import { createFakeGoogle } from './google/index.js';
import { createFakeNotion } from './notion/index.js';

const { values } = parseArgs({
  options: {
    'notion-port': { type: 'string', default: '4010' },
    'google-port': { type: 'string', default: '4020' },
    faults: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    'rate-limit': { type: 'boolean', default: false },
    quota: { type: 'boolean', default: false },
  },
});

const faultRate = Number(values.faults);
const seed = Number(values.seed);
const notion = createFakeNotion({ rateLimit: values['rate-limit'] ? { rate: 3, burst: 10 } : false });
const google = createFakeGoogle({ quota: values.quota });
const notionUrl = await notion.listen(Number(values['notion-port']));
const googleUrl = await google.listen(Number(values['google-port']));
if (faultRate > 0) {
  const plan = { seed, rateLimited: faultRate / 2, retryAfterSeconds: 1, serverError: faultRate / 2 };
  notion.injectFaults(plan);
  google.injectFaults(plan);
}
const root = notion.seedRootPage('Partnernomics test root');
const tokens = google.issueToken(['drive.file', 'script.projects']);
// A Desktop-app client file like the one Google Cloud console downloads, for `login google --client-file`.
const clientFile = join(mkdtempSync(join(tmpdir(), 'pn-fake-google-')), 'client_secret_fake.json');
writeFileSync(
  clientFile,
  JSON.stringify({
    installed: {
      client_id: google.clientId,
      client_secret: google.clientSecret,
      token_uri: google.tokenUrl,
      redirect_uris: ['http://localhost'],
    },
  }),
);

console.log(`Fake Notion  ${notionUrl}   token ${notion.token}`);
console.log(`  a root page shared with the integration: ${root}`);
console.log(`Fake Google  ${googleUrl}   OAuth token endpoint ${google.tokenUrl}`);
console.log(
  `  client id ${google.clientId}, refresh token ${tokens.refreshToken} (drive.file, script.projects)`,
);
console.log('');
console.log('Point the CLI at them (these are test credentials of the fakes, not secrets):');
console.log(`  export PARTNERNOMICS_NOTION_URL=${notionUrl} NOTION_TOKEN=${notion.token}`);
console.log(
  `  export PARTNERNOMICS_GOOGLE_URL=${google.rootUrl} PARTNERNOMICS_GOOGLE_TOKEN_URL=${google.tokenUrl}`,
);
console.log(
  `  export GOOGLE_OAUTH_CLIENT_ID=${google.clientId} GOOGLE_OAUTH_CLIENT_SECRET=${google.clientSecret} GOOGLE_REFRESH_TOKEN=${tokens.refreshToken}`,
);
console.log(`  npx partnernomics doctor --root ${root}`);
console.log(`  npx partnernomics install --target all --root ${root}`);
// The fake has no consent page, so `login google --no-browser` is given the address a browser would land on
// after consent: the loopback redirect with an authorization code the fake's token endpoint accepts (once).
const code = google.state.auth.authorizationCode(['drive.file', 'script.projects']);
const redirect = `http://127.0.0.1:1/?code=${encodeURIComponent(code)}&scope=${encodeURIComponent(GOOGLE_SCOPES.join(' '))}`;
console.log(
  'Or sign in to the fake as a person would (export the first two lines, not the GOOGLE_OAUTH_… one, which overrides a stored login):',
);
console.log(`  echo '${redirect}' | npx partnernomics login google --client-file ${clientFile} --no-browser`);
console.log(
  '  (that is the address the browser is sent to after consent; its code works once: restart `npm run fakes` for another)',
);
console.log('');
console.log(
  `Faults: ${faultRate > 0 ? `${faultRate * 100}% of requests (seed ${seed})` : 'none'} · rate limit: ${values['rate-limit'] ? 'on' : 'off'} · Sheets quota: ${values.quota ? 'on' : 'off'}. Ctrl+C stops.`,
);

const stop = async () => {
  console.log(`\nServed ${notion.calls.length} Notion and ${google.calls.length} Google requests.`);
  await Promise.all([notion.close(), google.close()]);
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
