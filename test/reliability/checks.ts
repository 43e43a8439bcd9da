// The end state of a workspace as a comparable shape, and the difference from a clean install in plain words.
import type { FakeGoogle } from '../fakes/google/index.js';
import type { FakeNotion } from '../fakes/notion/index.js';

// ---------------------------------------------------------------- Notion

export interface NotionDatabaseShape {
  title: string;
  properties: string[];
  /** "name (type)", sorted. */
  views: string[];
  /** "title [n blocks]", sorted. */
  rows: string[];
}

export interface NotionShape {
  /** Pages directly under the root page (the hub, and any second hub). */
  hubs: string[];
  /** Pages directly under a hub (the registry, ...) by title, sorted; row pages are counted in databases. */
  pages: string[];
  /** Every database anywhere under the root, sorted by title (a duplicate appears twice). */
  databases: NotionDatabaseShape[];
}

function titleText(items: { plain_text?: string; text?: { content: string } }[] | undefined): string {
  return (items ?? []).map((t) => t.plain_text ?? t.text?.content ?? '').join('');
}

/** The live (not trashed, not under anything trashed) workspace under `root`, read straight from the fake. */
export function notionShape(fake: FakeNotion, root: string): NotionShape {
  const { state } = fake;
  const live = new Map<string, boolean>();
  const underRoot = (id: string): boolean => {
    const known = live.get(id);
    if (known !== undefined) return known;
    let result = false;
    let current: string | undefined = id;
    for (let depth = 0; current && depth < 200; depth += 1) {
      const record =
        state.pages.get(current) ??
        state.databases.get(current) ??
        state.dataSources.get(current) ??
        state.blocks.get(current);
      if (!record || record.inTrash) break;
      if (current === root) {
        result = true;
        break;
      }
      current = state.parentOf(current);
    }
    live.set(id, result);
    return result;
  };
  const liveChildren = (children: string[]) =>
    children.filter((c) => {
      const record = state.pages.get(c) ?? state.blocks.get(c) ?? state.databases.get(c);
      return record !== undefined && !record.inTrash;
    }).length;
  const pageTitle = (id: string): string => {
    const page = fake.page(id);
    const title = Object.values(page.properties).find((p) => p.type === 'title');
    return title?.type === 'title' ? titleText(title.title) : '';
  };

  const hubs: string[] = [];
  const pages: string[] = [];
  for (const page of state.pages.values()) {
    if (page.parent.type !== 'page_id' || !underRoot(page.id)) continue;
    if (page.parent.page_id === root) hubs.push(page.id);
  }
  const hubSet = new Set(hubs);
  for (const page of state.pages.values()) {
    if (page.parent.type === 'page_id' && hubSet.has(page.parent.page_id) && underRoot(page.id))
      pages.push(pageTitle(page.id));
  }
  const databases: NotionDatabaseShape[] = [];
  for (const db of state.databases.values()) {
    if (!underRoot(db.id)) continue;
    const dsIds = new Set(db.dataSourceIds);
    const dataSource = state.dataSources.get(db.dataSourceIds[0] ?? '');
    const rows = [...state.pages.values()]
      .filter((p) => p.parent.type === 'data_source_id' && dsIds.has(p.parent.data_source_id) && !p.inTrash)
      .map((p) => `${pageTitle(p.id)} [${liveChildren(p.children)} blocks]`)
      .sort();
    const views = db.viewIds
      .map((v) => state.views.get(v))
      .filter((v) => v !== undefined)
      .map((v) => `${v.name} (${v.type})`)
      .sort();
    databases.push({
      title: titleText(db.title),
      properties: (dataSource?.properties ?? []).map((p) => p.name).sort(),
      views,
      rows,
    });
  }
  databases.sort((a, b) => a.title.localeCompare(b.title) || a.rows.length - b.rows.length);
  // A lease page's title holds its holder and expiry: one name for all, so leftovers read and count alike.
  const lease = (title: string) =>
    title.startsWith('Partnernomics install lock') ? 'Partnernomics install lock (left behind)' : title;
  return { hubs: hubs.map(pageTitle).map(lease).sort(), pages: pages.map(lease).sort(), databases };
}

