// The import's pure core: CSV shapes, header mapping, domain and name keys, row checks, dedupe rules, the IPP rule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { PnError } from '../../src/platform/errors.js';
import { decodeCsv, detectDelimiter, parseCsv } from '../../src/workflows/import/csv.js';
import { dedupe, knownPartner } from '../../src/workflows/import/dedupe.js';
import { ippVerdict } from '../../src/workflows/import/ipp.js';
import { mapColumns, parseMapOverrides } from '../../src/workflows/import/mapping.js';
import { matchOption, nameKey, normalizeWebsite } from '../../src/workflows/import/normalize.js';
import { textItems } from '../../src/workflows/import/notion.js';
import { planImport, prepareFile } from '../../src/workflows/import/plan.js';
import { importSchema } from '../../src/workflows/import/schema.js';
import type { Candidate } from '../../src/workflows/import/validate.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/import');
const schema = importSchema(compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04')));
const prepare = (text: string | Uint8Array, map: string[] = []) =>
  prepareFile(
    typeof text === 'string' ? Buffer.from(text) : text,
    'list.csv',
    parseMapOverrides(map),
    schema,
  );

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof PnError ? `${error.code}: ${error.message}` : String(error);
  }
  return 'no error';
}

describe('CSV shapes real exports have', () => {
  it('reads a BOM, CRLF, semicolons and quoted line breaks, with each row numbered by the line it starts on', () => {
    const prepared = prepare(readFileSync(join(FIXTURES, 'crm-export.csv')));
    expect(prepared.delimiter).toBe(';');
    expect(prepared.columns.mapped.map((m) => `${m.column}=${m.field}`)).toEqual([
      'Account Name=name',
      'Company Website=website',
      'Type=type',
      'Lead Source=channel',
      'Contact=contact',
      'Email=email',
      'Description=notes',
    ]);
    expect(prepared.columns.unused).toEqual(['Account Owner']);
    const [northwind, larkspur, quill] = prepared.candidates;
    // The BOM is not part of the first header (else "Account Name" would not map).
    expect(northwind!.name).toBe('Northwind Advisory LLC');
    expect(northwind!.line).toBe(2);
    expect(northwind!.notes).toBe('Met at SaaStr.\nWants a referral deck; call back in Q2.');
    expect(larkspur!.line).toBe(4); // the quoted note of line 2 spans lines 2–3
    expect(larkspur!.contact).toBe('Lee, Kim');
    expect(larkspur!.type).toBe('Co-Sell');
    expect(larkspur!.channel).toBe('Business databases');
    expect(quill!.name).toBe('Quill; Feather Media');
    expect(quill!.notes).toBe('Line one\n\nLine three');
    expect(prepared.rejected).toEqual([]);
  });

  it('detects the delimiter from the header line only, outside quotes', () => {
    expect(detectDelimiter('a;b;c\n1,2,3,4,5')).toBe(';');
    expect(detectDelimiter('"x,y";b;c\n')).toBe(';');
    expect(detectDelimiter('a,b\n')).toBe(',');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
  });

  it('decodes UTF-16 with its BOM and refuses text that is not UTF-8', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('Company\nMüller GmbH\n', 'utf16le'),
    ]);
    expect(decodeCsv(utf16, 'x.csv')).toBe('Company\nMüller GmbH\n');
    const latin1 = Buffer.from('Company\nM\xfcller\n', 'latin1');
    expect(code(() => decodeCsv(latin1, 'x.csv'))).toBe('INPUT_INVALID: x.csv is not UTF-8 text');
  });

  it('names the line of a quote that is never closed, and refuses an empty file', () => {
    expect(code(() => parseCsv('Company\nAcme\n"Open\n', 'x.csv'))).toBe(
      'INPUT_INVALID: x.csv line 3: a quoted value is never closed',
    );
    expect(code(() => parseCsv('\n\n', 'x.csv'))).toMatch(/^INPUT_INVALID: x.csv is empty/);
  });

  it('finds the header below a LinkedIn preamble; the profile URL is no website, so rows dedupe by name', () => {
    const prepared = prepare(readFileSync(join(FIXTURES, 'linkedin-connections.csv')));
    expect(prepared.columns.byField.name).toBe(4);
    expect(prepared.candidates.map((c) => [c.line, c.name, c.contact, c.email, c.domain])).toEqual([
      [5, 'Brightwater Partners', 'Ana Silva', 'ana@brightwater.partners', null],
      [6, 'Copperline Consulting', 'Ben Okafor', '', null],
    ]);
    expect(prepared.warnings.map((w) => w.line)).toEqual([5, 6]);
    expect(prepared.warnings[0]!.message).toContain('linkedin.com profile');
  });
});

