// The blueprint properties an import writes and reads (pure): Partners and the Ecosystem Map, by key, from the compiled workspace.
import type { DesiredDatabase, DesiredProperty, DesiredWorkspace } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';

export const PARTNERS_DB = 'db.partners';
export const ECOSYSTEM_DB = 'db.ecosystem';

/** Partners properties by blueprint key: what a candidate fills in. */
export const PARTNER_KEYS = [
  'name',
  'website',
  'type',
  'channel',
  'stage',
  'contact',
  'contact_email',
  'notes',
  'ipp_match',
] as const;
export type PartnerKey = (typeof PARTNER_KEYS)[number];

/** Ecosystem Map properties the Ideal Partner Profile is read from. */
export const ECOSYSTEM_KEYS = ['name', 'in_ipp', 'likely_type'] as const;
export type EcosystemKey = (typeof ECOSYSTEM_KEYS)[number];

type SelectProperty = Extract<DesiredProperty, { options: string[] }>;

export interface ImportSchema {
  partners: DesiredDatabase;
  ecosystem: DesiredDatabase | undefined;
  partner: Record<PartnerKey, DesiredProperty>;
  ecosystemProps: Record<EcosystemKey, DesiredProperty> | undefined;
  typeOptions: string[];
  channelOptions: string[];
  /** The stage a new candidate starts in: the Stage property's first option (Sourced). */
  firstStage: string;
}

function propsOf<K extends string>(db: DesiredDatabase, keys: readonly K[]): Record<K, DesiredProperty> {
  const out = {} as Record<K, DesiredProperty>;
  for (const key of keys) {
    const prop = db.properties.find((p) => p.key === key);
    if (!prop)
      throw new PnError('BLUEPRINT_INVALID', `the blueprint's ${db.key} has no property ${key}`, {
        hint: 'import candidates needs the Partners properties of the shipped blueprint (templates/blueprint/notion.yaml)',
      });
    out[key] = prop;
  }
  return out;
}

function selectOf(prop: DesiredProperty): SelectProperty {
  if (prop.type !== 'select')
    throw new PnError('BLUEPRINT_INVALID', `the blueprint's Partners "${prop.name}" must be a select`);
  return prop;
}

export function importSchema(ws: DesiredWorkspace): ImportSchema {
  const partners = ws.databases.find((d) => d.key === PARTNERS_DB);
  if (!partners) throw new PnError('BLUEPRINT_INVALID', `the blueprint has no ${PARTNERS_DB} database`);
  const partner = propsOf(partners, PARTNER_KEYS);
  const ecosystem = ws.databases.find((d) => d.key === ECOSYSTEM_DB);
  const stage = selectOf(partner.stage);
  return {
    partners,
    ecosystem,
    partner,
    ecosystemProps: ecosystem ? propsOf(ecosystem, ECOSYSTEM_KEYS) : undefined,
    typeOptions: selectOf(partner.type).options,
    channelOptions: selectOf(partner.channel).options,
    firstStage: stage.options[0] ?? '',
  };
}
