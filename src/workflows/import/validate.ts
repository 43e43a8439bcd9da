// One CSV record as a candidate partner, or the reasons it is rejected (pure): name, website, email, type, channel, lengths.
import { PARTNERSHIP_TYPE_NAMES, SOURCING_CHANNEL_NAMES } from '../../domain/types.js';
import type { CsvRow } from './csv.js';
import type { ColumnMap, ImportField } from './mapping.js';
import { isEmail, matchOption, nameKey, normalizeWebsite } from './normalize.js';
import type { ImportSchema } from './schema.js';

/** Notion keeps at most 100 text items of 2,000 characters in one property. */
export const MAX_TEXT_LENGTH = 200_000;

export interface Candidate {
  line: number;
  /** The company name exactly as written (only line breaks become spaces). */
  name: string;
  nameKey: string;
  website: string | null;
  domain: string | null;
  type: string | null;
  channel: string | null;
  contact: string;
  email: string;
  notes: string;
  /** The company type the row names (for the Ideal Partner Profile), as written. */
  segment: string;
}

export type ProblemKind =
  | 'missing-name'
  | 'bad-url'
  | 'bad-email'
  | 'unknown-type'
  | 'unknown-channel'
  | 'too-long';

export interface Rejected {
  line: number;
  name: string;
  problems: { kind: ProblemKind; message: string }[];
  /** The problems as one sentence. */
  reason: string;
}

export interface RowWarning {
  line: number;
  message: string;
}

export type RowResult =
  | { ok: true; candidate: Candidate; warnings: RowWarning[] }
  | { ok: false; rejected: Rejected };

const listOf = (options: readonly string[]) => (options.length ? options.join(', ') : '(none)');

export function validateRow(row: CsvRow, columns: ColumnMap, schema: ImportSchema): RowResult {
  const cell = (field: ImportField) => {
    const i = columns.byField[field];
    return i === undefined ? '' : (row.cells[i] ?? '').trim();
  };
  const problems: Rejected['problems'] = [];
  const warnings: RowWarning[] = [];
  const name = cell('name').replace(/\s*\n\s*/g, ' ');
  if (!name) problems.push({ kind: 'missing-name', message: 'the company name is empty' });

  let website: string | null = null;
  let domain: string | null = null;
  const rawSite = cell('website');
  if (rawSite) {
    const site = normalizeWebsite(rawSite);
    if (!site.ok) problems.push({ kind: 'bad-url', message: site.reason });
    else if (site.url === null)
      warnings.push({
        line: row.line,
        message: `"${rawSite}" is a ${site.profile} profile, not a company website: left out, so the row is matched by name`,
      });
    else {
      website = site.url;
      domain = site.domain;
    }
  }

  const email = cell('email');
  if (email && !isEmail(email))
    problems.push({ kind: 'bad-email', message: `email "${email}" is not an email address` });

  const rawType = cell('type');
  const type = rawType ? matchOption(rawType, schema.typeOptions, PARTNERSHIP_TYPE_NAMES) : undefined;
  if (rawType && !type)
    problems.push({
      kind: 'unknown-type',
      message: `partnership type "${rawType}" is not one of ${listOf(schema.typeOptions)}`,
    });
  const rawChannel = cell('channel');
  const channel = rawChannel
    ? matchOption(rawChannel, schema.channelOptions, SOURCING_CHANNEL_NAMES)
    : undefined;
  if (rawChannel && !channel)
    problems.push({
      kind: 'unknown-channel',
      message: `sourcing channel "${rawChannel}" is not one of ${listOf(schema.channelOptions)}`,
    });

  const contact = cell('contact') || [cell('first_name'), cell('last_name')].filter(Boolean).join(' ');
  const notes = cell('notes');
  for (const [label, text] of [
    ['company name', name],
    ['contact', contact],
    ['notes', notes],
  ] as const) {
    if (text.length > MAX_TEXT_LENGTH)
      problems.push({
        kind: 'too-long',
        message: `the ${label} is longer than ${MAX_TEXT_LENGTH.toLocaleString('en-US')} characters`,
      });
  }

  if (problems.length)
    return {
      ok: false,
      rejected: { line: row.line, name, problems, reason: problems.map((p) => p.message).join('; ') },
    };
  return {
    ok: true,
    candidate: {
      line: row.line,
      name,
      nameKey: nameKey(name),
      website,
      domain,
      type: type ?? null,
      channel: channel ?? null,
      contact: contact.replace(/\s*\n\s*/g, ' '),
      email,
      notes,
      segment: cell('segment'),
    },
    warnings,
  };
}
