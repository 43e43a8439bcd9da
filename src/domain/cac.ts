// Customer acquisition cost, partner vs direct, as the Unit Economics tab computes it.

/** Cost per customer won; null when nothing was won (the sheet shows a blank, not #DIV/0!). */
export function cac(cost: number, customersWon: number): number | null {
  return customersWon > 0 ? cost / customersWon : null;
}

export interface CacComparison {
  partnerCac: number | null;
  directCac: number | null;
  /** 1 − partner/direct: 0.35 means partner-sourced customers cost 35% less. Null if either CAC is unknown. */
  partnerAdvantage: number | null;
}

export function compareCac(input: {
  partnerCost: number;
  partnerWon: number;
  directCost: number;
  directWon: number;
}): CacComparison {
  const partnerCac = cac(input.partnerCost, input.partnerWon);
  const directCac = cac(input.directCost, input.directWon);
  const partnerAdvantage =
    partnerCac === null || directCac === null || directCac === 0 ? null : 1 - partnerCac / directCac;
  return { partnerCac, directCac, partnerAdvantage };
}
