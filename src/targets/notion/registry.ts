// The install registry: which workspace object holds each blueprint key, kept as JSON on one page under the hub.
import { z } from 'zod';

export const REGISTRY_TITLE = 'Partnernomics registry';

const entrySchema = z.object({
  id: z.string(),
  kind: z.enum(['hub', 'database', 'row', 'view']),
  dataSourceId: z.string().optional(),
  /** Hash of the page body we wrote, and when we finished writing it (ISO). */
  contentHash: z.string().optional(),
  installedAt: z.string().optional(),
  /** Written with its links as plain text (their pages did not exist yet): the run's link stage makes them mentions (how earlier versions wrote such pages). */
  linksPending: z.boolean().optional(),
  /**
   * Written up to this top-level block: the next one links a page made later in the install, so the link
   * stage appends the body from there once every page exists.
   */
  bodyFrom: z.number().int().nonnegative().optional(),
  /** Created before a row its one-way relation names: the relation is set at the end of the run (or the next). */
  relationsPending: z.boolean().optional(),
  /**
   * The page's last_edited_time as Notion reported it after this install's last write to it (its own
   * writes, relation links and the other side of two-way relations included): a later time is a person's edit.
   */
  lastEditedTime: z.string().optional(),
  /** Properties this install created, by blueprint key -> Notion name, so a later rename or deletion is drift. */
  properties: z.record(z.string(), z.string()).optional(),
});
export type RegistryEntry = z.infer<typeof entrySchema>;

const registrySchema = z.object({
  registryVersion: z.literal(1),
  blueprintVersion: z.string(),
  entries: z.record(z.string(), entrySchema),
  /**
   * Keys of objects whose create had an unknown outcome (a timeout, a dropped connection): a late landing
   * could make a second copy, so the next runs look for one (views are not listed otherwise).
   */
  unsettled: z.array(z.string()).optional(),
});
export type Registry = z.infer<typeof registrySchema>;

export function emptyRegistry(): Registry {
  return { registryVersion: 1, blueprintVersion: '', entries: {} };
}

/** Null when the text is not a registry (edited by hand): the installer then falls back to titles. */
export function parseRegistry(text: string): Registry | null {
  try {
    const parsed = registrySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Stable JSON: keys sorted, so an unchanged registry is byte-for-byte unchanged and never rewritten. */
export function serializeRegistry(registry: Registry): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value as Record<string, unknown>)
          .sort()
          .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return JSON.stringify(sortKeys(registry));
}

/** The registry key of a database view: views have no blueprint key of their own, so database + name. */
export function viewKey(dbKey: string, name: string): string {
  return `view.${dbKey.replace(/^db\./, '')}.${name}`;
}