describe('header mapping', () => {
  it('takes "Name" as the company when nothing else is, else as the contact', () => {
    expect(mapColumns(['Name', 'Website'], [], 'x').byField).toEqual({ name: 0, website: 1 });
    expect(mapColumns(['Name', 'Company'], [], 'x').byField).toEqual({ name: 1, contact: 0 });
    expect(
      mapColumns(['Company Name', 'Domain', 'Partner type', 'Channel', 'E-mail'], [], 'x').byField,
    ).toEqual({ name: 0, website: 1, type: 2, channel: 3, email: 4 });
  });

  it('applies --map overrides (by exact or loose column name) and ignore', () => {
    const map = mapColumns(
      ['Org', 'Type', 'Site'],
      parseMapOverrides(['org=name', 'Type=ignore', 'Site=website']),
      'x',
    );
    expect(map.byField).toEqual({ name: 0, website: 2 });
    expect(map.unused).toEqual([]);
    expect(code(() => mapColumns(['Org'], parseMapOverrides(['Nope=name']), 'x'))).toMatch(
      /^USAGE: --map "Nope=name": x has no column "Nope"/,
    );
    expect(code(() => parseMapOverrides(['Org=company']))).toBe(
      'USAGE: --map "Org=company": "company" is not a field',
    );
    expect(code(() => parseMapOverrides(['=name']))).toBe('USAGE: --map "=name" is not COLUMN=FIELD');
  });

  it('stops with the fix when no column holds the company name', () => {
    expect(code(() => prepare('Website,Email\nacme.com,a@acme.com\n'))).toBe(
      'INPUT_INVALID: list.csv has no column for the company name',
    );
  });
});

describe('normalized keys', () => {
  it('a website as its registrable domain: scheme, www, case, port and path dropped; public-suffix aware', () => {
    const domain = (raw: string) => {
      const r = normalizeWebsite(raw);
      return r.ok ? r.domain : `bad: ${r.reason}`;
    };
    expect(domain('HTTPS://WWW.Acme.co.uk/about')).toBe('acme.co.uk');
    expect(domain('acme.co.uk')).toBe('acme.co.uk');
    expect(domain('http://blog.acme.co.uk:8080/x?y#z')).toBe('acme.co.uk');
    expect(domain('https://münchen.de')).toBe(domain('xn--mnchen-3ya.de'));
    // Private suffixes: each name under github.io or myshopify.com is its own owner's site.
    expect(domain('acme.github.io')).toBe('acme.github.io');
    expect(domain('https://www.acme.myshopify.com')).toBe('acme.myshopify.com');
    expect(domain('not a url')).toMatch(/^bad: /);
    expect(domain('ftp://acme.com')).toMatch(/not an http/);
    expect(domain('https://10.0.0.1')).toMatch(/IP address/);
    expect(domain('intranet')).toMatch(/public domain suffix/);
    expect(domain('acme.local')).toMatch(/public domain suffix/);
    expect(normalizeWebsite('acme.com')).toEqual({ ok: true, url: 'https://acme.com', domain: 'acme.com' });
  });

  it('a company name without case, accents, punctuation or a trailing legal form', () => {
    expect(nameKey('Acme, Inc.')).toBe('acme');
    expect(nameKey('ACME  GmbH')).toBe('acme');
    expect(nameKey('Acme Pty Ltd')).toBe('acme');
    expect(nameKey('Müller & Co.')).toBe('muller');
    expect(nameKey('Acme Systems')).not.toBe(nameKey('Acme'));
    expect(nameKey('LLC')).toBe('llc');
    expect(nameKey('+++')).toBe('+++');
  });

  it('an option by its label or the method key, ignoring case and punctuation', () => {
    expect(matchOption('co-sell', schema.typeOptions)).toBe('Co-Sell');
    expect(matchOption('SERVICE / IMPLEMENTATION', schema.typeOptions)).toBe('Service/Implementation');
    expect(matchOption('Partner', schema.typeOptions)).toBeUndefined();
  });
});

