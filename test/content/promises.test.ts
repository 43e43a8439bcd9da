// What the install says about the Notion ⇄ Sheets sync matches the sync map, field by field, wherever it says it.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { type Blueprint, loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { notionExportFiles } from '../../src/targets/local/notion-export.js';
import { checkClaim, checkProse, claimsIn } from './sync-claims.js';

/** Phrases that describe the sync as working. Meetings called a "pipeline sync" are not ours. */
const PROMISES: [string, RegExp][] = [
  ['"the sync"', /\bthe sync\b/i],
  ['"next/latest/last sync"', /\b(next|latest|last|each|every) sync\b/i],
  ['"synced"', /\bsynced\b/i],
  ['"synchronised"', /\bsynchroni[sz]/i],
  ['"Notion sync" / "Sheets sync"', /\b(notion|sheets?) sync\b/i],
  [
    '"sync writes/copies/carries…"',
    /\bsync (writes|copies|carries|fills|brings|runs|overwrites|keeps|updates)\b/i,
  ],
  ['"without sync"', /\bwithout (the )?sync\b/i],
  ['"comes back from"', /\bcomes? back (from|to the|into)\b/i],
  ['"written back" / "brings back"', /\b(written|writes?|brings?|brought|sent|flows?) (them |it )?back\b/i],
  [
    '"pulled from Notion / Sheets"',
    /\b(pulled|fed|filled|imported) (in )?(from|by) (notion|sheets|the workbook)\b/i,
  ],
];

function promisesIn(text: string): string[] {
  return PROMISES.filter(([, pattern]) => pattern.test(text)).map(([label]) => label);
}

/** Everything an install writes that a person reads, each with where it comes from. */
function installedText(ws: DesiredWorkspace): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const add = (where: string, text: string) => out.push({ where, text });
  add('hub', ws.hub.markdown);
  for (const page of ws.pages) add(`page ${page.key}`, page.markdown);
  for (const db of ws.databases) {
    add(`${db.key} description`, db.description);
    for (const p of db.properties) add(`${db.key}.${p.key} name`, p.name);
    for (const row of db.rows) {
      if (row.markdown) add(`${row.key} body`, row.markdown);
      for (const [key, value] of Object.entries(row.values))
        if (value.kind === 'text' || value.kind === 'select') add(`${row.key}.${key}`, value.value ?? '');
    }
  }
  for (const tab of ws.workbook.tabs) {
    add(`tab ${tab.key} name`, tab.name);
    for (const cell of tab.cells)
      if (typeof cell.value === 'string') add(`tab ${tab.key} R${cell.row}C${cell.col}`, cell.value);
    for (const r of tab.protectedRanges) add(`tab ${tab.key} protection ${r.range}`, r.description);
  }
  for (const step of ws.manualSteps) add(`manual step (${step.target})`, step.step);
  for (const [path, text] of notionExportFiles(ws)) add(`notion export ${path}`, text);
  return out;
}

/** Every disagreement between what the install says about the sync and the map it was compiled with. */
function syncProblems(ws: DesiredWorkspace): string[] {
  return installedText(ws).flatMap(({ where, text }) => [
    ...claimsIn(text, ws).flatMap((claim) => checkClaim(claim, ws).map((p) => `${where}: ${p}`)),
    ...checkProse(where, text, ws),
  ]);
}

const bp = loadBlueprint();
const configs = {
  'all six types': parseConfig({}, 'test', '2027-01-04'),
  'one type, a named team': parseConfig(
    {
      partnership_types: ['service-implementation'],
      team: [{ role: 'RevOps', name: 'Ines Duarte', email: 'ines@example.com' }],
    },
    'test',
    '2027-01-04',
  ),
};
const ws = compile(bp, configs['all six types']);

/** The blueprint with its sync map changed by `edit` (the words are generated again from it on compile). */
function withMap(edit: (sync: Blueprint['sync']) => void): Blueprint {
  const sync = structuredClone(bp.sync);
  edit(sync);
  return { ...bp, sync };
}

describe('the promise denylist', () => {
  it('catches the phrases it is for, and leaves partner meetings called a sync alone', () => {
    expect(promisesIn('Score and Rank come back from the Partner Scoring sheet.')).not.toEqual([]);
    expect(promisesIn('The sync carries ratings to Sheets.')).not.toEqual([]);
    expect(promisesIn('Monthly partner metrics synced from Notion.')).not.toEqual([]);
    expect(promisesIn('Checked after the next sync.')).not.toEqual([]);
    expect(promisesIn('and the sync writes them back to Notion')).not.toEqual([]);
    expect(promisesIn('Every value the Notion sync kept or overwrote.')).not.toEqual([]);
    expect(promisesIn('A 30-minute weekly pipeline sync between the Partner Managers')).toEqual([]);
    expect(promisesIn('Keep the ACE or Partner Center sync running.')).toEqual([]);
    expect(promisesIn('Type the rows in, or paste them from a CSV export of the database.')).toEqual([]);
  });
});

