// `partnernomics fit`: the partnership-type questionnaire, asked on a terminal or answered with --answer.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Document, isMap, isNode, isScalar, isSeq, type Node, parseDocument, stringify, YAMLSeq } from 'yaml';
import { loadBlueprint } from '../../blueprint/load.js';
import { DEFAULT_CONFIG_FILE, parseConfigYaml, readConfigText } from '../../config/load.js';
import { FitAnswerError, recommendTypes } from '../../domain/fit.js';
import { PARTNERSHIP_TYPE_NAMES, type PartnershipTypeKey, parsePartnershipType } from '../../domain/types.js';
import { PnError } from '../../platform/errors.js';
import { checkWritableFile, withFsErrors, writeFileAtomic } from '../../platform/write.js';
import type { CommandContext } from '../program.js';
import { CONFIG_HEADER, shellArg } from './init.js';

/** "deal_size=under_5k" pairs into an answers object; a malformed pair is a usage error. */
export function parseAnswers(pairs: readonly string[]): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const pair of pairs) {
    const m = /^([a-z0-9_]+)=([a-z0-9_]+)$/.exec(pair.trim());
    if (!m)
      throw new PnError('USAGE', `--answer "${pair}" is not question=option`, {
        hint: 'e.g. --answer deal_size=under_5k',
      });
    answers[m[1]!] = m[2]!;
  }
  return answers;
}

/**
 * The config text with `partnership_types` set to `types` and every other byte as it was: comments, order, layout,
 * the other settings, and the entries of types that stay (with their own comments and spelling). Only the
 * `partnership_types` entry's own text is replaced, rendered by the yaml Document API. Pure.
 */
export function withPartnershipTypes(text: string, types: readonly PartnershipTypeKey[]): string {
  const doc = parseDocument(text);
  const pair = isMap(doc.contents)
    ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'partnership_types')
    : undefined;
  if (!pair || !isScalar(pair.key) || !pair.key.range || !isNode(pair.value) || !pair.value.range) {
    const base = text.trim() ? text : CONFIG_HEADER;
    return `${base.endsWith('\n') ? base : `${base}\n`}${stringify({ partnership_types: [...types] })}`;
  }
  let value: Node;
  if (isSeq(pair.value)) {
    const kept = new Map<string, unknown>();
    for (const item of pair.value.items) {
      const key = isScalar(item) ? parsePartnershipType(String(item.value)) : undefined;
      if (key && !kept.has(key)) kept.set(key, item);
    }
    const seq = new YAMLSeq<unknown>();
    seq.flow = pair.value.flow;
    seq.comment = pair.value.comment;
    seq.commentBefore = pair.value.commentBefore;
    seq.items = types.map((t) => kept.get(t) ?? doc.createNode(t));
    value = seq;
  } else {
    value = doc.createNode([...types], { flow: true });
    value.comment = pair.value.comment;
  }
  const entry = new Document({ partnership_types: null });
  entry.set('partnership_types', value);
  const start = pair.key.range[0];
  const end = pair.value.range[2];
  let rendered = entry.toString({ lineWidth: 0, flowCollectionPadding: false });
  if (!text.slice(start, end).endsWith('\n')) rendered = rendered.replace(/\n$/, '');
  return `${text.slice(0, start)}${rendered}${text.slice(end)}`;
}

/** Writes the recommended types into the config file (creating it with only them when there is none). */
function saveTypes(
  ctx: CommandContext,
  types: readonly PartnershipTypeKey[],
): { path: string; created: boolean } {
  const shown = ctx.global().config ?? DEFAULT_CONFIG_FILE;
  const path = resolve(ctx.io.cwd, shown);
  const hint = 'pass another file with --config FILE, or run fit in a folder you can write to';
  checkWritableFile(path, { what: 'config file', hint });
  const before = readConfigText(path, shown);
  // The file must be valid before (so nothing else is silently kept broken) and after.
  if (before !== null) parseConfigYaml(before, shown);
  const after = withPartnershipTypes(before ?? '', types);
  parseConfigYaml(after, shown);
  if (after !== before) {
    withFsErrors(path, { action: 'write', what: 'config file', hint }, () => writeFileAtomic(path, after));
  }
  return { path, created: before === null };
}

