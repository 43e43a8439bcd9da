// Pure steps from raw flags to validated options, one per command (tested without running anything).
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
});
export type InstallOptions = { target: Target; out: string; force: boolean };

/** The target is `local` unless asked otherwise: the embedded default needs no credentials. */
export function parseInstallOptions(flags: Record<string, unknown>): InstallOptions {
  const parsed = installSchema.safeParse(flags);
  if (!parsed.success) {
    throw new PnError('USAGE', describeZodError(parsed.error).replace(/^target: |^out: /, ''), {
      hint: 'see `partnernomics install --help`',
    });
  }
  const target = parsed.data.target ?? 'local';
  if (target !== 'local') {
    throw new PnError('USAGE', `the ${target} target is not available in this version`, {
      hint: 'use --target local (the default) and follow MANUAL-STEPS.md to import into Notion and Google Sheets',
    });
  }
  return { target, out: parsed.data.out, force: parsed.data.force };
}
