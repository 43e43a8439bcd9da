// Where a sync runs: the leaders' workbook (Drive app property) and the Notion hub the install linked it to.
import { extractPageId } from '@notionhq/client';
import { PnError } from '../platform/errors.js';
import { APP_PROPERTY } from '../targets/sheets/app-property.js';
import type { GoogleApi } from '../targets/sheets/google-api.js';

/** The workbook `install --target sheets` made (the oldest tagged one): one Drive listing. */
export async function findSyncWorkbook(api: GoogleApi): Promise<string> {
  const listed = await api.call('looking for the workbook in Drive', true, false, () =>
    api.drive.files.list({
      q: `appProperties has { key='${APP_PROPERTY.key}' and value='${APP_PROPERTY.value}' } and trashed = false`,
      fields: 'files(id,createdTime)',
    }),
  );
  const files = (listed.data.files ?? []).flatMap((f) =>
    f.id ? [{ id: f.id, at: f.createdTime ?? '' }] : [],
  );
  files.sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1));
  const first = files[0];
  if (!first)
    throw new PnError('INPUT_INVALID', 'there is no Partnernomics workbook to sync', {
      hint: 'run `partnernomics install --target all --root <page>` first: sync works on an installed workspace',
    });
  return first.id;
}

/** The Notion hub the Start tab links to (`install --target all` writes that link), or null (one values read). */
export async function hubFromStartTab(api: GoogleApi, spreadsheetId: string): Promise<string | null> {
  const got = await api.call('reading the Start tab', true, false, () =>
    api.sheets.spreadsheets.values.get({
      spreadsheetId,
      range: 'NotionHubLink',
      valueRenderOption: 'FORMULA',
    }),
  );
  const formula = String(got.data.values?.[0]?.[0] ?? '');
  const url = /https:\/\/www\.notion\.so\/([0-9a-f]{32})/i.exec(formula)?.[1];
  return url ? (extractPageId(url) ?? null) : null;
}