describe('row checks', () => {
  it('rejects each kind of bad row with its line and reason, and keeps the good ones', () => {
    const prepared = prepare(
      [
        'Company,Website,Email,Partnership type,Sourcing channel',
        'Good Co,good.com,a@good.com,Referral,Search',
        ',nameless.com,,,',
        'Bad Url,http://exa mple.com,,,',
        'Bad Email,bademail.com,not-an-email,,',
        'Bad Type,badtype.com,,Reseller,',
        'Bad Channel,badchannel.com,,,Cold calling',
        'Two Bad,not a url,nope,,',
      ].join('\n'),
    );
    expect(prepared.candidates.map((c) => c.name)).toEqual(['Good Co']);
    expect(prepared.rejected.map((r) => [r.line, r.problems.map((p) => p.kind)])).toEqual([
      [3, ['missing-name']],
      [4, ['bad-url']],
      [5, ['bad-email']],
      [6, ['unknown-type']],
      [7, ['unknown-channel']],
      [8, ['bad-url', 'bad-email']],
    ]);
    expect(prepared.rejected[3]!.reason).toBe(
      'partnership type "Reseller" is not one of Referral, Affiliate, Co-Sell, Service/Implementation, Influencer, Marketplace',
    );
  });

  it('a type the config did not choose is unknown: the options come from the compiled workspace', () => {
    const narrow = importSchema(
      compile(loadBlueprint(), parseConfig({ partnership_types: ['referral'] }, 'test', '2027-01-04')),
    );
    const prepared = prepareFile(Buffer.from('Company,Type\nA,Referral\nB,Affiliate\n'), 'x.csv', [], narrow);
    expect(prepared.candidates.map((c) => c.name)).toEqual(['A']);
    expect(prepared.rejected[0]!.reason).toBe('partnership type "Affiliate" is not one of Referral');
  });

  it('a note over 200,000 characters cannot be kept whole in Notion and is rejected', () => {
    const prepared = prepare(`Company,Notes\nA,${'x'.repeat(200_001)}\nB,${'y'.repeat(3000)}\n`);
    expect(prepared.rejected.map((r) => r.problems[0]!.kind)).toEqual(['too-long']);
    expect(prepared.candidates[0]!.notes).toHaveLength(3000);
  });
});

const candidate = (line: number, name: string, website = ''): Candidate => {
  const site = website ? normalizeWebsite(website) : null;
  return {
    line,
    name,
    nameKey: nameKey(name),
    website: site?.ok ? site.url : null,
    domain: site?.ok ? site.domain : null,
    type: null,
    channel: null,
    contact: '',
    email: '',
    notes: '',
    segment: '',
  };
};

