// What the APIs (or a local file) cannot do, as a checklist printed after install and written to the hub.
import type { DesiredDatabase, ManualStep } from './desired.js';

export const NOTION_MANUAL_STEPS: readonly string[] = [
  'Share the hub page with your team (Share → Invite): the API cannot invite people or set permissions.',
  'Assign people in the Owner and Handoff owner properties: the API can only set people it can already see in the workspace.',
  'Create database templates if you want one-click new PBRs and 90-day plans: the API cannot author templates (the sync fills the structure into new empty pages instead).',
  'Add automations and buttons you want (e.g. notify the handoff owner when a referral is submitted): the API cannot create them.',
  'Pin the QLP Roadmap timeline and the Partners board to your sidebar: favourites and sidebar order are per person.',
];

export const SHEETS_MANUAL_STEPS: readonly string[] = [
  'Share the workbook with your leadership team (Share in Google Sheets): the installer only creates files it can see itself (drive.file scope).',
  'Approve the Apps Script authorization prompt the first time someone opens the Partnernomics menu: Google requires each user to consent.',
];

export const LOCAL_MANUAL_STEPS: readonly string[] = [
  'Notion: Settings → Import → Text & Markdown, choose notion-import.zip. The hub page, playbook pages and roadmap pages import with their content.',
  'Notion: each database imports from its CSV (Import → CSV, or drag the CSV onto the hub page). Then set the property types listed in notion/DATABASES.md: CSV import makes every column text or select.',
  'Notion: recreate the relations between databases listed in notion/DATABASES.md (Partners ↔ Term Sheets, Referrals, Monthly Metrics, and the rest): CSV import cannot carry relations.',
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

export function manualSteps(databases: readonly DesiredDatabase[]): ManualStep[] {
  return [
    ...LOCAL_MANUAL_STEPS.map((step) => ({ target: 'local' as const, step })),
    ...NOTION_MANUAL_STEPS.map((step) => ({ target: 'notion' as const, step })),
    ...viewSteps(databases).map((step) => ({ target: 'local' as const, step })),
    ...SHEETS_MANUAL_STEPS.map((step) => ({ target: 'sheets' as const, step })),
  ];
}
