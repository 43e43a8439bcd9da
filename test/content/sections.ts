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
