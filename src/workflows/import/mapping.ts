// Which column holds which candidate field (pure): header aliases of CRM and LinkedIn exports, then `--map col=field` overrides.
import { PnError } from '../../platform/errors.js';

export const IMPORT_FIELDS = [
  'name',
  'website',
  'type',
  'channel',
  'contact',
  'first_name',
  'last_name',
  'email',
  'notes',
  'segment',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/**
 * Header names each field is recognized by, compared lowercased without spaces or punctuation, in order of
 * preference. `Name` alone is the company when no column says Company/Account, else the contact person.
 */
export const HEADER_ALIASES: Record<ImportField, readonly string[]> = {
  name: [
    'Company',
    'Company name',
    'Account name',
    'Account',
    'Organization',
    'Organisation',
    'Organization name',
    'Partner',
    'Partner name',
    'Name',
  ],
  website: [
    'Website',
    'Company website',
    'Website URL',
    'Domain',
    'Company domain',
    'Company domain name',
    'URL',
    'Company URL',
    'Homepage',
    'Web',
  ],
  type: ['Partnership type', 'Partner type', 'Type'],
  channel: ['Sourcing channel', 'Channel', 'Source', 'Lead source'],
  contact: ['Primary contact', 'Contact', 'Contact name', 'Full name', 'Name'],
  first_name: ['First name', 'Given name'],
  last_name: ['Last name', 'Surname', 'Family name'],
  email: ['Contact email', 'Email', 'Email address', 'E-mail', 'Work email'],
  notes: ['Notes', 'Note', 'Description', 'Comments'],
  segment: ['Company type', 'Segment', 'Category', 'Partner category'],
};

/** The order fields pick their column: the company name first, so `Name` goes to it before the contact. */
const PICK_ORDER: readonly ImportField[] = [
  'name',
  'website',
  'type',
  'channel',
  'email',
  'notes',
  'segment',
  'first_name',
  'last_name',
  'contact',
];

export const headerKey = (header: string) =>
  header
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

export interface MapOverride {
  column: string;
  /** Null: `--map col=ignore`, the column is read by nothing. */
  field: ImportField | null;
}

/** `--map "Org=name"` values; the last `=` splits, so a column name may hold one. */
export function parseMapOverrides(values: readonly string[]): MapOverride[] {
  return values.map((raw) => {
    const at = raw.lastIndexOf('=');
    const column = at > 0 ? raw.slice(0, at).trim() : '';
    const field = at > 0 ? raw.slice(at + 1).trim() : '';
    if (!column)
      throw new PnError('USAGE', `--map "${raw}" is not COLUMN=FIELD`, {
        hint: `e.g. --map "Org=name"; the fields are ${IMPORT_FIELDS.join(', ')}, or ignore`,
      });
    if (field === 'ignore' || field === '') return { column, field: null };
    const known = IMPORT_FIELDS.find((f) => f === field.toLowerCase().replace(/[\s-]+/g, '_'));
    if (!known)
      throw new PnError('USAGE', `--map "${raw}": "${field}" is not a field`, {
        hint: `the fields are ${IMPORT_FIELDS.join(', ')}, or ignore`,
      });
    return { column, field: known };
  });
}

export interface ColumnMap {
  /** The column index each mapped field reads. */
  byField: Partial<Record<ImportField, number>>;
  /** Each mapped column and its field, in the file's order. */
  mapped: { column: string; field: ImportField }[];
  /** Columns nothing reads (listed in the report; `--map col=field` puts one to use). */
  unused: string[];
}

const columnLabel = (header: readonly string[], i: number) => header[i] || `(column ${i + 1})`;

/** Maps the header: overrides first (exact name, else the same name ignoring case and punctuation), then aliases. */
export function mapColumns(
  header: readonly string[],
  overrides: readonly MapOverride[],
  file: string,
): ColumnMap {
  const taken = new Map<number, ImportField | null>();
  const byField: ColumnMap['byField'] = {};
  for (const o of overrides) {
    let index = header.indexOf(o.column);
    if (index < 0) index = header.findIndex((h) => headerKey(h) === headerKey(o.column));
    if (index < 0)
      throw new PnError(
        'USAGE',
        `--map "${o.column}=${o.field ?? 'ignore'}": ${file} has no column "${o.column}"`,
        {
          hint: `its columns are ${header.map((_, i) => columnLabel(header, i)).join(', ')}`,
        },
      );
    if (o.field && byField[o.field] !== undefined && byField[o.field] !== index)
      throw new PnError('USAGE', `--map gives the field ${o.field} two columns`, {
        hint: 'map each field once',
      });
    taken.set(index, o.field);
    if (o.field) byField[o.field] = index;
  }
  for (const field of PICK_ORDER) {
    if (byField[field] !== undefined) continue;
    for (const alias of HEADER_ALIASES[field]) {
      const index = header.findIndex(
        (h, i) => !taken.has(i) && h !== '' && headerKey(h) === headerKey(alias),
      );
      if (index >= 0) {
        taken.set(index, field);
        byField[field] = index;
        break;
      }
    }
  }
  if (byField.name === undefined)
    throw new PnError('INPUT_INVALID', `${file} has no column for the company name`, {
      hint: `name one Company, or map one: --map "Your column=name" (its columns: ${header.map((_, i) => columnLabel(header, i)).join(', ')})`,
    });
  const mapped = [...taken]
    .filter((e): e is [number, ImportField] => e[1] !== null)
    .sort((a, b) => a[0] - b[0])
    .map(([i, field]) => ({ column: columnLabel(header, i), field }));
  const unused = header.flatMap((h, i) => (taken.has(i) || h === '' ? [] : [h]));
  return { byField, mapped, unused };
}
