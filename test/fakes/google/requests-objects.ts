// batchUpdate requests on sheet objects: conditional formats, protected ranges, named ranges, charts.
import type { sheets_v4 } from '@googleapis/sheets';
import { chartSources, checkGridRange, requireSheet } from './ranges.js';
import { fail, type RequestContext } from './request-context.js';
import { checkCellFormat, checkCondition } from './requests-cells.js';
import { addSheet } from './requests-sheets.js';
import { sheetById } from './sheets-state.js';

type Reply = sheets_v4.Schema$Response | undefined;

export function addConditionalFormatRule(
  request: sheets_v4.Schema$AddConditionalFormatRuleRequest,
  { book }: RequestContext,
): Reply {
  const rule = request.rule;
  if (!rule) fail('rule is required');
  const ranges = rule.ranges ?? [];
  if (ranges.length === 0) fail('rule.ranges must not be empty');
  const rects = ranges.map((r) => checkGridRange(book, r, 'rule.ranges'));
  const sheet = rects[0]!.sheet;
  if (rects.some((r) => r.sheet !== sheet))
    fail('All ranges of a conditional format rule must be on the same sheet.');
  if (!!rule.booleanRule === !!rule.gradientRule)
    fail('Exactly one of booleanRule or gradientRule must be set.');
  if (rule.booleanRule) {
    checkCondition(rule.booleanRule.condition, 'rule.booleanRule', book, 'conditionalFormat');
    if (!rule.booleanRule.format) fail('rule.booleanRule.format is required');
    checkConditionalFormat(rule.booleanRule.format);
    checkCellFormat(rule.booleanRule.format, 'rule.booleanRule.format');
  }
  if (rule.gradientRule && (!rule.gradientRule.minpoint || !rule.gradientRule.maxpoint)) {
    fail('rule.gradientRule needs a minpoint and a maxpoint');
  }
  const index = request.index ?? 0;
  if (index < 0 || index > sheet.conditionalFormats.length) {
    fail(`index ${index} is out of bounds for ${sheet.conditionalFormats.length} rule(s)`);
  }
  sheet.conditionalFormats.splice(index, 0, structuredClone(rule));
  return undefined;
}

/**
 * "Conditional formatting can only apply a subset of formatting: bold, italic, strikethrough, foreground
 * color and, background color." (sheets_v4.Schema$BooleanRule); underline is allowed too, as in the UI.
 */
function checkConditionalFormat(format: sheets_v4.Schema$CellFormat): void {
  const allowedText = new Set([
    'bold',
    'italic',
    'strikethrough',
    'underline',
    'foregroundColor',
    'foregroundColorStyle',
  ]);
  for (const key of Object.keys(format)) {
    if (key === 'backgroundColor' || key === 'backgroundColorStyle') continue;
    if (key === 'textFormat') {
      for (const t of Object.keys(format.textFormat ?? {})) {
        if (!allowedText.has(t)) fail(`Conditional formatting cannot set textFormat.${t}.`);
      }
      continue;
    }
    fail(
      `Conditional formatting cannot set ${key}; only bold, italic, strikethrough, foreground color and background color.`,
    );
  }
}

export function deleteConditionalFormatRule(
  request: sheets_v4.Schema$DeleteConditionalFormatRuleRequest,
  { book }: RequestContext,
): Reply {
  const sheet = requireSheet(book, request.sheetId);
  const index = request.index ?? 0;
  const rule = sheet.conditionalFormats[index];
  if (!rule) fail(`No conditional format on sheet ${sheet.properties.sheetId} at index ${index}.`);
  sheet.conditionalFormats.splice(index, 1);
  return { deleteConditionalFormatRule: { rule } };
}

function allProtectedRanges(book: RequestContext['book']): sheets_v4.Schema$ProtectedRange[] {
  return book.sheets.flatMap((s) => s.protectedRanges);
}

