// Names from `init --person`: wherever the install assigns work to one of our roles, it shows "Role (Name)"
// when the config names someone for the role, and the role alone when it does not.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { peopleView, roleKey, roleLabel } from '../../src/blueprint/people.js';
import { parseConfig } from '../../src/config/load.js';
import { ROLES, type Role } from '../../src/domain/types.js';
import { notionExportFiles } from '../../src/targets/local/notion-export.js';

const bp = loadBlueprint();
const NAMES: Record<Role, string> = {
  CRO: 'Ana Ruiz',
  'Head of Partnerships': 'Dana Ortiz',
  'Partner Manager': 'Sam Lee',
  'Sales Leader': 'Priya Nair',
  Marketing: 'Tom Becker',
  'CS/Services': 'Lena Fischer',
  'Finance/CFO': 'Omar Haddad',
  RevOps: 'Ines Duarte',
};
const named = compile(
  bp,
  parseConfig(
    { team: ROLES.map((role) => ({ role, name: NAMES[role], email: `${roleKey(role)}@example.com` })) },
    'test',
    '2027-01-04',
  ),
);
const unnamed = compile(bp, parseConfig({}, 'test', '2027-01-04'));
const label = (role: Role) => `${role} (${NAMES[role]})`;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const ROLE = new RegExp(`(${ROLES.map(escapeRegex).join('|')})`, 'g');
/** Each mention of a role in `text`, with what follows it. */
const mentions = (text: string) =>
  [...text.matchAll(ROLE)].map((m) => ({ role: m[1] as Role, after: text.slice(m.index + m[1]!.length) }));

/** Every Markdown body the install writes, including the local export's hub. */
function bodies(ws: DesiredWorkspace): { where: string; markdown: string }[] {
  return [
    { where: 'hub', markdown: ws.hub.markdown },
    ...ws.pages.map((p) => ({ where: p.key, markdown: p.markdown })),
    ...ws.databases.flatMap((db) =>
      db.rows.filter((r) => r.markdown).map((r) => ({ where: r.key, markdown: r.markdown })),
    ),
    ...[...notionExportFiles(ws)]
      .filter(([path]) => path.endsWith('.md'))
      .map(([path, markdown]) => ({ where: path, markdown })),
  ];
}

const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

/**
 * The places a page assigns work to a role: **Owner:** and **Who:** lines, RACI lines of roadmap pages, and
 * table cells that are a role (or a role then a comma). Each yields the mentions found there.
 */
function assignments(ws: DesiredWorkspace): { where: string; text: string; role: Role; after: string }[] {
  const found: { where: string; text: string; role: Role; after: string }[] = [];
  for (const { where, markdown } of bodies(ws)) {
    for (const line of markdown.split('\n')) {
      if (
        /^\*\*(Who|Owner)[^*]*:\*\*/.test(line) ||
        /^- (Responsible|Accountable|Consulted|Informed):/.test(line)
      ) {
        for (const m of mentions(line)) found.push({ where, text: line, ...m });
        continue;
      }
      if (!line.startsWith('|')) continue;
      const cells = cellsOf(line);
      cells.forEach((cell, i) => {
        const m = mentions(cell)[0];
        if (!m || !cell.startsWith(m.role)) return;
        const rest = cell.slice(m.role.length);
        if (rest !== '' && !rest.startsWith(',') && !rest.startsWith(' (') && !rest.startsWith(' approves'))
          return;
        // A role with its person in the next column (the Named owners and Ratification tables) is named already.
        if (rest === '' && cells[i + 1] === (ws.config.team.find((t) => t.role === m.role)?.name ?? '§'))
          return;
        found.push({ where, text: cell, ...m });
      });
    }
  }
  return found;
}

describe('roleLabel and the page view', () => {
  it('formats a role with its people, or alone', () => {
    const team = [
      { role: 'Partner Manager' as const, name: 'Sam Lee' },
      { role: 'Partner Manager' as const, name: 'Kim Ode' },
      { role: 'CRO' as const },
    ];
    // Labels are Notion select options too, which may hold no comma.
    expect(roleLabel('Partner Manager', team)).toBe('Partner Manager (Sam Lee & Kim Ode)');
    expect(roleLabel('CRO', [{ role: 'CRO', name: 'Ruiz, Ana' }])).toBe('CRO (Ruiz Ana)');
    expect(roleLabel('CRO', team)).toBe('CRO');
    expect(roleKey('CS/Services')).toBe('cs_services');
    expect(roleKey('Head of Partnerships')).toBe('head_of_partnerships');
    const view = peopleView(team);
    expect(view.who.partner_manager).toBe('Partner Manager (Sam Lee & Kim Ode)');
    expect(view.names.cro).toBe('');
    expect(Object.keys(view.who)).toHaveLength(ROLES.length);
  });
});

