// The Start tab's Program health block, evaluated by a spreadsheet engine on scripted rows, agrees with `status`'s core.
import { beforeAll, describe, expect, it } from 'vitest';
import { todayIso } from '../../src/config/load.js';
import {
  type Finding,
  type HealthPartner,
  type HealthPbr,
  type HealthStep,
  programHealth,
  quarterOfDay,
} from '../../src/workflows/health/core.js';
import { type CompiledWorkbook, loadCompiledWorkbook } from '../helpers/compiled-workbook.js';

let wb: CompiledWorkbook;
const DAY = 86_400_000;
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
/** Days from the engine's today, as ISO and as the serial the workbook stores (no test lands near a boundary). */
const today = todayIso();
const iso = (offset: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) + offset * DAY).toISOString().slice(0, 10);
const serial = (day: string) => (Date.parse(`${day}T00:00:00Z`) - EXCEL_EPOCH) / DAY;
const quarter = quarterOfDay(today);

/** The block's value next to its label on the Start tab. */
function blockValue(label: string): unknown {
  const start = wb.tab('start');
  const cell = start.cells.find((c) => c.value === label && c.col === 1);
  expect(cell, label).toBeDefined();
  return wb.book.hf.getCellValue({ sheet: wb.book.sheetId(start.name), row: cell!.row - 1, col: 1 });
}

/** Empties every data row of a table's input columns (the example rows), so only the scripted rows count. */
function clearTable(tabKey: string): void {
  const table = wb.tab(tabKey).table!;
  for (let i = 0; i <= table.lastDataRow - table.firstDataRow; i++)
    for (const c of table.columns.filter((col) => col.kind !== 'formula'))
      wb.set(tabKey, wb.dataRow(tabKey, i), c.key, null);
}

interface Row {
  tab: string;
  values: Record<string, string | number | boolean | null>;
}

function write(rows: Row[]): void {
  const next = new Map<string, number>();
  for (const r of rows) {
    const i = next.get(r.tab) ?? 0;
    next.set(r.tab, i + 1);
    for (const [key, value] of Object.entries(r.values)) wb.set(r.tab, wb.dataRow(r.tab, i), key, value);
  }
}

const partners: (HealthPartner & { archived?: boolean })[] = [
  {
    id: 'p1',
    name: 'Acme',
    type: 'Referral',
    stage: 'Active',
    owners: ['Ada'],
    signedOn: null,
    launchDate: null,
    created: today,
    example: false,
  },
  {
    id: 'p2',
    name: 'Birch',
    type: 'Referral',
    stage: 'Discovery',
    owners: [],
    signedOn: null,
    launchDate: null,
    created: today,
    example: false,
  },
  {
    id: 'p3',
    name: 'Cobalt',
    type: 'Co-Sell',
    stage: 'Active',
    owners: [],
    signedOn: null,
    launchDate: null,
    created: today,
    example: false,
  },
  {
    id: 'p4',
    name: 'Dune',
    type: 'Influencer',
    stage: 'Active',
    owners: ['Ada'],
    signedOn: null,
    launchDate: null,
    created: today,
    example: false,
  },
  {
    id: 'p5',
    name: 'Elm',
    type: 'Referral',
    stage: 'Declined',
    owners: [],
    signedOn: null,
    launchDate: null,
    created: today,
    example: false,
  },
  {
    id: 'p6',
    name: 'Example Co',
    type: 'Referral',
    stage: 'Active',
    owners: [],
    signedOn: null,
    launchDate: null,
    created: today,
    example: true,
  },
  {
    id: 'p7',
    name: 'Fjord',
    type: 'Referral',
    stage: 'Active',
    owners: ['Ada'],
    signedOn: null,
    launchDate: null,
    created: today,
    example: false,
  },
  // Archived in the workbook (its page was trashed): neither check counts it; Notion no longer has it.
  {
    id: 'p8',
    name: 'Gone',
    type: 'Referral',
    stage: 'Active',
    owners: [],
    signedOn: null,
    launchDate: null,
    created: today,
    example: false,
    archived: true,
  },
];
const pbrs: HealthPbr[] = [
  { id: 'b1', name: 'Acme PBR', partnerIds: ['p1'], quarter: null, date: today },
  { id: 'b2', name: 'Dune PBR', partnerIds: ['p4'], quarter: null, date: iso(-200) },
  { id: 'b3', name: 'Fjord PBR', partnerIds: ['p7'], quarter: quarter.id, date: null },
];
const steps: HealthStep[] = [
  { id: 's1', name: 'Late', number: 1, status: 'In progress', due: iso(-30) },
  { id: 's2', name: 'Done late', number: 2, status: 'Done', due: iso(-30) },
  { id: 's3', name: 'Not yet', number: 3, status: 'Not started', due: iso(30) },
  { id: 's4', name: 'Also late', number: 4, status: 'Not started', due: iso(-3) },
];

