// Pure steps from raw flags to validated options, one per command (tested without running anything).
import { extractPageId } from '@notionhq/client';
import { z } from 'zod';
import { describeZodError } from '../config/load.js';
import { PnError } from '../platform/errors.js';
import { DEFAULT_OUT_DIR } from '../targets/local/install.js';

export const TARGETS = ['local', 'notion', 'sheets', 'all'] as const;
export type Target = (typeof TARGETS)[number];

const installSchema = z.object({
  target: z.enum(TARGETS, { message: `--target must be one of: ${TARGETS.join(', ')}` }).optional(),
  out: z.string().min(1, '--out must name a folder').default(DEFAULT_OUT_DIR),
  force: z.boolean().default(false),
  root: z.string().optional(),
});
export type InstallOptions = { target: Target; out: string; force: boolean; rootId: string | null };

/** The target is `local` unless asked otherwise: the embedded default needs no credentials. */
export function parseInstallOptions(
  flags: Record<string, unknown>,
  command: 'install' | 'plan' = 'install',
): InstallOptions {
  const parsed = installSchema.safeParse(flags);
  if (!parsed.success) {
    throw new PnError('USAGE', describeZodError(parsed.error).replace(/^target: |^out: /, ''), {
      hint: `see \`partnernomics ${command} --help\``,
    });
  }
  const target = parsed.data.target ?? 'local';
  let rootId: string | null = null;
  if (target === 'notion' || target === 'all') {
    if (!parsed.data.root) {
      throw new PnError('USAGE', `--target ${target} needs --root, the Notion page to install under`, {
        hint: 'share a page with your integration (••• → Connections), then pass its link: --root https://www.notion.so/…',
      });
    }
    rootId = extractPageId(parsed.data.root);
    if (!rootId) {
      throw new PnError('USAGE', `--root "${parsed.data.root}" is not a Notion page link or ID`, {
        hint: 'copy the page link from Notion (Share → Copy link)',
      });
    }
  }
  return { target, out: parsed.data.out, force: parsed.data.force, rootId };
}
