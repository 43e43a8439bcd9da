// The CLI pointed at both fakes: its environment, a Desktop-app client file, and `login google` as a person does it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliRun, cli, tempDir } from '../helpers.js';
import type { FakeGoogle } from './google/index.js';
import type { FakeNotion } from './notion/index.js';

/** What the CLI needs to talk to the fakes (a fresh credentials home each time), plus `extra`. */
export function cliEnvFor(
  notion: FakeNotion,
  google: FakeGoogle,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    PARTNERNOMICS_HOME: tempDir(),
    NOTION_TOKEN: notion.token,
    PARTNERNOMICS_NOTION_URL: notion.baseUrl,
    PARTNERNOMICS_NOTION_RATE: '500',
    PARTNERNOMICS_GOOGLE_URL: google.rootUrl,
    PARTNERNOMICS_GOOGLE_TOKEN_URL: google.tokenUrl,
    ...extra,
  };
}

/** A Desktop-app OAuth client file for the fake Google, like the one Cloud console downloads. */
export function fakeClientFile(google: FakeGoogle): string {
  const file = join(tempDir(), 'client.json');
  writeFileSync(
    file,
    JSON.stringify({ installed: { client_id: google.clientId, client_secret: google.clientSecret } }),
  );
  return file;
}

/** `login google --no-browser` with the redirect address pasted back, as on a headless machine. */
export function loginGoogle(
  google: FakeGoogle,
  env: NodeJS.ProcessEnv,
  clientFile = fakeClientFile(google),
): Promise<CliRun> {
  const code = google.state.auth.authorizationCode(['drive.file', 'script.projects']);
  return cli(['login', 'google', '--client-file', clientFile, '--no-browser'], {
    env,
    stdin: `http://127.0.0.1:1/?code=${encodeURIComponent(code)}&scope=x\n`,
  });
}
