// File access: atomic writes (a reader or a killed process never sees half a file; an optional mode, 0600 for
// secrets), and file-system errors as one-line PnErrors that name the path and the fix.
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PnError } from './errors.js';

export function writeFileAtomic(path: string, data: string | Buffer, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data, mode === undefined ? undefined : { mode });
    renameSync(tmp, path);
  } catch (error) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The temporary file could not be made either: nothing to remove.
    }
    throw error;
  }
}

/** What an errno means to a person, for the errors a path the person chose can cause. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'part of the path is a file, not a folder',
  ENOENT: 'it does not exist',
  EEXIST: 'something is already there',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  ENOTEMPTY: 'the folder is not empty',
  EXDEV: 'it is on another file system',
  EBUSY: 'it is in use (a mount point, or open elsewhere)',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EIO: 'an input/output error',
  EMFILE: 'too many open files',
};

/** Errnos caused by the path itself (exit 2, bad input); the rest (a full disk, an I/O error) are failures (exit 1). */
const BAD_PATH = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'EISDIR',
  'ENOTDIR',
  'ENOENT',
  'EEXIST',
  'ENAMETOOLONG',
  'ELOOP',
  'ENOTEMPTY',
  'EXDEV',
  'EBUSY',
]);

export function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** Whether a thrown value is a Node file-system error (it has an errno code and names a path or syscall). */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && errnoOf(error) !== undefined && ('path' in error || 'syscall' in error);
}

/**
 * A file-system error as one line: "cannot write /x/ws: permission denied — <hint>". `what` names the thing
 * ("config file", "folder"), `hint` says the fix. Errors the path causes exit 2; a full disk or an I/O error exit 1.
 */
export function fsError(
  error: unknown,
  path: string,
  options: { action: 'read' | 'write' | 'create' | 'replace'; what?: string; hint: string },
): PnError {
  if (error instanceof PnError) return error;
  const errno = errnoOf(error);
  const reason = errno ? (REASONS[errno] ?? errno) : error instanceof Error ? error.message : String(error);
  const message = `cannot ${options.action} ${options.what ? `${options.what} ` : ''}${path}: ${reason}`;
  return new PnError(errno && BAD_PATH.has(errno) ? 'INPUT_INVALID' : 'OUTPUT_UNWRITABLE', message, {
    hint: options.hint,
    cause: error,
  });
}

/** Runs `run`; a file-system error it throws becomes `fsError(…)`; anything else passes through unchanged. */
export function withFsErrors<T>(path: string, options: Parameters<typeof fsError>[2], run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (errnoOf(error)) throw fsError(error, path, options);
    throw error;
  }
}

/** The path itself if it exists, else its nearest existing ancestor. */
function nearestExisting(path: string): string {
  let current = resolve(path);
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

/**
 * Before any work: can a folder be created or written at `dir`? A file in the way or a folder that cannot be written
 * is one line naming the path and `hint` (exit 2). Best effort: root passes the permission check everywhere but on a
 * read-only file system; the writes themselves are checked too.
 */
export function checkWritableFolder(
  dir: string,
  options: {
    what: string;
    hint: string /** the path to name, when it is a file in `dir` */;
    target?: string;
  },
): void {
  const target = options.target ?? dir;
  const existing = nearestExisting(dir);
  const fail = (reason: string) =>
    new PnError('INPUT_INVALID', `cannot write ${options.what} ${target}: ${reason}`, { hint: options.hint });
  let isDir: boolean;
  try {
    isDir = statSync(existing).isDirectory();
  } catch (error) {
    throw fsError(error, existing, { action: 'read', hint: options.hint });
  }
  if (!isDir) {
    throw fail(
      existing === resolve(target) ? 'it is a file, not a folder' : `${existing} is a file, not a folder`,
    );
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    const reason = REASONS[errnoOf(error) ?? ''] ?? String(error);
    throw fail(existing === resolve(target) ? reason : `${existing}: ${reason}`);
  }
}

/** Before any work: can a file be written at `path`? (A folder there, or a folder that cannot be written, is not.) */
export function checkWritableFile(path: string, options: { what: string; hint: string }): void {
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new PnError('INPUT_INVALID', `cannot write ${options.what} ${path}: it is a folder, not a file`, {
      hint: options.hint,
    });
  }
  checkWritableFolder(dirname(path), { ...options, target: path });
}
