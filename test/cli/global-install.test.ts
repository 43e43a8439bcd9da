// `npm install -g` puts `partnernomics` on PATH, and it then runs from any folder: installed from what `npm pack`
// publishes, unpacked in a temporary folder, so the test never runs a build in (or writes to) the working tree.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/platform/paths.js';
import { tempDir } from '../helpers.js';
import { ensureBuilt, MAIN } from './child.js';

/** npm on the pinned Node (vitest's) when it ships one, else the machine's. */
function npm(args: string[], cwd: string): string {
  const npmCli = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  const [command, ...prefix] = existsSync(npmCli) ? [process.execPath, npmCli] : ['npm'];
  return execFileSync(command!, [...prefix, ...args], {
    cwd,
    stdio: 'pipe',
    env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
  }).toString();
}

describe('partnernomics on PATH', () => {
  it('installs globally (as the README says) and runs from an unrelated folder, leaving the clone untouched', () => {
    // dist/ as the tests build it (once, under the shared lock, only when src/ is newer): never `npm run build`.
    ensureBuilt();
    const builtAt = lstatSync(MAIN).mtimeMs;

    // What `npm install -g .` installs is this package: pack it without lifecycle scripts (no `prepare`, so no
    // build in the clone), into a temporary folder, and unpack it there.
    const packed = tempDir('pn-pack-');
    const [manifest] = JSON.parse(
      npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packed], PACKAGE_ROOT),
    ) as { filename: string; files: { path: string }[] }[];
    const files = manifest!.files.map((f) => f.path);
    expect(files).toContain('dist/src/cli/main.js');
    expect(files).toContain('dist/apps-script/Code.js');
    expect(files.some((f) => f.startsWith('templates/blueprint/'))).toBe(true);
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
    const copy = join(packed, 'unpacked');
    mkdirSync(copy);
    execFileSync('tar', ['-xzf', join(packed, manifest!.filename), '-C', copy, '--strip-components=1']);

    // Install from the copy, still without scripts; --prefix keeps the machine's global folder untouched.
    const prefix = tempDir('pn-global-');
    npm(['install', '-g', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', prefix, copy], packed);
    const bin = join(prefix, 'bin', 'partnernomics');
    expect(existsSync(bin)).toBe(true);
    expect(realpathSync(bin)).toBe(realpathSync(join(copy, 'dist', 'src', 'cli', 'main.js')));
    // A folder install links the folder and leaves its dependencies to it; a clone has them in node_modules (after
    // `npm install`): the copy gets the clone's, linked only after npm is done, so npm never touches them.
    expect(existsSync(join(copy, 'node_modules'))).toBe(false);
    symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');

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
    expect(readdirSync(join(elsewhere, 'ws', 'apps-script')).sort()).toEqual(['Code.js', 'appsscript.json']);

    // The clone's build was not run again, and nothing was packed into the clone.
    expect(lstatSync(MAIN).mtimeMs).toBe(builtAt);
    expect(readdirSync(PACKAGE_ROOT).filter((f) => f.endsWith('.tgz'))).toEqual([]);
  }, 180_000);
});
