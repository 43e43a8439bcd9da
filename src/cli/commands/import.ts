// `partnernomics import candidates FILE.csv`: a sourcing list into Partners (Notion) or the local workspace, deduped, checked per row.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { extractPageId } from '@notionhq/client';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { notionCredential } from '../../config/credentials.js';
import { PnError } from '../../platform/errors.js';
import { withFsErrors } from '../../platform/write.js';
import { emptyStats } from '../../sync/notion-side.js';
import { findSyncWorkbook, hubFromStartTab } from '../../sync/workbook.js';
import { DEFAULT_OUT_DIR } from '../../targets/local/install.js';
import { IPP_RULE } from '../../workflows/import/ipp.js';
import {
  appendLocalCandidates,
  CANDIDATES_FILE,
  localImportPaths,
  readLocalEcosystem,
  readLocalPartners,
} from '../../workflows/import/local.js';
import { parseMapOverrides } from '../../workflows/import/mapping.js';
import {
  createPartners,
  findRegistry,
  openImportTables,
  readEcosystem,
  readExistingPartners,
} from '../../workflows/import/notion.js';
import { type ImportPlan, planImport, prepareFile } from '../../workflows/import/plan.js';
import { importSchema } from '../../workflows/import/schema.js';
import { googleApiFor } from '../google.js';
import type { Printer } from '../io.js';
import { requireNotionApi } from '../notion.js';
import type { CommandContext } from '../program.js';
import { desiredWorkspace } from '../workspace.js';

/** How many rows of each list the text report shows (--json lists them all). */
const SHOWN = 20;

type ImportTarget = 'notion' | 'local';

function targetOf(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): ImportTarget {
  if (flags.target !== undefined) {
    if (flags.target === 'notion' || flags.target === 'local') return flags.target;
    throw new PnError('USAGE', `--target must be notion or local, not "${String(flags.target)}"`, {
      hint: 'see `partnernomics import candidates --help`',
    });
  }
  if (typeof flags.root === 'string') return 'notion';
  if (typeof flags.out === 'string') return 'local';
  return notionCredential(env) ? 'notion' : 'local';
}

