/**
 * `plan report`: the kickoff document, as Markdown (Mermaid blocks) or one self-contained HTML file
 * (diagrams rendered to SVG: Mermaid in Chromium, else Graphviz for the flow and a text schedule).
 */
import { basename } from 'node:path';
import { dotFlow, MERMAID_MAX_EDGES, MERMAID_MAX_TASKS, mermaidFlow } from '../diagram/flow.js';
import { mermaidGantt, textSchedule } from '../diagram/gantt.js';
import { checkFile, requireNoErrors, type CheckOptions } from '../check/pipeline.js';
import type { CheckResult } from '../check/result.js';
import { writeFileAtomic } from '../io/files.js';
import { toHtml, toMarkdown } from '../kickoff/document.js';
import { kickoffDocument, type Diagrams } from '../kickoff/build.js';
import type { Signoff } from '../kickoff/runbook.js';
import type { Outline } from '../outline/outline.js';
import { planProgress, type Progress } from '../progress/progress.js';

export interface KickoffOptions extends CheckOptions {
  file: string;
  format?: 'md' | 'html';
  out?: string;
  force?: boolean;
}

export interface KickoffResult {
  format: 'md' | 'html';
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
  const edges = outline.tasks.reduce((n, t) => n + t.depends.length, 0);
  return { flow: mermaidFlow(outline, outline.tasks.length > MERMAID_MAX_TASKS || edges > MERMAID_MAX_EDGES), gantt: mermaidGantt(outline) };
}

/** The document text, given the diagrams (SVG ones for HTML). Pure: the examples test calls it too. */
export function renderKickoff(input: KickoffInput, format: 'md' | 'html', diagrams: Diagrams): string {
  const blocks = kickoffDocument(input.outline, input.result, diagrams, input.source, input.progress, input.signoffs);
  return format === 'md' ? toMarkdown(blocks) : toHtml(`${input.outline.epic.title}: migration kickoff`, blocks);
}

export async function writeKickoff(options: KickoffOptions, progress?: (message: string) => void): Promise<KickoffResult> {
  const format = options.format ?? 'md';
  const input = await loadKickoff(options.file, options);
  const mermaid = kickoffMermaid(input.outline);
  const notes: string[] = [];
  let diagrams: Diagrams = { flow: { mermaid: mermaid.flow }, gantt: { mermaid: mermaid.gantt } };
  if (format === 'html') {
    const { findChromium, MermaidBrowser } = await import('../diagram/browser.js');
    if (findChromium()) {
      progress?.('Rendering diagrams in Chromium');
      const browser = await MermaidBrowser.launch();
      try {
        diagrams = { flow: { ...diagrams.flow, svg: await browser.svg(mermaid.flow, 'flow') }, gantt: { ...diagrams.gantt, svg: await browser.svg(mermaid.gantt, 'gantt') } };
      } finally {
        await browser.close();
      }
    } else {
      progress?.('Rendering the flow with Graphviz');
      const { graphvizSvg } = await import('../diagram/graphviz.js');
      diagrams = { flow: { ...diagrams.flow, svg: await graphvizSvg(dotFlow(input.outline, false)) }, gantt: { ...diagrams.gantt, fallback: textSchedule(input.outline) } };
      notes.push('no Chromium found: the flow is drawn by Graphviz, and the schedule is given as text');
    }
  }
  const text = renderKickoff(input, format, diagrams);
  const written = Boolean(options.out);
  if (options.out) writeFileAtomic(options.out, text, { force: options.force });
  return { format, text, out: options.out, written, notes };
}