beforeAll(async () => {
  wb = await loadCompiledWorkbook({ spreadsheetRound: false });
  // One recalculation for all the edits: each edit alone recalculates the whole workbook.
  wb.book.hf.suspendEvaluation();
  for (const tab of ['partner_scoring', 'pbrs', 'roadmap']) clearTable(tab);
  const names = new Map(partners.map((p) => [p.id, p.name]));
  write([
    ...partners.map((p) => ({
      tab: 'partner_scoring',
      values: {
        id: p.id,
        name: p.name,
        type: p.type,
        stage: p.stage,
        owner: p.owners.join(', ') || null,
        example: p.example,
        archived: p.archived ?? false,
      },
    })),
    ...pbrs.map((b) => ({
      tab: 'pbrs',
      values: {
        id: b.id,
        name: b.name,
        partner: names.get(b.partnerIds[0]!)!,
        quarter: b.quarter,
        date: b.date ? serial(b.date) : null,
        archived: false,
      },
    })),
    ...steps.map((s) => ({
      tab: 'roadmap',
      values: {
        id: s.id,
        name: s.name,
        number: s.number,
        status: s.status,
        due: serial(s.due!),
        archived: false,
      },
    })),
  ]);
  wb.book.hf.resumeEvaluation();
}, 120_000);

describe('Start tab: Program health', () => {
  const found = () =>
    programHealth(
      { partners: partners.filter((p) => !p.archived), todos: null, pbrs, roadmap: steps, sync: null },
      today,
      {},
    );
  const count = (kind: Finding['kind']) => found().filter((f) => f.kind === kind).length;

  it('partners without an owner: as status counts them (Declined, example and archived rows left out)', () => {
    expect(count('partner-without-owner')).toBe(2);
    expect(blockValue('Partners without an owner')).toBe(2);
  });

  it('roadmap steps past due: as status counts them', () => {
    expect(count('roadmap-step-past-due')).toBe(2);
    expect(blockValue('Roadmap steps past due')).toBe(2);
  });

  it('active partners with no PBR this quarter: by date or by the Quarter text, as status counts them', () => {
    // Cobalt has none; Dune's is two quarters back. Acme's is dated today, Fjord's names the quarter.
    expect(
      found()
        .filter((f) => f.kind === 'no-pbr-this-quarter')
        .map((f) => f.item),
    ).toEqual(['Cobalt', 'Dune']);
    expect(blockValue('Active partners with no PBR this quarter')).toBe(2);
  });

  it('a PBR this quarter for Dune brings the count down by one', () => {
    const i = pbrs.length;
    wb.book.hf.batch(() => {
      wb.set('pbrs', wb.dataRow('pbrs', i), 'partner', 'Dune');
      wb.set('pbrs', wb.dataRow('pbrs', i), 'date', serial(today));
    });
    expect(blockValue('Active partners with no PBR this quarter')).toBe(1);
  });

  it('what the workbook cannot count says where to look', () => {
    for (const label of ['Overdue to-dos', 'Partners stuck in a stage'])
      expect(String(blockValue(label))).toContain('partnernomics status');
  });
});
