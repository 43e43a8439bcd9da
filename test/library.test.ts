// The package root exports the documented library API, and it works without the CLI.
import { describe, expect, it } from 'vitest';
import * as lib from '../src/index.js';

describe('library API', () => {
  it('exports the documented functions', () => {
    for (const name of [
      'partnerScore',
      'recommend',
      'rankScores',
      'scorePartners',
      'rygStatus',
      'cac',
      'compareCac',
      'scheduleRoadmap',
      'recommendTypes',
      'loadBlueprint',
      'compile',
      'parseConfig',
    ]) {
      expect(typeof (lib as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('compiles a workspace from a plain config object', () => {
    const ws = lib.compile(
      lib.loadBlueprint(),
      lib.parseConfig({ partnership_types: ['referral'] }, 'api', '2027-03-01'),
    );
    expect(ws.types).toEqual(['referral']);
    // Playbook, recruitment SOP, recruiting kit, term sheet, its internal notes, first 90 days.
    expect(ws.pages.filter((p) => p.type === 'referral')).toHaveLength(6);
  });
});
