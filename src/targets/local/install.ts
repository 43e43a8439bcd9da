// The local target, the embedded default: plan and apply the workspace as files in a folder.
//
// One install is all-or-nothing from the user's point of view. Every new file is produced first, in memory; then
// the whole new workspace is built in a staging folder next to the target (a hard-linked copy of the current one
// plus the new files, backups and state file) and put in place by renaming. A kill or a failure before the rename
// leaves the previous workspace untouched (the leftover staging folder is removed by the next run); after it, the
// new one is complete. The only window is between the two renames of an update (old folder aside, new one in), a
// few microseconds: the next `plan` or `install` finishes that swap before it reads anything (`recoverInterrupted`).
// Staging and swap are one synchronous step, so Ctrl-C (handled by the CLI's entry point) never lands inside it.
//
// Where the folder itself cannot be renamed (it holds the current directory, it is a mount point, its parent is not
// writable), the files are written in place instead, each atomically and each followed by its state entry, all of
// them already produced so the window is a few milliseconds; the state file stays consistent with every file.
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import {
  checkWritableFolder,
  errnoOf,
  fsError,
  withFsErrors,
  writeFileAtomic,
} from '../../platform/write.js';
import { type LocalFile, localFiles, sha256 } from './files.js';
import { MANIFEST_FILE, readManifest, writeManifest } from './manifest.js';
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
  /** Files you had edited that --force replaced, each with the copy of your version. */
  replaced: { path: string; backup: string }[];
  /** How the files were put in place: one rename of the whole folder, or file by file (see the header). */
  mode: 'swap' | 'in-place' | 'none';
}

const OUT_HINT = 'choose another folder with --out DIR';

/** The hidden siblings of a workspace folder: the staging folder, the previous folder during a swap, the lock. */
export function siblingsOf(outDir: string): { staging: string; previous: string; lock: string } {
  const parent = dirname(outDir);
  const base = basename(outDir);
  return {
    staging: join(parent, `.${base}.partnernomics-staging`),
    previous: join(parent, `.${base}.partnernomics-previous`),
    lock: join(parent, `.${base}.partnernomics-lock`),
  };
}

function checkOutDir(outDir: string): void {
  let isFile = false;
  try {
    isFile = existsSync(outDir) && !statSync(outDir).isDirectory();
  } catch (error) {
    throw fsError(error, outDir, { action: 'read', what: 'folder', hint: OUT_HINT });
  }
  if (isFile) {
    throw new PnError('INPUT_INVALID', `${outDir} exists and is not a folder`, { hint: OUT_HINT });
  }
  // A file somewhere up the path (ENOTDIR) is as much in the way as one at the path.
  let up = dirname(outDir);
  while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
  if (!statSync(up).isDirectory()) {
    throw new PnError('INPUT_INVALID', `${outDir} cannot be a folder: ${up} is a file`, { hint: OUT_HINT });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}

/** The pid of another live install writing `outDir`, if any. */
function lockHolder(lock: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8').trim());
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid) ? pid : null;
}

function busy(outDir: string, pid: number): PnError {
  return new PnError(
    'OUTPUT_CONFLICT',
    `another partnernomics install (process ${pid}) is writing ${outDir}`,
    {
      hint: 'wait for it to finish, then run again',
    },
  );
}

/** Takes the folder's lock (a stale one, from a killed install, is taken over); returns its release. */
function takeLock(outDir: string): () => void {
  const { lock } = siblingsOf(outDir);
  const holder = lockHolder(lock);
  if (holder) throw busy(outDir, holder);
  try {
    const fd = openSync(lock, 'w');
    writeFileSync(fd, `${process.pid}\n`);
    closeSync(fd);
  } catch {
    // The folder that holds the workspace is not writable: no lock, and the files go in place (see the header).
    return () => {};
  }
  return () => rmSync(lock, { force: true });
}

/**
 * Finishes or undoes what a killed install left next to `outDir`: the swap completed (the new workspace goes in
 * place) when it was killed between the two renames, and a leftover staging folder is removed. Only renames and
 * removals of the installer's own hidden folders; returns what it did.
 */
