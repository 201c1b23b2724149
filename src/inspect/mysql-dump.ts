/**
 * `mysqldump --no-data` / `mariadb-dump --no-data` output read into the model. The dump is split into
 * statements as the mysql client would (quotes, comments, `DELIMITER`), with the `/*!40101 … *\/`
 * conditional comments opened, since the server runs what they hold. Each CREATE TABLE is read by
 * node-sql-parser (MySQL's grammar, then MariaDB's) for its structure, and its types, defaults and
 * comments are taken from the dump's own text, as the server printed them; a table the grammar cannot
 * read is read definition by definition (mysqldump writes one per line, very regularly). Every other
 * statement (SET, LOCK TABLES, DROP TABLE IF EXISTS…) is skipped.
 */
import { loadParser, parseText } from '../sql/engines.js';
import type { ColumnDef, DatabaseSchema, TableDef, ViewDef } from '../model/database.js';
import { addKey, LineIndex, newColumn, newTable, schemaOf, unreadable, viewReads } from './reader-kit.js';

// node-sql-parser's AST is read field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const EXPECTED = 'the output of mysqldump --no-data or mariadb-dump --no-data (MySQL DDL)';

/** `-- Server version	10.11.6-MariaDB-0+deb12u1` → 10.11.6-MariaDB, 101106, mariadb; `8.0.36` → 80036, mysql. */
export function mysqlDumpVersion(text: string): DatabaseSchema['version'] {
  const head = text.slice(0, 4_000);
  const m = /^-- Server version\s+(\d+)\.(\d+)\.(\d+)(\S*)/m.exec(head);
  if (!m) return undefined;
  const mariadb = /mariadb/i.test(m[4]!) || /^-- MariaDB dump/m.test(head);
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return { text: `${major}.${minor}.${patch}${mariadb ? '-MariaDB' : ''}`, num: major * 10_000 + minor * 100 + patch, flavor: mariadb ? 'mariadb' : 'mysql' };
}

export interface Statement {
  /** The statement as the server receives it: comments blanked, conditional comments opened, same length as in the file. */
  sql: string;
  /** Offset in the file of its first character. */
  start: number;
}

/**
 * Splits a MySQL script as the mysql client does. The text keeps its length (what is not sent to the
 * server becomes spaces, newlines kept), so offsets in a statement are offsets in the file.
 */
export function mysqlStatements(text: string): Statement[] {
  const out: Statement[] = [];
  const chars = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (chars[k] !== '\n') chars[k] = ' ';
  };
  let delimiter = ';';
  let start = 0;
  let executable = false;
  const push = (end: number) => {
    const sql = chars.slice(start, end).join('');
    if (sql.trim()) out.push({ sql, start });
  };
  for (let i = 0; i < text.length;) {
    const ch = text[i]!;
    const lineStart = i === 0 || text[i - 1] === '\n';
    if (lineStart && /^[ \t]*delimiter[ \t]/i.test(text.slice(i, i + 20))) {
      const end = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
      delimiter = text.slice(i, end).trim().split(/\s+/)[1] ?? ';';
      blank(i, end);
      start = end;
      i = end;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === '\\' && ch !== '`' ? 2 : 1;
      i = j + 1;
    } else if ((ch === '-' && text.startsWith('--', i) && /[\s]/.test(text[i + 2] ?? '\n')) || ch === '#') {
      const end = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
      blank(i, end);
      i = end;
    } else if (text.startsWith('/*', i)) {
      const m = /^\/\*(M?)!(\d*)/.exec(text.slice(i, i + 12));
      const close = text.indexOf('*/', i + 2) === -1 ? text.length : text.indexOf('*/', i + 2);
      // `/*!50003 CREATE*/` runs on the server; `/*M!999999\- …*/` is a mysql client command, not SQL.
      if (m && text[i + m[0].length] !== '\\') {
        blank(i, i + m[0].length);
        executable = true;
        i += m[0].length;
      } else {
        blank(i, close + 2);
        i = close + 2;
      }
    } else if (executable && text.startsWith('*/', i)) {
      blank(i, i + 2);
      executable = false;
      i += 2;
    } else if (text.startsWith(delimiter, i)) {
      push(i);
      blank(i, i + delimiter.length);
      i += delimiter.length;
      start = i;
    } else i++;
  }
  push(text.length);
  return out.map((s) => ({ sql: s.sql.trimStart(), start: s.start + (s.sql.length - s.sql.trimStart().length) }));
}