function multiset(items: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/** "+2 'x'" / "-1 'y'" lines for what `actual` has more or less of than `expected`. */
function multisetDiff(
  what: string,
  expected: readonly string[],
  actual: readonly string[],
  limit = 4,
): string[] {
  const want = multiset(expected);
  const got = multiset(actual);
  const extra: string[] = [];
  const missing: string[] = [];
  for (const [item, n] of got)
    if (n > (want.get(item) ?? 0)) extra.push(`'${item}' ×${n - (want.get(item) ?? 0)}`);
  for (const [item, n] of want)
    if (n > (got.get(item) ?? 0)) missing.push(`'${item}' ×${n - (got.get(item) ?? 0)}`);
  const lines: string[] = [];
  const list = (xs: string[]) =>
    `${xs.slice(0, limit).join(', ')}${xs.length > limit ? `, … (${xs.length} in all)` : ''}`;
  if (extra.length) lines.push(`${what}: DUPLICATE/EXTRA ${list(extra)}`);
  if (missing.length) lines.push(`${what}: MISSING ${list(missing)}`);
  return lines;
}

/** How `actual` differs from the clean install `expected`: duplicates and missing objects, one line each. */
export function diffNotion(expected: NotionShape, actual: NotionShape): string[] {
  const lines = [
    ...multisetDiff('hub pages', expected.hubs, actual.hubs),
    ...multisetDiff('pages under the hub', expected.pages, actual.pages),
    ...multisetDiff(
      'databases',
      expected.databases.map((d) => d.title),
      actual.databases.map((d) => d.title),
    ),
  ];
  const byTitle = (shape: NotionShape) => {
    const map = new Map<string, NotionDatabaseShape[]>();
    for (const d of shape.databases) map.set(d.title, [...(map.get(d.title) ?? []), d]);
    return map;
  };
  const got = byTitle(actual);
  for (const [title, [want]] of byTitle(expected)) {
    const copies = got.get(title) ?? [];
    if (!want || copies.length === 0) continue;
    // With copies, compare the fullest one; the others are already reported as duplicates.
    const [best, ...others] = [...copies].sort((a, b) => b.rows.length - a.rows.length) as [
      NotionDatabaseShape,
      ...NotionDatabaseShape[],
    ];
    lines.push(
      ...multisetDiff(`${title}: properties`, want.properties, best.properties),
      ...multisetDiff(`${title}: views`, want.views, best.views),
      ...multisetDiff(`${title}: rows`, want.rows, best.rows),
    );
    for (const copy of others)
      lines.push(`${title}: the extra copy holds ${copy.rows.length} rows and ${copy.views.length} views`);
  }
  return lines;
}

/** Only what is missing (a run that exits 0 must leave nothing missing, even while another run is going). */
export function missingLines(diff: readonly string[]): string[] {
  return diff.filter((line) => line.includes('MISSING'));
}

// ---------------------------------------------------------------- Google

export interface WorkbookShape {
  title: string;
  tabs: string[];
  /** Per tab: "tab: N cells, N conditional formats, N charts, N protected ranges". */
  content: string[];
  namedRanges: string[];
  /** Spreadsheet-level developer metadata keys (sorted; a key recorded twice appears twice). */
  metadataKeys: string[];
  /**
   * Apps Script projects bound to this spreadsheet: all of them, those holding the pushed Code file, and
   * "recorded empty orphans" — projects without code that the workbook's metadata names (by ID, or by the
   * nonce in their title). Bound projects can be neither listed nor deleted through the API, so a kill
   * between the create and its record can leave one; it is harmless only if it holds no code (no menu) and
   * the workbook records it (so doctor can name it).
   */
  boundScripts: number;
  boundScriptsWithCode: number;
  recordedEmptyOrphans: number;
  /**
   * Bound projects that are live with the menu: they hold the pushed Code and are the project the workbook
   * records as its own (`partnernomics.script`), the only one where the bundle's onOpen adds the menu.
   */
  liveWithMenu: number;
}

export interface GoogleShape {
  /** Spreadsheets the user owns in Drive (not trashed). */
  spreadsheets: number;
  workbooks: WorkbookShape[];
  /** Script projects of the user bound to no live spreadsheet, or to none at all. */
  orphanScripts: number;
  /** Other files of the user in Drive (not trashed), e.g. a lease file left behind. */
  otherFiles: string[];
}

export function googleShape(fake: FakeGoogle, user: string): GoogleShape {
  const { state } = fake;
  const files = [...state.drive.files.values()].filter(
    (f) => f.owner === user && !f.trashed && f.mimeType === 'application/vnd.google-apps.spreadsheet',
  );
  const live = new Set(files.map((f) => f.id));
  const workbooks = files.map((file): WorkbookShape => {
    const book = state.books.get(file.id);
    const bound = state.script.boundTo(file.id);
    const spreadsheetMeta = (book?.developerMetadata ?? []).filter(
      (m) => m.location?.locationType === 'SPREADSHEET' || m.location?.spreadsheet,
    );
    const values = spreadsheetMeta.map((m) => m.metadataValue ?? '');
    const recordedId = (
      spreadsheetMeta.find((m) => m.metadataKey === 'partnernomics.script')?.metadataValue ?? ''
    ).split(':')[0];
    const hasCode = (p: (typeof bound)[number]) =>
      p.files.some((f) => f.name === 'Code' && (f.source ?? '').length > 0);
    const recorded = (p: (typeof bound)[number]) => {
      const nonce = /\(install ([^)]+)\)/.exec(p.project.title ?? '')?.[1];
      return values.some(
        (v) => v.includes(p.project.scriptId ?? '\0') || (nonce !== undefined && v.includes(nonce)),
      );
    };
    return {
      title: file.name,
      tabs: book?.sheets.map((s) => s.properties.title) ?? [],
      content:
        book?.sheets.map((s) => {
          const cells = s.rows.reduce(
            (n, row) => n + (row ? row.filter((c) => c !== undefined).length : 0),
            0,
          );
          return `${s.properties.title}: ${cells} cells, ${s.conditionalFormats.length} conditional formats, ${s.charts.length} charts, ${s.protectedRanges.length} protected ranges`;
        }) ?? [],
      namedRanges: (book?.namedRanges ?? []).map((n) => n.name ?? '').sort(),
      metadataKeys: spreadsheetMeta.map((m) => m.metadataKey ?? '').sort(),
      boundScripts: bound.length,
      recordedEmptyOrphans: bound.filter((p) => !hasCode(p) && recorded(p)).length,
      boundScriptsWithCode: bound.filter(hasCode).length,
      liveWithMenu: bound.filter((p) => hasCode(p) && !!recordedId && p.project.scriptId === recordedId)
        .length,
    };
  });
  const orphanScripts = [...state.script.projects.values()].filter(
    (p) => p.project.creator?.email === user && !live.has(p.project.parentId ?? ''),
  ).length;
  const otherFiles = [...state.drive.files.values()]
    .filter((f) => f.owner === user && !f.trashed && f.mimeType !== 'application/vnd.google-apps.spreadsheet')
    .map((f) => f.name)
    .sort();
  return { spreadsheets: files.length, workbooks, orphanScripts, otherFiles };
}

