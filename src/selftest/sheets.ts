// `selftest --target sheets`: each kind of request the Sheets target sends, in a scratch workbook, read back, then trashed.
import type { sheets_v4 } from '@googleapis/sheets';
import type { GoogleApi } from '../targets/sheets/google-api.js';
import { gridRange } from '../targets/sheets/requests.js';
import {
  Checklist,
  expectSame,
  Mismatch,
  type Scratch,
  type SelftestRow,
  trashScratchRow,
} from './report.js';

const SHEET_ID = 1;
const TAB = 'Selftest';
const APP_PROPERTY_KEY = 'partnernomics-selftest';
const METADATA_KEY = 'partnernomics.selftest';
const NAMED_RANGE = 'SelftestTotal';
const CODE = "function partnernomicsSelftest() {\n  return 'ok';\n}\n";

const number = (numberValue: number): sheets_v4.Schema$CellData => ({ userEnteredValue: { numberValue } });
const string = (stringValue: string): sheets_v4.Schema$CellData => ({ userEnteredValue: { stringValue } });

export async function sheetsSelftest(
  api: GoogleApi,
  manifest: string,
  now: Date = new Date(),
): Promise<{ rows: SelftestRow[]; errors: Map<string, unknown>; scratch: Scratch | null }> {
  const t = new Checklist();
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const title = `Partnernomics selftest ${stamp}`;
  const made: { scratch: Scratch | null } = { scratch: null };
  const id = () => made.scratch?.id ?? '';
  let scriptId = '';

  /** One batchUpdate holding one request kind, so a failure names exactly that kind. */
  const update = async (
    doing: string,
    request: sheets_v4.Schema$Request,
  ): Promise<sheets_v4.Schema$Response> => {
    const response = await api.call(doing, false, true, () =>
      api.sheets.spreadsheets.batchUpdate({ spreadsheetId: id(), requestBody: { requests: [request] } }),
    );
    return response.data.replies?.[0] ?? {};
  };
  const read = async (
    doing: string,
    fields: string,
    ranges?: string[],
  ): Promise<sheets_v4.Schema$Spreadsheet> =>
    (
      await api.call(doing, true, false, () =>
        api.sheets.spreadsheets.get({ spreadsheetId: id(), fields, ...(ranges ? { ranges } : {}) }),
      )
    ).data;
  const tab = (book: sheets_v4.Schema$Spreadsheet) =>
    book.sheets?.find((s) => (s.properties?.sheetId ?? 0) === SHEET_ID);

  try {
    await t.check('login', [], async () => {
      await api.checkLogin();
      return 'the stored Google login refreshes';
    });

    await t.check('spreadsheet: create', ['login'], async () => {
      const requestBody: sheets_v4.Schema$Spreadsheet = {
        properties: { title },
        sheets: [
          {
            properties: {
              sheetId: SHEET_ID,
              title: TAB,
              index: 0,
              gridProperties: { rowCount: 40, columnCount: 8, frozenRowCount: 1 },
            },
          },
        ],
      };
      const created = await api.call('creating the scratch spreadsheet', false, true, () =>
        api.sheets.spreadsheets.create({ requestBody, fields: 'spreadsheetId' }),
      );
      const spreadsheetId = created.data.spreadsheetId;
      if (!spreadsheetId) throw new Mismatch('the new spreadsheet has no ID');
      made.scratch = {
        id: spreadsheetId,
        url: `https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit`,
        trashed: false,
      };
      const book = await read('reading the spreadsheet back', 'properties.title,sheets.properties');
      expectSame('title', book.properties?.title, title);
      expectSame('tab', tab(book)?.properties?.title, TAB);
      expectSame('frozen rows', tab(book)?.properties?.gridProperties?.frozenRowCount, 1);
      return `"${title}"`;
    });

    await t.check('drive: app property', ['spreadsheet: create'], async () => {
      await api.call('tagging the spreadsheet in Drive', true, true, () =>
        api.drive.files.update({
          fileId: id(),
          requestBody: { appProperties: { [APP_PROPERTY_KEY]: stamp } },
        }),
      );
      const found = await api.call('finding the spreadsheet by its app property', true, false, () =>
        api.drive.files.list({
          q: `appProperties has { key='${APP_PROPERTY_KEY}' and value='${stamp}' } and trashed = false`,
          fields: 'files(id,name)',
        }),
      );
      if (!found.data.files?.some((f) => f.id === id()))
        throw new Mismatch('files.list by app property does not find the spreadsheet');
      return 'set with files.update, found with files.list';
    });

    await t.check('cells: values and formula', ['spreadsheet: create'], async () => {
      await update('writing values and a formula', {
        updateCells: {
          start: { sheetId: SHEET_ID, rowIndex: 0, columnIndex: 0 },
          rows: [
            {
              values: [
                { ...string('Item'), userEnteredFormat: { textFormat: { bold: true } } },
                string('Amount'),
              ],
            },
            { values: [string('One'), number(1)] },
            { values: [string('Two'), number(2)] },
            { values: [string('Three'), number(3)] },
            { values: [string('Total'), { userEnteredValue: { formulaValue: '=SUM(B2:B4)' } }] },
          ],
          fields: 'userEnteredValue,userEnteredFormat',
        },
      });
      const get = (valueRenderOption: string) =>
        api.call('reading the values back', true, false, () =>
          api.sheets.spreadsheets.values.get({ spreadsheetId: id(), range: `${TAB}!B5`, valueRenderOption }),
        );
      expectSame('B5 formula', (await get('FORMULA')).data.values?.[0]?.[0], '=SUM(B2:B4)');
      expectSame('B5 value', (await get('UNFORMATTED_VALUE')).data.values?.[0]?.[0], 6);
      return '=SUM(B2:B4) kept as a formula and computes 6';
    });

    await t.check('values: update', ['spreadsheet: create'], async () => {
      const link = '=HYPERLINK("https://www.notion.so/partnernomics","Open the Notion hub")';
      await api.call('writing a cell with values.update', true, true, () =>
        api.sheets.spreadsheets.values.update({
          spreadsheetId: id(),
          range: `${TAB}!D1`,
          valueInputOption: 'USER_ENTERED',
          requestBody: { values: [[link]] },
        }),
      );
      const back = await api.call('reading the cell back', true, false, () =>
        api.sheets.spreadsheets.values.get({
          spreadsheetId: id(),
          range: `${TAB}!D1`,
          valueRenderOption: 'FORMULA',
        }),
      );
      expectSame('D1 formula', back.data.values?.[0]?.[0], link);
      return 'a HYPERLINK formula, entered as the user would';
    });

    await t.check('column width', ['spreadsheet: create'], async () => {
      await update('setting a column width', {
        updateDimensionProperties: {
          range: { sheetId: SHEET_ID, dimension: 'COLUMNS', startIndex: 0, endIndex: 1 },
          properties: { pixelSize: 140 },
          fields: 'pixelSize',
        },
      });
      const book = await read(
        'reading the column width back',
        'sheets(properties(sheetId),data(columnMetadata(pixelSize)))',
        [`${TAB}!A1`],
      );
      expectSame('column A width', tab(book)?.data?.[0]?.columnMetadata?.[0]?.pixelSize, 140);
      return '140 px';
    });

    await t.check('data validation', ['spreadsheet: create'], async () => {
      const condition: sheets_v4.Schema$BooleanCondition = {
        type: 'ONE_OF_LIST',
        values: ['Red', 'Yellow', 'Green'].map((userEnteredValue) => ({ userEnteredValue })),
      };
      await update('adding a data validation rule', {
        setDataValidation: {
          range: gridRange(SHEET_ID, 'C2:C4'),
          rule: { condition, strict: true, showCustomUi: true },
        },
      });
      const book = await read(
        'reading the validation rule back',
        'sheets(properties(sheetId),data(rowData(values(dataValidation))))',
        [`${TAB}!C2`],
      );
      const rule = tab(book)?.data?.[0]?.rowData?.[0]?.values?.[0]?.dataValidation;
      expectSame('rule type', rule?.condition?.type, 'ONE_OF_LIST');
      expectSame(
        'rule values',
        rule?.condition?.values?.map((v) => v.userEnteredValue),
        ['Red', 'Yellow', 'Green'],
      );
      return 'a dropdown of three values, strict';
    });

    await t.check('conditional format', ['spreadsheet: create'], async () => {
      await update('adding a conditional format rule', {
        addConditionalFormatRule: {
          index: 0,
          rule: {
            ranges: [gridRange(SHEET_ID, 'C2:C4')],
            booleanRule: {
              condition: { type: 'TEXT_EQ', values: [{ userEnteredValue: 'Red' }] },
              format: { backgroundColor: { red: 0.96, green: 0.8, blue: 0.8 } },
            },
          },
        },
      });
      const book = await read(
        'reading the conditional format back',
        'sheets(properties(sheetId),conditionalFormats)',
      );
      const rule = tab(book)?.conditionalFormats?.[0]?.booleanRule;
      expectSame('condition', rule?.condition?.type, 'TEXT_EQ');
      expectSame('value', rule?.condition?.values?.[0]?.userEnteredValue, 'Red');
      return 'red fill when the text is "Red"';
    });

    await t.check('protected range (warning only)', ['spreadsheet: create'], async () => {
      const reply = await update('adding a warning-only protected range', {
        addProtectedRange: {
          protectedRange: {
            range: gridRange(SHEET_ID, 'B5'),
            description: 'Selftest formula',
            warningOnly: true,
          },
        },
      });
      const wanted = reply.addProtectedRange?.protectedRange?.protectedRangeId;
      const book = await read(
        'reading the protected range back',
        'sheets(properties(sheetId),protectedRanges)',
      );
      const found = tab(book)?.protectedRanges?.find((p) => p.protectedRangeId === wanted);
      if (!found) throw new Mismatch(`protected range ${wanted} is missing`);
      expectSame('warningOnly', found.warningOnly, true);
      expectSame('description', found.description, 'Selftest formula');
      return 'B5 warns before an edit';
    });

    await t.check('named range', ['spreadsheet: create'], async () => {
      await update('adding a named range', {
        addNamedRange: { namedRange: { name: NAMED_RANGE, range: gridRange(SHEET_ID, 'B5') } },
      });
      const book = await read('reading the named range back', 'namedRanges');
      const found = book.namedRanges?.find((n) => n.name === NAMED_RANGE);
      if (!found) throw new Mismatch(`named range ${NAMED_RANGE} is missing`);
      expectSame('range', { ...found.range, sheetId: found.range?.sheetId ?? 0 }, gridRange(SHEET_ID, 'B5'));
      const value = await api.call('reading through the named range', true, false, () =>
        api.sheets.spreadsheets.values.get({
          spreadsheetId: id(),
          range: NAMED_RANGE,
          valueRenderOption: 'FORMULA',
        }),
      );
      if (t.passed('cells: values and formula'))
        expectSame(`${NAMED_RANGE} formula`, value.data.values?.[0]?.[0], '=SUM(B2:B4)');
      return `${NAMED_RANGE} → ${TAB}!B5`;
    });

    await t.check('developer metadata', ['spreadsheet: create'], async () => {
      const metadata = (
        metadataValue: string,
        location: sheets_v4.Schema$DeveloperMetadataLocation,
      ): sheets_v4.Schema$Request => ({
        createDeveloperMetadata: {
          developerMetadata: { metadataKey: METADATA_KEY, metadataValue, location, visibility: 'PROJECT' },
        },
      });
      await update('adding spreadsheet metadata', metadata('book', { spreadsheet: true }));
      await update(
        'adding column metadata',
        metadata('column', {
          dimensionRange: { sheetId: SHEET_ID, dimension: 'COLUMNS', startIndex: 1, endIndex: 2 },
        }),
      );
      const search = async () =>
        (
          await api.call('searching the metadata', true, false, () =>
            api.sheets.spreadsheets.developerMetadata.search({
              spreadsheetId: id(),
              requestBody: { dataFilters: [{ developerMetadataLookup: { metadataKey: METADATA_KEY } }] },
            }),
          )
        ).data.matchedDeveloperMetadata ?? [];
      const found = await search();
      expectSame('metadata found', found.map((m) => m.developerMetadata?.metadataValue).sort(), [
        'book',
        'column',
      ]);
      const column = found.find((m) => m.developerMetadata?.metadataValue === 'column')?.developerMetadata;
      expectSame('column metadata location', column?.location?.dimensionRange?.startIndex ?? 0, 1);
      const book = await read(
        'reading the spreadsheet metadata',
        'developerMetadata(metadataKey,metadataValue)',
      );
      if (!book.developerMetadata?.some((m) => m.metadataKey === METADATA_KEY && m.metadataValue === 'book'))
        throw new Mismatch('spreadsheets.get does not list the spreadsheet metadata');
      await update('deleting metadata', {
        deleteDeveloperMetadata: {
          dataFilter: {
            developerMetadataLookup: { metadataKey: METADATA_KEY, metadataValue: 'column' },
          },
        },
      });
      expectSame(
        'metadata after the delete',
        (await search()).map((m) => m.developerMetadata?.metadataValue),
        ['book'],
      );
      return 'on the spreadsheet and a column; searched, listed, deleted';
    });

    await t.check('chart', ['spreadsheet: create'], async () => {
      const source = (col: number): sheets_v4.Schema$ChartData => ({
        sourceRange: {
          sources: [
            {
              sheetId: SHEET_ID,
              startRowIndex: 0,
              endRowIndex: 4,
              startColumnIndex: col,
              endColumnIndex: col + 1,
            },
          ],
        },
      });
      const reply = await update('adding a chart', {
        addChart: {
          chart: {
            spec: {
              title: 'Selftest chart',
              basicChart: {
                chartType: 'COLUMN',
                legendPosition: 'NO_LEGEND',
                headerCount: 1,
                domains: [{ domain: source(0) }],
                series: [{ series: source(1), targetAxis: 'LEFT_AXIS' }],
              },
            },
            position: {
              overlayPosition: {
                anchorCell: { sheetId: SHEET_ID, rowIndex: 6, columnIndex: 0 },
                widthPixels: 520,
                heightPixels: 300,
              },
            },
          },
        },
      });
      const chartId = reply.addChart?.chart?.chartId;
      const book = await read('reading the chart back', 'sheets(properties(sheetId),charts)');
      const chart = tab(book)?.charts?.find((c) => c.chartId === chartId);
      if (!chart) throw new Mismatch(`chart ${chartId} is missing`);
      expectSame('chart type', chart.spec?.basicChart?.chartType, 'COLUMN');
      expectSame('chart title', chart.spec?.title, 'Selftest chart');
      return 'a column chart over A1:B4';
    });

    await t.check('add sheet', ['spreadsheet: create'], async () => {
      await update('adding a tab', {
        addSheet: { properties: { sheetId: SHEET_ID + 1, title: `${TAB} 2`, index: 1 } },
      });
      const book = await read('reading the tabs back', 'sheets.properties(sheetId,title)');
      expectSame(
        'tabs',
        book.sheets?.map((s) => s.properties?.title),
        [TAB, `${TAB} 2`],
      );
      return 'a second tab, as an upgrade adds one';
    });

    await t.check('apps script: bound project', ['spreadsheet: create'], async () => {
      const project = await api.call('creating the bound Apps Script project', false, true, () =>
        api.script.projects.create({ requestBody: { title: 'Partnernomics selftest', parentId: id() } }),
      );
      scriptId = project.data.scriptId ?? '';
      if (!scriptId) throw new Mismatch('the new project has no ID');
      const back = await api.call('reading the project back', true, false, () =>
        api.script.projects.get({ scriptId }),
      );
      expectSame('parentId', back.data.parentId, id());
      return 'bound to the scratch spreadsheet';
    });

    await t.check('apps script: push code', ['apps script: bound project'], async () => {
      await api.call('pushing the Apps Script code', true, true, () =>
        api.script.projects.updateContent({
          scriptId,
          requestBody: {
            files: [
              { name: 'Code', type: 'SERVER_JS', source: CODE },
              { name: 'appsscript', type: 'JSON', source: manifest },
            ],
          },
        }),
      );
      const content = await api.call('reading the code back', true, false, () =>
        api.script.projects.getContent({ scriptId }),
      );
      const files = content.data.files ?? [];
      expectSame('Code source', files.find((f) => f.name === 'Code')?.source, CODE);
      const pushed = files.find((f) => f.name === 'appsscript')?.source;
      expectSame(
        'manifest',
        pushed === undefined || pushed === null ? null : JSON.parse(pushed),
        JSON.parse(manifest),
      );
      return 'manifest + one file, read back equal';
    });
  } finally {
    // Cleanup runs whatever happened above; the bound script goes to the trash with its spreadsheet.
    await trashScratchRow(
      t,
      'trash spreadsheet',
      made.scratch,
      'spreadsheet: create',
      async (scratch) => {
        await api.call('moving the scratch spreadsheet to the trash', true, true, () =>
          api.drive.files.update({ fileId: scratch.id, requestBody: { trashed: true } }),
        );
        const back = await api.call('reading the trashed spreadsheet back', true, false, () =>
          api.drive.files.get({ fileId: scratch.id, fields: 'trashed' }),
        );
        return back.data.trashed === true;
      },
      'moved to the trash with its bound script',
    );
  }
  return { rows: t.rows, errors: t.errors, scratch: made.scratch };
}