describe('dedupe rules', () => {
  const existing = [
    knownPartner('Acme', 'https://www.acme.com', 'page-acme'),
    knownPartner('Hand Typed Ltd', '', 'page-hand'),
  ];

  it('by domain first: another spelling of an existing website is a duplicate, whatever the name', () => {
    const { fresh, duplicates } = dedupe(
      [candidate(2, 'Acme Corporation EMEA', 'HTTP://ACME.COM/de/')],
      existing,
    );
    expect(fresh).toEqual([]);
    expect(duplicates).toEqual([
      {
        line: 2,
        name: 'Acme Corporation EMEA',
        rule: 'domain',
        key: 'acme.com',
        of: { existing: true, name: 'Acme', ref: 'page-acme' },
      },
    ]);
  });

  it('by name only without a domain: a row with no website matches a normalized name', () => {
    const { fresh, duplicates } = dedupe([candidate(2, 'ACME, Inc.'), candidate(3, 'hand typed')], existing);
    expect(fresh).toEqual([]);
    expect(duplicates.map((d) => [d.line, d.rule, d.key])).toEqual([
      [2, 'name', 'acme'],
      [3, 'name', 'hand typed'],
    ]);
  });

  it('the same name with different domains stays apart (from existing partners and from each other)', () => {
    const { fresh, duplicates } = dedupe(
      [candidate(2, 'Acme', 'acme.de'), candidate(3, 'Acme', 'acme.fr'), candidate(4, 'Acme', 'www.acme.fr')],
      existing,
    );
    expect(fresh.map((c) => c.line)).toEqual([2, 3]);
    expect(duplicates).toEqual([
      {
        line: 4,
        name: 'Acme',
        rule: 'domain',
        key: 'acme.fr',
        of: { existing: false, line: 3, name: 'Acme' },
      },
    ]);
  });

  it('a website row matches a partner typed without one by name (one side has no domain)', () => {
    const { duplicates } = dedupe([candidate(2, 'Hand Typed', 'handtyped.com')], existing);
    expect(duplicates.map((d) => [d.rule, d.of])).toEqual([
      ['name', { existing: true, name: 'Hand Typed Ltd', ref: 'page-hand' }],
    ]);
  });

  it('within the file the first row wins, by domain or by name', () => {
    const { fresh, duplicates } = dedupe(
      [
        candidate(2, 'Zeta', 'zeta.io'),
        candidate(3, 'Zeta Labs', 'https://www.zeta.io/x'),
        candidate(4, 'Omega'),
        candidate(5, 'OMEGA LLC'),
      ],
      [],
    );
    expect(fresh.map((c) => c.line)).toEqual([2, 4]);
    expect(duplicates.map((d) => [d.line, d.rule, d.of.existing ? null : d.of.line])).toEqual([
      [3, 'domain', 2],
      [5, 'name', 4],
    ]);
  });
});

describe('the IPP rule', () => {
  const entries = [
    { name: 'Accounting firms', inIpp: true, likelyType: 'Referral' },
    { name: 'Systems integrators', inIpp: true, likelyType: null },
    { name: 'Agencies', inIpp: false, likelyType: 'Affiliate' },
  ];

  it('matches a company type the profile keeps, when the types agree', () => {
    expect(ippVerdict({ segment: 'accounting FIRMS', type: 'Referral' }, entries).match).toBe(true);
    expect(ippVerdict({ segment: 'Accounting firms', type: null }, entries).match).toBe(true);
    expect(ippVerdict({ segment: 'Systems integrators', type: 'Co-Sell' }, entries).match).toBe(true);
  });

  it('does not match another type, an entry outside the profile, no company type or an empty profile', () => {
    expect(ippVerdict({ segment: 'Accounting firms', type: 'Affiliate' }, entries)).toEqual({
      match: false,
      reason: '"Accounting firms" is in the profile as Referral, but the row is Affiliate',
    });
    expect(ippVerdict({ segment: 'Agencies', type: 'Affiliate' }, entries).match).toBe(false);
    expect(ippVerdict({ segment: '', type: 'Referral' }, entries).match).toBe(false);
    expect(ippVerdict({ segment: 'Accounting firms', type: null }, []).reason).toMatch(/empty/);
  });

  it('flags the new partners of a plan', () => {
    const prepared = prepare('Company,Company type,Type\nA,Accounting firms,Referral\nB,Agencies,\n');
    const plan = planImport(prepared, [], entries);
    expect(plan.toCreate.map((c) => [c.name, c.ipp.match])).toEqual([
      ['A', true],
      ['B', false],
    ]);
    expect(plan.profileSize).toBe(2);
  });
});

describe('rich text', () => {
  it('splits long text into items of at most 2,000 characters that join back exactly, never inside an emoji', () => {
    const note = `${'a'.repeat(1999)}😀${'b'.repeat(1500)}`;
    const items = textItems(note);
    expect(items.map((i) => i.text.content).join('')).toBe(note);
    expect(items.every((i) => i.text.content.length <= 2000)).toBe(true);
    expect(items[0]!.text.content).toBe('a'.repeat(1999));
    expect(textItems('')).toEqual([]);
  });
});