/** "2 bound projects: 1 live with the menu, 1 empty orphan the workbook records": for reports and tallies. */
export function boundProjectsNote(book: WorkbookShape): string {
  const other = book.boundScripts - book.liveWithMenu - book.recordedEmptyOrphans;
  return `${book.boundScripts} bound Apps Script project(s): ${book.liveWithMenu} live with the menu, ${book.recordedEmptyOrphans} empty orphan(s) the workbook records${other ? `, ${other} OTHER (holding code or unrecorded)` : ''}`;
}

/**
 * How `actual` differs from the clean install `expected`, one line per difference.
 *
 * Bound Apps Script projects: the check fails unless exactly one bound project is live with the menu (holds
 * the code and is the one the workbook records), no other holds code, and every other one is an empty
 * project the workbook records as a possible orphan. That last tolerance exists because the Apps Script API
 * can neither list nor delete bound projects: a run killed (or whose answer was lost) between
 * projects.create and the batchUpdate that records the project's ID leaves a project no later run can find.
 * The product records the nonce of every create before sending it, so the workbook names such a project; it
 * never pushes code to a project it has not recorded, so the orphan is empty; the bundle's onOpen adds the
 * menu only in the recorded project, so the orphan is silent; and `doctor` names it and says how to remove
 * it by hand. Against the acceptance's "0 duplicate script projects" this counts as 0 duplicates that hold
 * code or add a menu; it does not meet the letter (the project exists until a person deletes it), which
 * no client of the API can. The count is in every failure line and in each Sheets series' notes.
 */
