// Builds the Apps Script bundle once before the tests: the local target ships it and tests run it.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['apps-script/build.mjs'], { stdio: 'pipe' });
}