function rootOf(flags: Record<string, unknown>): string | null {
  if (typeof flags.root !== 'string') return null;
  const id = extractPageId(flags.root);
  if (!id)
    throw new PnError('USAGE', `--root "${flags.root}" is not a Notion page link or ID`, {
      hint: 'copy the page link from Notion (Share → Copy link)',
    });
  return id;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function more(p: Printer, total: number): void {
  if (total > SHOWN) p.line(`  … and ${total - SHOWN} more (--json lists them all)`);
}

function printPlan(p: Printer, plan: ImportPlan, dryRun: boolean): void {
  p.line(
    `Read ${plan.file}: ${plan.rows} row(s); columns ${plan.columns.mapped.map((m) => `${m.column} → ${m.field}`).join(', ')}`,
  );
  if (plan.columns.unused.length)
    p.line(`  not used: ${plan.columns.unused.join(', ')} (map one with --map "COLUMN=FIELD")`);
  const matched = plan.toCreate.filter((c) => c.ipp.match).length;
  p.line(
    `${dryRun ? 'Would import' : 'New partners'}: ${plan.toCreate.length} (${matched} match the Ideal Partner Profile)`,
  );
  if (dryRun) {
    for (const c of plan.toCreate.slice(0, SHOWN)) {
      const facts = [c.domain, c.type, c.channel, c.ipp.match ? 'IPP match' : null]
        .filter(Boolean)
        .join(' · ');
      p.line(`  line ${c.line}  ${c.name}${facts ? `  (${facts})` : ''}`);
    }
    more(p, plan.toCreate.length);
  }
  p.line(`Duplicates skipped: ${plan.duplicates.length}`);
  for (const d of plan.duplicates.slice(0, SHOWN)) {
    const of = d.of.existing ? `existing partner "${d.of.name}"` : `line ${d.of.line}`;
    p.line(`  line ${d.line}  ${d.name}: same ${d.rule === 'domain' ? `domain ${d.key}` : 'name'} as ${of}`);
  }
  more(p, plan.duplicates.length);
  p.line(`Rejected: ${plan.rejected.length}`);
  for (const r of plan.rejected.slice(0, SHOWN))
    p.line(`  line ${r.line}  ${r.name ? `${r.name}: ` : ''}${r.reason}`);
  more(p, plan.rejected.length);
  if (
    plan.rejected.some((r) =>
      r.problems.some((x) => x.kind === 'unknown-type' || x.kind === 'unknown-channel'),
    )
  )
    p.line('  (a Type or Source column that means something else can be left out: --map "Type=ignore")');
  for (const w of plan.warnings.slice(0, SHOWN)) p.line(`  warning line ${w.line}: ${w.message}`);
  more(p, plan.warnings.length);
  p.line(
    plan.profileSize
      ? `IPP: ${plan.profileSize} company type(s) in the Ideal Partner Profile. ${IPP_RULE}.`
      : 'IPP: the Ideal Partner Profile is empty, so no candidate is flagged; tick "In Ideal Partner Profile" on the Ecosystem Map entries you keep.',
  );
}

function reportJson(plan: ImportPlan) {
  return {
    file: plan.file,
    rows: plan.rows,
    delimiter: plan.delimiter,
    columns: plan.columns.mapped,
    unusedColumns: plan.columns.unused,
    imported: plan.toCreate.length,
    duplicates: plan.duplicates,
    rejected: plan.rejected.map((r) => ({
      line: r.line,
      name: r.name,
      reason: r.reason,
      kinds: r.problems.map((x) => x.kind),
    })),
    warnings: plan.warnings,
    ipp: {
      rule: IPP_RULE,
      profileSize: plan.profileSize,
      matched: plan.toCreate.filter((c) => c.ipp.match).length,
    },
    partners: plan.toCreate.map((c) => ({
      line: c.line,
      name: c.name,
      website: c.website,
      domain: c.domain,
      type: c.type,
      channel: c.channel,
      ippMatch: c.ipp.match,
      ippReason: c.ipp.reason,
    })),
  };
}

function finish(ctx: CommandContext, plan: ImportPlan, extra: Record<string, unknown>, done: string): void {
  const p = ctx.printer();
  p.line(done);
  p.json({ ok: plan.rejected.length === 0, command: 'import candidates', ...extra, ...reportJson(plan) });
  if (plan.rejected.length) {
    const lines = plan.rejected.map((r) => r.line);
    const list = lines.length > 5 ? `${lines.slice(0, 5).join(', ')}, …` : lines.join(', ');
    throw new PnError(
      'ROWS_REJECTED',
      `${plan.rejected.length} row(s) of ${plan.file} rejected (line ${list}); ${plan.toCreate.length} ${extra.dryRun ? 'would be' : 'were'} imported, ${plan.duplicates.length} duplicate(s) skipped`,
      {
        hint: 'fix those rows and import the file again: rows already imported are skipped as duplicates',
        reported: true,
      },
    );
  }
}

function progressBar(ctx: CommandContext, total: number): SingleBar | null {
  if (!ctx.io.interactive || ctx.global().json || total < 10) return null;
  const bar = new SingleBar(
    { format: '  creating {bar} {value}/{total}', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

export function registerImport(program: Command, ctx: CommandContext): void {
  const group = program
    .command('import')
    .description('bring lists into the workspace: `import candidates FILE.csv` adds sourced partners');
  group
    .command('candidates')
    .argument('<file>', 'a CSV file: a sourcing list, a CRM or LinkedIn export (UTF-8, `,` or `;`)')
    .description(
      'add candidate partners from a CSV to Partners: deduped by domain (then name), checked row by row, flagged against the Ideal Partner Profile',
    )
    .option(
      '--map <column=field>',
      'read COLUMN as FIELD (name, website, type, channel, contact, first_name, last_name, email, notes, segment, or ignore); repeatable',
      collect,
      [],
    )
    .option('--dry-run', 'print what would be imported and write nothing', false)
    .option('--target <target>', 'notion or local (default: notion when a Notion login exists, else local)')
    .option(
      '--root <page>',
      'the Notion page the workspace was installed under (default: the hub the workbook links to)',
    )
    .option('--out <dir>', `the local workspace folder (default: ${DEFAULT_OUT_DIR})`)
    .action(async (fileArg: string, flags: Record<string, unknown>) => {
      const target = targetOf(flags, ctx.io.env);
      const rootId = rootOf(flags);
      const overrides = parseMapOverrides((flags.map as string[] | undefined) ?? []);
      const dryRun = flags.dryRun === true;
      const { ws } = desiredWorkspace(ctx.io, ctx.global().config);
      const schema = importSchema(ws);
      const path = resolve(ctx.io.cwd, fileArg);
      const bytes = withFsErrors(
        path,
        { action: 'read', hint: 'check the file name and its permissions' },
        () => readFileSync(path),
      );
      const prepared = prepareFile(bytes, basename(path), overrides, schema);
      const p = ctx.printer();

      if (target === 'local') {
        const paths = localImportPaths(
          ws,
          schema,
          resolve(ctx.io.cwd, (flags.out as string | undefined) ?? DEFAULT_OUT_DIR),
        );
        p.line(`Target: the local workspace in ${paths.outDir}`);
        const plan = planImport(
          prepared,
          readLocalPartners(paths, schema),
          readLocalEcosystem(paths, schema),
        );
        printPlan(p, plan, dryRun);
        const written = dryRun ? false : appendLocalCandidates(paths, schema, plan.toCreate).written;
        finish(
          ctx,
          plan,
          {
            target: 'local',
            dryRun,
            outDir: paths.outDir,
            candidatesFile: paths.candidatesCsv,
            writes: written ? 1 : 0,
          },
          dryRun
            ? 'Dry run: nothing was written.'
            : `Done: ${plan.toCreate.length} added to ${CANDIDATES_FILE}${written ? '' : ' (nothing new, file unchanged)'}; in Notion, open Partners → ••• → Merge with CSV and choose it.`,
        );
        return;
      }

      const api = requireNotionApi(ctx);
      const hubFromWorkbook = rootId
        ? null
        : await (async () => {
            try {
              const google = googleApiFor(ctx);
              // No workbook (a Notion-only install): the error then asks for --root.
              return async () =>
                findSyncWorkbook(google).then(
                  (id) => hubFromStartTab(google, id),
                  (error: unknown) => {
                    if (error instanceof PnError && error.code === 'INPUT_INVALID') return null;
                    throw error;
                  },
                );
            } catch (error) {
              if (error instanceof PnError && error.code === 'CREDENTIALS_MISSING') return null;
              throw error;
            }
          })();
      const registry = await findRegistry(api, ws.hub, rootId, hubFromWorkbook);
      const tables = await openImportTables(api, schema, registry);
      const stats = emptyStats();
      const existing = await readExistingPartners(api, tables.partners, stats);
      const ecosystem = tables.ecosystem ? await readEcosystem(api, tables.ecosystem, stats) : [];
      p.line(`Target: the Partners database in Notion (${existing.length} partner(s) there now)`);
      const plan = planImport(prepared, existing, ecosystem);
      printPlan(p, plan, dryRun);
      if (dryRun) {
        finish(
          ctx,
          plan,
          { target: 'notion', dryRun, existing: existing.length, queries: stats.queries, writes: 0 },
          'Dry run: nothing was written.',
        );
        return;
      }
      const bar = progressBar(ctx, plan.toCreate.length);
      let result: Awaited<ReturnType<typeof createPartners>>;
      try {
        result = await createPartners(api, tables.partners, schema, plan.toCreate, {
          onCreated: (n) => bar?.update(n),
        });
      } finally {
        bar?.stop();
      }
      finish(
        ctx,
        plan,
        {
          target: 'notion',
          dryRun,
          existing: existing.length,
          queries: stats.queries,
          writes: result.writes,
          created: result.created,
        },
        `Done: ${result.created.length} partner(s) created, ${plan.duplicates.length} duplicate(s) skipped, ${plan.rejected.length} row(s) rejected; ${result.writes} Notion write(s).`,
      );
    });
}
