import { Args, Flags, ux } from '@oclif/core';
import { FORMATS, RENDERERS, drawDiagram, VIEWS, type DiagramResult } from '../src/app/diagram.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';

export default class Graph extends BaseCommand {
  static override summary = 'Draw the plan: a Mermaid flowchart by wave, or a Gantt schedule.';
  static override description =
    'Mermaid text (mmd, md) is the canonical output and needs no browser. Images (svg, png, pdf) come from Mermaid ' +
    'in Chromium (--renderer mermaid, chosen by auto when Chromium is found: PLAN_CHROMIUM, PUPPETEER_EXECUTABLE_PATH ' +
    'or the usual paths) or from Graphviz compiled to WebAssembly (--renderer graphviz; no browser, no PDF, no Gantt). ' +
    'Per-table work of one step (T4.users, T4.orders…) is drawn as one node with its tables in the legend (--detail: every ' +
    'task), edges implied by others are left out, and plans too large for the renderer are drawn one node per wave and phase. Exit codes: 0, 1 the plan has errors, 2 bad usage.';
  static override examples = [
    '<%= config.bin %> graph multi-tenant.plan.yaml',
    '<%= config.bin %> graph multi-tenant.plan.yaml --format svg --out graph.svg',
    '<%= config.bin %> graph multi-tenant.plan.yaml --view gantt --format png --out gantt.png',
    '<%= config.bin %> graph multi-tenant.plan.yaml --format ascii',
    '<%= config.bin %> graph multi-tenant.plan.yaml --detail --format svg --renderer graphviz --out every-task.svg',
  ];
  static override args = { file: Args.string({ required: true, description: 'Plan file.' }) };
  static override flags = {
    view: Flags.option({ options: VIEWS, default: 'flow' as const, description: 'flow: waves and dependencies; gantt: the schedule.' })(),
    format: Flags.option({ char: 'F', options: FORMATS, default: 'mmd' as const, description: 'Output format.' })(),
    renderer: Flags.option({ options: RENDERERS, default: 'auto' as const, description: 'For svg, png, pdf.' })(),
    out: Flags.string({ char: 'o', description: 'Write here [default: stdout for text; <plan>.<view>.<format> for png/pdf].' }),
    force: Flags.boolean({ char: 'f', description: 'Replace --out if it exists.' }),
    collapse: Flags.boolean({ description: 'One node per wave and phase, whatever the size.', exclusive: ['detail'] }),
    detail: Flags.boolean({ description: 'Every task its own node; by default per-table work of one step is one node, its tables in the legend.', exclusive: ['collapse'] }),
    start: Flags.string({ description: 'Gantt start date, YYYY-MM-DD [default: 2026-01-05, so output is stable].' }),
    config: configFlag,
  };

  async run(): Promise<DiagramResult> {
    const { args, flags } = await this.parse(Graph);
    // Images take a second or more (a browser or a WASM layout): say so on stderr while it runs.
    const image = ['svg', 'png', 'pdf'].includes(flags.format);
    if (image) ux.action.start(`Rendering ${flags.view} as ${flags.format}`, undefined, { stdout: false });
    const result = await drawDiagram({
      file: args.file, view: flags.view, format: flags.format, renderer: flags.renderer,
      out: flags.out, force: flags.force, collapse: flags.collapse || undefined, detail: flags.detail || undefined, start: flags.start, configFile: flags.config,
    }).then((r) => {
      if (image) ux.action.stop();
      return r;
    });
    for (const note of result.notes) this.logToStderr(note);
    if (result.written) this.logToStderr(`Wrote ${result.out} (${result.renderer}${result.collapsed ? ', collapsed' : ''})`);
    else if (!this.jsonEnabled()) process.stdout.write(result.text ?? '');
    return result;
  }
}
