/** A running plan's progress as text: `plan status`, `plan next`, and the progress section of `plan show`. */
import { formatHours } from '../model/schema.js';
import { progressBar, type Progress, type ReadyTask, type StatusCounts } from '../progress/progress.js';
import { DEFAULT_WIDTH, fitLines, layoutTable } from './layout.js';

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

/** `2/3 done, 1 in progress`: the settled tasks, then whatever else a wave holds. */
function countsText(c: StatusCounts): string {
  const rest = (['in-progress', 'failed', 'skipped'] as const).filter((s) => c[s] > 0).map((s) => `${c[s]} ${s.replace('-', ' ')}`);
  return [`${c.done}/${c.total} done`, ...rest].join(', ');
}

/** One bar per wave: done and skipped tasks fill it. */
export function formatWaveBars(progress: Progress, width = DEFAULT_WIDTH): string {
  return layoutTable(progress.waves.map((w) => [`Wave ${w.wave}`, w.phaseNames.join(', '),
    `[${progressBar(w.counts.done + w.counts.skipped, w.counts.total)}]`, countsText(w.counts)]), { width });
}

/** Per task: the id, then its title and (under the title) why it is ready. */
export function formatReady(ready: readonly ReadyTask[], width = DEFAULT_WIDTH): string {
  if (ready.length === 0) return 'Nothing can start now.';
  return layoutTable(ready.flatMap((t) => [
    [t.id, `${t.title}${t.status === 'todo' ? '' : ` [${t.status}]`}`],
    ['', `${t.slackHours === 0 ? 'critical path' : `slack ${formatHours(t.slackHours)}`} · ${t.reason}`],
  ]), { width, indent: 2 });
}

export function formatProgress(progress: Progress, finish?: { start: string; finish: string; workingDays: number }, width = DEFAULT_WIDTH): string {
  const { counts, hours } = progress;
  const lines = [
    `${countsText(counts)} · ${percent(hours.fraction)} of the work by estimate (${formatHours(hours.done)} of ${formatHours(hours.total)})`,
    '',
    formatWaveBars(progress, width),
    '',
    `In progress: ${progress.inProgress.map((t) => `${t.id}${t.by ? ` (${t.by})` : ''}`).join(', ') || 'nothing'}`,
    `Ready now: ${progress.ready.map((t) => t.id).join(', ') || 'nothing'}`,
    `Open checkpoints: ${progress.openCheckpoints.map((c) => `${c.id} (blocks ${c.blocks.join(', ') || 'the end of the plan'})`).join('; ') || 'none'}`,
  ];
  const ponr = progress.pointOfNoReturn;
  if (ponr.tasks.length) {
    lines.push(ponr.behind ? `Point of no return: behind (${ponr.done.join(', ')} done); rolling back now means a restore`
      : `Point of no return: ahead (${ponr.tasks.join(', ')})`);
  }
  const left = progress.remaining;
  lines.push(left.criticalPath.length ? `Remaining critical path: ${left.criticalPath.join(' → ')} (${left.estimate})` : 'Remaining critical path: none, the plan is finished');
  if (finish) lines.push(`Projected finish: ${finish.finish} (${finish.workingDays} working day${finish.workingDays === 1 ? '' : 's'} from ${finish.start}, 8 h a day, Monday to Friday)`);
  return fitLines(lines.join('\n'), width);
}
