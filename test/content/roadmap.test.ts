// The launch roadmap: the real content is complete, the schema refuses broken entries, and the schedule honours dependencies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { compile } from '../../src/blueprint/compile.js';
import { ROADMAP_KEYS, roadmapSchema } from '../../src/blueprint/content-schema.js';
import type { DesiredRow } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { ROLES } from '../../src/domain/types.js';
import { TEMPLATES_DIR } from '../../src/platform/paths.js';

type RawEntry = Record<string, unknown> & {
  key: string;
  raci: Record<string, unknown>;
  depends_on: string[];
  start_day: number;
  due_day: number;
  duration_days: number;
};

const bp = loadBlueprint();
const raw = parseYaml(readFileSync(join(TEMPLATES_DIR, 'roadmap.yaml'), 'utf8')) as RawEntry[];

/** safeParse of a deep copy of the real roadmap with one entry changed. */
function parseWith(index: number, change: (entry: RawEntry, all: RawEntry[]) => void) {
  const copy = structuredClone(raw);
  change(copy[index]!, copy);
  return roadmapSchema.safeParse(copy);
}

/** The issue paths of a failed parse, as "3.raci.responsible". */
function issuePaths(result: ReturnType<typeof roadmapSchema.safeParse>): string[] {
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const dateOf = (row: DesiredRow, field: 'start' | 'due'): string => {
  const v = row.values[field];
  if (v?.kind !== 'date' || !v.value) throw new Error(`${row.key} has no ${field} date`);
  return v.value;
};
const daysBetween = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

describe('the real roadmap', () => {
  it('has the 10 QLP steps then the 6 extensions, in the spec order', () => {
    expect(bp.roadmap).toHaveLength(16);
    expect(bp.roadmap.map((e) => e.key)).toEqual([...ROADMAP_KEYS]);
    bp.roadmap.forEach((e, i) => {
      expect(e.number, e.key).toBe(i + 1);
      expect(e.kind, e.key).toBe(i < 10 ? 'step' : 'extension');
    });
  });

  it('gives every entry an owner, a 3–6 item quality gate, outputs and dependency fields', () => {
    for (const e of bp.roadmap) {
      expect(ROLES, `${e.key}.raci.responsible`).toContain(e.raci.responsible);
      expect(ROLES, `${e.key}.raci.accountable`).toContain(e.raci.accountable);
      expect(e.quality_gate.length, `${e.key}.quality_gate`).toBeGreaterThanOrEqual(3);
      expect(e.quality_gate.length, `${e.key}.quality_gate`).toBeLessThanOrEqual(6);
      for (const gate of e.quality_gate)
        expect(gate.trim().length, `${e.key}.quality_gate item`).toBeGreaterThan(10);
      expect(e.outputs.length, `${e.key}.outputs`).toBeGreaterThanOrEqual(1);
      for (const out of e.outputs) {
        expect(out.artifact.trim(), `${e.key}.outputs.artifact`).not.toBe('');
        expect(out.worksheet.trim(), `${e.key}.outputs.worksheet`).not.toBe('');
      }
      expect(Array.isArray(e.depends_on), `${e.key}.depends_on`).toBe(true);
      expect(Array.isArray(e.parallel_with), `${e.key}.parallel_with`).toBe(true);
      expect(e.depends_on, `${e.key} depends on itself`).not.toContain(e.key);
    }
    // The raw file states depends_on explicitly on every entry (the schema has no default for it).
    for (const entry of raw) expect(entry, entry.key).toHaveProperty('depends_on');
  });

  it('has a dependency structure: the ICP starts on day one, most entries wait for something', () => {
    const icp = bp.roadmap.find((e) => e.key === 'icp')!;
    expect(icp.depends_on).toEqual([]);
    expect(icp.start_day).toBe(0);
    expect(bp.roadmap.filter((e) => e.depends_on.length > 0).length).toBeGreaterThanOrEqual(12);
    expect(bp.roadmap.find((e) => e.key === 'service-workflows')?.applies_to).toEqual([
      'service-implementation',
    ]);
  });

  it('finishes QLP steps 1–8 by day 90 and keeps due = start + duration', () => {
    for (const e of bp.roadmap) {
      expect(e.due_day, e.key).toBe(e.start_day + e.duration_days);
      if (e.kind === 'step' && e.number <= 8) expect(e.due_day, e.key).toBeLessThanOrEqual(90);
    }
  });

  it('names a real page template in every output worksheet key', () => {
    const pageKeys = new Set(bp.pages.map((p) => p.key));
    const missing = bp.roadmap.flatMap((e) =>
      e.outputs.filter((o) => !pageKeys.has(o.worksheet)).map((o) => `${e.key}: ${o.worksheet}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('the roadmap schema', () => {
  const indexOf = (key: string) => raw.findIndex((e) => e.key === key);

  it('accepts an unmodified copy of the real roadmap', () => {
    const result = roadmapSchema.safeParse(structuredClone(raw));
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('rejects an entry without raci.responsible', () => {
    raw.forEach((e, i) => {
      const result = parseWith(i, (entry) => {
        delete entry.raci.responsible;
      });
      expect(result.success, e.key).toBe(false);
      expect(issuePaths(result), e.key).toContain(`${i}.raci.responsible`);
    });
  });

  it('rejects an entry with an empty quality gate', () => {
    raw.forEach((e, i) => {
      const result = parseWith(i, (entry) => {
        entry.quality_gate = [];
      });
      expect(result.success, e.key).toBe(false);
      expect(issuePaths(result), e.key).toContain(`${i}.quality_gate`);
    });
  });

  it('rejects an entry whose quality gate has 7 items', () => {
    raw.forEach((e, i) => {
      const result = parseWith(i, (entry) => {
        entry.quality_gate = Array.from(
          { length: 7 },
          (_, n) => `Completion criterion number ${n + 1} is met`,
        );
      });
      expect(result.success, e.key).toBe(false);
      expect(issuePaths(result), e.key).toContain(`${i}.quality_gate`);
    });
    // Six is still fine, so the limit is exactly 3–6.
    const six = parseWith(0, (entry) => {
      entry.quality_gate = Array.from({ length: 6 }, (_, n) => `Completion criterion number ${n + 1} is met`);
    });
    expect(six.success).toBe(true);
  });

  it('rejects an entry with no outputs (missing or empty)', () => {
    raw.forEach((e, i) => {
      const missing = parseWith(i, (entry) => {
        delete entry.outputs;
      });
      const empty = parseWith(i, (entry) => {
        entry.outputs = [];
      });
      expect(missing.success, e.key).toBe(false);
      expect(empty.success, e.key).toBe(false);
      expect(issuePaths(missing), e.key).toContain(`${i}.outputs`);
      expect(issuePaths(empty), e.key).toContain(`${i}.outputs`);
    });
  });

  it('rejects an entry without depends_on', () => {
    raw.forEach((e, i) => {
      const result = parseWith(i, (entry) => {
        delete (entry as Partial<RawEntry>).depends_on;
      });
      expect(result.success, e.key).toBe(false);
      expect(issuePaths(result), e.key).toContain(`${i}.depends_on`);
    });
  });

  it('rejects an entry that starts before one of its dependencies is due', () => {
    let checked = 0;
    raw.forEach((e, i) => {
      for (const dep of e.depends_on) {
        const result = parseWith(i, (entry, all) => {
          const depDue = all.find((x) => x.key === dep)!.due_day;
          entry.start_day = depDue - 1;
          entry.due_day = entry.start_day + entry.duration_days; // keep due = start + duration valid
        });
        expect(result.success, `${e.key} after ${dep}`).toBe(false);
        const messages = result.success
          ? []
          : result.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`);
        expect(
          messages.some((m) => m.startsWith(`${i}.start_day:`) && m.includes(`"${dep}"`)),
          messages.join('; '),
        ).toBe(true);
        checked++;
      }
    });
    expect(checked).toBeGreaterThanOrEqual(14);
  });

  it('rejects a dependency whose due day is pushed past the dependent entry start', () => {
    const i = indexOf('ecosystem');
    const result = parseWith(indexOf('icp'), (icp) => {
      icp.duration_days += 5;
      icp.due_day += 5;
    });
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toContain(`${i}.start_day`);
  });
});

