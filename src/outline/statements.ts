/**
 * A task's statements as the document a DBA signs shows them: up, verify (with the expected result),
 * down, as code blocks in the engine's language (SQL, or JavaScript for MongoDB's mongosh), placeholders
 * as written. How each statement runs (in a transaction, alone, in batches) is said in a comment above
 * it, so the block reads as the runbook does. Shared by the kickoff document and every export body.
 */
import { statementOf, type Plan, type Task, type Verification } from '../model/schema.js';

export type CodeLanguage = 'sql' | 'js';

export interface OutlineStatement {
  run: string;
  transaction: boolean;
  loop?: { key: string; batch: number; pause_ms: number; bounds: string; remaining: string };
}

export interface OutlineSql {
  language: CodeLanguage;
  up: OutlineStatement[];
  verify: Verification[];
  down: OutlineStatement[];
  /** Why the change has no down. */
  irreversible?: string;
}

/** One titled code block of a task: its up, verify or down statements with their comments. */
export interface CodeSection {
  title: 'Up' | 'Verify' | 'Down';
  code: string;
}

export function languageOf(database: Plan['database']): CodeLanguage {
  return database === 'mongodb' ? 'js' : 'sql';
}

export function outlineSql(task: Task, database: Plan['database']): OutlineSql | undefined {
  const sql = task.sql;
  if (!sql || (sql.up.length === 0 && sql.verify.length === 0 && sql.down.length === 0 && !sql.irreversible)) return undefined;
  return {
    language: languageOf(database),
    up: sql.up.map(statementOf),
    verify: sql.verify,
    down: sql.down.map(statementOf),
    ...(sql.irreversible !== undefined && { irreversible: sql.irreversible }),
  };
}

/** How a statement runs, in words: what the runbook and the comment above it say. */
export function howItRuns(s: OutlineStatement): string {
  if (s.loop) {
    return `in batches of ${s.loop.batch} keys of ${s.loop.key} (:from <= ${s.loop.key} < :to)${s.loop.pause_ms ? `, ${s.loop.pause_ms} ms apart` : ''}` +
      `, each batch ${s.transaction ? 'in its own transaction' : 'outside a transaction'}`;
  }
  return s.transaction ? 'in a transaction' : 'alone, outside a transaction';
}

/** Text on one line: a note in a line comment cannot end it, a reason cannot break its paragraph. */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ');

/** A comment line in the language. */
export function comment(text: string, language: CodeLanguage): string {
  return `${language === 'js' ? '//' : '--'} ${oneLine(text)}`;
}

/** A statement as run: SQL ends with `;` (added when missing); a mongosh script is left as it is. */
export function terminated(text: string, language: CodeLanguage): string {
  const trimmed = text.trimEnd();
  return language === 'sql' && !trimmed.endsWith(';') ? `${trimmed};` : trimmed;
}

/**
 * A statement as lines of code: a comment saying how it runs when that is not the task's transaction
 * (or always, with a label such as "T4 up 2"), and a loop's bounds and remaining queries around it.
 */
export function statementLines(s: OutlineStatement, language: CodeLanguage, label?: string): string[] {
  const plain = s.transaction && !s.loop;
  const lines: string[] = [];
  if (label || !plain) lines.push(comment([label, plain ? '' : howItRuns(s)].filter(Boolean).join(': '), language));
  if (s.loop) lines.push(comment('bounds (smallest and largest key):', language), terminated(s.loop.bounds, language), comment('each batch:', language));
  lines.push(terminated(s.run, language));
  if (s.loop) lines.push(comment('remaining (must return 0):', language), terminated(s.loop.remaining, language));
  return lines;
}

function statementCode(s: OutlineStatement, language: CodeLanguage): string {
  return statementLines(s, language).join('\n');
}

/** The expected result as the check compares it (a string quoted, so `'0'` and `0` differ). */
export function expectText(expect: Verification['expect']): string {
  return typeof expect === 'string' ? JSON.stringify(expect) : String(expect);
}

function verifyCode(v: Verification, language: CodeLanguage): string {
  return [comment(`expect ${expectText(v.expect)}${v.note ? `: ${v.note}` : ''}`, language), terminated(v.query, language)].join('\n');
}

export function codeSections(sql: OutlineSql): CodeSection[] {
  const { language } = sql;
  const sections: CodeSection[] = [];
  // A statement with a comment, or over several lines, stands apart from its neighbours by a blank line.
  const statements = (list: OutlineStatement[]) => list.map((s) => statementCode(s, language))
    .map((code, i, all) => (i === 0 ? code : `${code.includes('\n') || all[i - 1]!.includes('\n') ? '\n' : ''}${code}`)).join('\n');
  if (sql.up.length) sections.push({ title: 'Up', code: statements(sql.up) });
  if (sql.verify.length) sections.push({ title: 'Verify', code: sql.verify.map((v) => verifyCode(v, language)).join('\n\n') });
  if (sql.down.length) sections.push({ title: 'Down', code: statements(sql.down) });
  return sections;
}

/**
 * A fenced code block whose fence no line of the code can close: longer than the longest run of
 * backticks in it (a statement holding ``` gets ````).
 */
export function fenced(code: string, language: CodeLanguage): string {
  const longest = (code.match(/`+/g) ?? []).reduce((m, run) => Math.max(m, run.length), 0);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${code}\n${fence}`;
}

/** The statements as Markdown: a bold title and a fenced block per section, and why there is no down. */
export function statementsMarkdown(sql: OutlineSql | undefined): string {
  if (!sql) return '';
  const parts = codeSections(sql).map((s) => `**${s.title}**\n\n${fenced(s.code, sql.language)}`);
  if (sql.irreversible) parts.push(`**Irreversible**: ${oneLine(sql.irreversible)}`);
  return parts.join('\n\n');
}
