// The leadership team's page in Notion: "Leadership report — 2027 Q1" under the hub, its headline figures as a

// table. Found by its title on a re-run and left alone (the team adds its narrative there): 0 writes.
import type { CreatePageParameters } from '@notionhq/client';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { findInstalled } from '../../sync/notion-source.js';
import { mapNotionError, type NotionApi } from '../../targets/notion/api.js';
import type { Headline, ReportFigures } from './compute.js';
import { formatFigure } from './format.js';
import type { Quarter } from './quarter.js';

export const notionPageTitle = (quarter: Quarter) => `Leadership report — ${quarter.label}`;

export interface NotionReport {
  title: string;
  pageId: string | null;
  action: 'created' | 'unchanged' | 'would create';
}

const text = (content: string) => [{ type: 'text' as const, text: { content } }];

const row = (cells: string[]) => ({ type: 'table_row' as const, table_row: { cells: cells.map(text) } });

function figureRow(h: Headline) {
  const before = 'before' in h ? formatFigure(h.before, h.format) : '';
  return row([h.label, formatFigure(h.now, h.format), before]);
}

/** The page's request: a line on where the numbers come from, then the figures as a table. */
export function reportPageRequest(
  hubId: string,
  figures: ReportFigures,
  where: { frozenTab: string; htmlFile: string },
): CreatePageParameters {
  const header = row(['Measure', 'This quarter', 'Last quarter']);
  return {
    parent: { page_id: hubId },
    icon: { type: 'emoji', emoji: '📈' },
    properties: { title: { title: text(notionPageTitle(figures.quarter)) } },
    children: [
      {
        type: 'paragraph',
        paragraph: {
          rich_text: text(
            `The quarter starting ${figures.quarter.start}, as frozen on the workbook's "${where.frozenTab}" tab. The charts are in ${where.htmlFile}. A dash means there is nothing to measure yet.`,
          ),
        },
      },
      { type: 'heading_2', heading_2: { rich_text: text('Headline figures') } },
      {
        type: 'table',
        table: {
          table_width: 3,
          has_column_header: true,
          has_row_header: true,
          children: [header, ...figures.headlines.map(figureRow)],
        },
      },
      { type: 'heading_2', heading_2: { rich_text: text('What it means and what we ask') } },
      {
        type: 'paragraph',
        paragraph: {
          rich_text: text('The narrative and the asks of the partner team for leadership go here.'),
        },
      },
    ],
  };
}

/** The hub page: the one under `rootId`, else the one the workbook's Start tab links to. */
export async function findHub(
  notion: NotionApi,
  ws: DesiredWorkspace,
  rootId: string | null,
  linked: string | null,
) {
  return (await findInstalled(notion, ws.hub, { rootId, hubId: linked })).hubId;
}

/** Writes the page unless a page of that title is already under the hub. */
export async function notionReport(
  notion: NotionApi,
  hubId: string,
  figures: ReportFigures,
  where: { frozenTab: string; htmlFile: string },
  options: { dryRun: boolean },
): Promise<NotionReport> {
  const title = notionPageTitle(figures.quarter);
  let existing: string | null = null;
  try {
    for await (const block of notion.children(hubId))
      if ('type' in block && block.type === 'child_page' && block.child_page.title === title)
        existing = block.id;
  } catch (error) {
    throw mapNotionError(error, 'reading the hub page', hubId);
  }
  if (existing) return { title, pageId: existing, action: 'unchanged' };
  if (options.dryRun) return { title, pageId: null, action: 'would create' };
  const request = reportPageRequest(hubId, figures, where);
  try {
    // A create is not repeated after an unknown outcome: the next run finds the page by its title.
    const page = await notion.call(false, (c) => c.pages.create(request));
    return { title, pageId: page.id, action: 'created' };
  } catch (error) {
    throw mapNotionError(error, `creating the "${title}" page`, hubId);
  }
}
