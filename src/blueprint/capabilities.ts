// What the product can do today, in one place, so the words it installs never promise more.

/**
 * Whether `partnernomics sync` (Notion ⇄ Sheets, designed in docs/architecture.md) has shipped. Until it
 * has, nothing installed may say that values travel between Notion and the workbook by themselves: pages,
 * tab notes and steps say how a value gets there today (typed in, pasted from a Notion export, computed in
 * the sheet). test/content/promises.test.ts enforces that against everything the install writes; flip this
 * when the sync lands, then rewrite those passages to say what the sync does.
 */
export const SYNC_AVAILABLE = false;