export interface Token { text: string; start: number; end: number; kind: 'word' | 'ident' | 'string' | 'punct' }

/** MySQL tokens: words, `quoted` identifiers, 'strings', punctuation; offsets relative to the text. */
export function mysqlTokens(text: string): Token[] {
  const out: Token[] = [];
  const re = /\s+|(`(?:[^`]|``)*`)|('(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")|([A-Za-z0-9_$.]+)|(.)/gsy;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1]) out.push({ text: m[1], start: m.index, end: re.lastIndex, kind: 'ident' });
    else if (m[2]) out.push({ text: m[2], start: m.index, end: re.lastIndex, kind: 'string' });
    else if (m[3]) out.push({ text: m[3], start: m.index, end: re.lastIndex, kind: 'word' });
    else if (m[4]) out.push({ text: m[4], start: m.index, end: re.lastIndex, kind: 'punct' });
  }
  return out;
}

/** A name as written: `tasks` → tasks, `a``b` → a`b; `db`.`t` → t. */
function unquote(name: string): string {
  const last = name.match(/`(?:[^`]|``)*`|[^.`]+/g)?.at(-1) ?? name;
  return last.startsWith('`') ? last.slice(1, -1).replace(/``/g, '`') : last;
}

/** A string literal's value: 'it''s' and 'it\'s' → it's. */
function stringValue(literal: string): string {
  return literal.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', 0: '\0' } as Record<string, string>)[c] ?? c);
}

const upper = (t: Token | undefined) => (t && t.kind === 'word' ? t.text.toUpperCase() : '');

