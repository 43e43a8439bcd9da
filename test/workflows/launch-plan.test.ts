// The pure launch planner: milestones from the type's First 90-Days content, and what a half-done or finished launch still needs.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { desiredLaunch, planLaunch, planLaunches } from '../../src/workflows/launch/plan.js';

const types = loadBlueprint().types;
const partner = { id: 'p1', name: 'Acme', type: 'referral' as const, signedOn: '2027-05-27' };
const team = [
  { role: 'Partner Manager' as const, name: 'Ada', notion_user_id: 'aaaaaaaa-0000-4000-8000-000000000001' },
];

describe('launch planner', () => {
  it("one to-do per milestone of the type's plan, due its day counted in business days", () => {
    const desired = desiredLaunch(partner, types.referral, team, ['2027-05-31']);
    const milestones = types.referral.launch.phases.flatMap((p) => p.milestones);
    expect(desired.milestones.map((m) => m.title)).toEqual(milestones.map((m) => `Acme — ${m.title}`));
    for (const [i, m] of desired.milestones.entries()) {
      expect(m.role).toBe(milestones[i]!.owner_role);
      expect(new Date(`${m.due}T00:00:00Z`).getUTCDay()).not.toBe(0);
      expect(new Date(`${m.due}T00:00:00Z`).getUTCDay()).not.toBe(6);
    }
    // Later milestones are never due earlier.
    const dues = desired.milestones.map((m) => m.due);
    const days = milestones.map((m) => m.day);
    for (let i = 1; i < dues.length; i++)
      if (days[i]! >= days[i - 1]!) expect(dues[i]! >= dues[i - 1]!).toBe(true);
    // Only the Partner Manager has a Notion user here: every other role is named in a note, once.
    const roles = new Set(milestones.map((m) => m.owner_role).filter((r) => r !== 'Partner Manager'));
    for (const role of roles) expect(desired.notes.filter((n) => n.includes(`"${role}"`))).toHaveLength(1);
    expect(desired.notes.some((n) => n.includes(`"Partner Manager"`))).toBe(false);
  });

  it('a finished launch plans nothing; a half-done one only what is missing, then marks the plan Active', () => {
    const desired = desiredLaunch(partner, types.referral, team, []);
    const done = planLaunch(desired, partner, {
      termSheets: [],
      negotiation: [],
      plan: { id: 'plan', status: 'At risk' },
      milestones: [],
    });
    expect(done.done).toBe(true);
    expect([
      done.termSheet,
      done.plan,
      done.negotiation.length,
      done.milestones.length,
      done.markLaunched,
    ]).toEqual([null, null, 0, 0, false]);
    const half = planLaunch(desired, partner, {
      termSheets: [{ id: 'ts', title: 'renamed by a person' }],
      negotiation: [{ id: 'n', title: desired.negotiation[0]!.title }],
      plan: { id: 'plan', status: 'Drafting' },
      milestones: [desired.milestones[0]!.title],
    });
    expect(half.termSheet).toBeNull();
    expect(half.plan).toBeNull();
    expect(half.planId).toBe('plan');
    expect(half.negotiation).toHaveLength(desired.negotiation.length - 1);
    expect(half.milestones).toHaveLength(desired.milestones.length - 1);
    expect(half.markLaunched).toBe(true);
  });

  it('the sync launches Signed partners that have a signing date', () => {
    const rows = [
      { id: 'a', stage: 'Signed', signedOn: '2027-01-04' },
      { id: 'b', stage: 'Signed', signedOn: null },
      { id: 'c', stage: 'Launching', signedOn: '2027-01-04' },
    ];
    expect(planLaunches(rows).map((r) => r.id)).toEqual(['a']);
  });
});