describe('with a person named for every role', () => {
  it('names the responsible and accountable person on every QLP Roadmap row, and offers the labels as options', () => {
    const roadmap = named.databases.find((d) => d.key === 'db.roadmap')!;
    for (const row of roadmap.rows) {
      const entry = bp.roadmap.find((e) => row.key === `row.roadmap.${e.key}`)!;
      expect(row.values.responsible).toEqual({ kind: 'select', value: label(entry.raci.responsible) });
      expect(row.values.accountable).toEqual({ kind: 'select', value: label(entry.raci.accountable) });
      expect(row.markdown).toContain(`**Responsible:** ${label(entry.raci.responsible)}.`);
      expect(row.markdown).toContain(`- Responsible: ${label(entry.raci.responsible)}`);
      for (const role of entry.raci.consulted) expect(row.markdown).toContain(label(role));
      for (const role of entry.raci.informed) expect(row.markdown).toContain(label(role));
    }
    for (const [dbKey, prop] of [
      ['db.roadmap', 'responsible'],
      ['db.roadmap', 'accountable'],
      ['db.todos', 'owner_role'],
    ] as const) {
      const p = named.databases.find((d) => d.key === dbKey)!.properties.find((x) => x.key === prop)!;
      expect('options' in p && p.options).toEqual(ROLES.map(label));
    }
  });

  it('names them in the hub roadmap table, both in Notion and in the local export', () => {
    const exportHub = [...notionExportFiles(named)].find(([path]) => !path.includes('/'))![1];
    for (const hub of [named.hub.markdown, exportHub]) {
      const rows = hub.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Step'));
      expect(rows.length).toBeGreaterThanOrEqual(15);
      for (const row of rows) expect(cellsOf(row)[1]).toMatch(/^[^(]+ \([A-Z][a-z]+ [A-Z][a-z]+\)$/);
    }
  });

  it('names them in RACI tables, the team tables, the escalation path and the 90-day milestone owners', () => {
    const page = (key: string) => named.pages.find((p) => p.key === key)!.markdown;
    expect(page('page.internal-alignment')).toContain(`| Activity | ${ROLES.map(label).join(' | ')} |`);
    const coSell = bp.types['co-sell'];
    for (const pair of coSell.launch.role_pairing) {
      expect(page('page.term-sheet-notes.co-sell')).toContain(`| ${label(pair.ours)} | ${pair.theirs} |`);
      expect(page('page.first-90-days.co-sell')).toContain(`| ${label(pair.ours)} | ${pair.theirs} |`);
    }
    for (const phase of coSell.launch.phases)
      for (const m of phase.milestones)
        expect(page('page.first-90-days.co-sell')).toContain(
          `| ${m.day} | ${m.title} | ${label(m.owner_role)} |`,
        );
    for (const [i, rung] of coSell.launch.escalation.entries())
      expect(page('page.first-90-days.co-sell')).toContain(
        `| ${i + 1} | ${label(rung.ours)} | ${roleKey(rung.ours)}@example.com | ${rung.theirs} | ${rung.when} |`,
      );
    expect(page('page.strategic-partnering-plan')).toContain('| Finance/CFO | Omar Haddad |');
  });

  it('shows the name at every place a page assigns work to one of our roles', () => {
    const found = assignments(named);
    expect(found.length).toBeGreaterThan(100);
    const bare = found
      .filter((f) => !f.after.startsWith(` (${NAMES[f.role]})`))
      .map((f) => `${f.where}: "${f.text.slice(0, 90)}" names ${f.role} without ${NAMES[f.role]}`);
    expect(bare).toEqual([]);
  });
});

describe('with nobody named', () => {
  it('shows each role alone, everywhere the named install shows a name', () => {
    const found = assignments(unnamed);
    expect(found.length).toBeGreaterThan(100);
    const withParens = found.filter((f) => /^ \([A-Z][a-z]+ [A-Z][a-z]+\)/.test(f.after));
    expect(withParens).toEqual([]);
    const roadmap = unnamed.databases.find((d) => d.key === 'db.roadmap')!;
    for (const row of roadmap.rows)
      expect(ROLES).toContain((row.values.responsible as { value: string }).value as Role);
    const p = roadmap.properties.find((x) => x.key === 'responsible')!;
    expect('options' in p && p.options).toEqual([...ROLES]);
  });
});
