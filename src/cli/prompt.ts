/**
 * The first run: `plan new` without a template, on a terminal, offers the templates and asks for each
 * parameter (Enter keeps the default). Every answer is checked at once and asked again when wrong.
 */
import { createInterface, type Interface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { PlanInputError } from '../errors.js';
import { PromptCancelled } from './cancel.js';
import type { TemplateListing } from '../app/templates.js';
import { resolveParameters } from '../templates/parameters.js';

/** One question; readline rejects with an AbortError on Ctrl-C ("Aborted with Ctrl+C") and Ctrl-D. */
async function question(rl: Interface, text: string): Promise<string> {
  try {
    return await rl.question(text);
  } catch (err) {
    if ((err as { code?: string }).code === 'ABORT_ERR') throw new PromptCancelled();
    throw err;
  }
}

export interface Answers {
  template: string;
  given: Record<string, string>;
}

export async function askNewPlan(templates: readonly TemplateListing[], input: Readable, output: Writable): Promise<Answers> {
  const rl = createInterface({ input, output, terminal: true });
  try {
    output.write('Templates:\n');
    templates.forEach((t, i) => output.write(`  ${i + 1}. ${t.name.padEnd(20)} ${t.title}\n`));
    let template: TemplateListing | undefined;
    while (!template) {
      const answer = (await question(rl, `Template [1-${templates.length} or name] (${templates[0]!.name}): `)).trim();
      template = answer === '' ? templates[0] : templates[Number(answer) - 1] ?? templates.find((t) => t.name === answer);
      if (!template) output.write(`  no template "${answer}"\n`);
    }
    output.write(`\n${template.summary}\nParameters (Enter keeps the default):\n`);
    const given: Record<string, string> = {};
    for (const p of template.parameters) {
      const shown = Array.isArray(p.default) ? p.default.join(',') : String(p.default);
      const choices = p.type === 'enum' ? ` [${p.values.join('|')}]` : '';
      for (;;) {
        const answer = (await question(rl, `  ${p.name}${choices} — ${p.help}\n    (${shown}): `)).trim();
        if (answer === '') break;
        try {
          resolveParameters({ name: template.name, parameters: [p] }, { [p.name]: answer });
          given[p.name] = answer;
          break;
        } catch (err) {
          if (!(err instanceof PlanInputError)) throw err;
          output.write(`    ${err.details[0]!.message}\n`);
        }
      }
    }
    return { template: template.name, given };
  } finally {
    rl.close();
  }
}