export function recoverInterrupted(outDir: string): 'none' | 'finished-swap' | 'restored' | 'cleaned' {
  const { staging, previous, lock } = siblingsOf(outDir);
  const holder = lockHolder(lock);
  if (holder) throw busy(outDir, holder);
  if (existsSync(lock)) rmSync(lock, { force: true }); // left by a killed install
  if (!existsSync(staging) && !existsSync(previous)) return 'none';
  const hint = `move ${staging} and ${previous} away by hand, then run again`;
  return withFsErrors(outDir, { action: 'replace', what: 'folder', hint }, () => {
    let done: 'finished-swap' | 'restored' | 'cleaned' = 'cleaned';
    if (!existsSync(outDir) && existsSync(previous)) {
      // Killed between "old folder aside" and "new folder in": staging is complete by then.
      if (existsSync(staging)) {
        renameSync(staging, outDir);
        done = 'finished-swap';
      } else {
        renameSync(previous, outDir);
        done = 'restored';
      }
    }
    rmSync(previous, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
    return done;
  });
}

export function planLocalInstall(ws: DesiredWorkspace, outDirInput: string): LocalPlan {
  let outDir = resolve(outDirInput);
  checkOutDir(outDir);
  // A symbolic link to the workspace: stage and swap next to the real folder, so the link keeps pointing at it
  // (also while it dangles, between the two renames of a killed swap).
  const link = lstatSync(outDir, { throwIfNoEntry: false });
  if (link?.isSymbolicLink()) {
    outDir = existsSync(outDir) ? realpathSync(outDir) : resolve(dirname(outDir), readlinkSync(outDir));
  }
  recoverInterrupted(outDir);
  const files = localFiles(ws);
  const manifest = existsSync(outDir) ? readManifest(outDir) : null;
  const actual = new Map<string, string>();
  for (const path of new Set([...files.map((f) => f.path), ...Object.keys(manifest?.files ?? {})])) {
    const full = join(outDir, path);
    withFsErrors(full, { action: 'read', hint: `make it readable (chmod u+r), or ${OUT_HINT}` }, () => {
      if (existsSync(full) && statSync(full).isFile()) actual.set(path, sha256(readFileSync(full)));
    });
  }
  const operations = planLocal(files, manifest, actual);
  return { outDir, files, manifest, operations, counts: countActions(operations) };
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

/**
 * A copy of the folder `from` at `to` that costs almost nothing: files are hard-linked (copied where links are not
 * possible), folders and symbolic links recreated. Safe because every write into the copy replaces a file by
 * renaming (writeFileAtomic), never by writing into a linked file.
 */
function cloneTree(from: string, to: string): void {
  mkdirSync(to);
  chmodSync(to, statSync(from).mode & 0o7777);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) cloneTree(src, dst);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else if (entry.isFile()) {
      try {
        linkSync(src, dst);
      } catch {
        copyFileSync(src, dst);
        const stat = lstatSync(src);
        utimesSync(dst, stat.atime, stat.mtime);
      }
    }
  }
}

/** Whether `inner` is `outer` or inside it. */
function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export interface ApplyOptions {
  force: boolean;
  now?: Date;
  /** Called as each file is produced, before anything is written (the slow part: a progress bar follows it). */
  onFile?: (op: LocalOperation) => void;
  /** Called at each step of putting the workspace in place (tests pause or kill the process there). */
  onStep?: (step: string) => void;
  /** The current directory: a folder that holds it is written in place rather than renamed away. */
  cwd?: string;
}

/**
 * Applies a plan. Conflicts (files you edited that the blueprint also changed) stop the install before
 * anything is written, unless `force`, which first copies each one to NAME.backup-TIMESTAMP.
 */
export async function applyLocalPlan(
  ws: DesiredWorkspace,
  plan: LocalPlan,
  options: ApplyOptions,
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
  const step = options.onStep ?? (() => {});
  const manifest: Manifest = {
    stateVersion: 1,
    workspaceVersion: ws.version,
    files: { ...(plan.manifest?.files ?? {}) },
  };
  const stamp = timestamp(options.now ?? new Date());
  const writes = plan.operations.filter(
    (o) => o.action === 'create' || o.action === 'update' || o.action === 'conflict',
  );
  // Produce every file first: the slow part, and the part that can fail, happens before anything is touched.
  const bytes = new Map<string, Buffer>();
  for (const op of writes) {
    const file = plan.files.find((f) => f.path === op.path)!;
    const data = await file.produce();
    bytes.set(op.path, data);
    manifest.files[op.path] = { sourceHash: file.sourceHash, writtenHash: sha256(data) };
    options.onFile?.(op);
  }
  for (const op of plan.operations) {
    if (op.action === 'unchanged' && !manifest.files[op.path]) {
      const file = plan.files.find((f) => f.path === op.path)!;
      manifest.files[op.path] = {
        sourceHash: file.sourceHash,
        writtenHash: file.contentHash ?? file.sourceHash,
      };
    }
  }
  const replaced = writes
    .filter((op) => op.action === 'conflict')
    .map((op) => ({ path: op.path, backup: join(plan.outDir, `${op.path}.backup-${stamp}`) }));
  const result = (mode: LocalInstallResult['mode']): LocalInstallResult => ({
    target: 'local',
    version: ws.version,
    outDir: plan.outDir,
    operations: plan.operations,
    counts: plan.counts,
    backups: replaced.map((r) => r.backup),
    replaced,
    mode,
  });
  const writeHint = `check the folder's permissions, or ${OUT_HINT}`;
  if (writes.length === 0) {
    // Nothing but the state file may change: one atomic write.
    if (plan.manifest?.workspaceVersion !== ws.version || !plan.manifest) {
      withFsErrors(plan.outDir, { action: 'write', what: 'folder', hint: writeHint }, () =>
        writeManifest(plan.outDir, manifest),
      );
    }
    return result('none');
  }
  checkWritableFolder(plan.outDir, { what: 'folder', hint: OUT_HINT });
  const release = takeLock(plan.outDir);
  try {
    const holdsCwd = options.cwd !== undefined && within(resolve(options.cwd), plan.outDir);
    const job: WriteJob = { plan, writes, bytes, manifest, replaced, step };
    const staged = holdsCwd ? false : stageAndSwap(job);
    if (staged) return result('swap');
    applyInPlace(job);
    return result('in-place');
  } finally {
    release();
  }
}

