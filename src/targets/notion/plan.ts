// The pure Notion plan: desired workspace + what the workspace holds -> typed operations, drift and conflicts.
import { createHash } from 'node:crypto';
import type {
  DesiredDatabase,
  DesiredProperty,
  DesiredRow,
  DesiredWorkspace,
  PlainValue,
} from '../../blueprint/desired.js';
import type { ActualDatabase, ActualRow, ActualWorkspace, Duplicate } from './actual.js';
import { fromPropertyValue } from './properties.js';
import { viewKey } from './registry.js';
import { reusesDefaultView } from './views.js';

export type SchemaStage = 'plain' | 'relations' | 'computed';

export type NotionOp =
  | { kind: 'create-hub' }
  | { kind: 'create-registry' }
  | { kind: 'create-database'; dbKey: string }
  | { kind: 'add-properties'; dbKey: string; stage: SchemaStage; properties: string[] }
  | { kind: 'add-options'; dbKey: string; property: string; options: string[] }
  | { kind: 'rename-property'; dbKey: string; from: string; property: string }
  | { kind: 'create-row'; dbKey: string; rowKey: string }
  /**
   * `takeOver`: the blueprint's first table view renames and configures the table view Notion made with the
   * database (`viewId` when discovery saw it; a database created in this run has it looked up after creation).
   */
  | { kind: 'create-view'; dbKey: string; name: string; takeOver: boolean; viewId?: string }
  | { kind: 'adopt-row'; dbKey: string; rowKey: string; pageId: string }
  | {
      kind: 'update-row';
      dbKey: string;
      rowKey: string;
      pageId: string;
      properties: string[];
      force: boolean;
    }
  | { kind: 'replace-body'; dbKey: string; rowKey: string; pageId: string; force: boolean }
  /** A second copy of a blueprint object that only this integration touched: moved to the trash. */
  | { kind: 'trash-duplicate'; duplicate: Duplicate };

export interface Finding {
  kind: 'drift' | 'conflict' | 'kept-deleted' | 'duplicate';
  key: string;
  detail: string;
}

export interface NotionPlan {
  ops: NotionOp[];
  findings: Finding[];
  /** Destructive steps (types changed back, edited pages replaced) that need --force. */
  destructive: Finding[];
  unchanged: number;
}

export const bodyHash = (markdown: string) =>
  createHash('sha256').update(markdown).digest('hex').slice(0, 16);

export function schemaStage(prop: DesiredProperty): SchemaStage {
  if (prop.type === 'relation') return 'relations';
  if (prop.type === 'formula' || prop.type === 'rollup') return 'computed';
  return 'plain';
}

/**
 * Whether a person edited a page after our last write. Compared with the last_edited_time Notion reported
 * after that write; registries written before that was recorded fall back to the install time. Notion rounds
 * last_edited_time down to the minute, so an edit in the same minute as our write cannot be seen.
 */
export function editedSince(
  lastEditedTime: string,
  entry: { lastEditedTime?: string; installedAt?: string } | undefined,
): boolean {
  if (entry?.lastEditedTime) return Date.parse(lastEditedTime) > Date.parse(entry.lastEditedTime);
  if (!entry?.installedAt) return false;
  const minute = Math.floor(Date.parse(entry.installedAt) / 60_000) * 60_000;
  return Date.parse(lastEditedTime) > minute;
}