export function diffGoogle(expected: GoogleShape, actual: GoogleShape): string[] {
  const lines: string[] = [];
  if (actual.spreadsheets !== expected.spreadsheets)
    lines.push(
      `spreadsheets: ${actual.spreadsheets} in Drive, expected ${expected.spreadsheets}${actual.spreadsheets > expected.spreadsheets ? ' (DUPLICATE)' : ' (MISSING)'}`,
    );
  if (actual.orphanScripts !== expected.orphanScripts)
    lines.push(`script projects bound to no live workbook: ${actual.orphanScripts} (DUPLICATE)`);
  lines.push(...multisetDiff('other Drive files', expected.otherFiles, actual.otherFiles));
  const want = expected.workbooks[0];
  if (!want) return lines;
  const book = [...actual.workbooks].sort((a, b) => b.tabs.length - a.tabs.length)[0];
  if (!book) return [...lines, 'workbook: MISSING'];
  // Empty projects the workbook records are the one thing a kill between create and record may leave.
  const counted = book.boundScripts - book.recordedEmptyOrphans;
  if (counted !== want.boundScripts)
    lines.push(
      `script projects bound to the workbook: ${boundProjectsNote(book)}; expected ${want.boundScripts}${counted > want.boundScripts ? ' (DUPLICATE: not recorded by the workbook, or holding code)' : ' (MISSING)'}`,
    );
  if (book.liveWithMenu !== 1)
    lines.push(
      `bound projects live with the menu: ${boundProjectsNote(book)}; expected exactly 1${book.liveWithMenu > 1 ? ' (DUPLICATE)' : ' (MISSING: no project holds the code under the ID the workbook records)'}`,
    );
  if (book.boundScriptsWithCode !== want.boundScriptsWithCode)
    lines.push(
      `bound projects holding the code: ${book.boundScriptsWithCode}, expected ${want.boundScriptsWithCode}${book.boundScriptsWithCode > want.boundScriptsWithCode ? ' (DUPLICATE)' : ' (MISSING)'}`,
    );
  if (book.title !== want.title) lines.push(`workbook title '${book.title}', expected '${want.title}'`);
  lines.push(
    ...multisetDiff('tabs', want.tabs, book.tabs),
    ...multisetDiff('tab content', want.content, book.content),
    ...multisetDiff('named ranges', want.namedRanges, book.namedRanges),
    // The record of possible orphans is bookkeeping for doctor, not part of the install.
    ...multisetDiff(
      'workbook metadata',
      want.metadataKeys.filter((k) => !/orphan/i.test(k)),
      book.metadataKeys.filter((k) => !/orphan/i.test(k)),
    ),
  );
  return lines;
}