describe('what the install says about the sync', () => {
  for (const [name, config] of Object.entries(configs)) {
    it(`every line, description and page agrees with the sync map, field by field (${name})`, () => {
      const compiled = compile(bp, config);
      expect(syncProblems(compiled)).toEqual([]);
      // It does promise the sync: the checks above had something to check.
      const claims = installedText(compiled).flatMap(({ text }) => claimsIn(text, compiled));
      expect(new Set(claims.map((c) => `${c.database} → ${c.tab}`)).size).toBe(compiled.sync.length);
    });
  }

  it('describes every synced table where people look: the Start tab, its database, the hub and the pages', () => {
    const start = ws.workbook.tabs.find((t) => t.key === 'start')!;
    const cellAt = (row: number, col: number) =>
      String(start.cells.find((c) => c.row === row && c.col === col)?.value ?? '');
    const hubExport = [...notionExportFiles(ws)].find(([path]) => !path.includes('/'))![1];
    for (const mapping of ws.sync) {
      const db = ws.databases.find((d) => d.key === mapping.notion)!;
      const tab = ws.workbook.tabs.find((t) => t.key === mapping.sheet)!;
      const claimOf = (text: string) =>
        claimsIn(text, ws).find((c) => c.database === db.title && c.tab === tab.name);
      const startRow = start.cells.find((c) => c.col === 1 && c.value === tab.name)?.row;
      expect(startRow, `${tab.name} has a row on the Start tab`).toBeDefined();
      expect(claimOf(cellAt(startRow!, 2)), `Start tab, ${tab.name}`).toBeDefined();
      expect(claimOf(db.description), `${db.title} description`).toBeDefined();
      // Notion keeps the first 2,000 characters of a description's text: the whole line must fit.
      expect(db.description.length, `${db.title} description`).toBeLessThanOrEqual(2000);
      expect(claimOf(ws.hub.markdown), 'hub').toBeDefined();
      expect(claimOf(hubExport), 'hub in the local export').toBeDefined();
      // The workspace's own record of the line is the one the hub shows.
      expect(ws.syncText.find((t) => t.tab === mapping.sheet)?.text).toContain(
        claimOf(ws.hub.markdown)!.text,
      );
    }
    const pages = ws.pages.map((p) => p.markdown).join('\n');
    for (const tab of ['partner_scoring', 'pbrs', 'referrals', 'metrics', 'icp_analysis', 'roadmap'])
      expect(claimsIn(pages, ws).map((c) => c.tab)).toContain(
        ws.workbook.tabs.find((t) => t.key === tab)!.name,
      );
  });

  it('no longer says the old way: nothing written to the Sync Log, scores copied by hand, rows typed in', () => {
    const all = installedText(ws)
      .map((t) => t.text)
      .join('\n');
    expect(all).not.toMatch(/nothing writes here today/);
    expect(all).not.toMatch(/Copy those three onto/);
    expect(all).not.toMatch(/copied onto the partner's row/);
    expect(all).not.toMatch(/typed or pasted into the workbook's Metrics tab/);
    expect(all).not.toMatch(/Copy the Score and Recommendation onto the Partners row/);
  });
});

describe('the check has teeth', () => {
  it('fails a line that lists a field on the wrong side, leaves one out, or pairs tables the map does not', () => {
    const line = ws.syncText.find((t) => t.tab === 'partner_scoring')!.text;
    const wrongSide = line.replace(', Stage,', ',').replace('Score, Rank', 'Stage, Score, Rank');
    expect(checkClaim(claimsIn(wrongSide, ws)[0]!, ws)).not.toEqual([]);
    const leftOut = line.replace('Score, Rank and Recommendation are', 'Score and Rank are');
    expect(checkClaim(claimsIn(leftOut, ws)[0]!, ws)).not.toEqual([]);
    const notPaired = line.replace('Partners → Partner Scoring', 'Term Sheets → Partner Scoring');
    expect(checkClaim(claimsIn(notPaired, ws)[0]!, ws)).not.toEqual([]);
    expect(checkClaim(claimsIn(line, ws)[0]!, ws)).toEqual([]);
  });

  it('fails hand-written text that says what the sync does not do, or asks for a copy the sync makes', () => {
    const bad = [
      "Score, rank and recommendation are computed on the workbook's Partner Scoring tab and copied onto the partner's row after each scoring round.",
      'Then type or paste the same accounts into the **ICP Analysis** tab of the workbook.',
      'Copy the Score and Recommendation onto the Partners row the same day.',
      'The sync writes Stage back onto each Partners row.',
      'The sync carries Lightning round to the workbook.',
      'Partners → Partner Scoring: Partner flows from Notion to the workbook, and more.',
    ];
    for (const text of bad) expect(checkProse('test', text, ws), text).not.toEqual([]);
    expect(
      checkProse('test', 'The sync writes Score, Rank and Recommendation back onto each Partners row.', ws),
    ).toEqual([]);
  });

  it('fails the installed text when the map changes under it: a field given to the other side', () => {
    // Score becomes a field typed in Notion: the generated lines follow, but the pages that say the
    // workbook writes Score back (the scoring guide, the performance-tracking routine) no longer hold.
    const changed = compile(
      withMap((sync) => {
        const partners = sync.mappings.find((m) => m.notion === 'db.partners')!;
        const score = partners.fields.find((f) => 'notion' in f && f.notion === 'score')!;
        score.owner = 'notion';
      }),
      configs['all six types'],
    );
    expect(syncProblems(changed).join('\n')).toMatch(/Score comes back to Notion, but Notion owns it/);
  });

  it('fails the installed text when the map drops a field the pages still promise', () => {
    const changed = compile(
      withMap((sync) => {
        const pbrs = sync.mappings.find((m) => m.notion === 'db.pbrs')!;
        pbrs.fields = pbrs.fields.filter((f) => !('notion' in f) || f.notion !== 'scoreboard');
      }),
      configs['all six types'],
    );
    expect(syncProblems(changed).join('\n')).toMatch(/Overall scoreboard, which the map does not sync/);
  });
});
