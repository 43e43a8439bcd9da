// Where the package's own files are, whether run from source (tests) or from dist/ (the installed bin).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the partnernomics package root above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
export const APPS_SCRIPT_BUNDLE = join(PACKAGE_ROOT, 'dist', 'apps-script', 'Code.js');
export const APPS_SCRIPT_MANIFEST = join(PACKAGE_ROOT, 'appsscript.json');
