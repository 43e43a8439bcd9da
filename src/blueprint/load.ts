// Loads templates/ and validates every file; a broken file fails with its path, the field and the problem.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Mustache from 'mustache';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { describeZodError } from '../config/load.js';
import { PARTNERSHIP_TYPES, type PartnershipTypeKey } from '../domain/types.js';
import { PnError } from '../platform/errors.js';
import { TEMPLATES_DIR } from '../platform/paths.js';
import {
  type FitContent,
  fitSchema,
  type PageFrontMatter,
  type PartnershipType,
  pageFrontMatterSchema,
  partnershipTypeSchema,
  type RecruitingKit,
  type RoadmapEntry,
  recruitingKitSchema,
  roadmapSchema,
  type ScoringContent,
  scoringSchema,
} from './content-schema.js';
import {
  type NotionBlueprint,
  notionBlueprintSchema,
  type RenamesBlueprint,
  renamesBlueprintSchema,
  type SyncBlueprint,
  syncBlueprintSchema,
  type WorkbookBlueprint,
  workbookBlueprintSchema,
} from './schema.js';

export interface PageTemplate extends PageFrontMatter {
  file: string;
  body: string;
}

export interface Blueprint {
  dir: string;
  notion: NotionBlueprint;
  workbook: WorkbookBlueprint;
  sync: SyncBlueprint;
  renames: RenamesBlueprint;
  types: Record<PartnershipTypeKey, PartnershipType>;
  /** Each type's recruiting kit (templates/recruiting-kits/<type>.yaml); every type has one. */
  recruitingKits: Record<PartnershipTypeKey, RecruitingKit>;
  roadmap: RoadmapEntry[];
  scoring: ScoringContent;
  fit: FitContent;
  pages: PageTemplate[];
}

function broken(file: string, dir: string, problem: string): PnError {
  return new PnError('BLUEPRINT_INVALID', `blueprint file ${relative(dir, file) || file}: ${problem}`, {
    hint: 'fix the file (or restore it with `git checkout templates/`)',
  });
}

function readText(file: string, dir: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw broken(file, dir, 'is missing or unreadable');
  }
}

function parseYamlFile(file: string, dir: string, text: string = readText(file, dir)): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw broken(file, dir, `not valid YAML (${reason})`);
  }
}

function validate<S extends z.ZodType>(schema: S, value: unknown, file: string, dir: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw broken(file, dir, describeZodError(result.error));
  return result.data;
}

