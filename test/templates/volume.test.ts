import { describe, expect, it } from 'vitest';
import { loadEngines } from '../../src/templates/engines.js';
import { builtinTemplatesDir } from '../../src/templates/registry.js';
import { LARGE_TABLE, SMALL_TABLE, volumePlan } from '../../src/templates/volume.js';

/** MySQL's online copy, as its engine folder declares it. */
const mysql = loadEngines([builtinTemplatesDir()]).get('mysql')!.online_copy!;
const ONLINE_TOOL_ABOVE = mysql.above_rows;

describe('volumePlan', () => {
  it('classifies by size at the thresholds', () => {
    expect(volumePlan(SMALL_TABLE - 1).volume).toBe('small');
    expect(volumePlan(SMALL_TABLE).volume).toBe('medium');
    expect(volumePlan(LARGE_TABLE - 1).volume).toBe('medium');
    expect(volumePlan(LARGE_TABLE).volume).toBe('large');
  });

  it('larger tables get smaller batches and longer pauses, and more time', () => {
    const [small, medium, large] = [50_000, 5_000_000, 500_000_000].map((rows) => volumePlan(rows));
    expect(small!.batchSize).toBeGreaterThan(medium!.batchSize);
    expect(medium!.batchSize).toBeGreaterThan(large!.batchSize);
    expect(small!.pauseMs).toBeLessThan(medium!.pauseMs);
    expect(medium!.pauseMs).toBeLessThan(large!.pauseMs);
    expect(large!.batches).toBe(250_000);
    expect(small!.runHours).toBe(1);
    expect(large!.runHours).toBe(21);
    expect(small!.estimate).toBe('2.5d');
    expect(large!.estimate).toBe('5d');
  });

  it('an empty table is still one batch, and the reason says the numbers', () => {
    expect(volumePlan(0).batches).toBe(1);
    expect(volumePlan(5_000_000, mysql).reason).toBe('5,000,000 rows: 1,000 batches of 5,000 with a 100 ms pause, so replication and vacuum keep up and no lock is held for long; about 1 h of run time.');
  });

  it('the online tool only for an engine that has one (MySQL: gh-ost), only above its threshold', () => {
    expect(ONLINE_TOOL_ABOVE).toBe(1_000_000);
    expect(volumePlan(ONLINE_TOOL_ABOVE, mysql).onlineTool).toBeUndefined();
    expect(volumePlan(ONLINE_TOOL_ABOVE + 1, mysql).onlineTool).toBe('gh-ost');
    expect(volumePlan(ONLINE_TOOL_ABOVE + 1).onlineTool).toBeUndefined();
    expect(volumePlan(ONLINE_TOOL_ABOVE + 1, mysql).copyReason).toContain('gh-ost copies it online');
    expect(volumePlan(ONLINE_TOOL_ABOVE, mysql).copyReason).toContain('(gh-ost is for tables above 1,000,000 rows)');
  });
});
