// The mission's 16 sub-jobs: each is served by one roadmap entry, and with all six types it installs as a roadmap row and a page.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { ROADMAP_KEYS } from '../../src/blueprint/content-schema.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';

/** The roadmap key serving each sub-job, in the mission's order (sub-job 1 first): the schema's key order. */
const SUB_JOBS = ROADMAP_KEYS;

const bp = loadBlueprint();
const ws = compile(bp, parseConfig({}, 'test', '2027-01-04'));
const roadmapRows = ws.databases.find((d) => d.key === 'db.roadmap')?.rows ?? [];
const playbookRows = ws.databases.find((d) => d.key === 'db.playbooks')?.rows ?? [];

describe('the mission sub-jobs', () => {
  it('installs all six types by default', () => {
    expect(ws.types).toHaveLength(6);
    expect(SUB_JOBS).toHaveLength(16);
  });

  it('has exactly one roadmap entry per sub-job, 1..16, matching the mission order', () => {
    for (let n = 1; n <= 16; n++) {
      const entries = bp.roadmap.filter((e) => e.sub_job === n);
      expect(
        entries.map((e) => e.key),
        `sub-job ${n}`,
      ).toEqual([SUB_JOBS[n - 1]]);
    }
    expect(new Set(bp.roadmap.map((e) => e.sub_job)).size).toBe(16);
  });

  SUB_JOBS.forEach((key, i) => {
    it(`sub-job ${i + 1} (${key}) maps to an installed page and to its db.roadmap row`, () => {
      const pages = ws.pages.filter((p) => p.roadmap.includes(key));
      expect(pages.length, `no installed page lists roadmap: [${key}] in its front matter`).toBeGreaterThan(
        0,
      );
      for (const page of pages) expect(page.markdown.trim().length, page.key).toBeGreaterThan(200);

      const row = roadmapRows.find((r) => r.key === `row.roadmap.${key}`);
      expect(row, `db.roadmap has no row.roadmap.${key}`).toBeDefined();
      const entry = bp.roadmap.find((e) => e.key === key)!;
      expect(row!.title).toBe(entry.title);
      expect(row!.markdown).toContain(entry.purpose);

      // The playbook rows of those pages link back to this roadmap row.
      const linked = playbookRows.filter((r) => {
        const steps = r.values.steps;
        return steps?.kind === 'relation' && steps.rowKeys.includes(`row.roadmap.${key}`);
      });
      expect(linked.length, `no Playbooks row relates to row.roadmap.${key}`).toBe(pages.length);
    });
  });

  it('installs one db.roadmap row per sub-job and nothing else', () => {
    expect(roadmapRows.map((r) => r.key).sort()).toEqual(SUB_JOBS.map((k) => `row.roadmap.${k}`).sort());
  });
});
