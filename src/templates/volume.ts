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
  /** Rough wall-clock time of the backfill, as a plan estimate ("3h"); staging measures the real one. */
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
  const ms = batches * (pauseMs + batchSize * MS_PER_BATCH_ROW);
  const hours = Math.max(1, Math.ceil(ms / 3_600_000));
  const estimate = hours >= 8 ? `${Math.ceil(hours / 8)}d` : `${hours}h`;
  const onlineTool = db === 'mysql' && rows > ONLINE_TOOL_ABOVE ? 'gh-ost' : undefined;
  const reason = {
    small: `${fmt(rows)} rows is a small table: ${fmt(batches)} batch${batches === 1 ? '' : 'es'} of ${fmt(batchSize)}, each a sub-second transaction, no pause needed.`,
    medium: `${fmt(rows)} rows: ${fmt(batches)} batches of ${fmt(batchSize)} with a ${pauseMs} ms pause, so replication and vacuum keep up and no lock is held for long.`,
    large: `${fmt(rows)} rows is a large table: ${fmt(batches)} small batches of ${fmt(batchSize)} with a ${pauseMs} ms pause, throttled further while replica lag is above 1 s; run it off-peak and expect it to take hours.`,
  }[volume];
  const copyReason = onlineTool
    ? `${fmt(rows)} rows: a table copy that size blocks writes for too long, so gh-ost copies it online from the binlog and cuts over when told (MP24).`
    : `${fmt(rows)} rows: the table copy is short enough to run as a plain ALTER (gh-ost is for tables above ${fmt(ONLINE_TOOL_ABOVE)} rows).`;
  return { volume, batchSize, pauseMs, batches, estimate, onlineTool, reason, copyReason };
}
