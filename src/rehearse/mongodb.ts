/**
 * MongoDB is not rehearsed: no server runs here. Each statement (a mongosh script) was parsed as
 * JavaScript by `plan check` before the rehearsal started, which catches what a reviewer's eye misses
 * (an unclosed brace), and nothing more: the rows say so.
 */
import { statementOf } from '../model/schema.js';
import type { RehearsalPhase, Row } from './run.js';
import { oneLine } from './sql-text.js';

export const MONGODB_NOTE = 'MongoDB: parse-only. The statements were parsed as JavaScript (mongosh syntax) by plan check, not run: no MongoDB server is started here';

export function parseMongo(phases: RehearsalPhase[]): Row[] {
  return phases.flatMap((phase) => phase.tasks.flatMap((task) => (['up', 'down'] as const).flatMap((part) => task.sql[part].map((s, i): Row => {
    const { run } = statementOf(s);
    const row = { phase: phase.id, task: task.id, statement: `${part}[${i}] ${oneLine(run, 48)}`, path: ['tasks', task.index, 'sql', part, i], ms: 0, rows: null };
    return { ...row, result: 'parsed (not run)', ok: true };
  }))));
}
