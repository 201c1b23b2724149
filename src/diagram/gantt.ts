/**
 * The Gantt view: the schedule from estimates and dependencies (`after`), one section per phase,
 * checkpoints as milestones. Durations always carry a unit: with a bare number Mermaid reads an end
 * date. A working day (8 hours of estimate) is drawn as one calendar day, from `start` (a fixed default,
 * so the output is stable).
 */
import type { Outline } from '../outline/outline.js';
import { flowGraph } from './flow-graph.js';
import { ganttText } from './text.js';

export const DEFAULT_START = '2026-01-05';

/** Bars beyond which the Gantt draws a fan-out (one task per table) as one bar: more is neither drawable nor readable. */
export const GANTT_MAX_BARS = 150;

/**
 * One bar per task, each after the tasks it depends on; above GANTT_MAX_BARS tasks, one bar per node of
 * the grouped flow (`T4.*` "Backfill tenant_id × 1,000 tables"), placed at its members' earliest start and
 * lasting to their latest end, so a 20,000-table plan's schedule is as long as a 30-table one's to draw.
 */
export function mermaidGantt(outline: Outline, start = DEFAULT_START): string {
  if (outline.tasks.length > GANTT_MAX_BARS) return groupedGantt(outline, start);
  const key = new Map(outline.tasks.map((t, i) => [t.id, `t${i}`]));
  const lines = ganttHead(outline);
  for (const phase of outline.phases) {
    const tasks = outline.tasks.filter((t) => t.phase === phase.id);
    if (tasks.length === 0) continue;
    lines.push(`  section ${ganttText(phase.name)}`);
    for (const t of tasks) {
      const when = t.depends.length ? `after ${t.depends.map((d) => key.get(d)).join(' ')}` : `${start} 00:00`;
      const tags = [...(t.critical ? ['crit'] : []), ...(t.checkpoint ? ['milestone'] : [])];
      // A milestone is a point in time: it sits where the gate closes its wave.
      const length = t.checkpoint ? '0h' : `${Math.max(1, Math.round(t.hours * 3))}h`;
      lines.push(`    ${ganttText(`${t.id} ${t.title}`)} :${[...tags, key.get(t.id), when, length].join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function ganttHead(outline: Outline): string[] {
  return ['gantt', `  title ${ganttText(outline.epic.title)}`, '  dateFormat YYYY-MM-DD HH:mm', ...axis(outline), '  todayMarker off'];
}

/** Working hours from the start as the chart's calendar time (three to one, as the bars' lengths are). */
function calendarAt(start: string, hours: number): string {
  const at = new Date(`${start}T00:00:00Z`);
  at.setUTCMinutes(at.getUTCMinutes() + Math.round(hours * 3 * 60));
  return at.toISOString().slice(0, 16).replace('T', ' ');
}

function groupedGantt(outline: Outline, start: string): string {
  const byId = new Map(outline.tasks.map((t) => [t.id, t]));
  const lines = ganttHead(outline);
  const nodes = flowGraph(outline, 'grouped').waves.flatMap((w) => w.nodes);
  for (const phase of outline.phases) {
    const inPhase = nodes.filter((n) => byId.get(n.members[0]!)!.phase === phase.id);
    if (inPhase.length === 0) continue;
    lines.push(`  section ${ganttText(phase.name)}`);
    for (const node of inPhase) {
      const members = node.members.map((id) => byId.get(id)!);
      // Loops, not Math.min(...list): a group of 20,000 members is too many arguments for some engines.
      const from = members.reduce((m, t) => Math.min(m, t.start), Infinity);
      const to = members.reduce((m, t) => Math.max(m, t.start + t.hours), -Infinity);
      const checkpoint = members.every((t) => t.checkpoint);
      const tags = [...(members.some((t) => t.critical) ? ['crit'] : []), ...(checkpoint ? ['milestone'] : [])];
      const length = checkpoint ? '0h' : `${Math.max(1, Math.round((to - from) * 3))}h`;
      lines.push(`    ${ganttText(`${node.head} ${node.text.replace(/\n/g, ' ')}`)} :${[...tags, calendarAt(start, from), length].join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Without a browser: the same schedule as text (what the Gantt would show). */
export function textSchedule(outline: Outline): string {
  const day = (h: number) => `day ${Math.floor(h / 8) + 1}${h % 8 ? ` +${Math.round((h % 8) * 10) / 10}h` : ''}`;
  const rows = outline.tasks.map((t) => `  ${t.id.padEnd(10)} ${day(t.start).padEnd(14)} ${(t.checkpoint ? 'milestone' : t.estimate).padEnd(10)} ${ganttText(t.title)}${t.critical ? '  *' : ''}`);
  return ['Schedule (working days of 8h; * critical path)', ...rows, ''].join('\n');
}

/**
 * Ticks a day, a week or a month apart, labelled so each label is one date: left to itself Mermaid
 * puts a tick every 12 hours on a short plan, and "%d %b" printed every date twice.
 */
function axis(outline: Outline): string[] {
  // Working hours are drawn three to one (8 hours of estimate = a calendar day).
  const days = outline.tasks.reduce((end, t) => Math.max(end, t.start + t.hours), 0) * 3 / 24;
  if (days <= 21) return ['  axisFormat %d %b', '  tickInterval 1day'];
  if (days <= 140) return ['  axisFormat %d %b', '  tickInterval 1week'];
  return ['  axisFormat %b %Y', '  tickInterval 1month'];
}
