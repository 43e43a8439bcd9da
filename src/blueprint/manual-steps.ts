// What the APIs (or a local file) cannot do, as a checklist printed after install and written to the hub.
import type { DesiredDatabase, ManualStep } from './desired.js';

export const NOTION_MANUAL_STEPS: readonly string[] = [
  'Share the hub page with your team (Share → Invite): the API cannot invite people or set permissions.',
  'Assign people in the Owner and Handoff owner properties: the API can only set people it can already see in the workspace.',
  "Create database templates if you want one-click new PBRs and 90-day plans: the API cannot author templates. Until you do, copy the Partner Business Review agenda, or the First 90-Days Plan for the partner's type, from Playbooks into each new row.",
  'Add automations and buttons you want (e.g. notify the handoff owner when a referral is submitted): the API cannot create them.',
  'Pin the QLP Roadmap timeline and the Partners board to your sidebar: favorites and sidebar order are per person.',
];

export const SHEETS_MANUAL_STEPS: readonly string[] = [
  'Share the workbook with your leadership team (Share in Google Sheets): the installer only creates files it can see itself (drive.file scope).',
  'Approve the Apps Script authorization prompt the first time someone opens the Partnernomics menu: Google requires each user to consent.',
  "To sync with no server, one admin chooses Partnernomics → Sync with Notion → Connect Notion… in the workbook and pastes the Notion integration token: it is kept only in that admin's own user properties (never in the code, the sheet or the document properties). Then Turn on automatic sync (every 5, 10, 15 or 30 minutes): the trigger runs as that admin; Disconnect Notion removes the token and the trigger.",
  "To print a tab or save it as PDF, choose File → Print, then Landscape, Scale: Fit to width and Margins: Narrow, and tick Repeat frozen rows under Headers & footers so a table's header rows print on every page: the Sheets API cannot store print settings.",
];

/**
 * The one way the local export enters Notion: the zip, whole. It holds the hub page, every database and
 * every page, laid out as Notion's own Markdown & CSV export is, so nothing else is imported on its own.
 */
export function notionImportStep(hubTitle: string): string {
  return `Notion: open Settings → Import → Text & Markdown and choose notion-import.zip as it is, without unzipping it. It arrives as one page, ${hubTitle}, holding every database with its rows and every roadmap and playbook page, each linked from that page. Import nothing else, and import the zip once: each import makes a new copy.`;
}

/** The zip import, then what a CSV cannot carry, done by hand in the imported hub. */
export function localNotionSteps(hubTitle: string): string[] {
  return [
    notionImportStep(hubTitle),
    'Notion: set the property types. A CSV carries values but not types, so open the Database reference page inside the hub and set each property of each database to the type it lists (click the property name → Edit property → Type).',
    "Notion: turn the relation columns into relations. Each arrives as text holding the related rows' titles (Partner, Depends on, Roadmap steps and the rest): change its type to Relation to the database the Database reference page names, then link any row whose title did not match. Add the formulas and rollups it lists last: a rollup needs its relation first.",
  ];
}

export const LOCAL_SHEETS_STEPS: readonly string[] = [
  'Google Sheets: upload Partnernomics.xlsx to Google Drive and open it with Google Sheets (File → Save as Google Sheets). Formulas, named ranges, dropdowns and red/yellow/green formats carry over.',
  'Google Sheets: add the Dashboard charts (pipeline and revenue by month, partners by stage) from the Dashboard tables, or install with --target sheets, which creates them: the xlsx writer cannot create charts.',
  'Apps Script: in the uploaded sheet open Extensions → Apps Script, paste apps-script/Code.js and replace the manifest with apps-script/appsscript.json (Project Settings → show appsscript.json), then reload the sheet for the Partnernomics menu.',
];

/** The database views, with what to set on each: a CSV import cannot create them (the Notion target does). */
export function viewSteps(databases: readonly DesiredDatabase[]): string[] {
  return databases.flatMap((db) =>
    db.views.map((v) => {
      const how = v.group_by
        ? `grouped by ${v.group_by}`
        : v.date
          ? `on ${v.date}${v.end_date ? ` to ${v.end_date}` : ''}`
          : v.sort
            ? `sorted by ${v.sort.property} (${v.sort.direction})`
            : v.filter
              ? `showing rows where ${v.filter.property} is ${v.filter.checkbox ? 'checked' : 'unchecked'}`
              : '';
      return `In ${db.title}, add a ${v.type} view "${v.name}"${how ? ` ${how}` : ''}.`;
    }),
  );
}

/** Local steps (the import, then the views it cannot create, then the workbook), then each API target's. */
export function manualSteps(databases: readonly DesiredDatabase[], hubTitle: string): ManualStep[] {
  return [
    ...localNotionSteps(hubTitle).map((step) => ({ target: 'local' as const, step })),
    ...viewSteps(databases).map((step) => ({
      target: 'local' as const,
      step: `Notion: ${step.charAt(0).toLowerCase()}${step.slice(1)}`,
    })),
    ...LOCAL_SHEETS_STEPS.map((step) => ({ target: 'local' as const, step })),
    ...NOTION_MANUAL_STEPS.map((step) => ({ target: 'notion' as const, step })),
    ...SHEETS_MANUAL_STEPS.map((step) => ({ target: 'sheets' as const, step })),
  ];
}
