// Stage-duration norms per partnership type, from each type's content (stage_norms_days), keyed by the type's Notion name.
import type { Blueprint } from '../../blueprint/load.js';
import { PARTNERSHIP_TYPE_NAMES, type PartnershipTypeKey } from '../../domain/types.js';
import type { StageNorms } from './core.js';

/** The chosen types' norms, by the option the Partnership type select shows (e.g. "Co-Sell"). */
export function stageNorms(
  blueprint: Pick<Blueprint, 'types'>,
  types: readonly PartnershipTypeKey[],
): StageNorms {
  return Object.fromEntries(
    types.map((key) => [PARTNERSHIP_TYPE_NAMES[key], { ...blueprint.types[key].stage_norms_days }]),
  );
}
