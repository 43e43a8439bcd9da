// What `partnernomics sync` does per synced table, in plain words generated from the sync map (never written by hand).
import type { SyncOwner } from './desired.js';
import type { Blueprint } from './load.js';

/** One synced field as a person reads it: its Notion name, and how it reads on the tab when that differs. */
export interface SyncTextField {
  name: string;
  owner: SyncOwner;
  /** `people` and `relation` arrive as text; the line says so. */
  type: string;
}

/** Several fields the map names as one group (the criterion ratings). */
export interface SyncTextGroup {
  label: string;
  owner: SyncOwner;
  names: string[];
}

/** One mapping, with the names people see: the database title, the tab name, the fields in map order. */
export interface SyncTextTable {
  /** The workbook tab's key (the sync's table key). */
  tab: string;
  /** The Notion database's blueprint key. */
  database: string;
  databaseTitle: string;
  tabName: string;
  items: (SyncTextField | SyncTextGroup)[];
}

/** "A", "A and B", "A, B and C". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function itemText(item: SyncTextField | SyncTextGroup): string {
  if ('names' in item) return `the ${item.names.length} ${item.label} (${item.names.join(', ')})`;
  if (item.type === 'people') return `${item.name} (as names)`;
  if (item.type === 'relation') return `${item.name} (by title)`;
  return item.name;
}

const plural = (items: readonly (SyncTextField | SyncTextGroup)[]) =>
  items.length > 1 || items.some((i) => 'names' in i);

/**
 * The line for one synced table, e.g. "Partners → Partner Scoring: Partner, Stage … flow from Notion to the
 * workbook; Score, Rank and Recommendation are computed in the workbook and written back to Notion. Rows exist
 * because they exist in Notion; a row typed into the tab without a Notion ID is listed in the Sync Log."
 */
export function syncLine(table: SyncTextTable): string {
  const toSheets = table.items.filter((i) => i.owner === 'notion');
  const toNotion = table.items.filter((i) => i.owner === 'sheets');
  const down = toSheets.length
    ? `${joinNames(toSheets.map(itemText))} ${plural(toSheets) ? 'flow' : 'flows'} from Notion to the workbook`
    : 'nothing flows from Notion to the workbook';
  const up = toNotion.length
    ? `${joinNames(toNotion.map(itemText))} ${plural(toNotion) ? 'are' : 'is'} computed in the workbook and written back to Notion`
    : 'nothing is written back to Notion';
  return `${table.databaseTitle} → ${table.tabName}: ${down}; ${up}. Rows exist because they exist in Notion; a row typed into the tab without a Notion ID is listed in the Sync Log.`;
}

/** The synced tables of a blueprint with the names its Notion databases and workbook tabs give them. */
export function syncTextTables(bp: Blueprint): SyncTextTable[] {
  return bp.sync.mappings.map((m) => {
    const db = bp.notion.databases.find((d) => d.key === m.notion);
    const tab = bp.workbook.tabs.find((t) => t.key === m.sheet);
    if (!db || !tab) throw new Error(`sync map: ${m.notion} → ${m.sheet} names no database or tab`);
    const items = m.fields.map((f): SyncTextField | SyncTextGroup => {
      if ('generate' in f)
        return { label: 'criterion ratings', owner: f.owner, names: bp.scoring.criteria.map((c) => c.name) };
      const prop = db.properties.find((p) => 'key' in p && p.key === f.notion);
      if (!prop || !('key' in prop)) throw new Error(`sync map: ${m.notion} has no property ${f.notion}`);
      return { name: prop.name, owner: f.owner, type: prop.type };
    });
    return { tab: m.sheet, database: m.notion, databaseTitle: db.title, tabName: tab.name, items };
  });
}

/** Each synced tab's line, by tab key: what `{sync.<tab>}` (workbook cells, pages) and `{sync}` (descriptions) become. */
export function syncLines(bp: Blueprint): Map<string, string> {
  return new Map(syncTextTables(bp).map((t) => [t.tab, syncLine(t)]));
}