function listFiles(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function loadPage(file: string, dir: string): PageTemplate {
  const text = readText(file, dir);
  const match = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(text);
  if (!match) throw broken(file, dir, 'must start with YAML front matter between --- lines');
  const front = validate(pageFrontMatterSchema, parseYamlFile(file, dir, match[1]), file, dir);
  const body = match[2] ?? '';
  try {
    Mustache.parse(body);
  } catch (error) {
    throw broken(
      file,
      dir,
      `Mustache template error: ${error instanceof Error ? error.message.split('\n')[0] : error}`,
    );
  }
  return { ...front, file: relative(dir, file), body };
}

/** Cross-file references: every key one file names must exist in the file it points to. */
function checkReferences(bp: Blueprint): void {
  const fail = (file: string, problem: string): never => {
    throw broken(join(bp.dir, file), bp.dir, problem);
  };
  const pageKeys = new Set(bp.pages.map((p) => p.key));
  const seen = new Set<string>();
  for (const page of bp.pages) {
    if (seen.has(page.key)) fail(page.file, `page key "${page.key}" is used by another page too`);
    seen.add(page.key);
  }
  bp.roadmap.forEach((entry, i) => {
    entry.outputs.forEach((out, j) => {
      if (!pageKeys.has(out.worksheet)) {
        fail('roadmap.yaml', `${i}.outputs.${j}.worksheet: no page has key "${out.worksheet}"`);
      }
    });
  });
  const dbKeys = new Set(bp.notion.databases.map((d) => d.key));
  const criteria = new Set(bp.scoring.criteria.map((c) => c.key));
  bp.notion.databases.forEach((db, i) => {
    const names = new Set<string>();
    db.properties.forEach((prop, j) => {
      if ('generate' in prop) return;
      if (names.has(prop.name))
        fail('blueprint/notion.yaml', `databases.${i}.properties.${j}: duplicate name "${prop.name}"`);
      names.add(prop.name);
      if (prop.type === 'relation' && !dbKeys.has(prop.target)) {
        fail('blueprint/notion.yaml', `databases.${i}.properties.${j}.target: no database "${prop.target}"`);
      }
    });
  });
  checkSyncMap(bp, fail);
  bp.workbook.tabs.forEach((tab, i) => {
    if (tab.kind !== 'table') return;
    tab.examples.forEach((row, j) => {
      const ratings = (row.ratings ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(ratings)) {
        if (!criteria.has(key))
          fail('blueprint/workbook.yaml', `tabs.${i}.examples.${j}.ratings: no scoring criterion "${key}"`);
      }
    });
  });
}

/**
 * The sync map against the databases and tabs it pairs: each table synced once, each field with one owner and
 * a place that can hold its value. Notion-owned values are written into plain input columns of the tab; a
 * value the workbook owns is a formula column's result and goes back only into a Number, Select or Date property.
 * Every `{sync}` / `{sync.<tab>}` placeholder (descriptions, cells, pages) names a synced table.
 */
function checkSyncMap(bp: Blueprint, fail: (file: string, problem: string) => never): void {
  const file = 'blueprint/sync.yaml';
  const tabs = new Map(bp.workbook.tabs.map((t) => [t.key, t]));
  const seen = new Set<string>();
  bp.sync.mappings.forEach((m, i) => {
    const db = bp.notion.databases.find((d) => d.key === m.notion);
    const tab = tabs.get(m.sheet);
    if (!db) fail(file, `mappings.${i}.notion: no database "${m.notion}"`);
    if (tab?.kind !== 'table') fail(file, `mappings.${i}.sheet: no table tab "${m.sheet}"`);
    for (const key of [m.notion, m.sheet]) {
      if (seen.has(key)) fail(file, `mappings.${i}: "${key}" is synced by another mapping too`);
      seen.add(key);
    }
    if (!tab.columns.some((c) => 'key' in c && c.kind === 'id' && c.key === 'id'))
      fail(file, `mappings.${i}.sheet: tab ${m.sheet} needs a Notion ID column (key: id, kind: id)`);
    const fieldsSeen = new Set<string>();
    m.fields.forEach((f, j) => {
      const at = `mappings.${i}.fields.${j}`;
      if ('generate' in f) {
        if (f.owner !== 'notion')
          fail(file, `${at}.owner: criterion ratings are entered in Notion (owner: notion)`);
        return;
      }
      const prop = db.properties.find((p) => 'key' in p && p.key === f.notion);
      if (!prop || !('key' in prop)) fail(file, `${at}.notion: ${m.notion} has no property "${f.notion}"`);
      const col = tab.columns.find((c) => 'key' in c && c.key === f.sheet);
      if (!col || !('key' in col)) fail(file, `${at}.sheet: tab ${m.sheet} has no column "${f.sheet}"`);
      for (const key of [`notion:${f.notion}`, `sheet:${f.sheet}`]) {
        if (fieldsSeen.has(key)) fail(file, `${at}: "${key.slice(key.indexOf(':') + 1)}" is mapped twice`);
        fieldsSeen.add(key);
      }
      if (f.owner === 'sheets') {
        if (prop.type !== 'number' && prop.type !== 'select' && prop.type !== 'date')
          fail(
            file,
            `${at}: the workbook computes it, so it can go back only into a Number, Select or Date property, not ${prop.type}`,
          );
        if (col.kind !== 'formula')
          fail(file, `${at}: the workbook owns it, so its column must be a formula column`);
      } else if (col.kind !== 'input') {
        fail(file, `${at}: Notion owns it, so its column must be an input column, not ${col.kind}`);
      }
    });
  });
  const synced = new Set(bp.sync.mappings.map((m) => m.sheet));
  bp.notion.databases.forEach((db, i) => {
    if (db.description.includes('{sync}') && !bp.sync.mappings.some((m) => m.notion === db.key))
      fail('blueprint/notion.yaml', `databases.${i}.description: says {sync}, but ${db.key} is not synced`);
  });
  bp.workbook.tabs.forEach((tab, i) => {
    if (tab.kind !== 'layout') return;
    tab.cells.forEach((cell, j) => {
      for (const [, key] of String(cell.value ?? '').matchAll(/\{sync\.([a-z0-9_]+)\}/g))
        if (!synced.has(key!))
          fail('blueprint/workbook.yaml', `tabs.${i}.cells.${j}: {sync.${key}} names no synced tab`);
    });
  });
  for (const page of bp.pages) {
    for (const [, key] of page.body.matchAll(/\{\{\s*sync\.([a-z0-9_]+)\s*\}\}/g))
      if (!synced.has(key!)) fail(page.file, `{{sync.${key}}} names no synced tab`);
  }
}

/** Loads and validates the whole blueprint from a templates directory (the package's own by default). */
export function loadBlueprint(dir: string = TEMPLATES_DIR): Blueprint {
  const file = (name: string) => join(dir, name);
  const types = {} as Record<PartnershipTypeKey, PartnershipType>;
  for (const key of PARTNERSHIP_TYPES) {
    const path = file(`partnership-types/${key}.yaml`);
    const type = validate(partnershipTypeSchema, parseYamlFile(path, dir), path, dir);
    if (type.key !== key) throw broken(path, dir, `key: is "${type.key}" but the file is named for "${key}"`);
    types[key] = type;
  }
  const recruitingKits = {} as Record<PartnershipTypeKey, RecruitingKit>;
  for (const key of PARTNERSHIP_TYPES) {
    const path = file(`recruiting-kits/${key}.yaml`);
    const kit = validate(recruitingKitSchema, parseYamlFile(path, dir), path, dir);
    if (kit.type !== key)
      throw broken(path, dir, `type: is "${kit.type}" but the file is named for "${key}"`);
    recruitingKits[key] = kit;
  }
  const pages = listFiles(join(dir, 'pages'), '.md').map((p) => loadPage(p, dir));
  const bp: Blueprint = {
    dir,
    notion: validate(
      notionBlueprintSchema,
      parseYamlFile(file('blueprint/notion.yaml'), dir),
      file('blueprint/notion.yaml'),
      dir,
    ),
    workbook: validate(
      workbookBlueprintSchema,
      parseYamlFile(file('blueprint/workbook.yaml'), dir),
      file('blueprint/workbook.yaml'),
      dir,
    ),
    sync: validate(
      syncBlueprintSchema,
      parseYamlFile(file('blueprint/sync.yaml'), dir),
      file('blueprint/sync.yaml'),
      dir,
    ),
    renames: validate(
      renamesBlueprintSchema,
      parseYamlFile(file('blueprint/renames.yaml'), dir),
      file('blueprint/renames.yaml'),
      dir,
    ),
    types,
    recruitingKits,
    roadmap: validate(roadmapSchema, parseYamlFile(file('roadmap.yaml'), dir), file('roadmap.yaml'), dir),
    scoring: validate(scoringSchema, parseYamlFile(file('scoring.yaml'), dir), file('scoring.yaml'), dir),
    fit: validate(fitSchema, parseYamlFile(file('fit.yaml'), dir), file('fit.yaml'), dir),
    pages,
  };
  checkReferences(bp);
  return bp;
}
