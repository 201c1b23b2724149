/**
 * Statements as text: the `:name` placeholders they use (found by src/sql's lexer, which knows each
 * engine's strings, identifiers, comments and casts) and the statement with values put in.
 */
import { maskPlaceholders } from '../sql/placeholders.js';
import type { EngineName } from './driver.js';

/** The placeholder names a statement uses, once each, in order. */
export function placeholdersIn(sql: string, engine: EngineName): string[] {
  return [...new Set(maskPlaceholders(sql, engine).uses.map((u) => u.name))];
}

/** A value as an SQL literal: a number as it is, anything else quoted (quotes doubled). */
export function literal(value: string | number): string {
  if (typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(value)) return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

/** The statement with each placeholder replaced by its value as a literal; unknown names are kept. */
export function withValues(sql: string, values: Record<string, string | number>, engine: EngineName): string {
  let out = '';
  let at = 0;
  for (const { name, offset } of maskPlaceholders(sql, engine).uses) {
    const value = values[name];
    out += sql.slice(at, offset) + (value === undefined ? `:${name}` : literal(value));
    at = offset + 1 + name.length;
  }
  return out + sql.slice(at);
}

/** One line, at most `width` characters: for tables. */
export function oneLine(sql: string, width = 60): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}
