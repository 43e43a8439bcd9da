// The ten sections every partnership-type profile has, in CONTENT-SPEC.md order (shared by content tests).
export const TYPE_SECTIONS = [
  'fit',
  'value_proposition',
  'incentives',
  'recruitment',
  'launch',
  'management',
  'kpis',
  'failure_modes',
  'spp_emphasis',
  'term_sheet',
] as const;
export type TypeSection = (typeof TYPE_SECTIONS)[number];

/** The recruiting kit's sections (templates/recruiting-kits/<type>.yaml), compared type against type too. */
export const KIT_SECTIONS = ['outreach', 'pitch', 'discovery_invite', 'welcome_pack'] as const;
export type KitSection = (typeof KIT_SECTIONS)[number];
