// The recruiting-kit loader: every type needs a kit in the shape CONTENT-SPEC.md gives, or loading stops with file and path.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_TAGS, recruitingKitSchema, wordCount } from '../../src/blueprint/content-schema.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { PARTNERSHIP_TYPES } from '../../src/domain/types.js';
import type { PnError } from '../../src/platform/errors.js';
import { editedTemplates } from '../helpers.js';

const KIT = 'recruiting-kits/referral.yaml';

function loadError(dir: string): PnError {
  try {
    loadBlueprint(dir);
  } catch (error) {
    return error as PnError;
  }
  throw new Error('expected the blueprint to be rejected');
}

describe('recruiting kits', () => {
  it('loads one kit for each of the six types, each naming its own type', () => {
    const bp = loadBlueprint();
    expect(Object.keys(bp.recruitingKits).sort()).toEqual([...PARTNERSHIP_TYPES].sort());
    for (const type of PARTNERSHIP_TYPES) {
      const kit = bp.recruitingKits[type];
      expect(kit.type).toBe(type);
      expect(kit.outreach).toHaveLength(3);
      expect(kit.outreach[0]!.send_on_day).toBe(0);
    }
  });

  it('counts words as a reader does: tags and merge fields are words, list markers and dashes are not', () => {
    expect(wordCount('Hi {first_name}, welcome to {{company}}.')).toBe(5);
    expect(wordCount('- one\n- two — three')).toBe(3);
    expect(wordCount('  ')).toBe(0);
  });

  it.each([
    [
      'a sequence of two emails',
      (t: string) => t.replace(/ {2}- send_on_day: 10\n[\s\S]*?(?=^pitch:)/m, ''),
      `${KIT}: outreach: must have exactly 3 emails`,
    ],
    [
      'a pitch over one page',
      (t: string) => t.replace('headline: Introduce', `headline: ${'Really '.repeat(100)}introduce`),
      `${KIT}: pitch: must be at most 450 words in all, to fit one page (has 477)`,
    ],
    [
      'a pitch with three sections',
      (t: string) =>
        t.replace(/ {4}- heading: How your claim is protected\n[\s\S]*?(?=^discovery_invite:)/m, ''),
      `${KIT}: pitch.sections: needs at least 4 sections`,
    ],
    [
      'a tag the install does not fill',
      (t: string) => t.replace('So {{company}} now runs', 'So {{company_name}} now runs'),
      `${KIT}: outreach.0.body: uses {{company_name}}: kit text may use only`,
    ],
    [
      'a bracket placeholder',
      (t: string) => t.replace('Hi {first_name},', 'Hi [first name],'),
      `${KIT}: outreach.0.body: has a stray "["`,
    ],
    [
      'a merge field the email tool does not know',
      (t: string) => t.replace('Hi {first_name},', 'Hi {firstName},'),
      `${KIT}: outreach.0.body: has a stray "{"`,
    ],
    [
      'an email over 170 words',
      (t: string) => t.replace('Last note from me.', `Last note from me. ${'Truly '.repeat(60)}`),
      `${KIT}: outreach.2.body: must be 70–170 words (has 191)`,
    ],
    [
      'a discovery invite without its agenda',
      (t: string) => t.replace(/^ {4}- (\d+ min:)/gm, '    $1'),
      `${KIT}: discovery_invite.body: needs an agenda of 3–4 list items`,
    ],
    [
      'a first-week day outside the working week',
      (t: string) => t.replace('    - day: 5\n', '    - day: 6\n'),
      `${KIT}: welcome_pack.first_week.6.day`,
    ],
    [
      'a who-to-call role outside the vocabulary',
      (t: string) => t.replace('role: Finance/CFO', 'role: Accounts payable'),
      `${KIT}: welcome_pack.who_to_call.3.role`,
    ],
    [
      'a kit filed under another type',
      (t: string) => t.replace('type: referral', 'type: affiliate'),
      `${KIT}: type: is "affiliate" but the file is named for "referral"`,
    ],
  ])('rejects %s, naming file and path', (_label, edit, fragment) => {
    const error = loadError(editedTemplates({ [KIT]: edit }));
    expect(error.code).toBe('BLUEPRINT_INVALID');
    expect(error.oneLine()).toContain(fragment);
    expect(error.oneLine()).not.toContain('\n');
  });

  it('requires a kit for every type: a missing file stops the load', () => {
    const dir = editedTemplates({});
    rmSync(join(dir, 'recruiting-kits/marketplace.yaml'));
    const error = loadError(dir);
    expect(error.code).toBe('BLUEPRINT_INVALID');
    expect(error.oneLine()).toContain('recruiting-kits/marketplace.yaml: is missing or unreadable');
  });

  it('accepts exactly the tags and merge fields the kit shape allows', () => {
    const kit = loadBlueprint().recruitingKits.referral;
    const withBody = (body: string) => ({
      ...kit,
      outreach: kit.outreach.map((e, i) => (i === 0 ? { ...e, body: `${body} ${e.body}` } : e)),
    });
    for (const tag of KIT_TAGS)
      expect(recruitingKitSchema.safeParse(withBody(`{{${tag}}}`)).success).toBe(true);
    expect(recruitingKitSchema.safeParse(withBody('{partner_company}')).success).toBe(true);
    expect(recruitingKitSchema.safeParse(withBody('{{#company}}x{{/company}}')).success).toBe(false);
    expect(recruitingKitSchema.safeParse(withBody('{{who.cro}}')).success).toBe(false);
    expect(recruitingKitSchema.safeParse(withBody('{company}')).success).toBe(false);
  });
});
