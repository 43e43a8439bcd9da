// `npm install -g .` from the clone puts `partnernomics` on PATH, and it then runs from any folder.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('partnernomics on PATH', () => {
  it('installs globally from the clone (as the README says) and runs from an unrelated folder', () => {
    const prefix = tempDir('pn-global-');
    // npm itself runs on the pinned Node (vitest's); --prefix keeps the machine's global folder untouched.
    const npmCli = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    const npm = existsSync(npmCli) ? [process.execPath, npmCli] : ['npm'];
    execFileSync(npm[0]!, [...npm.slice(1), 'install', '-g', '--prefix', prefix, repo], {
      stdio: 'pipe',
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
    const bin = join(prefix, 'bin', 'partnernomics');
    expect(existsSync(bin)).toBe(true);
    const elsewhere = tempDir('pn-elsewhere-');
    const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
    const version = execFileSync(bin, ['--version'], { cwd: elsewhere, env }).toString().trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const out = execFileSync(bin, ['--json', 'install', '--out', join(elsewhere, 'ws')], {
      cwd: elsewhere,
      env,
    });
    expect(JSON.parse(out.toString()).ok).toBe(true);
    expect(existsSync(join(elsewhere, 'ws', 'Partnernomics.xlsx'))).toBe(true);
  }, 120_000);
});