/** Index of the token closing the parenthesis opened at `open`. */
function closing(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.text === '(') depth++;
    else if (tokens[i]!.text === ')' && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** One definition of a CREATE TABLE body: its text (relative offsets in its tokens) and where it starts in the file. */
interface Definition { text: string; tokens: Token[]; offset: number }

/** Words that end a column's type: what follows is an attribute. CHARACTER SET and COLLATE stay part of the type. */
const ATTRIBUTES = new Set(['NOT', 'NULL', 'DEFAULT', 'AUTO_INCREMENT', 'COMMENT', 'GENERATED', 'AS', 'PRIMARY', 'UNIQUE', 'KEY', 'CHECK',
  'REFERENCES', 'ON', 'INVISIBLE', 'VISIBLE', 'STORED', 'VIRTUAL', 'PERSISTENT', 'COLUMN_FORMAT', 'STORAGE', 'SRID', 'CONSTRAINT']);

/** The text of tokens [from, to). */
const span = (d: Definition, from: number, to: number) => (from >= to ? '' : d.text.slice(d.tokens[from]!.start, d.tokens[to - 1]!.end));

/** A column's attributes read from its text: the parts both readings take from the dump as written. */
function columnText(d: Definition): { name: string; type: string; default?: string; comment?: string; generated?: ColumnDef['generated']; notNull: boolean; autoIncrement: boolean; primary: boolean; unique: boolean } {
  const t = d.tokens;
  let i = 1;
  let depth = 0;
  for (; i < t.length; i++) {
    if (t[i]!.text === '(') depth++;
    else if (t[i]!.text === ')') depth--;
    else if (depth === 0 && ATTRIBUTES.has(upper(t[i]))) break;
  }
  const out: ReturnType<typeof columnText> = { name: unquote(t[0]!.text), type: span(d, 1, i), notNull: false, autoIncrement: false, primary: false, unique: false };
  while (i < t.length) {
    const word = upper(t[i]);
    if (word === 'NOT' && upper(t[i + 1]) === 'NULL') {
      out.notNull = true;
      i += 2;
    } else if (word === 'DEFAULT') {
      // One value: a literal, a signed number, a function call, or a parenthesized expression.
      let j = i + 1;
      if (t[j]?.text === '-' || t[j]?.text === '+') j++;
      // b'0', x'1F', _utf8mb4'a': a prefix and its string are one value.
      if (t[j]?.kind === 'word' && t[j + 1]?.kind === 'string' && t[j + 1]!.start === t[j]!.end) j++;
      else if (t[j]?.text === '(') j = closing(t, j);
      else if (t[j + 1]?.text === '(') j = closing(t, j + 1);
      out.default = span(d, i + 1, j + 1);
      i = j + 1;
    } else if (word === 'COMMENT' && t[i + 1]?.kind === 'string') {
      out.comment = stringValue(t[i + 1]!.text);
      i += 2;
    } else if ((word === 'GENERATED' || word === 'AS') && (t.findIndex((x, k) => k >= i && x.text === '(') >= 0)) {
      const open = t.findIndex((x, k) => k >= i && x.text === '(');
      const close = closing(t, open);
      out.generated = { expression: span(d, open + 1, close), stored: ['STORED', 'PERSISTENT'].includes(upper(t[close + 1])) };
      i = close + 1;
    } else {
      if (word === 'AUTO_INCREMENT') out.autoIncrement = true;
      if (word === 'PRIMARY') out.primary = true;
      if (word === 'UNIQUE') out.unique = true;
      i++;
    }
  }
  return out;
}

/** The column names in the parenthesis at token `open`: prefix lengths dropped, expressions kept in parentheses. */
function keyColumns(d: Definition, open: number): string[] {
  const close = closing(d.tokens, open);
  const out: string[] = [];
  let from = open + 1;
  let depth = 0;
  for (let i = open + 1; i <= close; i++) {
    const text = d.tokens[i]!.text;
    if (text === '(') depth++;
    else if (text === ')' && depth > 0) depth--;
    else if ((text === ',' && depth === 0) || i === close) {
      const first = d.tokens[from]!;
      out.push(first.text === '(' ? span(d, from, i) : unquote(first.text));
      from = i + 1;
    }
  }
  return out;
}

const FK_ACTIONS = ['CASCADE', 'SET NULL', 'RESTRICT', 'NO ACTION', 'SET DEFAULT'];

/** `ON DELETE CASCADE ON UPDATE SET NULL` after a REFERENCES clause. */
function fkActions(d: Definition, from: number): { on_delete?: string; on_update?: string } {
  const rest = span(d, from, d.tokens.length).toUpperCase();
  const action = (event: string) => FK_ACTIONS.find((a) => new RegExp(`ON\\s+${event}\\s+${a.replace(' ', '\\s+')}\\b`).test(rest));
  const onDelete = action('DELETE');
  const onUpdate = action('UPDATE');
  return { ...(onDelete && onDelete !== 'NO ACTION' ? { on_delete: onDelete } : {}), ...(onUpdate && onUpdate !== 'NO ACTION' ? { on_update: onUpdate } : {}) };
}

export interface MysqlReadOptions {
  /** false: read every table definition by definition, without node-sql-parser (the fallback, tested on its own). */
  parser?: boolean;
}

export async function readMysqlDump(text: string, file: string, _engine?: unknown, options: MysqlReadOptions = {}): Promise<DatabaseSchema> {
  const useParser = options.parser !== false;
  await loadParser('mysql');
  const lines = new LineIndex(text);
  const tables = new Map<string, TableDef>();
  const views = new Map<string, ViewDef>();
  const triggers: { table: string; name: string; timing: string; line: number }[] = [];
  for (const statement of mysqlStatements(text)) {
    const sql = statement.sql;
    if (/^CREATE\s+(TEMPORARY\s+)?TABLE\b/i.test(sql)) {
      const table = readCreateTable(statement, lines, useParser, file);
      tables.set(table.name, table);
      continue;
    }
    const trigger = /^CREATE\b[\s\S]*?\bTRIGGER\s+(`(?:[^`]|``)*`|\S+)\s+(BEFORE|AFTER)\s+(INSERT|UPDATE|DELETE)\s+ON\s+(`(?:[^`]|``)*`|[^\s(]+)/i.exec(sql);
    if (trigger) {
      triggers.push({ name: unquote(trigger[1]!), timing: `${trigger[2]!.toUpperCase()} ${trigger[3]!.toUpperCase()}`, table: unquote(trigger[4]!), line: lines.line(statement.start + sql.search(/\bTRIGGER\b/i)) });
      continue;
    }
    const view = /^CREATE\b[\s\S]*?\bVIEW\s+(`(?:[^`]|``)*`|\S+)\s+AS\s+([\s\S]*)$/i.exec(sql);
    if (view) {
      const name = unquote(view[1]!);
      const definition = view[2]!.trim();
      views.set(name, { name, reads: viewReads('mysql', definition), materialized: false, definition, line: lines.line(statement.start + sql.search(/\bVIEW\b/i)) });
    }
  }
  for (const t of triggers) {
    tables.get(t.table)?.triggers.push({ name: t.name, timing: t.timing, columns: [], line: t.line });
  }
  // mysqldump writes a placeholder table for each view before the view itself: the view wins.
  for (const name of views.keys()) tables.delete(name);
  return schemaOf('mysql', 'mysqldump', file, [...tables.values()], { version: mysqlDumpVersion(text), views: [...views.values()] });
}

/** CREATE TABLE: the parser's structure when it reads the statement, else definition by definition. */
function readCreateTable(statement: Statement, lines: LineIndex, useParser: boolean, file: string): TableDef {
  const sql = statement.sql;
  const tokens = mysqlTokens(sql);
  const at = (offset: number) => lines.line(statement.start + offset);
  const nameAt = tokens.findIndex((t, i) => i > 1 && !['TABLE', 'TEMPORARY', 'IF', 'NOT', 'EXISTS'].includes(upper(t)));
  const open = tokens.findIndex((t, i) => i > nameAt && t.text === '(');
  if (nameAt < 0 || open < 0) throw unreadable(file, at(0), 'a CREATE TABLE without a column list', EXPECTED);
  const table = newTable(unquote(tokens[nameAt]!.text), at(tokens[nameAt]!.start));
  const close = closing(tokens, open);
  const options = mysqlTokens(sql.slice(tokens[close]!.end));
  const comment = options.findIndex((t) => upper(t) === 'COMMENT');
  if (comment >= 0) {
    const literal = options.slice(comment + 1).find((t) => t.kind === 'string');
    if (literal) table.comment = stringValue(literal.text);
  }
  const definitions: Definition[] = [];
  let from = open + 1;
  let depth = 0;
  for (let i = open + 1; i <= close; i++) {
    const text = tokens[i]!.text;
    if (text === '(') depth++;
    else if (text === ')' && depth > 0) depth--;
    else if ((text === ',' && depth === 0) || i === close) {
      if (i > from) {
        const base = tokens[from]!.start;
        const body = sql.slice(base, tokens[i - 1]!.end);
        definitions.push({ text: body, tokens: mysqlTokens(body), offset: base });
      }
      from = i + 1;
    }
  }
  const ast = useParser ? parsedTable(sql, definitions.length) : undefined;
  definitions.forEach((d, k) => {
    const line = at(d.offset);
    if (ast) fromAst(table, ast[k]!, d, line);
    else fromText(table, d, line, file);
  });
  return table;
}

/** The parser's create_definitions for a CREATE TABLE, when both grammars fail or disagree on the count, undefined. */
function parsedTable(sql: string, count: number): Obj[] | undefined {
  const parsed = parseText('mysql', sql);
  const stmt = parsed.tree?.engine === 'mysql' ? parsed.tree.stmts[0] as Obj | undefined : undefined;
  const defs = stmt?.create_definitions as Obj[] | undefined;
  return defs && defs.length === count ? defs : undefined;
}

function addColumn(table: TableDef, d: Definition, line: number, notNull: boolean, autoIncrement: boolean): ColumnDef {
  const text = columnText(d);
  const column = newColumn(text.name, text.type, line);
  column.nullable = !notNull;
  column.identity = autoIncrement;
  if (text.default !== undefined && !(text.default.toUpperCase() === 'NULL' && column.nullable)) column.default = text.default;
  if (text.comment !== undefined) column.comment = text.comment;
  if (text.generated) column.generated = text.generated;
  table.columns.push(column);
  if (text.primary) addKey(table, 'primary', [column.name], 'PRIMARY', line);
  else if (text.unique) addKey(table, 'unique', [column.name], column.name, line);
  return column;
}

/** One definition, its structure from the parser's AST, its texts from the dump. */
function fromAst(table: TableDef, def: Obj, d: Definition, line: number): void {
  const names = (list: Obj[] | undefined) => (list ?? []).map((c) => (typeof c.column === 'string' ? c.column : c.column?.expr?.value) as string);
  if (def.resource === 'column') {
    const text = columnText(d);
    addColumn(table, d, line, def.nullable?.type === 'not null' || text.notNull, Boolean(def.auto_increment));
    return;
  }
  const type = String(def.constraint_type ?? def.keyword ?? '').toLowerCase();
  const name = (def.constraint ?? def.index) as string | undefined;
  if (type === 'primary key') addKey(table, 'primary', names(def.definition), 'PRIMARY', line);
  else if (type.startsWith('unique')) addKey(table, 'unique', names(def.definition), name, line);
  else if (type === 'foreign key') {
    const ref = def.reference_definition as Obj;
    const refAt = d.tokens.findIndex((t) => upper(t) === 'REFERENCES');
    table.foreign_keys.push({
      ...(name ? { name } : {}), columns: names(def.definition), references: ref.table[0].table, ref_columns: names(ref.definition), ...fkActions(d, refAt), line,
    });
  } else if (type === 'check') {
    const open = d.tokens.findIndex((t) => t.text === '(');
    table.checks.push({ ...(name ? { name } : {}), expression: span(d, open + 1, closing(d.tokens, open)), line });
  } else if (def.resource === 'index') {
    const open = d.tokens.findIndex((t) => t.text === '(');
    const method = type.startsWith('fulltext') ? 'fulltext' : type.startsWith('spatial') ? 'spatial' : undefined;
    table.indexes.push({ name: name ?? names(def.definition).join('_'), columns: keyColumns(d, open), unique: false, constraint: false, ...(method ? { method } : {}), line });
  }
}

/** One definition read from its text alone (the fallback when the grammar cannot read the table). */
function fromText(table: TableDef, d: Definition, line: number, file: string): void {
  const t = d.tokens;
  let i = 0;
  let name: string | undefined;
  if (upper(t[0]) === 'CONSTRAINT') {
    if (t[1] && !['PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'].includes(upper(t[1]))) name = unquote(t[1].text);
    i = name ? 2 : 1;
  }
  const word = upper(t[i]);
  const open = t.findIndex((x, k) => k > i && x.text === '(');
  const named = () => (t[i + 1] && t[i + 1]!.text !== '(' && !['KEY', 'INDEX'].includes(upper(t[i + 1])) ? unquote(t[i + 1]!.text)
    : t[i + 2] && t[i + 2]!.text !== '(' ? unquote(t[i + 2]!.text) : undefined);
  if (word === 'PRIMARY') addKey(table, 'primary', keyColumns(d, open), 'PRIMARY', line);
  else if (word === 'UNIQUE') {
    const key = name ?? (['KEY', 'INDEX'].includes(upper(t[i + 1])) ? (t[i + 2]?.text !== '(' ? unquote(t[i + 2]!.text) : undefined) : named());
    addKey(table, 'unique', keyColumns(d, open), key, line);
  } else if (word === 'FOREIGN') {
    const refAt = t.findIndex((x) => upper(x) === 'REFERENCES');
    if (refAt < 0) throw unreadable(file, line, `a FOREIGN KEY without REFERENCES in table "${table.name}"`, EXPECTED);
    const refOpen = t.findIndex((x, k) => k > refAt && x.text === '(');
    table.foreign_keys.push({
      ...(name ? { name } : {}), columns: keyColumns(d, open), references: unquote(t[refAt + 1]!.text), ref_columns: keyColumns(d, refOpen), ...fkActions(d, refAt), line,
    });
  } else if (word === 'CHECK') {
    table.checks.push({ ...(name ? { name } : {}), expression: span(d, open + 1, closing(t, open)), line });
  } else if (['KEY', 'INDEX', 'FULLTEXT', 'SPATIAL'].includes(word)) {
    const method = word === 'FULLTEXT' ? 'fulltext' : word === 'SPATIAL' ? 'spatial' : undefined;
    const keyName = word === 'KEY' || word === 'INDEX' ? named() : (['KEY', 'INDEX'].includes(upper(t[i + 1])) ? unquote(t[i + 2]!.text) : unquote(t[i + 1]!.text));
    const columns = keyColumns(d, open);
    table.indexes.push({ name: keyName ?? columns.join('_'), columns, unique: false, constraint: false, ...(method ? { method } : {}), line });
  } else if (t[0] && (t[0].kind === 'ident' || t[0].kind === 'word') && t.length > 1) {
    const text = columnText(d);
    addColumn(table, d, line, text.notNull || text.primary, text.autoIncrement);
  } else {
    throw unreadable(file, line, `cannot read this definition of table "${table.name}": ${d.text.slice(0, 60)}`, EXPECTED);
  }
}
