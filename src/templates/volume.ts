/**
 * What the size of a table decides (the `rows` parameter of a template): how a backfill is batched
 * and throttled, roughly how long it takes, and whether a table copy needs the engine's online schema
 * change tool (its `online_copy` in engine.yaml). One pure function, so the thresholds live in one
 * place and are tested once.
 */
import type { EngineDefinition } from './engines.js';

export type VolumeClass = 'small' | 'medium' | 'large';

export interface VolumePlan {
  volume: VolumeClass;
  /** Rows per batch; each batch commits on its own. */
  batchSize: number;
  /** Pause between batches, in milliseconds. */
  pauseMs: number;
  batches: number;
  /** Rough run time in hours (at least 1); staging measures the real one. */
  runHours: number;
  /** Effort for the backfill task: writing and rehearsing the script plus the run ("2.5d"). */
  estimate: string;
  /** The engine's online schema change tool, when a table copy of this size needs it (MySQL: gh-ost). */
  onlineTool: string | undefined;
  /** One sentence a reviewer reads in the task: the choice and why. */
  reason: string;
  /** The same for a table copy: a plain ALTER or the online tool, and why (empty for an engine without one). */
  copyReason: string;
}

/** Below this a backfill is a handful of short batches; above LARGE it runs for hours and is throttled. */
export const SMALL_TABLE = 100_000;
export const LARGE_TABLE = 10_000_000;
/** Working hours to write, test and rehearse a backfill script, before it runs. */
const SCRIPT_HOURS = 16;
/** Assumed cost of one committed batch on top of the pause; only feeds the estimate. */
const MS_PER_BATCH_ROW = 0.02;

/** One formatter: `toLocaleString` builds a new one per call, which shows at thousands of tables. */
const NUMBER = new Intl.NumberFormat('en-US');
const fmt = (n: number) => NUMBER.format(n);

export function volumePlan(rows: number, onlineCopy?: EngineDefinition['online_copy']): VolumePlan {
  const volume: VolumeClass = rows < SMALL_TABLE ? 'small' : rows < LARGE_TABLE ? 'medium' : 'large';
  const { batchSize, pauseMs } = {
    small: { batchSize: 10_000, pauseMs: 0 },
    medium: { batchSize: 5_000, pauseMs: 100 },
    large: { batchSize: 2_000, pauseMs: 250 },
  }[volume];
  const batches = Math.max(1, Math.ceil(rows / batchSize));
  const runHours = Math.max(1, Math.ceil((batches * (pauseMs + batchSize * MS_PER_BATCH_ROW)) / 3_600_000));
  // Effort: two working days to write, test and rehearse the script, plus the run itself, in half days.
  const estimate = `${Math.ceil((SCRIPT_HOURS + runHours) / 4) / 2}d`;
  const onlineTool = onlineCopy && rows > onlineCopy.above_rows ? onlineCopy.tool : undefined;
  const reason = {
    small: `${fmt(rows)} rows is a small table: ${fmt(batches)} batch${batches === 1 ? '' : 'es'} of ${fmt(batchSize)}, each a sub-second transaction, no pause needed.`,
    medium: `${fmt(rows)} rows: ${fmt(batches)} batches of ${fmt(batchSize)} with a ${pauseMs} ms pause, so replication and vacuum keep up and no lock is held for long; about ${runHours} h of run time.`,
    large: `${fmt(rows)} rows is a large table: ${fmt(batches)} small batches of ${fmt(batchSize)} with a ${pauseMs} ms pause, throttled further while replica lag is above 1 s; about ${runHours} h of run time, off-peak.`,
  }[volume];
  const copyReason = !onlineCopy ? ''
    : onlineTool ? `${fmt(rows)} rows: a table copy that size blocks writes for too long, so ${onlineTool} ${onlineCopy.how}.`
    : `${fmt(rows)} rows: the table copy is short enough to run as a plain ALTER (${onlineCopy.tool} is for tables above ${fmt(onlineCopy.above_rows)} rows).`;
  return { volume, batchSize, pauseMs, batches, runHours, estimate, onlineTool, reason, copyReason };
}
