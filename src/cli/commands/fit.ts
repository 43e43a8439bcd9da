// `partnernomics fit`: the partnership-type questionnaire, asked on a terminal or answered with --answer.
import type { Command } from 'commander';
import { loadBlueprint } from '../../blueprint/load.js';
import { FitAnswerError, recommendTypes } from '../../domain/fit.js';
import { PARTNERSHIP_TYPE_NAMES } from '../../domain/types.js';
import { PnError } from '../../platform/errors.js';
import type { CommandContext } from '../program.js';

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

export function registerFit(program: Command, ctx: CommandContext): void {
  program
    .command('fit')
    .description('recommend the partnership type(s) that fit your business, with the reasons')
    .option('--answer <question=option...>', 'answer a question without prompting (repeatable)')
    .option('--list', 'list the questions and their option keys', false)
    .action(async (flags: { answer?: string[]; list: boolean }) => {
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
      let result: ReturnType<typeof recommendTypes>;
      try {
        result = recommendTypes(fit.questions, answers);
      } catch (error) {
        if (error instanceof FitAnswerError)
          throw new PnError('USAGE', error.message, { hint: 'see `partnernomics fit --list`' });
        throw error;
      }
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
      p.line(`Next: partnernomics init --yes --types ${result.recommended.join(',')}`);
      p.json({ ok: true, command: 'fit', ...result });
    });
}
