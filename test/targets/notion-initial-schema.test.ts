// What a new database is created with: relations to data sources that exist, two-way relations of earlier databases from their other side, formulas over declared properties; and the renames of synced sides Notion named itself.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import {
  dualRenames,
  formulaReads,
  initialSchema,
  propertyRef,
  syncedRenames,
  syncedRenamesFromSource,
} from '../../src/targets/notion/initial-schema.js';

const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
const db = (key: string) => ws.databases.find((d) => d.key === key)!;
const ids = (made: string[]) => (key: string) => (made.includes(key) ? `ds-${key}` : undefined);

describe('initialSchema', () => {
  it('declares relations to data sources that exist, and leaves relations to itself and rollups for later', () => {
    const roadmap = initialSchema(db('db.roadmap'), ws, ids(['db.roadmap']), new Set());
    const selfRelations = db('db.roadmap').properties.filter((p) => p.type === 'relation');
    expect(selfRelations.length).toBeGreaterThan(0);
    for (const p of selfRelations) expect(roadmap.properties).not.toHaveProperty([p.name]);
    const partners = initialSchema(db('db.partners'), ws, ids(['db.roadmap']), new Set());
    for (const p of db('db.partners').properties.filter((p) => p.type === 'rollup'))
      expect(partners.properties).not.toHaveProperty([p.name]);
    // Metrics relate to partners: declared once Partners exists, with the synced side's name asked for.
    const metrics = db('db.metrics');
    const relation = metrics.properties.find((p) => p.type === 'relation' && p.target === 'db.partners')!;
    expect(initialSchema(metrics, ws, ids([]), new Set()).properties).not.toHaveProperty([relation.name]);
    const made = initialSchema(metrics, ws, ids(['db.partners']), new Set());
    expect(made.properties[relation.name]).toMatchObject({
      relation: { data_source_id: 'ds-db.partners', type: 'dual_property' },
    });
    expect(made.synced).toEqual([
      {
        on: 'db.partners',
        source: 'db.metrics',
        sourceProperty: relation.name,
        name: relation.type === 'relation' ? relation.dual : '',
      },
    ]);
  });

  it('declares a waiting two-way relation of an earlier database from the new one’s side', () => {
    const ecosystem = db('db.ecosystem');
    const candidates = ecosystem.properties.find((p) => p.type === 'relation')!;
    if (candidates.type !== 'relation' || !candidates.dual) throw new Error('expected a two-way relation');
    const waiting = new Set([propertyRef('db.ecosystem', candidates.key)]);
    const partners = initialSchema(db('db.partners'), ws, ids(['db.ecosystem']), waiting);
    expect(partners.properties[candidates.dual]).toEqual({
      relation: {
        data_source_id: 'ds-db.ecosystem',
        type: 'dual_property',
        dual_property: { synced_property_name: candidates.name },
      },
    });
    expect(partners.flipped).toEqual([{ dbKey: 'db.ecosystem', property: candidates }]);
    expect(partners.synced).toContainEqual({
      on: 'db.ecosystem',
      source: 'db.partners',
      sourceProperty: candidates.dual,
      name: candidates.name,
    });
    // Not waiting (made by an earlier run, or already declared): nothing is declared twice.
    expect(initialSchema(db('db.partners'), ws, ids(['db.ecosystem']), new Set()).flipped).toEqual([]);
  });

  it('declares a formula only when every property it reads is declared in the same create', () => {
    let declared = 0;
    for (const database of ws.databases) {
      const made = initialSchema(database, ws, ids(ws.databases.map((d) => d.key)), new Set());
      declared += database.properties.filter((p) => p.type === 'formula' && p.name in made.properties).length;
      for (const p of database.properties) {
        if (p.type !== 'formula') continue;
        const readsDeclared = formulaReads(p.expression).every((n) => n in made.properties);
        expect(p.name in made.properties, `${database.key}.${p.name}`).toBe(readsDeclared);
      }
    }
    expect(declared).toBeGreaterThan(0);
    expect(formulaReads('if(prop("Due") < now(), prop("Status") != "Done", false)')).toEqual([
      'Due',
      'Status',
    ]);
  });
});

describe('renames of synced sides', () => {
  const relation = (dataSource: string, name: string, id = 'x') => ({
    id,
    type: 'relation',
    relation: {
      data_source_id: dataSource,
      type: 'dual_property',
      dual_property: { synced_property_id: 'syn', synced_property_name: name },
    },
  });
  const expected = [
    { on: 'db.partners', source: 'db.metrics', sourceProperty: 'Partner', name: 'Monthly metrics' },
  ];
  const ds = (k: string) => `ds-${k}`;

  it('renames by ID the synced side Notion named itself, read on its own database', () => {
    const generated = { 'Related to Metrics (Partner)': relation('ds-db.metrics', 'Partner', 'p9') };
    expect(syncedRenames(expected, generated, ds)).toEqual({ p9: { name: 'Monthly metrics' } });
    expect(syncedRenames(expected, { 'Monthly metrics': relation('ds-db.metrics', 'Partner') }, ds)).toEqual(
      {},
    );
  });

  it('or read on the declaring side', () => {
    const source = { Partner: relation('ds-db.partners', 'Related to Metrics (Partner)') };
    expect(syncedRenamesFromSource(expected, source)).toEqual({ syn: { name: 'Monthly metrics' } });
    expect(
      syncedRenamesFromSource(expected, { Partner: relation('ds-db.partners', 'Monthly metrics') }),
    ).toEqual({});
  });

  it('from a schema update’s answer, grouped by the database holding the synced side', () => {
    const partner = db('db.metrics').properties.find((p) => p.type === 'relation')!;
    const answer = { [partner.name]: relation('ds-db.partners', 'Related to Metrics (Partner)') };
    expect([...dualRenames([partner], answer)]).toEqual([
      ['db.partners', { syn: { name: partner.type === 'relation' ? partner.dual : '' } }],
    ]);
  });
});
