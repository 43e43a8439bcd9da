// The fixed vocabulary of the method: partnership types, roles, sourcing channels.

export const PARTNERSHIP_TYPES = [
  'referral',
  'affiliate',
  'co-sell',
  'service-implementation',
  'influencer',
  'marketplace',
] as const;
export type PartnershipTypeKey = (typeof PARTNERSHIP_TYPES)[number];

export const PARTNERSHIP_TYPE_NAMES: Record<PartnershipTypeKey, string> = {
  referral: 'Referral',
  affiliate: 'Affiliate',
  'co-sell': 'Co-Sell',
  'service-implementation': 'Service/Implementation',
  influencer: 'Influencer',
  marketplace: 'Marketplace',
};

export const ROLES = [
  'CRO',
  'Head of Partnerships',
  'Partner Manager',
  'Sales Leader',
  'Marketing',
  'CS/Services',
  'Finance/CFO',
  'RevOps',
] as const;
export type Role = (typeof ROLES)[number];

export const SOURCING_CHANNELS = [
  'networking-events',
  'competitor-partners',
  'internal-referrals',
  'business-databases',
  'search',
  'ai-platforms',
] as const;
export type SourcingChannel = (typeof SOURCING_CHANNELS)[number];

export const SOURCING_CHANNEL_NAMES: Record<SourcingChannel, string> = {
  'networking-events': 'Networking events',
  'competitor-partners': 'Competitors of your best partners',
  'internal-referrals': 'Internal referrals',
  'business-databases': 'Business databases',
  search: 'Search',
  'ai-platforms': 'AI platforms',
};

/** Accepts a key or a display name in any case ("Co-Sell", "co-sell", "service/implementation"). */
export function parsePartnershipType(input: string): PartnershipTypeKey | undefined {
  const norm = input
    .trim()
    .toLowerCase()
    .replace(/[\s/_]+/g, '-');
  return PARTNERSHIP_TYPES.find(
    (t) => t === norm || PARTNERSHIP_TYPE_NAMES[t].toLowerCase().replace(/[\s/_]+/g, '-') === norm,
  );
}
