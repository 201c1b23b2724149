/**
 * `plan graph`: the plan as a diagram. Mermaid text is the canonical output and needs no browser;
 * images come from Mermaid in Chromium, or from Graphviz (WASM) when there is no browser.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { ExitCode, PlanInputError } from '../errors.js';
import { asciiPlan } from '../diagram/ascii.js';
import { dotFlow, GRAPHVIZ_MAX_TASKS, MERMAID_MAX_EDGES, MERMAID_MAX_TASKS, mermaidFlow } from '../diagram/flow.js';
import { DEFAULT_START, mermaidGantt, textSchedule } from '../diagram/gantt.js';
import { analyzePlan } from '../analysis/analyze.js';
import { readTextFile, writeFileAtomic } from '../io/files.js';
import { parsePlan } from '../model/load.js';
import { buildOutline, type Outline } from '../outline/outline.js';

export const VIEWS = ['flow', 'gantt'] as const;
export const FORMATS = ['mmd', 'md', 'svg', 'png', 'pdf', 'ascii'] as const;
export const RENDERERS = ['auto', 'mermaid', 'graphviz'] as const;

export interface GraphOptions {
  file: string;
  view?: (typeof VIEWS)[number];
  format?: (typeof FORMATS)[number];
  renderer?: (typeof RENDERERS)[number];
  out?: string;
  force?: boolean;
  /** Draw one node per wave and phase; by default only above the renderer's size limit. */
  collapse?: boolean;
  /** Gantt start date (YYYY-MM-DD). */
  start?: string;
}

export interface GraphResult {
  view: string;
  format: string;
  renderer: 'mermaid' | 'graphviz' | 'text';
  collapsed: boolean;
  /** Text output (mmd, md, svg, ascii); absent for png and pdf. */
  text?: string;
  out?: string;
  written: boolean;
  notes: string[];
}

/** Loads and checks a plan and builds its view; a plan with errors cannot be drawn in waves. */
export function loadView(file: string): Outline {
  const { plan } = parsePlan(readTextFile(file), file);
  const analysis = analyzePlan(plan);
  const errors = analysis.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw PlanInputError.single(`the plan has ${errors.length} error${errors.length === 1 ? '' : 's'} (${errors[0]!.message}); run plan check`, {
      location: { file }, exitCode: ExitCode.planErrors });
  }
  return buildOutline(plan, analysis);
}

export async function renderGraph(options: GraphOptions): Promise<GraphResult> {
  const view = options.view ?? 'flow';
  const format = options.format ?? 'mmd';
  const plan = loadView(options.file);
  const notes: string[] = [];
  const edges = plan.tasks.reduce((n, t) => n + t.depends.length, 0);
  const mermaidCollapse = options.collapse ?? (plan.tasks.length > MERMAID_MAX_TASKS || edges > MERMAID_MAX_EDGES);
  if (view === 'flow' && mermaidCollapse && !options.collapse) {
    notes.push(`${plan.tasks.length} tasks and ${edges} dependencies are beyond what Mermaid lays out well ` +
      `(${MERMAID_MAX_TASKS} tasks, ${MERMAID_MAX_EDGES} edges): drawn as one node per wave and phase, with counts`);
  }
  const mermaidText = () => (view === 'gantt' ? mermaidGantt(plan, options.start ?? DEFAULT_START) : mermaidFlow(plan, mermaidCollapse));
  const done = (r: Omit<GraphResult, 'view' | 'format' | 'notes' | 'written' | 'out'>, data?: Uint8Array): GraphResult => {
    const out = options.out ?? (data ? `${basename(options.file).replace(/\.(plan\.)?(ya?ml|json)$/, '')}.${view}.${format}` : undefined);
    const written = Boolean(out);
    if (out) writeFileAtomic(out, data ?? r.text!, { force: options.force });
    return { ...r, view, format, notes, out, written };
  };

  if (format === 'ascii') {
    return done({ renderer: 'text', collapsed: false, text: view === 'gantt' ? textSchedule(plan) : asciiPlan(plan) });
  }
  if (format === 'mmd') return done({ renderer: 'text', collapsed: view === 'flow' && mermaidCollapse, text: mermaidText() });
  if (format === 'md') {
    const title = `## ${plan.epic.title}: ${view === 'gantt' ? 'schedule' : 'dependency waves'}\n\n`;
    return done({ renderer: 'text', collapsed: view === 'flow' && mermaidCollapse, text: `${title}\`\`\`mermaid\n${mermaidText()}\`\`\`\n` });
  }

  const { findChromium } = await import('../diagram/browser.js');
  const renderer = options.renderer === 'auto' || !options.renderer ? (findChromium() ? 'mermaid' : 'graphviz') : options.renderer;
  if (renderer === 'graphviz') {
    if (view === 'gantt') {
      // Graphviz draws no Gantt: give the Mermaid text and the schedule as text, and say so.
      notes.push('Gantt without a browser: wrote the Mermaid text instead of an image (render it where Chromium is, or on GitHub); the schedule follows',
        textSchedule(plan));
      const text = mermaidText();
      const out = options.out?.replace(/\.(svg|png|pdf)$/, '.mmd');
      if (out) writeFileAtomic(out, text, { force: options.force });
      return { view, format: 'mmd', renderer: 'text', collapsed: false, text, out, written: Boolean(out), notes };
    }
    if (format === 'pdf') throw PlanInputError.single('PDF needs the Mermaid renderer (Chromium)', { hint: 'use --format svg or png with Graphviz' });
    const collapse = options.collapse ?? plan.tasks.length > GRAPHVIZ_MAX_TASKS;
    const { graphvizSvg, svgToPng } = await import('../diagram/graphviz.js');
    const dot = dotFlow(plan, collapse);
    const svg = stamp(await graphvizSvg(dot), dot);
    if (format === 'svg') return done({ renderer, collapsed: collapse, text: svg });
    return done({ renderer, collapsed: collapse }, await svgToPng(svg));
  }

  const { MermaidBrowser } = await import('../diagram/browser.js');
  const browser = await MermaidBrowser.launch();
  try {
    const source = mermaidText();
    const svg = stamp(await browser.svg(source), source);
    const collapsed = view === 'flow' && mermaidCollapse;
    if (format === 'svg') return done({ renderer, collapsed, text: svg });
    return done({ renderer, collapsed }, await browser.raster(svg, format));
  } finally {
    await browser.close();
  }
}

/**
 * Marks an SVG with the hash of its source, so a test can tell a stale image from a fresh one. The
 * comment goes right before the <svg> element: nothing may come before an XML declaration.
 */
export function stamp(svg: string, source: string): string {
  return svg.replace(/<svg\b/, `<!-- plan graph source sha256:${sourceHash(source)} -->\n<svg`);
}

export function sourceHash(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 16);
}
