/**
 * The terminal view: the plan wave by wave, each task with its dependencies, within 100 columns.
 * (A general graph-to-ASCII layout was tried and is unreadable at 20 nodes.)
 */
import type { Outline } from '../outline/outline.js';
import { shorten } from './text.js';

const MARK: Record<string, string> = { work: ' ', checkpoint: '◆', rollback: '↺', audit: '⚑', backup: '▣' };

export function asciiPlan(outline: Outline, width = 100): string {
  const idWidth = Math.min(14, outline.tasks.reduce((m, t) => Math.max(m, t.id.length), 2));
  const lines = [`${shorten(outline.epic.title, width)}`, `${'─'.repeat(Math.min(width, 60))}`];
  for (const w of outline.waves) {
    const phases = [...new Set(w.tasks.map((t) => t.phaseName))].join(', ');
    lines.push('', shorten(`Wave ${w.wave} · ${phases}`, width));
    for (const t of w.tasks) {
      const mark = t.pointOfNoReturn ? '✖' : MARK[t.kind] ?? ' ';
      const head = `  ${t.critical ? '*' : ' '}${mark} ${t.id.padEnd(idWidth)} `;
      const titleWidth = Math.min(50, width - head.length - 12);
      const title = shorten(t.title, titleWidth);
      const deps = t.depends.length ? shorten(`← ${t.depends.join(', ')}`, width - head.length - titleWidth - 2) : '';
      lines.push(`${head}${title}${' '.repeat(titleWidth - [...title].length + 2)}${deps}`.trimEnd());
    }
  }
  lines.push('', '◆ checkpoint  ↺ rollback procedure  ⚑ audit  ▣ backup  ✖ point of no return  * critical path');
  return `${lines.join('\n')}\n`;
}