/** What one install writes: the plan, the files to write with their bytes, the new state, the backups made. */
interface WriteJob {
  plan: LocalPlan;
  writes: LocalOperation[];
  bytes: Map<string, Buffer>;
  manifest: Manifest;
  replaced: { path: string; backup: string }[];
  step: (name: string) => void;
}

/** Builds the new workspace next to the old one and renames it into place; false when that cannot be done here. */
function stageAndSwap({ plan, writes, bytes, manifest, replaced, step }: WriteJob): boolean {
  const { outDir } = plan;
  const { staging, previous } = siblingsOf(outDir);
  const existed = existsSync(outDir);
  const cleanup = () => rmSync(staging, { recursive: true, force: true });
  try {
    try {
      rmSync(staging, { recursive: true, force: true });
      if (existed) cloneTree(outDir, staging);
      else mkdirSync(staging, { recursive: true });
    } catch (error) {
      cleanup();
      // The folder that holds the workspace cannot take a staging folder: write in place instead.
      if (existed && ['EACCES', 'EPERM', 'EROFS'].includes(errnoOf(error) ?? '')) return false;
      throw fsError(error, staging, {
        action: 'create',
        what: 'the staging folder',
        hint: `the folder that holds ${basename(outDir)} must be writable; ${OUT_HINT}`,
      });
    }
    step('staging');
    const hint = `check the free space and permissions next to ${outDir}, or ${OUT_HINT}`;
    withFsErrors(staging, { action: 'write', what: 'the staging folder', hint }, () => {
      for (const r of replaced)
        copyFileSync(join(staging, r.path), join(staging, relative(outDir, r.backup)));
      for (const op of writes) {
        writeFileAtomic(join(staging, op.path), bytes.get(op.path)!);
        step(`wrote ${op.path}`);
      }
      writeManifest(staging, manifest);
    });
    step('staged');
    if (!existed) {
      withFsErrors(outDir, { action: 'create', what: 'folder', hint: OUT_HINT }, () =>
        renameSync(staging, outDir),
      );
      step('swapped');
      return true;
    }
    try {
      renameSync(outDir, previous);
    } catch (error) {
      // A mount point, or a folder another process holds: write in place instead.
      cleanup();
      if (['EBUSY', 'EXDEV', 'EPERM', 'EACCES'].includes(errnoOf(error) ?? '')) return false;
      throw fsError(error, outDir, { action: 'replace', what: 'folder', hint: OUT_HINT });
    }
    step('old-aside');
    renameSync(staging, outDir);
    step('swapped');
    rmSync(previous, { recursive: true, force: true });
    step('cleaned');
    return true;
  } catch (error) {
    if (!existsSync(outDir) && existsSync(previous)) renameSync(previous, outDir);
    cleanup();
    throw error;
  }
}

/** File by file, each atomic and followed by its state entry, so the state file always matches the folder. */
function applyInPlace({ plan, writes, bytes, manifest, replaced, step }: WriteJob): void {
  const progress: Manifest = { ...manifest, files: { ...(plan.manifest?.files ?? {}) } };
  for (const [path, entry] of Object.entries(manifest.files)) {
    if (!writes.some((op) => op.path === path)) progress.files[path] = entry;
  }
  for (const op of writes) {
    const full = join(plan.outDir, op.path);
    const hint = `check the folder's permissions, or ${OUT_HINT}`;
    withFsErrors(full, { action: 'write', hint }, () => {
      const backup = replaced.find((r) => r.path === op.path);
      if (backup) copyFileSync(full, backup.backup);
      writeFileAtomic(full, bytes.get(op.path)!);
      progress.files[op.path] = manifest.files[op.path]!;
      writeManifest(plan.outDir, progress);
    });
    step(`wrote ${op.path}`);
  }
  withFsErrors(join(plan.outDir, MANIFEST_FILE), { action: 'write', hint: OUT_HINT }, () =>
    writeManifest(plan.outDir, manifest),
  );
}
