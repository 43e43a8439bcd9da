// Each chosen type's KPI targets for this company: the type's defaults scaled by its deal size and sales cycle, then the config's overrides.
import { type Config, REFERENCE_DEAL_SIZE, REFERENCE_SALES_CYCLE_DAYS } from '../config/schema.js';
import { PARTNERSHIP_TYPE_NAMES, PARTNERSHIP_TYPES, type PartnershipTypeKey } from '../domain/types.js';
import { PnError } from '../platform/errors.js';
import type { Kpi, PartnershipType } from './content-schema.js';

/** A KPI with the target this company works to, and in words where that number comes from. */
export interface TargetedKpi extends Kpi {
  /** The type's default before the config's override or scaling: the number the YAML holds. */
  default_target: number;
  /** "type default", "scaled to your $60,000 average deal", "set in your config". */
  basis: string;
}

/** Rounds a scaled target to two significant digits (a target of $402,500 reads as false precision). */
function roundTarget(value: number, unit: Kpi['unit']): number {
  if (unit === 'days' || unit === 'count') return Math.max(unit === 'count' ? 1 : 0, Math.round(value));
  if (value === 0) return 0;
  const magnitude = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 1);
  return Math.round(value / magnitude) * magnitude;
}

function money(n: number): string {
  return `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
}

function scaled(kpi: Kpi, config: Config): { target: number; basis: string } {
  if (kpi.scale === 'deal_size') {
    const size = config.company.average_deal_size;
    if (size === REFERENCE_DEAL_SIZE) return { target: kpi.target, basis: 'type default' };
    return {
      target: roundTarget((kpi.target * size) / REFERENCE_DEAL_SIZE, kpi.unit),
      basis: `type default scaled to your ${money(size)} average deal (the default assumes ${money(REFERENCE_DEAL_SIZE)})`,
    };
  }
  if (kpi.scale === 'sales_cycle') {
    const days = config.company.sales_cycle_days;
    if (days === REFERENCE_SALES_CYCLE_DAYS) return { target: kpi.target, basis: 'type default' };
    return {
      target: roundTarget((kpi.target * days) / REFERENCE_SALES_CYCLE_DAYS, kpi.unit),
      basis: `type default scaled to your ${days}-day sales cycle (the default assumes ${REFERENCE_SALES_CYCLE_DAYS} days)`,
    };
  }
  return { target: kpi.target, basis: 'type default' };
}

/** One type's KPIs with this company's targets. Throws CONFIG_INVALID for an override of a KPI the type lacks. */
export function targetedKpis(type: PartnershipType, config: Config): TargetedKpi[] {
  const overrides = config.targets.by_type[type.key] ?? {};
  for (const key of Object.keys(overrides)) {
    if (!type.kpis.some((k) => k.key === key))
      throw new PnError(
        'CONFIG_INVALID',
        `targets.by_type.${type.key}.${key}: ${PARTNERSHIP_TYPE_NAMES[type.key]} has no KPI "${key}"`,
        { hint: `use one of: ${type.kpis.map((k) => k.key).join(', ')}` },
      );
  }
  return type.kpis.map((given: Kpi & { default_target?: number }) => {
    // Applying twice gives the same targets: a KPI already targeted starts again from its default.
    const kpi = { ...given, target: given.default_target ?? given.target };
    const override = overrides[kpi.key];
    const { target, basis } =
      override === undefined ? scaled(kpi, config) : { target: override, basis: 'set in your config' };
    return { ...kpi, default_target: kpi.target, target, basis };
  });
}

/** The blueprint's types with this company's KPI targets in place of the defaults; other content unchanged. */
export function withCompanyTargets<T extends { types: Record<PartnershipTypeKey, PartnershipType> }>(
  bp: T,
  config: Config,
): T {
  const types = { ...bp.types };
  for (const key of PARTNERSHIP_TYPES)
    types[key] = { ...bp.types[key], kpis: targetedKpis(bp.types[key], config) };
  return { ...bp, types };
}
