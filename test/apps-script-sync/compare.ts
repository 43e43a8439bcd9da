// What the differential tests compare between two worlds: every synced Notion page, every tab of the workbook.
import type { Installed } from './worlds.js';

/** Every page of every synced table (trashed ones too): its trash flag and every property value, by page ID. */
export function notionState(w: Installed): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of w.world.tables)
    for (const page of w.notion.rows(t.notion.dataSourceId, { includeTrashed: true }))
      out[`${t.spec.key} ${page.id}`] = {
        in_trash: page.in_trash,
        last_edited_time: page.last_edited_time,
        properties: Object.fromEntries(
          Object.entries(page.properties)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([name, v]) => [name, v]),
        ),
      };
  return out;
}

/** Every tab's cells as entered (values, formulas) with their formats, by tab title and row. */
export function sheetState(w: Installed): Record<string, unknown[]> {
  const book = w.google.state.spreadsheet(w.world.spreadsheetId);
  const out: Record<string, unknown[]> = {};
  for (const sheet of book.sheets)
    out[sheet.properties.title] = sheet.rows.map((row) =>
      (row ?? []).map((cell) =>
        cell ? [cell.userEnteredValue ?? null, cell.userEnteredFormat ?? null] : null,
      ),
    );
  return out;
}

/** The first differences between two states (keys and rows), as lines: empty when they are the same. */
export function differences(a: Record<string, unknown>, b: Record<string, unknown>, limit = 8): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = JSON.stringify(a[key]);
    const y = JSON.stringify(b[key]);
    if (x === y) continue;
    if (Array.isArray(a[key]) && Array.isArray(b[key])) {
      const ra = a[key] as unknown[];
      const rb = b[key] as unknown[];
      for (let r = 0; r < Math.max(ra.length, rb.length) && out.length < limit; r++)
        if (JSON.stringify(ra[r]) !== JSON.stringify(rb[r]))
          out.push(`${key} row ${r + 1}: ${JSON.stringify(ra[r])} ≠ ${JSON.stringify(rb[r])}`);
    } else out.push(`${key}: ${x?.slice(0, 300)} ≠ ${y?.slice(0, 300)}`);
    if (out.length >= limit) break;
  }
  return out;
}
