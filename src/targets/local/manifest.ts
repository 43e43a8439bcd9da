// The local target's state file: which files it wrote, from what, and the exact bytes' hash.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PnError } from '../../platform/errors.js';
import { withFsErrors, writeFileAtomic } from '../../platform/write.js';
import type { Manifest } from './plan.js';

export const MANIFEST_FILE = '.partnernomics-state.json';

const manifestSchema = z.object({
  stateVersion: z.literal(1),
  workspaceVersion: z.string(),
  files: z.record(z.string(), z.object({ sourceHash: z.string(), writtenHash: z.string() })),
});

export function readManifest(outDir: string): Manifest | null {
  const path = join(outDir, MANIFEST_FILE);
  if (!existsSync(path)) return null;
  const text = withFsErrors(
    path,
    {
      action: 'read',
      what: 'the workspace state file',
      hint: 'make it readable (chmod u+r), or install into another folder with --out DIR',
    },
    () => readFileSync(path, 'utf8'),
  );
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PnError('OUTPUT_CONFLICT', `${path} is damaged, so edited files cannot be told from ours`, {
      hint: `move it away and run install again with --force (every file it would replace is backed up first)`,
    });
  }
  return parsed.data;
}

export function writeManifest(outDir: string, manifest: Manifest): void {
  writeFileAtomic(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}