export function addProtectedRange(
  request: sheets_v4.Schema$AddProtectedRangeRequest,
  context: RequestContext,
): Reply {
  const { book, ids, principal } = context;
  const input = request.protectedRange;
  if (!input) fail('protectedRange is required');
  if (input.range && input.namedRangeId) fail('Only one of range or namedRangeId may be set.');
  let range = input.range ?? undefined;
  if (input.namedRangeId) {
    const named = book.namedRanges.find((n) => n.namedRangeId === input.namedRangeId);
    if (!named) fail(`No named range with id ${input.namedRangeId}.`);
    range = named.range ?? undefined;
  }
  if (!range) fail('protectedRange.range is required');
  const rect = checkGridRange(book, range, 'protectedRange.range');
  const wholeSheet =
    range.startRowIndex == null &&
    range.endRowIndex == null &&
    range.startColumnIndex == null &&
    range.endColumnIndex == null;
  // "Unprotected ranges are only supported on protected sheets." (sheets_v4.Schema$ProtectedRange)
  if (input.unprotectedRanges?.length && !wholeSheet)
    fail('Unprotected ranges are only supported on protected sheets.');
  for (const u of input.unprotectedRanges ?? []) checkGridRange(book, u, 'protectedRange.unprotectedRanges');
  let id = input.protectedRangeId ?? undefined;
  if (id !== undefined && allProtectedRanges(book).some((p) => p.protectedRangeId === id)) {
    fail(`Protected range with id ${id} already exists.`);
  }
  id ??= 100_000_000 + ids.next('protectedRange') * 37;
  // "When writing: if [warningOnly] is true, then editors are ignored." (sheets_v4.Schema$ProtectedRange)
  const { editors: _ignored, ...rest } = input;
  const stored: sheets_v4.Schema$ProtectedRange = {
    ...structuredClone(rest),
    protectedRangeId: id,
    range: structuredClone(range),
    requestingUserCanEdit: true,
  };
  if (!input.warningOnly) stored.editors = structuredClone(input.editors ?? { users: [principal.user] });
  rect.sheet.protectedRanges.push(stored);
  return { addProtectedRange: { protectedRange: structuredClone(stored) } };
}

export function deleteProtectedRange(
  request: sheets_v4.Schema$DeleteProtectedRangeRequest,
  { book }: RequestContext,
): Reply {
  const sheet = book.sheets.find((s) =>
    s.protectedRanges.some((p) => p.protectedRangeId === request.protectedRangeId),
  );
  if (!sheet) fail(`No protected range with id: ${request.protectedRangeId}`);
  sheet.protectedRanges = sheet.protectedRanges.filter(
    (p) => p.protectedRangeId !== request.protectedRangeId,
  );
  return undefined;
}

/** Named-range names: a letter or _ first, then letters, digits, _ or .; not a cell reference; ≤250 chars. */
function checkRangeName(name: string | null | undefined): string {
  if (!name) fail('namedRange.name is required');
  const valid =
    name.length <= 250 &&
    /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) &&
    !/^[A-Za-z]{1,3}\d+$/.test(name) &&
    !/^[Rr]\d*[Cc]\d*$/.test(name) &&
    !/^(true|false)$/i.test(name);
  if (!valid)
    fail(
      `Invalid name: "${name}". A named range name may only contain letters, numbers and underscores, and must not look like a cell reference.`,
    );
  return name;
}

export function addNamedRange(
  request: sheets_v4.Schema$AddNamedRangeRequest,
  { book, ids }: RequestContext,
): Reply {
  const input = request.namedRange;
  if (!input) fail('namedRange is required');
  const name = checkRangeName(input.name);
  if (book.namedRanges.some((n) => n.name?.toLowerCase() === name.toLowerCase())) {
    fail(`A named range with the name "${name}" already exists.`);
  }
  checkGridRange(book, input.range ?? undefined, 'namedRange.range');
  let id = input.namedRangeId ?? undefined;
  if (id && book.namedRanges.some((n) => n.namedRangeId === id))
    fail(`Named range with id ${id} already exists.`);
  id ??= `nr${String(ids.next('namedRange')).padStart(9, '0')}`;
  const stored: sheets_v4.Schema$NamedRange = { namedRangeId: id, name, range: structuredClone(input.range) };
  book.namedRanges.push(stored);
  return { addNamedRange: { namedRange: structuredClone(stored) } };
}

export function deleteNamedRange(
  request: sheets_v4.Schema$DeleteNamedRangeRequest,
  { book }: RequestContext,
): Reply {
  if (!book.namedRanges.some((n) => n.namedRangeId === request.namedRangeId)) {
    fail(`No named range with id ${request.namedRangeId}.`);
  }
  book.namedRanges = book.namedRanges.filter((n) => n.namedRangeId !== request.namedRangeId);
  return undefined;
}

