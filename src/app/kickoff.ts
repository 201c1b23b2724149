/**
 * `plan report`: the kickoff document, as Markdown (Mermaid blocks), one self-contained HTML file
 * (diagrams rendered to SVG: Mermaid in Chromium, else Graphviz for the flow and a text schedule), or
 * that HTML printed to PDF by Chromium (to a file only).
 */
import { basename } from 'node:path';
import { dotFlow, drawableLevel, mermaidFlow } from '../diagram/flow.js';
import { mermaidGantt, textSchedule } from '../diagram/gantt.js';
import { checkFile, requireNoErrors, type CheckOptions } from '../check/pipeline.js';
import type { CheckResult } from '../check/result.js';
import { PlanInputError } from '../errors.js';
import { writeFileAtomic } from '../io/files.js';
import { toHtml, toMarkdown } from '../kickoff/document.js';
import { kickoffDocument, type Diagrams } from '../kickoff/build.js';
import type { Signoff } from '../kickoff/runbook.js';
import type { Outline } from '../outline/outline.js';
import { planProgress, type Progress } from '../progress/progress.js';

export interface KickoffOptions extends CheckOptions {
  file: string;
  format?: ReportFormat;
  out?: string;
  force?: boolean;
}

export type ReportFormat = 'md' | 'html' | 'pdf';

export interface KickoffResult {
  format: ReportFormat;
  /** The document; for a PDF, empty (the bytes are only written to --out). */
  text: string;
  out?: string;
  written: boolean;
  notes: string[];
}

export interface KickoffInput {
  outline: Outline;
  result: CheckResult;
  source: string;
  /** Where the plan stands, once any task records a state. */
  progress?: Progress;
  /** Checkpoints signed off (marked done): who, when, on what evidence. */
  signoffs?: Record<string, Signoff>;
}

/** The checked plan a kickoff is written from; a plan with errors gets no kickoff (exit 1). */
export async function loadKickoff(file: string, options: CheckOptions = {}): Promise<KickoffInput> {
  const checked = requireNoErrors(await checkFile(file, options));
  const { plan } = checked.loaded;
  const progress = planProgress(plan, checked.analysis);
  const signoffs = Object.fromEntries(plan.tasks.filter((t) => t.kind === 'checkpoint' && t.state?.status === 'done')
    .map((t) => [t.id, { by: t.state!.by, at: t.state!.at, evidence: t.state!.evidence }]));
  return { outline: checked.outline, result: checked.result, source: basename(file), ...(progress.started && { progress }), signoffs };
}

/** The Mermaid text of both views: what Markdown embeds and what HTML renders. */
export function kickoffMermaid(outline: Outline): { flow: string; gantt: string } {
  // The grouped flow while Mermaid can lay it out (a 1,000-table plan's is a few dozen nodes), else one node per phase.
  return { flow: mermaidFlow(outline, drawableLevel(outline, 'grouped', 'mermaid').level), gantt: mermaidGantt(outline) };
}

/** The document text, given the diagrams (SVG ones for HTML). Pure: the examples test calls it too. */
export function renderKickoff(input: KickoffInput, format: 'md' | 'html', diagrams: Diagrams): string {
  const blocks = kickoffDocument(input.outline, input.result, diagrams, input.source, input.progress, input.signoffs);
  return format === 'md' ? toMarkdown(blocks) : toHtml(`${input.outline.epic.title}: migration kickoff`, blocks);
}

export async function writeKickoff(options: KickoffOptions, progress?: (message: string) => void): Promise<KickoffResult> {
  const format = options.format ?? 'md';
  if (format === 'pdf' && !options.out) {
    throw PlanInputError.single('a PDF is not printed to the terminal', { hint: 'give --out FILE.pdf' });
  }
  const input = await loadKickoff(options.file, options);
  const mermaid = kickoffMermaid(input.outline);
  const notes: string[] = [];
  let diagrams: Diagrams = { flow: { mermaid: mermaid.flow }, gantt: { mermaid: mermaid.gantt } };
  let pdf: Buffer | undefined;
  if (format !== 'md') {
    const { findChromium, MermaidBrowser } = await import('../diagram/browser.js');
    if (findChromium()) {
      progress?.('Rendering diagrams in Chromium');
      const browser = await MermaidBrowser.launch();
      try {
        diagrams = { flow: { ...diagrams.flow, svg: await browser.svg(mermaid.flow, 'flow') }, gantt: { ...diagrams.gantt, svg: await browser.svg(mermaid.gantt, 'gantt') } };
        if (format === 'pdf') {
          progress?.('Printing the report in Chromium');
          pdf = await browser.print(renderKickoff(input, 'html', diagrams));
        }
      } finally {
        await browser.close();
      }
    } else if (format === 'pdf') {
      throw PlanInputError.single('no Chromium found to print the PDF', { hint: 'install it (Debian: apt-get install chromium), set PLAN_CHROMIUM, or use --format html and print it from a browser' });
    } else {
      progress?.('Rendering the flow with Graphviz');
      const { graphvizSvg } = await import('../diagram/graphviz.js');
      diagrams = { flow: { ...diagrams.flow, svg: await graphvizSvg(dotFlow(input.outline, false)) }, gantt: { ...diagrams.gantt, fallback: textSchedule(input.outline) } };
      notes.push('no Chromium found: the flow is drawn by Graphviz, and the schedule is given as text');
    }
  }
  const text = pdf ? '' : renderKickoff(input, format === 'md' ? 'md' : 'html', diagrams);
  const written = Boolean(options.out);
  if (options.out) writeFileAtomic(options.out, pdf ?? text, { force: options.force });
  return { format, text, out: options.out, written, notes };
}
