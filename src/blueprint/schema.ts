// Zod schemas of the workspace blueprint in templates/blueprint/: Notion databases, workbook, sync map.
import { z } from 'zod';

const text = z.string().trim().min(1, 'must not be empty');
const blueprintKey = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}\\.[a-z0-9_-]+$`), `must look like ${prefix}.name`);
const optionList = z.union([z.enum(['$roles', '$types', '$channels']), z.array(z.string())]);

const base = { key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'), name: text };
export const notionPropertySchema = z.discriminatedUnion('type', [
  z.strictObject({ ...base, type: z.literal('title') }),
  z.strictObject({ ...base, type: z.literal('rich_text') }),
  z.strictObject({
    ...base,
    type: z.literal('number'),
    format: z.enum(['number', 'dollar', 'percent']).optional(),
  }),
  z.strictObject({ ...base, type: z.literal('select'), options: optionList }),
  z.strictObject({ ...base, type: z.literal('multi_select'), options: optionList }),
  z.strictObject({ ...base, type: z.literal('date') }),
  z.strictObject({ ...base, type: z.literal('people') }),
  z.strictObject({ ...base, type: z.literal('checkbox') }),
  z.strictObject({ ...base, type: z.literal('url') }),
  z.strictObject({ ...base, type: z.literal('email') }),
  z.strictObject({ ...base, type: z.literal('relation'), target: blueprintKey('db'), dual: text.optional() }),
  z.strictObject({ ...base, type: z.literal('formula'), expression: text }),
  z.strictObject({
    ...base,
    type: z.literal('rollup'),
    relation: text,
    property: text,
    function: z.enum(['sum', 'count', 'average', 'max', 'min']),
  }),
]);
export type NotionPropertySpec = z.infer<typeof notionPropertySchema>;

const generatedProperty = z.strictObject({ generate: z.literal('scoring-criteria') });

export const notionViewSchema = z.strictObject({
  name: text,
  /** `form`: a form whose questions are the database's properties; each submission is a new row. */
  type: z.enum(['table', 'board', 'timeline', 'calendar', 'form']),
  group_by: text.optional(),
  date: text.optional(),
  end_date: text.optional(),
  sort: z.strictObject({ property: text, direction: z.enum(['ascending', 'descending']) }).optional(),
  filter: z.strictObject({ property: text, checkbox: z.boolean() }).optional(),
});
export type NotionViewSpec = z.infer<typeof notionViewSchema>;

export const notionBlueprintSchema = z.strictObject({
  version: z.number().int().positive(),
  hub: z.strictObject({ key: blueprintKey('page'), title: text, icon: text }),
  databases: z
    .array(
      z.strictObject({
        key: blueprintKey('db'),
        title: text,
        icon: text,
        description: text,
        seed: z.enum(['roadmap', 'pages']).optional(),
        properties: z.array(z.union([notionPropertySchema, generatedProperty])).min(1),
        views: z.array(notionViewSchema).default([]),
      }),
    )
    .min(1),
});
export type NotionBlueprint = z.infer<typeof notionBlueprintSchema>;

/** `wrap`: plain text that wraps inside its column (long explanations on the Start tab). */
const cellStyle = z.enum(['title', 'header', 'label', 'input', 'note', 'wrap']);
const cellFormat = z.enum(['number', 'integer', 'percent', 'currency', 'date', 'month']);
const a1 = z.string().regex(/^[A-Z]{1,2}[0-9]{1,5}$/, 'must be an A1 cell like B7');
const fill = z.enum(['green', 'yellow', 'red', 'grey']);

const valueOrFormula = {
  value: z.union([z.string(), z.number()]).optional(),
  formula: z.string().startsWith('=', 'a formula must start with =').optional(),
  style: cellStyle.optional(),
  format: cellFormat.optional(),
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]*$/, 'named ranges are letters and digits')
    .optional(),
};

const layoutCell = z.strictObject({ at: a1, ...valueOrFormula });
const blockCell = z.strictObject({ col: z.string().regex(/^[A-Z]{1,2}$/), ...valueOrFormula });

const columnSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
  header: text,
  /** `archived`: the checkbox the sync sets when a row's page is trashed in Notion (kept, greyed, out of totals). */
  kind: z.enum(['id', 'input', 'formula', 'archived']),
  width: z.number().positive().optional(),
  format: cellFormat.optional(),
  formula: z.string().startsWith('=').optional(),
  list: optionList.optional(),
  number_between: z.tuple([z.number(), z.number()]).optional(),
});
export type WorkbookColumnSpec = z.infer<typeof columnSchema>;

const conditionalFormat = z.strictObject({
  column: z.string().optional(),
  range: z.string().optional(),
  equals: text,
  fill,
});

const tableTab = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: text,
  kind: z.literal('table'),
  header_rows: z.union([z.literal(1), z.literal(2)]),
  data_rows: z.number().int().min(0).max(5000),
  columns: z
    .array(z.union([columnSchema, z.strictObject({ generate: z.literal('scoring-criteria') })]))
    .min(1),
  conditional_formats: z.array(conditionalFormat).default([]),
  examples: z.array(z.record(z.string(), z.unknown())).default([]),
  seed: z.literal('type-kpis').optional(),
});

const layoutTab = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: text,
  kind: z.literal('layout'),
  columns: z.array(z.strictObject({ width: z.number().positive() })).default([]),
  cells: z.array(layoutCell).default([]),
  blocks: z
    .array(
      z.strictObject({
        at_row: z.number().int().min(1),
        repeat: z.number().int().min(1).max(500),
        list: z.array(z.string()).optional(),
        cells: z.array(blockCell).min(1),
      }),
    )
    .default([]),
  generated: z
    .array(
      z.strictObject({
        kind: z.enum([
          'scoring-criteria-table',
          'default-terms-table',
          'kpi-targets-table',
          'type-kpi-report',
          'program-report',
        ]),
        at_row: z.number().int().min(1),
      }),
    )
    .default([]),
  validations: z
    .array(z.strictObject({ range: z.string(), number_between: z.tuple([z.number(), z.number()]) }))
    .default([]),
  conditional_formats: z.array(conditionalFormat).default([]),
});

export const workbookBlueprintSchema = z.strictObject({
  version: z.number().int().positive(),
  title: text,
  tabs: z.array(z.discriminatedUnion('kind', [tableTab, layoutTab])).min(1),
});
export type WorkbookBlueprint = z.infer<typeof workbookBlueprintSchema>;
export type TableTabSpec = Extract<WorkbookBlueprint['tabs'][number], { kind: 'table' }>;
export type LayoutTabSpec = Extract<WorkbookBlueprint['tabs'][number], { kind: 'layout' }>;

export const syncBlueprintSchema = z.strictObject({
  version: z.number().int().positive(),
  mappings: z.array(
    z.strictObject({
      notion: blueprintKey('db'),
      sheet: z.string(),
      fields: z.array(
        z.union([
          z.strictObject({ notion: z.string(), sheet: z.string(), owner: z.enum(['notion', 'sheets']) }),
          z.strictObject({ generate: z.literal('scoring-criteria'), owner: z.enum(['notion', 'sheets']) }),
        ]),
      ),
    }),
  ),
});
export type SyncBlueprint = z.infer<typeof syncBlueprintSchema>;

export const renamesBlueprintSchema = z.strictObject({
  version: z.number().int().positive(),
  properties: z.array(
    z.strictObject({ database: blueprintKey('db'), from: text, to: z.string().regex(/^[a-z][a-z0-9_]*$/) }),
  ),
});
export type RenamesBlueprint = z.infer<typeof renamesBlueprintSchema>;