function sameValue(a: PlainValue, b: PlainValue | null): boolean {
  if (!b || a.kind !== b.kind) return false;
  if (a.kind === 'multi_select' && b.kind === 'multi_select')
    return a.value.join('\u0000') === b.value.join('\u0000');
  if (a.kind === 'number' && b.kind === 'number') return a.value === b.value;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The row holding a blueprint row: its recorded ID, else the same title among rows this integration created. */
export function findRow(
  actual: ActualDatabase,
  recordedId: string | undefined,
  row: DesiredRow,
): ActualRow | undefined {
  if (recordedId) return actual.rows.find((r) => r.pageId === recordedId);
  return actual.rows.find((r) => r.createdByUs && r.title === row.title);
}

function planDatabase(
  db: DesiredDatabase,
  actualDb: ActualDatabase,
  ws: ActualWorkspace,
  force: boolean,
  plan: NotionPlan,
  renames: DesiredWorkspace['renames'],
): void {
  const recordedProps = ws.registry.entries[db.key]?.properties ?? {};
  const missing: Record<SchemaStage, string[]> = { plain: [], relations: [], computed: [] };
  const drifted = new Set<string>();
  for (const prop of db.properties) {
    const found = actualDb.properties.get(prop.name);
    if (!found) {
      const rename = renames.find(
        (r) => r.database === db.key && r.to === prop.key && actualDb.properties.has(r.from),
      );
      if (rename) {
        plan.ops.push({ kind: 'rename-property', dbKey: db.key, from: rename.from, property: prop.key });
        continue;
      }
      if (recordedProps[prop.key]) {
        drifted.add(prop.key);
        plan.findings.push({
          kind: 'drift',
          key: `${db.key}.${prop.key}`,
          detail: `${db.title}: property "${prop.name}" was renamed or deleted by hand; rename it back or run install --force to recreate it`,
        });
        if (!force) continue;
      }
      missing[schemaStage(prop)].push(prop.key);
      continue;
    }
    const expectedType = prop.type;
    if (found.type !== expectedType) {
      drifted.add(prop.key);
      plan.findings.push({
        kind: 'drift',
        key: `${db.key}.${prop.key}`,
        detail: `${db.title}: property "${prop.name}" is ${found.type}, the blueprint says ${expectedType}`,
      });
      continue;
    }
    if ((prop.type === 'select' || prop.type === 'multi_select') && found.options) {
      const absent = prop.options.filter((o) => !found.options!.includes(o));
      if (absent.length)
        plan.ops.push({ kind: 'add-options', dbKey: db.key, property: prop.key, options: absent });
    }
  }
  for (const stage of ['plain', 'relations', 'computed'] as const) {
    if (missing[stage].length)
      plan.ops.push({ kind: 'add-properties', dbKey: db.key, stage, properties: missing[stage] });
  }

  const blueprintViewNames = new Set(db.views.map((v) => v.name));
  for (const view of db.views) {
    if (ws.registry.entries[viewKey(db.key, view.name)] || actualDb.views.some((v) => v.name === view.name))
      continue;
    // An install that stopped before recording its views: the one unclaimed table view is Notion's default.
    const unclaimed = actualDb.views.filter((v) => v.type === 'table' && !blueprintViewNames.has(v.name));
    const takeOver = reusesDefaultView(db.views, view) && unclaimed.length === 1;
    plan.ops.push({
      kind: 'create-view',
      dbKey: db.key,
      name: view.name,
      takeOver,
      ...(takeOver ? { viewId: unclaimed[0]!.id } : {}),
    });
  }

  for (const row of db.rows) {
    const entry = ws.registry.entries[row.key];
    const found = findRow(actualDb, entry?.id, row);
    if (!found) {
      if (entry) {
        plan.findings.push({
          kind: 'kept-deleted',
          key: row.key,
          detail: `${db.title}: "${row.title}" was deleted by hand; it is not recreated`,
        });
      } else {
        plan.ops.push({ kind: 'create-row', dbKey: db.key, rowKey: row.key });
      }
      continue;
    }
    if (!entry) {
      // Created by an install that stopped before recording it: finish that row (body included) instead of duplicating it.
      plan.ops.push({ kind: 'adopt-row', dbKey: db.key, rowKey: row.key, pageId: found.pageId });
      continue;
    }
    const edited = editedSince(found.lastEditedTime, entry);
    const changed = db.properties
      .filter(
        (p) =>
          !drifted.has(p.key) && p.type !== 'relation' && row.values[p.key] !== undefined && !row.example,
      )
      .filter((p) => {
        const value = found.page.properties[p.name];
        return value !== undefined && !sameValue(row.values[p.key]!, fromPropertyValue(value));
      })
      .map((p) => p.key);
    const bodyChanged = row.markdown !== '' && entry.contentHash !== bodyHash(row.markdown);
    if (!changed.length && !bodyChanged) {
      plan.unchanged += 1;
      continue;
    }
    if (edited && !force) {
      const finding = {
        kind: 'conflict' as const,
        key: row.key,
        detail: `${db.title}: "${row.title}" was edited after install and the blueprint changed it; run install --force to replace it`,
      };
      plan.findings.push(finding);
      plan.destructive.push(finding);
      continue;
    }
    if (changed.length)
      plan.ops.push({
        kind: 'update-row',
        dbKey: db.key,
        rowKey: row.key,
        pageId: found.pageId,
        properties: changed,
        force: edited,
      });
    if (bodyChanged)
      plan.ops.push({
        kind: 'replace-body',
        dbKey: db.key,
        rowKey: row.key,
        pageId: found.pageId,
        force: edited,
      });
  }
}

/** Pure: the operations that turn `actual` into `desired`. Never deletes a property, a row or a page. */
export function planNotion(
  desired: DesiredWorkspace,
  actual: ActualWorkspace,
  options: { force: boolean },
): NotionPlan {
  const plan: NotionPlan = { ops: [], findings: [], destructive: [], unchanged: 0 };
  for (const duplicate of actual.duplicates) {
    if (duplicate.editedByPerson) {
      plan.findings.push({
        kind: 'duplicate',
        key: duplicate.key,
        detail: `"${duplicate.title}" exists twice and a person edited the second copy; merge them by hand and move one to the trash`,
      });
    } else {
      plan.ops.push({ kind: 'trash-duplicate', duplicate });
    }
  }
  if (!actual.hub) plan.ops.push({ kind: 'create-hub' });
  else plan.unchanged += 1;
  if (!actual.registryPage) plan.ops.push({ kind: 'create-registry' });
  for (const db of desired.databases) {
    const actualDb = actual.databases.get(db.key);
    if (!actualDb) {
      if (actual.registry.entries[db.key]) {
        plan.findings.push({
          kind: 'drift',
          key: db.key,
          detail: `database "${db.title}" was deleted or moved by hand; it is created again`,
        });
      }
      plan.ops.push({ kind: 'create-database', dbKey: db.key });
      for (const stage of ['relations', 'computed'] as const) {
        const props = db.properties.filter((p) => schemaStage(p) === stage).map((p) => p.key);
        if (props.length) plan.ops.push({ kind: 'add-properties', dbKey: db.key, stage, properties: props });
      }
      for (const view of db.views)
        plan.ops.push({
          kind: 'create-view',
          dbKey: db.key,
          name: view.name,
          takeOver: reusesDefaultView(db.views, view),
        });
      for (const row of db.rows) plan.ops.push({ kind: 'create-row', dbKey: db.key, rowKey: row.key });
      continue;
    }
    plan.unchanged += 1;
    planDatabase(db, actualDb, actual, options.force, plan, desired.renames);
  }
  return plan;
}

/**
 * What each operation does, as both the plan summary and the apply result count it. A Record over every
 * kind, so a new kind cannot be left out of the counts.
 */
export const OP_EFFECT: Record<NotionOp['kind'], 'create' | 'update' | 'trash'> = {
  'create-hub': 'create',
  'create-registry': 'create',
  'create-database': 'create',
  'create-view': 'create',
  'create-row': 'create',
  'add-options': 'update',
  'rename-property': 'update',
  'add-properties': 'update',
  'adopt-row': 'update',
  'update-row': 'update',
  'replace-body': 'update',
  'trash-duplicate': 'trash',
};

/** How many objects the plan creates and updates. */
export function effectCounts(ops: readonly NotionOp[]): { create: number; update: number; trash: number } {
  const counts = { create: 0, update: 0, trash: 0 };
  for (const op of ops) counts[OP_EFFECT[op.kind]] += 1;
  return counts;
}

export const STAGE_ORDER: Record<NotionOp['kind'], number> = {
  'create-hub': 0,
  'create-registry': 1,
  'create-database': 2,
  'add-options': 3,
  'rename-property': 3,
  'add-properties': 4,
  'create-view': 5,
  'adopt-row': 6,
  'create-row': 6,
  'update-row': 7,
  'replace-body': 8,
  'trash-duplicate': 9,
};

/** Apply order: hub, registry, databases, plain properties, relations, formulas and rollups, rows, updates. */
export function orderOps(ops: readonly NotionOp[]): NotionOp[] {
  const stageRank = (op: NotionOp) =>
    op.kind === 'add-properties'
      ? 4 + ['plain', 'relations', 'computed'].indexOf(op.stage) / 10
      : STAGE_ORDER[op.kind];
  return ops
    .map((op, i) => ({ op, i }))
    .sort((a, b) => stageRank(a.op) - stageRank(b.op) || a.i - b.i)
    .map((x) => x.op);
}

/** What an operation is doing, for error messages: "creating database Partners". */
export function describeOp(op: NotionOp, desired: DesiredWorkspace): string {
  const db = 'dbKey' in op ? desired.databases.find((d) => d.key === op.dbKey) : undefined;
  const row = 'rowKey' in op ? db?.rows.find((r) => r.key === op.rowKey) : undefined;
  switch (op.kind) {
    case 'create-hub':
      return `creating the hub page "${desired.hub.title}"`;
    case 'create-registry':
      return 'creating the registry page';
    case 'create-database':
      return `creating database ${db?.title}`;
    case 'add-options':
      return `adding options to ${db?.title}.${op.property}`;
    case 'rename-property':
      return `renaming property "${op.from}" of ${db?.title}`;
    case 'add-properties':
      return `adding ${op.stage} properties to ${db?.title}`;
    case 'create-view':
      return `creating view "${op.name}" of ${db?.title}`;
    case 'create-row':
    case 'adopt-row':
      return `creating "${row?.title}" in ${db?.title}`;
    case 'update-row':
      return `updating "${row?.title}" in ${db?.title}`;
    case 'replace-body':
      return `replacing the body of "${row?.title}"`;
    case 'trash-duplicate':
      return `moving a second copy of "${op.duplicate.title}" to the trash`;
  }
}
