/**
 * `plan graph`: the plan as a diagram. Mermaid text is the canonical output and needs no browser;
 * images come from Mermaid in Chromium, or from Graphviz (WASM) when there is no browser.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { PlanInputError } from '../errors.js';
import { checkFile, requireNoErrors, type CheckOptions } from '../check/pipeline.js';
import { asciiPlan } from '../diagram/ascii.js';
import { dotFlow, drawableLevel, mermaidFlow } from '../diagram/flow.js';
import type { FlowLevel } from '../diagram/flow-graph.js';
import { DEFAULT_START, mermaidGantt, textSchedule } from '../diagram/gantt.js';
import { writeFileAtomic } from '../io/files.js';

export const VIEWS = ['flow', 'gantt'] as const;
export const FORMATS = ['mmd', 'md', 'svg', 'png', 'pdf', 'ascii'] as const;
export const RENDERERS = ['auto', 'mermaid', 'graphviz'] as const;

export interface DiagramOptions extends CheckOptions {
  file: string;
  view?: (typeof VIEWS)[number];
  format?: (typeof FORMATS)[number];
  renderer?: (typeof RENDERERS)[number];
  out?: string;
  force?: boolean;
  /** Draw one node per wave and phase; by default only above the renderer's size limit. */
  collapse?: boolean;
  /** Draw every task, per-table fan-out included (by default one node per fan-out step). */
  detail?: boolean;
  /** Gantt start date (YYYY-MM-DD). */
  start?: string;
}

export interface DiagramResult {
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

/** Draws a checked plan; a plan with errors has no waves to draw and is refused (exit 1). */
export async function drawDiagram(options: DiagramOptions): Promise<DiagramResult> {
  const view = options.view ?? 'flow';
  const format = options.format ?? 'mmd';
  const outline = requireNoErrors(await checkFile(options.file, options)).outline;
  const notes: string[] = [];
  const asked: FlowLevel = options.collapse ? 'phases' : options.detail ? 'tasks' : 'grouped';
  // What Mermaid can lay out decides the text too (mmd, md are drawn by Mermaid wherever they are read).
  const mermaidLevel = drawableLevel(outline, asked, 'mermaid');
  const collapsedFor = (level: FlowLevel) => view === 'flow' && level === 'phases';
  const mermaidText = () => (view === 'gantt' ? mermaidGantt(outline, options.start ?? DEFAULT_START) : mermaidFlow(outline, mermaidLevel.level));
  const noteFor = (chosen: { note?: string }) => {
    if (view === 'flow' && chosen.note) notes.push(chosen.note);
  };
  const done = (r: Omit<DiagramResult, 'view' | 'format' | 'notes' | 'written' | 'out'>, data?: Uint8Array): DiagramResult => {
    const out = options.out ?? (data ? `${basename(options.file).replace(/\.(plan\.)?(ya?ml|json)$/, '')}.${view}.${format}` : undefined);
    const written = Boolean(out);
    if (out) writeFileAtomic(out, data ?? r.text!, { force: options.force });
    return { ...r, view, format, notes, out, written };
  };

  if (format === 'ascii') {
    return done({ renderer: 'text', collapsed: false, text: view === 'gantt' ? textSchedule(outline) : asciiPlan(outline) });
  }
  if (format === 'mmd' || format === 'md') noteFor(mermaidLevel);
  if (format === 'mmd') return done({ renderer: 'text', collapsed: collapsedFor(mermaidLevel.level), text: mermaidText() });
  if (format === 'md') {
    const title = `## ${outline.epic.title}: ${view === 'gantt' ? 'schedule' : 'dependency waves'}\n\n`;
    return done({ renderer: 'text', collapsed: collapsedFor(mermaidLevel.level), text: `${title}\`\`\`mermaid\n${mermaidText()}\`\`\`\n` });
  }

  const { findChromium } = await import('../diagram/browser.js');
  const renderer = options.renderer === 'auto' || !options.renderer ? (findChromium() ? 'mermaid' : 'graphviz') : options.renderer;
  if (renderer === 'graphviz') {
    if (view === 'gantt') {
      // Graphviz draws no Gantt: give the Mermaid text and the schedule as text, and say so.
      notes.push('Gantt without a browser: wrote the Mermaid text instead of an image (render it where Chromium is, or on GitHub); the schedule follows',
        textSchedule(outline));
      const text = mermaidText();
      const out = options.out?.replace(/\.(svg|png|pdf)$/, '.mmd');
      if (out) writeFileAtomic(out, text, { force: options.force });
      return { view, format: 'mmd', renderer: 'text', collapsed: false, text, out, written: Boolean(out), notes };
    }
    if (format === 'pdf') throw PlanInputError.single('PDF needs the Mermaid renderer (Chromium)', { hint: 'use --format svg or png with Graphviz' });
    const chosen = drawableLevel(outline, asked, 'graphviz');
    noteFor(chosen);
    const { graphvizSvg, svgToPng } = await import('../diagram/graphviz.js');
    const dot = dotFlow(outline, chosen.level);
    const svg = stamp(await graphvizSvg(dot), dot);
    if (format === 'svg') return done({ renderer, collapsed: collapsedFor(chosen.level), text: svg });
    return done({ renderer, collapsed: collapsedFor(chosen.level) }, await svgToPng(svg));
  }

  noteFor(mermaidLevel);
  const { MermaidBrowser } = await import('../diagram/browser.js');
  const browser = await MermaidBrowser.launch();
  try {
    const source = mermaidText();
    const svg = stamp(await browser.svg(source), source);
    const collapsed = collapsedFor(mermaidLevel.level);
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
