/**
 * What the size of a table decides (the `rows` parameter of a template): how a backfill is batched
 * and throttled, roughly how long it takes, and whether a MySQL table copy needs an online schema
 * change tool. One pure function, so the thresholds live in one place and are tested once.
 */

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
  /** MySQL only: a table-copying ALTER goes through gh-ost above this size (MP24). */
  onlineTool: 'gh-ost' | undefined;
  /** One sentence a reviewer reads in the task: the choice and why. */
  reason: string;
  /** The same for a MySQL table copy: plain ALTER or gh-ost, and why. */
  copyReason: string;
}

/** Below this a backfill is a handful of short batches; above LARGE it runs for hours and is throttled. */
export const SMALL_TABLE = 100_000;
export const LARGE_TABLE = 10_000_000;
/** A MySQL table copy (ALGORITHM=COPY) of more rows than this blocks writes for too long: gh-ost instead. */
export const ONLINE_TOOL_ABOVE = 1_000_000;
/** Working hours to write, test and rehearse a backfill script, before it runs. */
const SCRIPT_HOURS = 16;
/** Assumed cost of one committed batch on top of the pause; only feeds the estimate. */
const MS_PER_BATCH_ROW = 0.02;

const fmt = (n: number) => n.toLocaleString('en-US');

export function volumePlan(rows: number, db: string): VolumePlan {
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
  const onlineTool = db === 'mysql' && rows > ONLINE_TOOL_ABOVE ? 'gh-ost' : undefined;
  const reason = {
    small: `${fmt(rows)} rows is a small table: ${fmt(batches)} batch${batches === 1 ? '' : 'es'} of ${fmt(batchSize)}, each a sub-second transaction, no pause needed.`,
    medium: `${fmt(rows)} rows: ${fmt(batches)} batches of ${fmt(batchSize)} with a ${pauseMs} ms pause, so replication and vacuum keep up and no lock is held for long; about ${runHours} h of run time.`,
    large: `${fmt(rows)} rows is a large table: ${fmt(batches)} small batches of ${fmt(batchSize)} with a ${pauseMs} ms pause, throttled further while replica lag is above 1 s; about ${runHours} h of run time, off-peak.`,
  }[volume];
  const copyReason = onlineTool
    ? `${fmt(rows)} rows: a table copy that size blocks writes for too long, so gh-ost copies it online from the binlog and cuts over when told (MP24).`
    : `${fmt(rows)} rows: the table copy is short enough to run as a plain ALTER (gh-ost is for tables above ${fmt(ONLINE_TOOL_ABOVE)} rows).`;
  return { volume, batchSize, pauseMs, batches, runHours, estimate, onlineTool, reason, copyReason };
}
