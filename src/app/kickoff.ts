/**
 * `plan report`: the kickoff document, as Markdown (Mermaid blocks) or one self-contained HTML file
 * (diagrams rendered to SVG: Mermaid in Chromium, else Graphviz for the flow and a text schedule).
 */
import { basename } from 'node:path';
import { dotFlow, MERMAID_MAX_EDGES, MERMAID_MAX_TASKS, mermaidFlow } from '../diagram/flow.js';
import { mermaidGantt, textSchedule } from '../diagram/gantt.js';
import { analyzePlan } from '../analysis/analyze.js';
import { readTextFile, writeFileAtomic } from '../io/files.js';
import { parsePlan } from '../model/load.js';
import { toHtml, toMarkdown } from '../kickoff/document.js';
import { kickoffDocument, type Diagrams } from '../kickoff/build.js';
import type { RuleConfig } from '../rules/config.js';
import { buildOutline, type Outline } from '../outline/outline.js';
import { checkPlan, type PlanReport } from './check.js';

export interface ReportOptions {
  file: string;
  format?: 'md' | 'html';
  out?: string;
  force?: boolean;
  config?: RuleConfig;
}

export interface ReportResult {
  format: 'md' | 'html';
  text: string;
  out?: string;
  written: boolean;
  notes: string[];
}

export interface KickoffInput {
  view: Outline;
  report: PlanReport;
  source: string;
}

export function loadKickoff(file: string, config?: RuleConfig): KickoffInput {
  const loaded = parsePlan(readTextFile(file), file);
  const report = checkPlan(file, loaded, { config });
  return { view: buildOutline(loaded.plan, analyzePlan(loaded.plan)), report, source: basename(file) };
}

/** The Mermaid text of both views: what Markdown embeds and what HTML renders. */
export function kickoffMermaid(view: Outline): { flow: string; gantt: string } {
  const edges = view.tasks.reduce((n, t) => n + t.depends.length, 0);
  return { flow: mermaidFlow(view, view.tasks.length > MERMAID_MAX_TASKS || edges > MERMAID_MAX_EDGES), gantt: mermaidGantt(view) };
}

/** The document text, given the diagrams (SVG ones for HTML). Pure: the examples test calls it too. */
export function renderKickoff(input: KickoffInput, format: 'md' | 'html', diagrams: Diagrams): string {
  const blocks = kickoffDocument(input.view, input.report, diagrams, input.source);
  return format === 'md' ? toMarkdown(blocks) : toHtml(`${input.view.epic.title}: migration kickoff`, blocks);
}

export async function writeKickoff(options: ReportOptions, progress?: (message: string) => void): Promise<ReportResult> {
  const format = options.format ?? 'md';
  const input = loadKickoff(options.file, options.config);
  const mermaid = kickoffMermaid(input.view);
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
      diagrams = { flow: { ...diagrams.flow, svg: await graphvizSvg(dotFlow(input.view, false)) }, gantt: { ...diagrams.gantt, fallback: textSchedule(input.view) } };
      notes.push('no Chromium found: the flow is drawn by Graphviz, and the schedule is given as text');
    }
  }
  const text = renderKickoff(input, format, diagrams);
  const written = Boolean(options.out);
  if (options.out) writeFileAtomic(options.out, text, { force: options.force });
  return { format, text, out: options.out, written, notes };
}