const BASIC_CHART_TYPES = ['BAR', 'LINE', 'AREA', 'COLUMN', 'SCATTER', 'COMBO', 'STEPPED_AREA'];
const LEGEND_POSITIONS = [
  'BASIC_CHART_LEGEND_POSITION_UNSPECIFIED',
  'BOTTOM_LEGEND',
  'LEFT_LEGEND',
  'RIGHT_LEGEND',
  'TOP_LEGEND',
  'NO_LEGEND',
];

/**
 * BasicChartSpec rules from the reference: chartType and legendPosition are enums; "Only a single domain
 * is supported"; a series' targetAxis must be a minor axis for the chart type (BasicChartAxisPosition:
 * BOTTOM_AXIS is a minor axis only for bar charts, LEFT_AXIS and RIGHT_AXIS for the other types).
 */
function checkBasicChart(spec: sheets_v4.Schema$BasicChartSpec): void {
  const where = 'chart.spec.basic_chart';
  if (spec.chartType != null && !BASIC_CHART_TYPES.includes(spec.chartType)) {
    fail(
      `Invalid value at '${where}.chart_type' (type.googleapis.com/google.apps.sheets.v4.BasicChartType), "${spec.chartType}"`,
    );
  }
  if (spec.legendPosition != null && !LEGEND_POSITIONS.includes(spec.legendPosition)) {
    fail(
      `Invalid value at '${where}.legend_position' (type.googleapis.com/google.apps.sheets.v4.BasicChartLegendPosition), "${spec.legendPosition}"`,
    );
  }
  if ((spec.domains?.length ?? 0) > 1) fail('Only a single domain is supported for basic charts.');
  const minor = spec.chartType === 'BAR' ? ['BOTTOM_AXIS'] : ['LEFT_AXIS', 'RIGHT_AXIS'];
  (spec.series ?? []).forEach((series, i) => {
    const axis = series.targetAxis;
    if (axis == null || axis === 'BASIC_CHART_AXIS_POSITION_UNSPECIFIED') return;
    if (!minor.includes(axis)) {
      fail(
        `${where}.series[${i}].target_axis ${axis} is not a valid minor axis for a ${spec.chartType} chart.`,
      );
    }
  });
}

export function addChart(request: sheets_v4.Schema$AddChartRequest, context: RequestContext): Reply {
  const { book, ids } = context;
  const input = request.chart;
  if (!input) fail('chart is required');
  if (!input.spec) fail('chart.spec is required');
  if (input.spec.basicChart) checkBasicChart(input.spec.basicChart);
  for (const source of chartSources(input.spec)) checkGridRange(book, source, 'chart.spec source');
  const position = input.position;
  if (!position) fail('chart.position is required');
  const kinds = [position.sheetId != null, !!position.overlayPosition, !!position.newSheet].filter(
    Boolean,
  ).length;
  if (kinds !== 1)
    fail('Exactly one of position.sheetId, position.overlayPosition or position.newSheet must be set.');
  const all = book.sheets.flatMap((s) => s.charts);
  let chartId = input.chartId ?? undefined;
  if (chartId !== undefined && all.some((c) => c.chartId === chartId))
    fail(`Chart with id ${chartId} already exists.`);
  chartId ??= 200_000_000 + ids.next('chart') * 41;
  const stored: sheets_v4.Schema$EmbeddedChart = { ...structuredClone(input), chartId };
  let hostId: number;
  if (position.newSheet) {
    const reply = addSheet(
      { properties: { title: `Chart${ids.next('chartSheet')}`, sheetType: 'OBJECT' } },
      context,
    );
    hostId = reply?.addSheet?.properties?.sheetId ?? 0;
    stored.position = { sheetId: hostId };
  } else if (position.overlayPosition) {
    const anchor = position.overlayPosition.anchorCell;
    if (!anchor) fail('position.overlayPosition.anchorCell is required');
    const sheet = requireSheet(book, anchor.sheetId);
    const { rowCount, columnCount } = sheet.properties.gridProperties;
    if ((anchor.rowIndex ?? 0) >= rowCount || (anchor.columnIndex ?? 0) >= columnCount) {
      fail('position.overlayPosition.anchorCell is outside the grid.');
    }
    hostId = sheet.properties.sheetId;
  } else {
    hostId = requireSheet(book, position.sheetId).properties.sheetId;
  }
  sheetById(book, hostId)!.charts.push(stored);
  return { addChart: { chart: structuredClone(stored) } };
}
