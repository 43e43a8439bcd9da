// The local target, the embedded default: plan and apply the workspace as files in a folder.
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import { writeFileAtomic } from '../../platform/write.js';
import { type LocalFile, localFiles, sha256 } from './files.js';
import { readManifest, writeManifest } from './manifest.js';
import { countActions, type LocalAction, type LocalOperation, type Manifest, planLocal } from './plan.js';

export const DEFAULT_OUT_DIR = 'partnernomics-workspace';

export interface LocalPlan {
  outDir: string;
  files: LocalFile[];
  manifest: Manifest | null;
  operations: LocalOperation[];
  counts: Record<LocalAction, number>;
}

export interface LocalInstallResult extends Omit<LocalPlan, 'files' | 'manifest'> {
  target: 'local';
  version: string;
  backups: string[];
}

function checkOutDir(outDir: string): void {
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new PnError('OUTPUT_UNWRITABLE', `${outDir} exists and is not a folder`, {
      hint: 'choose another folder with --out DIR',
    });
  }
}

export function planLocalInstall(ws: DesiredWorkspace, outDirInput: string): LocalPlan {
  const outDir = resolve(outDirInput);
  checkOutDir(outDir);
  const files = localFiles(ws);
  const manifest = existsSync(outDir) ? readManifest(outDir) : null;
  const actual = new Map<string, string>();
  for (const path of new Set([...files.map((f) => f.path), ...Object.keys(manifest?.files ?? {})])) {
    const full = join(outDir, path);
    if (existsSync(full) && statSync(full).isFile()) actual.set(path, sha256(readFileSync(full)));
  }
  const operations = planLocal(files, manifest, actual);
  return { outDir, files, manifest, operations, counts: countActions(operations) };
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

/**
 * Applies a plan. Conflicts (files you edited that the blueprint also changed) stop the install before
 * anything is written, unless `force`, which first copies each one to NAME.backup-TIMESTAMP.
 */
export async function applyLocalPlan(
  ws: DesiredWorkspace,
  plan: LocalPlan,
  options: { force: boolean; now?: Date; onFile?: (op: LocalOperation) => void },
): Promise<LocalInstallResult> {
  const conflicts = plan.operations.filter((o) => o.action === 'conflict');
  if (conflicts.length > 0 && !options.force) {
    const names = conflicts
      .slice(0, 3)
      .map((c) => c.path)
      .join(', ');
    const more = conflicts.length > 3 ? ` and ${conflicts.length - 3} more` : '';
    throw new PnError(
      'OUTPUT_CONFLICT',
      `${conflicts.length} file(s) in ${plan.outDir} were edited by hand and would be replaced: ${names}${more}`,
      {
        hint: 'nothing was written; run again with --force to replace them (each is backed up first), or use --out to install elsewhere',
      },
    );
  }
  const manifest: Manifest = {
    stateVersion: 1,
    workspaceVersion: ws.version,
    files: { ...(plan.manifest?.files ?? {}) },
  };
  const backups: string[] = [];
  const stamp = timestamp(options.now ?? new Date());
  for (const op of plan.operations) {
    if (op.action !== 'create' && op.action !== 'update' && op.action !== 'conflict') continue;
    const file = plan.files.find((f) => f.path === op.path)!;
    const full = join(plan.outDir, op.path);
    if (op.action === 'conflict') {
      const backup = `${full}.backup-${stamp}`;
      copyFileSync(full, backup);
      backups.push(backup);
    }
    const bytes = await file.produce();
    try {
      writeFileAtomic(full, bytes);
    } catch (error) {
      throw new PnError(
        'OUTPUT_UNWRITABLE',
        `cannot write ${full}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        {
          hint: 'check the folder permissions or choose another folder with --out DIR',
          cause: error,
        },
      );
    }
    manifest.files[op.path] = { sourceHash: file.sourceHash, writtenHash: sha256(bytes) };
    writeManifest(plan.outDir, manifest);
    options.onFile?.(op);
  }
  for (const op of plan.operations) {
    if (op.action === 'obsolete') continue;
    if (op.action === 'unchanged' && !manifest.files[op.path]) {
      const file = plan.files.find((f) => f.path === op.path)!;
      manifest.files[op.path] = {
        sourceHash: file.sourceHash,
        writtenHash: file.contentHash ?? file.sourceHash,
      };
    }
  }
  const wrote = plan.operations.some((o) => ['create', 'update', 'conflict'].includes(o.action));
  if (wrote || plan.manifest?.workspaceVersion !== ws.version || !plan.manifest)
    writeManifest(plan.outDir, manifest);
  return {
    target: 'local',
    version: ws.version,
    outDir: plan.outDir,
    operations: plan.operations,
    counts: plan.counts,
    backups,
  };
}
