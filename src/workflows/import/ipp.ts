// The IPP-match flag (pure): a candidate fits the Ideal Partner Profile when its company type is one the profile keeps.
import { optionKey } from './normalize.js';
import type { Candidate } from './validate.js';

/** One Ecosystem Map entry: a company type, whether it is in the Ideal Partner Profile, its likely partnership type. */
export interface EcosystemEntry {
  name: string;
  inIpp: boolean;
  likelyType: string | null;
}

export interface IppVerdict {
  match: boolean;
  /** Why, in one sentence (also for non-matches, so the report can explain them). */
  reason: string;
}

/** The rule in words, for the report. */
export const IPP_RULE =
  "IPP match = the row's company type (column Company type, Segment or Category) names an Ecosystem Map entry ticked \"In Ideal Partner Profile\", and the row's partnership type, when both are given, is that entry's likely partnership type";

/**
 * The rule (the method's Ideal Partner Profile is the 5–10 Ecosystem Map company types you keep): a candidate
 * matches when the company type it names, ignoring case and punctuation, is one of those entries, and, when the
 * entry names a likely partnership type and the candidate has a type, the two agree.
 */
export function ippVerdict(
  candidate: Pick<Candidate, 'segment' | 'type'>,
  entries: readonly EcosystemEntry[],
): IppVerdict {
  const profile = entries.filter((e) => e.inIpp);
  if (!profile.length)
    return { match: false, reason: 'the Ideal Partner Profile is empty (no Ecosystem Map entry is ticked)' };
  if (!candidate.segment) return { match: false, reason: 'the row names no company type' };
  const key = optionKey(candidate.segment);
  const entry = profile.find((e) => optionKey(e.name) === key);
  if (!entry) return { match: false, reason: `"${candidate.segment}" is not in the Ideal Partner Profile` };
  if (entry.likelyType && candidate.type && entry.likelyType !== candidate.type)
    return {
      match: false,
      reason: `"${entry.name}" is in the profile as ${entry.likelyType}, but the row is ${candidate.type}`,
    };
  return { match: true, reason: `"${entry.name}" is in the Ideal Partner Profile` };
}
