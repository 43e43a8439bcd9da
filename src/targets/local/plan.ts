// Pure plan for the local target: what to create, update, keep or refuse, from hashes alone.

export interface DesiredFileRef {
  path: string;
  /** Hash of what the file is made from; changes only when the blueprint or config changes it. */
  sourceHash: string;
  /** Hash of the exact bytes, when known without building the file (text files). */
  contentHash?: string;
}

export interface ManifestEntry {
  sourceHash: string;
  writtenHash: string;
}

export interface Manifest {
  stateVersion: 1;
  workspaceVersion: string;
  files: Record<string, ManifestEntry>;
}

export type LocalAction =
  | 'create' // not on disk
  | 'update' // ours, untouched since we wrote it, and the blueprint changed it
  | 'unchanged' // ours, untouched, nothing changed
  | 'keep-edited' // edited by the user, and the blueprint did not change it: their version stays
  | 'conflict' // edited by the user (or not ours) and the blueprint changed it: needs --force
  | 'obsolete'; // ours, no longer in the blueprint: left in place, never deleted

export interface LocalOperation {
  path: string;
  action: LocalAction;
  reason: string;
}

/** Decides every file's fate. `actual` maps a relative path to the hash of its bytes on disk. */
export function planLocal(
  desired: readonly DesiredFileRef[],
  manifest: Manifest | null,
  actual: ReadonlyMap<string, string>,
): LocalOperation[] {
  const ops: LocalOperation[] = desired.map((file) => {
    const onDisk = actual.get(file.path);
    const recorded = manifest?.files[file.path];
    if (onDisk === undefined) return { path: file.path, action: 'create', reason: 'new' };
    if (!recorded) {
      if (file.contentHash !== undefined && onDisk === file.contentHash) {
        return { path: file.path, action: 'unchanged', reason: 'already as the blueprint wants it' };
      }
      return {
        path: file.path,
        action: 'conflict',
        reason: 'a file partnernomics did not write is in the way',
      };
    }
    const edited = onDisk !== recorded.writtenHash;
    const changed = recorded.sourceHash !== file.sourceHash;
    if (!edited)
      return changed
        ? { path: file.path, action: 'update', reason: 'the blueprint changed' }
        : { path: file.path, action: 'unchanged', reason: 'up to date' };
    return changed
      ? { path: file.path, action: 'conflict', reason: 'you edited it and the blueprint changed it too' }
      : { path: file.path, action: 'keep-edited', reason: 'you edited it; your version is kept' };
  });
  const wanted = new Set(desired.map((d) => d.path));
  for (const path of Object.keys(manifest?.files ?? {}).sort()) {
    if (!wanted.has(path) && actual.has(path)) {
      ops.push({ path, action: 'obsolete', reason: 'no longer part of the blueprint; left in place' });
    }
  }
  return ops;
}

export function countActions(ops: readonly LocalOperation[]): Record<LocalAction, number> {
  const counts: Record<LocalAction, number> = {
    create: 0,
    update: 0,
    unchanged: 0,
    'keep-edited': 0,
    conflict: 0,
    obsolete: 0,
  };
  for (const op of ops) counts[op.action] += 1;
  return counts;
}
