// The Recruiting kit pages as installed: each type's emails, pitch, invite and welcome pack, tags rendered, merge fields kept.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { kitMarkdown } from '../../src/blueprint/view.js';
import { parseConfig } from '../../src/config/load.js';
import { PARTNERSHIP_TYPE_NAMES, PARTNERSHIP_TYPES } from '../../src/domain/types.js';

const bp = loadBlueprint();
const config = parseConfig(
  {
    company: { name: 'Harbor & Finch' },
    team: [
      { role: 'Partner Manager', name: 'Dana Ortiz' },
      { role: 'Head of Partnerships', name: 'Sam Reyes' },
    ],
  },
  'test',
  '2027-01-04',
);
const ws = compile(bp, config);
const kitPage = (type: string) => ws.pages.find((p) => p.key === `page.recruiting-kit.${type}`);

/** Every string inside a value, depth first. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('kit text as a page shows it', () => {
  it('renders the kit tags from the config, keeps the merge fields and opens a list after a paragraph', () => {
    const out = kitMarkdown(
      'Hi {first_name} at {partner_company},\nAgenda:\n- one\n- two\n\n{{who.partner_manager}}\n{{company}}',
      config,
    );
    expect(out).toBe(
      'Hi {first_name} at {partner_company},\nAgenda:\n\n- one\n- two\n\nPartner Manager (Dana Ortiz)\nHarbor & Finch',
    );
    // Without a named person the role stands alone; HTML escaping stays off ("&" is not "&amp;").
    expect(kitMarkdown('{{who.head_of_partnerships}}', parseConfig({}, 'test', '2027-01-04'))).toBe(
      'Head of Partnerships',
    );
  });
});

describe('the Recruiting kit page of each type', () => {
  for (const type of PARTNERSHIP_TYPES) {
    const kit = bp.recruitingKits[type];
    const md = (text: string) => kitMarkdown(text, config);

    it(`${type}: has its three emails, the pitch, the invite and the welcome pack, with tags rendered and merge fields kept`, () => {
      const page = kitPage(type);
      expect(page?.title).toBe(`Recruiting kit — ${PARTNERSHIP_TYPE_NAMES[type]}`);
      const text = page!.markdown;
      kit.outreach.forEach((email, i) => {
        expect(text).toContain(
          `### Email ${i + 1} — day ${email.send_on_day}\n**Subject:** ${md(email.subject)}\n\n${md(email.body)}`,
        );
      });
      expect(text).toContain(`**${md(kit.pitch.headline)}**`);
      for (const section of kit.pitch.sections)
        expect(text).toContain(`### ${md(section.heading)}\n${md(section.text)}`);
      expect(text).toContain(`**Subject:** ${md(kit.discovery_invite.subject)}`);
      for (const item of kit.welcome_pack.first_week)
        expect(text).toContain(
          `- [ ] **Day ${item.day}:** ${md(item.task)} *Owner: ${item.owner === 'ours' ? 'Harbor & Finch' : 'You'}*`,
        );
      expect(text).toContain('| When you need | Who | How to reach them |');
      for (const row of kit.welcome_pack.who_to_call) {
        const who =
          row.role === 'Partner Manager'
            ? 'Partner Manager (Dana Ortiz)'
            : row.role === 'Head of Partnerships'
              ? 'Head of Partnerships (Sam Reyes)'
              : row.role;
        expect(text).toContain(`| ${md(row.need)} | ${who} | ${md(row.how)} |`);
      }
      // {{company}} and {{who.*}} are rendered, the recipient's merge fields are left for the email tool, and the
      // page says once what the braces are.
      expect(text).not.toMatch(/\{\{|\}\}/);
      expect(text).toContain('Harbor & Finch');
      const raw = strings(kit).join('\n');
      expect(count(raw, '{{company}}')).toBeGreaterThan(0);
      expect(count(raw, '{first_name}')).toBeGreaterThan(0);
      expect(count(text, '{first_name}')).toBe(count(raw, '{first_name}') + 1);
      expect(count(text, '{partner_company}')).toBe(count(raw, '{partner_company}') + 1);
      expect(text).toContain('are merge fields: your email tool fills them in');
    });

    it(`${type}: uses only the dollar amounts and percentages its type's profile states, and no research notes`, () => {
      const profile = strings(bp.types[type]).join('\n');
      const copy = strings(kit).join('\n');
      const figures = [...copy.matchAll(/\$\d+(?:[,.]\d+)*[KM]?|\b\d+(?:\.\d+)?%/g)].map((m) => m[0]);
      expect(figures.filter((f) => !profile.includes(f))).toEqual([]);
      expect(copy).not.toMatch(/benchmark|§|\[[MSW][\],\s]|House default|market range/i);
    });
  }

  it('points partners to the form view on Referrals, whose questions are its columns', () => {
    const referrals = ws.databases.find((d) => d.key === 'db.referrals')!;
    const form = referrals.views.find((v) => v.type === 'form');
    expect(form?.name).toBe('Submit a lead or opportunity');
    const columns = referrals.properties
      .filter((p) => p.type !== 'formula' && p.type !== 'rollup')
      .map((p) => p.name)
      .join(', ');
    expect(columns).toContain('Prospect');
    for (const type of PARTNERSHIP_TYPES) {
      const text = kitPage(type)!.markdown;
      expect(text).toContain(`## 5. Where partners submit a lead or opportunity`);
      expect(text).toContain('**Submit a lead or opportunity**, a form view of the **Referrals** database');
      expect(text).toContain(`Its questions are the Referrals database's own columns: ${columns}.`);
      expect(text).toContain('the import cannot create a form');
    }
    // The local export cannot make the form: its setup checklist asks for it by name.
    expect(ws.manualSteps.map((s) => s.step)).toContain(
      'Notion: in Referrals, add a form view "Submit a lead or opportunity".',
    );
  });

  it('renders only the chosen types’ kits, and the SOP sends people to them', () => {
    const coSell = compile(bp, parseConfig({ partnership_types: ['co-sell'] }, 'test', '2027-01-04'));
    const kits = coSell.pages.filter((p) => p.templateKey === 'recruiting-kit');
    expect(kits.map((p) => p.type)).toEqual(['co-sell']);
    expect(kits[0]!.markdown).not.toContain(bp.recruitingKits.referral.outreach[0]!.subject);
    const sop = coSell.pages.find((p) => p.templateKey === 'recruitment-sop')!;
    expect(sop.markdown).toContain('are already written, on the **Recruiting kit — Co-Sell** page');
    expect(sop.markdown).not.toMatch(/^- \[ \]/m);
  });
});
