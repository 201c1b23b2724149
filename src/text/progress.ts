/** A running plan's progress as text: `plan status`, `plan next`, and the progress section of `plan show`. */
import { formatHours } from '../model/schema.js';
import { progressBar, type Progress, type ReadyTask, type StatusCounts } from '../progress/progress.js';

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

/** `2/3 done, 1 in progress`: the settled tasks, then whatever else a wave holds. */
function countsText(c: StatusCounts): string {
  const rest = (['in-progress', 'failed', 'skipped'] as const).filter((s) => c[s] > 0).map((s) => `${c[s]} ${s.replace('-', ' ')}`);
  return [`${c.done}/${c.total} done`, ...rest].join(', ');
}

/** One bar per wave: done and skipped tasks fill it. */
export function formatWaveBars(progress: Progress): string {
  const labels = progress.waves.map((w) => `Wave ${w.wave}  ${w.phaseNames.join(', ')}`);
  const width = Math.max(...labels.map((l) => l.length));
  return progress.waves.map((w, i) => `${labels[i]!.padEnd(width)}  [${progressBar(w.counts.done + w.counts.skipped, w.counts.total)}]  ${countsText(w.counts)}`).join('\n');
}

export function formatReady(ready: readonly ReadyTask[]): string {
  if (ready.length === 0) return 'Nothing can start now.';
  const idWidth = Math.max(...ready.map((t) => t.id.length));
  return ready.map((t) => `  ${t.id.padEnd(idWidth)}  ${t.title}${t.status === 'todo' ? '' : ` [${t.status}]`}\n  ${' '.repeat(idWidth)}  ` +
    `${t.slackHours === 0 ? 'critical path' : `slack ${formatHours(t.slackHours)}`} · ${t.reason}`).join('\n');
}

export function formatProgress(progress: Progress, finish?: { start: string; finish: string; workingDays: number }): string {
  const { counts, hours } = progress;
  const lines = [
    `${countsText(counts)} · ${percent(hours.fraction)} of the work by estimate (${formatHours(hours.done)} of ${formatHours(hours.total)})`,
    '',
    formatWaveBars(progress),
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
  return lines.join('\n');
}
