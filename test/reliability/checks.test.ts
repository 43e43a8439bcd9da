// The end-state check itself: bound Apps Script projects are counted, and only one live with the menu passes.
import { describe, expect, it } from 'vitest';
import { boundProjectsNote, diffGoogle, type GoogleShape, type WorkbookShape } from './checks.js';

const book = (projects: Partial<WorkbookShape>): WorkbookShape => ({
  title: 'Partner Program',
  tabs: ['Start'],
  content: ['Start: 3 cells, 0 conditional formats, 0 charts, 0 protected ranges'],
  namedRanges: [],
  metadataKeys: ['partnernomics.script'],
  boundScripts: 1,
  boundScriptsWithCode: 1,
  recordedEmptyOrphans: 0,
  liveWithMenu: 1,
  ...projects,
});
const shape = (workbook: WorkbookShape): GoogleShape => ({
  spreadsheets: 1,
  workbooks: [workbook],
  orphanScripts: 0,
  otherFiles: [],
});
const clean = shape(book({}));

describe('diffGoogle and bound Apps Script projects', () => {
  it('passes one live project, and one live project beside an empty orphan the workbook records (counted)', () => {
    expect(diffGoogle(clean, clean)).toEqual([]);
    const withOrphan = book({ boundScripts: 2, recordedEmptyOrphans: 1 });
    expect(diffGoogle(clean, shape(withOrphan))).toEqual([]);
    expect(boundProjectsNote(withOrphan)).toBe(
      '2 bound Apps Script project(s): 1 live with the menu, 1 empty orphan(s) the workbook records',
    );
  });

  it('fails when no project is live with the menu: the code sits in a project the workbook does not record', () => {
    // The recorded project is empty (so it counts as a recorded empty orphan) and the code went elsewhere:
    // one project with code, one "orphan", yet no menu anywhere.
    const menuless = book({
      boundScripts: 2,
      recordedEmptyOrphans: 1,
      boundScriptsWithCode: 1,
      liveWithMenu: 0,
    });
    expect(diffGoogle(clean, shape(menuless))).toEqual([
      'bound projects live with the menu: 2 bound Apps Script project(s): 0 live with the menu, 1 empty orphan(s) the workbook records, 1 OTHER (holding code or unrecorded); expected exactly 1 (MISSING: no project holds the code under the ID the workbook records)',
    ]);
  });

  it('fails on a second project that is not a recorded empty orphan, naming the count', () => {
    const second = book({ boundScripts: 2, boundScriptsWithCode: 2 });
    expect(diffGoogle(clean, shape(second))).toEqual([
      'script projects bound to the workbook: 2 bound Apps Script project(s): 1 live with the menu, 0 empty orphan(s) the workbook records, 1 OTHER (holding code or unrecorded); expected 1 (DUPLICATE: not recorded by the workbook, or holding code)',
      'bound projects holding the code: 2, expected 1 (DUPLICATE)',
    ]);
  });
});