describe('the scheduled roadmap in the compiled workspace', () => {
  const cases: [string, string[]][] = [
    [
      'all six types',
      ['referral', 'affiliate', 'co-sell', 'service-implementation', 'influencer', 'marketplace'],
    ],
    ['referral only', ['referral']],
    ['co-sell and service-implementation', ['co-sell', 'service-implementation']],
  ];

  for (const [label, types] of cases) {
    it(`starts every row on or after each dependency's due date (${label})`, () => {
      const ws = compile(bp, parseConfig({ partnership_types: types }, 'test', '2027-01-04'));
      const rows = ws.databases.find((d) => d.key === 'db.roadmap')?.rows ?? [];
      expect(rows.length).toBeGreaterThanOrEqual(15);
      const byKey = new Map(rows.map((r) => [r.key, r]));
      let edges = 0;
      for (const row of rows) {
        const start = dateOf(row, 'start');
        const due = dateOf(row, 'due');
        expect(start, row.key).toMatch(ISO);
        expect(due, row.key).toMatch(ISO);
        expect(start >= '2027-01-04', `${row.key} starts before the program`).toBe(true);
        const duration = row.values.duration;
        expect(duration?.kind === 'number' ? duration.value : null, row.key).toBe(daysBetween(start, due));
        const deps = row.values.depends_on;
        expect(deps?.kind, row.key).toBe('relation');
        if (deps?.kind !== 'relation') continue;
        for (const depKey of deps.rowKeys) {
          const dep = byKey.get(depKey);
          expect(dep, `${row.key} depends on missing ${depKey}`).toBeDefined();
          const depDue = dateOf(dep!, 'due');
          expect(start >= depDue, `${row.key} starts ${start} before ${depKey} is due ${depDue}`).toBe(true);
          edges++;
        }
      }
      expect(edges).toBeGreaterThanOrEqual(15);
    });
  }

  it('uses the planned offsets from the program start when dependencies allow', () => {
    const ws = compile(bp, parseConfig({}, 'test', '2027-01-04'));
    const rows = ws.databases.find((d) => d.key === 'db.roadmap')!.rows;
    const icp = rows.find((r) => r.key === 'row.roadmap.icp')!;
    expect(dateOf(icp, 'start')).toBe('2027-01-04');
    for (const entry of bp.roadmap) {
      const row = rows.find((r) => r.key === `row.roadmap.${entry.key}`)!;
      expect(daysBetween('2027-01-04', dateOf(row, 'start')), entry.key).toBeGreaterThanOrEqual(
        entry.start_day,
      );
    }
  });
});