export function registerFit(program: Command, ctx: CommandContext): void {
  program
    .command('fit')
    .description('recommend the partnership type(s) that fit your business, with the reasons')
    .option('--answer <question=option...>', 'answer a question without prompting (repeatable)')
    .option('--list', 'list the questions and their option keys', false)
    .option(
      '--save',
      'write the recommended types into the config file (only partnership_types changes; comments stay)',
      false,
    )
    .action(async (flags: { answer?: string[]; list: boolean; save: boolean }) => {
      const fit = loadBlueprint(ctx.io.env.PARTNERNOMICS_TEMPLATES || undefined).fit;
      const p = ctx.printer();
      if (flags.list) {
        for (const q of fit.questions) {
          p.line(`${q.key}: ${q.text}`);
          for (const o of q.options) p.line(`  ${o.key} — ${o.label}`);
        }
        p.json({ ok: true, command: 'fit', questions: fit.questions });
        return;
      }
      let answers = parseAnswers(flags.answer ?? []);
      if (!flags.answer?.length) {
        if (!ctx.io.interactive) {
          throw new PnError('USAGE', 'fit needs a terminal to ask its questions', {
            hint: 'pass answers with --answer question=option (see `partnernomics fit --list`)',
          });
        }
        const { select } = await import('@inquirer/prompts');
        answers = {};
        for (const q of fit.questions) {
          answers[q.key] = await select({
            message: q.text,
            choices: q.options.map((o) => ({ value: o.key, name: o.label })),
          });
        }
      }
      const unknown = Object.keys(answers).filter((key) => !fit.questions.some((q) => q.key === key));
      if (unknown.length) {
        throw new PnError('USAGE', `--answer ${unknown[0]}=…: there is no question "${unknown[0]}"`, {
          hint: `the questions are ${fit.questions.map((q) => q.key).join(', ')} (see \`partnernomics fit --list\`)`,
        });
      }
      let result: ReturnType<typeof recommendTypes>;
      try {
        result = recommendTypes(fit.questions, answers);
      } catch (error) {
        if (error instanceof FitAnswerError)
          throw new PnError('USAGE', error.message, { hint: 'see `partnernomics fit --list`' });
        throw error;
      }
      if (flags.save && result.recommended.length === 0) {
        throw new PnError('USAGE', 'there is no recommendation to save', {
          hint: 'answer at least one question (see `partnernomics fit --list`)',
        });
      }
      const saved = flags.save ? saveTypes(ctx, result.recommended) : null;
      p.heading(
        `Recommended: ${result.recommended.map((t) => PARTNERSHIP_TYPE_NAMES[t]).join(' + ') || 'answer at least one question'}`,
      );
      for (const r of result.ranking) {
        p.line(`  ${PARTNERSHIP_TYPE_NAMES[r.type].padEnd(24)} ${(r.fit * 100).toFixed(0).padStart(3)}% fit`);
      }
      for (const type of result.recommended) {
        p.line(`Why ${PARTNERSHIP_TYPE_NAMES[type]}:`);
        for (const reason of result.ranking.find((r) => r.type === type)!.reasons) p.line(`  - ${reason}`);
      }
      if (result.unanswered.length) p.line(p.dim(`Unanswered: ${result.unanswered.join(', ')}`));
      const configFlag = ctx.global().config ? ` --config ${shellArg(ctx.global().config!)}` : '';
      let next: string | null = null;
      if (saved) {
        p.line(
          `${saved.created ? 'Wrote' : 'Updated'} ${saved.path}: partnership_types: ${result.recommended.join(', ')}${saved.created ? '' : ' (nothing else changed)'}.`,
        );
        next = `partnernomics install${configFlag}`;
      } else if (result.recommended.length) {
        const again = Object.entries(answers)
          .map(([q, o]) => ` --answer ${q}=${o}`)
          .join('');
        next = `partnernomics fit --save${configFlag}${again}`;
        p.line(
          `To use ${result.recommended.join(', ')}: ${next}   (writes partnership_types into ${ctx.global().config ?? DEFAULT_CONFIG_FILE}; nothing else changes)`,
        );
      }
      if (saved) p.line(`Next: ${next}`);
      p.json({
        ok: true,
        command: 'fit',
        ...result,
        next,
        saved: saved
          ? { path: saved.path, created: saved.created, partnership_types: result.recommended }
          : null,
      });
    });
}
