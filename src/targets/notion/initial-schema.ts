// What a new database is created with (pure): its plain properties, relations to data sources that exist,
// two-way relations of databases made before it (declared from its side), and formulas over those.
import type { DesiredDatabase, DesiredProperty, DesiredWorkspace } from '../../blueprint/desired.js';
import { type PropertySchemaRequest, propertySchema } from './properties.js';

/** A two-way relation made in a create: the synced side Notion adds on `on` should be named `name`. */
export interface SyncedExpectation {
  /** The database holding the synced side. */
  on: string;
  /** The database whose create declared the relation, and that property's name. */
  source: string;
  sourceProperty: string;
  name: string;
}

export interface InitialSchema {
  properties: Record<string, PropertySchemaRequest>;
  /** Keys of this database's blueprint properties the create declares. */
  declared: string[];
  /** Two-way relations of databases made earlier in the run, declared here from their other side. */
  flipped: { dbKey: string; property: DesiredProperty }[];
  /** Two-way relations whose synced side's name must be read back (the reference doesn't promise it). */
  synced: SyncedExpectation[];
}

/** The property names a formula's expression reads (`prop("Name")`). */
export function formulaReads(expression: string): string[] {
  return [...expression.matchAll(/prop\("([^"]+)"\)/g)].map((m) => m[1]!);
}

/** Key of a property in the run's bookkeeping: database key and property key. */
export const propertyRef = (dbKey: string, propKey: string) => `${dbKey}/${propKey}`;

/**
 * The initial data source of a new database: every property that can exist at once. Left for schema
 * updates after it: relations to itself or to databases not made yet (a two-way one is declared by the
 * other database's create instead, when that comes later in the run: `waiting`), rollups (the reference
 * does not say a rollup may name a relation made in the same request), and formulas reading those.
 */
export function initialSchema(
  db: DesiredDatabase,
  desired: DesiredWorkspace,
  dataSourceOf: (dbKey: string) => string | undefined,
  waiting: ReadonlySet<string>,
): InitialSchema {
  const out: InitialSchema = { properties: {}, declared: [], flipped: [], synced: [] };
  const add = (prop: DesiredProperty, request: PropertySchemaRequest) => {
    out.properties[prop.name] = request;
    out.declared.push(prop.key);
  };
  for (const prop of db.properties) {
    if (prop.type === 'formula' || prop.type === 'rollup') continue;
    if (prop.type !== 'relation') {
      add(
        prop,
        propertySchema(prop, () => ''),
      );
      continue;
    }
    const target = prop.target === db.key ? undefined : dataSourceOf(prop.target);
    if (!target) continue;
    add(
      prop,
      propertySchema(prop, () => target),
    );
    if (prop.dual)
      out.synced.push({ on: prop.target, source: db.key, sourceProperty: prop.name, name: prop.dual });
  }
  for (const other of desired.databases) {
    const source = dataSourceOf(other.key);
    if (other.key === db.key || !source) continue;
    for (const prop of other.properties) {
      if (prop.type !== 'relation' || prop.target !== db.key || !prop.dual) continue;
      if (!waiting.has(propertyRef(other.key, prop.key))) continue;
      out.properties[prop.dual] = {
        relation: {
          data_source_id: source,
          type: 'dual_property',
          dual_property: { synced_property_name: prop.name },
        },
      };
      out.flipped.push({ dbKey: other.key, property: prop });
      out.synced.push({ on: other.key, source: db.key, sourceProperty: prop.dual, name: prop.name });
    }
  }
  // Formulas whose every read is declared (a formula may read another: added until none more fits).
  let pending = db.properties.filter((p) => p.type === 'formula');
  for (let added = true; added; ) {
    added = false;
    for (const prop of pending) {
      if (prop.type !== 'formula' || !formulaReads(prop.expression).every((n) => n in out.properties))
        continue;
      add(
        prop,
        propertySchema(prop, () => ''),
      );
      added = true;
    }
    pending = pending.filter((p) => !(p.name in out.properties));
  }
  return out;
}

/** A property as a schema response gives it (the fields the synced-name check reads). */
interface ReturnedProperty {
  id: string;
  type: string;
  relation?: unknown;
}

/**
 * The renames (by property ID) that give the synced sides on one data source the names the blueprint
 * expects, from that data source's schema as a response returned it; empty when Notion kept them.
 */
export function syncedRenames(
  expected: readonly SyncedExpectation[],
  properties: Record<string, ReturnedProperty>,
  dataSourceId: (dbKey: string) => string,
): Record<string, { name: string }> {
  const renames: Record<string, { name: string }> = {};
  for (const e of expected) {
    const found = Object.entries(properties).find(([, p]) => {
      if (p.type !== 'relation' || !p.relation || typeof p.relation !== 'object') return false;
      const r = p.relation as { data_source_id?: string; dual_property?: { synced_property_name?: string } };
      return (
        r.data_source_id === dataSourceId(e.source) &&
        r.dual_property?.synced_property_name === e.sourceProperty
      );
    });
    if (found && found[0] !== e.name) renames[found[1].id] = { name: e.name };
  }
  return renames;
}

/**
 * The same renames read from the other side: the declaring data source's relation names its synced side
 * (`dual_property.synced_property_name` and `synced_property_id`).
 */
export function syncedRenamesFromSource(
  expected: readonly SyncedExpectation[],
  sourceProperties: Record<string, ReturnedProperty>,
): Record<string, { name: string }> {
  const renames: Record<string, { name: string }> = {};
  for (const e of expected) {
    const relation = sourceProperties[e.sourceProperty]?.relation as
      | { dual_property?: { synced_property_id?: string; synced_property_name?: string } }
      | undefined;
    const dual = relation?.dual_property;
    if (dual?.synced_property_id && dual.synced_property_name !== e.name)
      renames[dual.synced_property_id] = { name: e.name };
  }
  return renames;
}

/**
 * The renames a schema update's answer calls for: each two-way relation it added names its synced side
 * (`dual_property.synced_property_name` / `synced_property_id`); the reference does not promise the name we
 * asked for, so a different one is renamed by ID on the target. By target database.
 */
export function dualRenames(
  props: readonly DesiredProperty[],
  returned: Record<string, ReturnedProperty>,
): Map<string, Record<string, { name: string }>> {
  const out = new Map<string, Record<string, { name: string }>>();
  for (const prop of props) {
    if (prop.type !== 'relation' || !prop.dual) continue;
    const expected = { on: prop.target, source: '', sourceProperty: prop.name, name: prop.dual };
    const renames = syncedRenamesFromSource([expected], returned);
    if (Object.keys(renames).length) out.set(prop.target, { ...(out.get(prop.target) ?? {}), ...renames });
  }
  return out;
}
