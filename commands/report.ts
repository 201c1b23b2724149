import { Args, Flags, ux } from '@oclif/core';
import { writeKickoff, type KickoffResult } from '../src/app/kickoff.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';

export default class Report extends BaseCommand {
  static override summary = 'The kickoff document: goal, diagrams, phases, tasks and their statements, runbook, rollback, checkpoints, checklists, findings.';
  static override description =
    'Markdown keeps Mermaid blocks (GitHub draws them). HTML is one self-contained file that opens offline, diagrams ' +
    'inlined as SVG (Mermaid in Chromium; without it, Graphviz for the flow and a text schedule). PDF is that HTML ' +
    'printed by Chromium (one phase of the runbook per page), written only to --out.';
  static override examples = [
    '<%= config.bin %> report multi-tenant.plan.yaml --out KICKOFF.md',
    '<%= config.bin %> report multi-tenant.plan.yaml --format html --out kickoff.html',
    '<%= config.bin %> report multi-tenant.plan.yaml --format pdf --out kickoff.pdf',
  ];
  static override args = { file: Args.string({ required: true, description: 'Plan file.' }) };
  static override flags = {
    format: Flags.option({ options: ['md', 'html', 'pdf'] as const, default: 'md' as const, description: 'md, html, or pdf (needs --out).' })(),
    out: Flags.string({ char: 'o', description: 'Write here instead of printing.' }),
    force: Flags.boolean({ char: 'f', description: 'Replace --out if it exists.' }),
    config: configFlag,
  };

  async run(): Promise<Omit<KickoffResult, 'text'> & { text?: string }> {
    const { args, flags } = await this.parse(Report);
    const result = await writeKickoff({ file: args.file, format: flags.format, out: flags.out, force: flags.force, configFile: flags.config },
      (message) => ux.action.start(message, undefined, { stdout: false }));
    if (ux.action.running) ux.action.stop();
    for (const note of result.notes) this.logToStderr(note);
    if (result.written) this.logToStderr(`Wrote ${result.out}`);
    else if (!this.jsonEnabled()) process.stdout.write(result.text);
    // Under --json the document itself is left out unless it was printed instead of written.
    return result.written ? { ...result, text: undefined } : result;
  }
}
