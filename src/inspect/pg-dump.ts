/**
 * `pg_dump --schema-only` output read into the model with PostgreSQL's own parser (libpg-query). The
 * whole dump is parsed once (the parser splits statements itself, so dollar-quoted function bodies are
 * safe); types, defaults and predicates are taken from the dump's text between the parser's locations,
 * so they read exactly as PostgreSQL printed them (`character varying(120)`, `'draft'::character varying`).
 * Statements the model has no place for (SET, OWNER TO, GRANT, functions, sequences) are skipped.
 */
import { loadParser } from '../sql/engines.js';
import type { ColumnDef, DatabaseSchema, TableDef, ViewDef } from '../model/database.js';
import { addKey, LineIndex, newColumn, newTable, schemaOf, splitTopLevel, unreadable, unwrapParens } from './reader-kit.js';

// Parse trees are read field by field: libpg-query's node types are a union too wide to narrow usefully.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const EXPECTED = 'the output of pg_dump --schema-only (PostgreSQL DDL)';

/** `-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)` → 15.18, 150018; 9.6.24 → 90624. */
export function pgDumpVersion(text: string): DatabaseSchema['version'] {
  const m = /^-- Dumped from database version (\d+)\.(\d+)(?:\.(\d+))?/m.exec(text.slice(0, 4_000));
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  const num = major >= 10 ? major * 10_000 + minor : major * 10_000 + minor * 100 + patch;
  return { text: m[3] ? `${major}.${minor}.${patch}` : `${major}.${minor}`, num };
}

export async function readPgDump(text: string, file: string): Promise<DatabaseSchema> {
  await loadParser('postgres');
  const pg = await import('libpg-query');
  // psql meta-commands (`\restrict KEY`, `\connect`) are not SQL: blanked, keeping every offset.
  const sql = text.replace(/^\\.*$/gm, (line) => ' '.repeat(Buffer.byteLength(line)));
  const bytes = Buffer.from(sql);
  const lines = new LineIndex(bytes);
  let stmts: Obj[];
  try {
    stmts = (pg.parseSync(sql).stmts ?? []) as Obj[];
  } catch (err) {
    const e = err as { message?: string; sqlDetails?: { message: string; cursorPosition: number } };
    const at = e.sqlDetails ? lines.line(e.sqlDetails.cursorPosition) : undefined;
    throw unreadable(file, at, `PostgreSQL cannot parse this: ${e.sqlDetails?.message ?? e.message}`, EXPECTED);
  }
  const reader = new DumpReader(bytes, pgTokens(sql, bytes), lines);
  for (const raw of stmts) {
    const start = raw.stmt_location ?? 0;
    reader.statement(raw.stmt as Obj, start, raw.stmt_len ? start + raw.stmt_len : bytes.length);
  }
  return schemaOf('postgres', 'pg_dump', file, reader.finish(), { version: pgDumpVersion(text), views: reader.views });
}

/** A token of the dump: its text and its byte offsets (the parser's locations count bytes). */
interface Token { text: string; start: number; end: number }

/**
 * The dump's tokens, as PostgreSQL's lexer would split them: comments dropped; strings, quoted names
 * and dollar-quoted bodies whole. (libpg-query's own scanner does the same, three times slower: its
 * tokens cross from WebAssembly as JSON.)
 */
export function pgTokens(text: string, bytes: Buffer): Token[] {
  // Character offsets to byte offsets; the same numbers when the text is ASCII.
  let byteAt: (i: number) => number = (i) => i;
  if (bytes.length !== text.length) {
    const table = new Int32Array(text.length + 1);
    for (let i = 0, b = 0; i <= text.length; i++) {
      table[i] = b;
      const code = text.charCodeAt(i);
      b += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xdc00 ? 4 : code >= 0xdc00 && code < 0xe000 ? 0 : 3;
    }
    byteAt = (i) => table[i]!;
  }
  const out: Token[] = [];
  const re = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|[Ee]'(?:[^'\\]|''|\\.)*'|'(?:[^']|'')*'|"(?:[^"]|"")*"|(\$[A-Za-z_]*\$)[\s\S]*?\1|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|::|[<>!=]=|<>|./gy;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const t = m[0];
    if (/^\s/.test(t) || t.startsWith('--') || t.startsWith('/*')) continue;
    out.push({ text: t, start: byteAt(m.index), end: byteAt(re.lastIndex) });
  }
  return out;
}

/** Which names stand for one table: `public.users` and `users` are the same; `audit.events` is not `events`. */
function relKey(rel: Obj): string {
  const ns = rel.schemaname && rel.schemaname !== 'public' ? rel.schemaname : '';
  return `${ns}.${rel.relname}`;
}

const FK_ACTIONS: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
const SERIALS: Record<string, string> = { smallserial: 'smallint', serial2: 'smallint', serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint' };

class DumpReader {
  private readonly tables = new Map<string, TableDef>();
  readonly views: ViewDef[] = [];
  /** Each view's relations (for its unqualified columns, resolved once every table is known). */
  private readonly viewColumns: { view: ViewDef; relations: string[]; unqualified: string[] }[] = [];
  private end = 0;

  constructor(private readonly bytes: Buffer, private readonly tokens: Token[], private readonly lines: LineIndex) {}

  statement(stmt: Obj, start: number, end: number): void {
    this.end = end;
    const [type] = Object.keys(stmt);
    const body = stmt[type!] as Obj;
    switch (type) {
      case 'CreateStmt': return this.createTable(body);
      case 'AlterTableStmt': return this.alterTable(body, start);
      case 'IndexStmt': return this.createIndex(body, start);
      case 'CreateTrigStmt': return this.createTrigger(body, start);
      case 'CreatePolicyStmt': return this.createPolicy(body);
      case 'CommentStmt': return this.comment(body);
      case 'AlterSeqStmt': return this.sequenceOwner(body);
      case 'ViewStmt': return this.view(body.view, body.query, false);
      case 'CreateTableAsStmt':
        if (body.objtype === 'OBJECT_MATVIEW') this.view(body.into.rel, body.query, true);
        return;
    }
  }

  finish(): TableDef[] {
    for (const { view, relations, unqualified } of this.viewColumns) {
      const tables = relations.map((r) => this.tables.get(r)).filter((t): t is TableDef => Boolean(t));
      for (const column of unqualified) {
        const owners = tables.filter((t) => t.columns.some((c) => c.name === column));
        if (owners.length === 1) view.reads.push(`${owners[0]!.name}.${column}`);
      }
      view.reads = [...new Set(view.reads)];
    }
    return [...this.tables.values()].filter((t) => t.columns.length > 0);
  }

  private line(offset: number | undefined): number | undefined {
    return offset === undefined || offset < 0 ? undefined : this.lines.line(offset);
  }

  /** The dump's text from the first token at or after `from` to the last token ending by `to`. */
  private text(from: number, to: number): string {
    let i = this.tokenAt(from);
    const first = i;
    while (i < this.tokens.length && this.tokens[i]!.end <= to && this.tokens[i]!.text !== ';') i++;
    if (i === first) return '';
    return this.bytes.subarray(this.tokens[first]!.start, this.tokens[i - 1]!.end).toString();
  }

  /** Index of the first token starting at or after `offset`. */
  private tokenAt(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where the element starting at `offset` ends: before a comma or closing parenthesis at its own depth, or the statement's end. */
  private elementEnd(offset: number): number {
    let depth = 0;
    for (let i = this.tokenAt(offset); i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.start >= this.end || t.text === ';') return t.start;
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') {
        if (depth === 0) return t.start;
        depth--;
      } else if (t.text === ',' && depth === 0) return t.start;
    }
    return this.end;
  }

  /** The text inside the first parenthesis at or after `offset`, and where that parenthesis closes. */
  private parenthesized(offset: number): { inner: string; close: number } | undefined {
    let i = this.tokenAt(offset);
    while (i < this.tokens.length && this.tokens[i]!.text !== '(') i++;
    const open = this.tokens[i];
    if (!open) return undefined;
    let depth = 0;
    for (let j = i; j < this.tokens.length; j++) {
      const t = this.tokens[j]!.text;
      if (t === '(') depth++;
      else if (t === ')' && --depth === 0) return { inner: this.text(open.end, this.tokens[j]!.start), close: this.tokens[j]!.end };
    }
    return undefined;
  }

  /** The first token at or after `offset` whose text is `word` (a keyword, any case), before `to`. */
  private keyword(word: string, offset: number, to = this.end): Token | undefined {
    for (let i = this.tokenAt(offset); i < this.tokens.length && this.tokens[i]!.start < to; i++) {
      if (this.tokens[i]!.text.toUpperCase() === word) return this.tokens[i];
    }
    return undefined;
  }

  private table(rel: Obj): TableDef | undefined {
    return this.tables.get(relKey(rel));
  }

  private createTable(body: Obj): void {
    const rel = body.relation as Obj;
    const ns = rel.schemaname && rel.schemaname !== 'public' ? rel.schemaname as string : undefined;
    const table = newTable(rel.relname, this.line(rel.location), ns);
    this.tables.set(relKey(rel), table);
    for (const elt of (body.tableElts ?? []) as Obj[]) {
      if (elt.ColumnDef) this.column(table, elt.ColumnDef);
      else if (elt.Constraint) this.constraint(table, elt.Constraint, undefined);
    }
  }

  private column(table: TableDef, def: Obj): void {
    const end = this.elementEnd(def.location);
    const constraints = ((def.constraints ?? []) as Obj[]).map((c) => c.Constraint as Obj);
    // Each part of the definition runs to where the next one starts. A COLLATE clause stays with the
    // type: restating the column without it would change how it sorts and which indexes serve it.
    const starts = constraints.map((c) => c.location).filter((n): n is number => typeof n === 'number' && n >= 0);
    const until = (from: number) => Math.min(end, ...starts.filter((s) => s > from));
    const typeStart = def.typeName.location as number;
    let type = this.text(typeStart, until(typeStart));
    const column: ColumnDef = newColumn(def.colname, type, this.line(def.location));
    const serial = SERIALS[type.toLowerCase()];
    if (serial) {
      column.type = type = serial;
      column.identity = true;
      column.nullable = false;
    }
    table.columns.push(column);
    for (const c of constraints) {
      const clause = this.text(c.location, until(c.location));
      switch (c.contype) {
        case 'CONSTR_NOTNULL': column.nullable = false; break;
        case 'CONSTR_DEFAULT': this.setDefault(column, clause.replace(/^DEFAULT\s+/i, '')); break;
        case 'CONSTR_IDENTITY': column.identity = true; break;
        case 'CONSTR_GENERATED': {
          const inner = this.parenthesized(c.location);
          if (inner) column.generated = { expression: inner.inner, stored: c.generated_kind !== 'v' };
          break;
        }
        default: this.constraint(table, c, column.name);
      }
    }
  }

  private setDefault(column: ColumnDef, expression: string): void {
    column.default = expression;
    // A serial column as pg_dump writes it: a sequence's nextval as the default.
    if (/^nextval\(/i.test(expression)) column.identity = true;
  }

  /** A table or column constraint (`column` for the latter: it names no columns of its own). */
  private constraint(table: TableDef, c: Obj, column: string | undefined): void {
    const names = (list: Obj[] | undefined) => (list ?? []).map((n) => n.String.sval as string);
    const name = c.conname as string | undefined;
    const line = this.line(c.location);
    const at = line ? { line } : {};
    switch (c.contype) {
      case 'CONSTR_PRIMARY': case 'CONSTR_UNIQUE': {
        const keys = column ? [column] : names(c.keys);
        if (keys.length) addKey(table, c.contype === 'CONSTR_PRIMARY' ? 'primary' : 'unique', keys, name, line);
        break;
      }
      case 'CONSTR_FOREIGN': {
        const onDelete = FK_ACTIONS[c.fk_del_action];
        const onUpdate = FK_ACTIONS[c.fk_upd_action];
        table.foreign_keys.push({
          ...(name ? { name } : {}), columns: column ? [column] : names(c.fk_attrs), references: c.pktable.relname, ref_columns: names(c.pk_attrs),
          ...(onDelete ? { on_delete: onDelete } : {}), ...(onUpdate ? { on_update: onUpdate } : {}), ...at,
        });
        break;
      }
      case 'CONSTR_CHECK': {
        const inner = this.parenthesized(this.keyword('CHECK', c.location)?.start ?? c.location);
        if (inner) table.checks.push({ ...(name ? { name } : {}), expression: inner.inner, ...at });
        break;
      }
    }
  }

  private alterTable(body: Obj, start: number): void {
    const table = this.table(body.relation);
    if (!table || (body.objtype && body.objtype !== 'OBJECT_TABLE')) return;
    for (const { AlterTableCmd: cmd } of (body.cmds ?? []) as Obj[]) {
      const column = cmd.name ? table.columns.find((c) => c.name === cmd.name) : undefined;
      switch (cmd.subtype) {
        case 'AT_AddConstraint': this.constraint(table, cmd.def.Constraint, undefined); break;
        case 'AT_AddColumn': this.column(table, cmd.def.ColumnDef); break;
        case 'AT_ColumnDefault': {
          const keyword = this.keyword('DEFAULT', start);
          if (column && keyword && cmd.def) this.setDefault(column, this.text(keyword.end, this.elementEnd(keyword.end)));
          break;
        }
        case 'AT_AddIdentity': if (column) column.identity = true; break;
        case 'AT_SetNotNull': if (column) column.nullable = false; break;
        case 'AT_DropNotNull': if (column) column.nullable = true; break;
        case 'AT_EnableRowSecurity': table.rls = { ...(table.rls ?? { forced: false, policies: [] }), enabled: true }; break;
        case 'AT_DisableRowSecurity': if (table.rls) table.rls.enabled = false; break;
        case 'AT_ForceRowSecurity': table.rls = { ...(table.rls ?? { enabled: false, policies: [] }), forced: true }; break;
        case 'AT_NoForceRowSecurity': if (table.rls) table.rls.forced = false; break;
      }
    }
  }

  private createIndex(body: Obj, start: number): void {
    const table = this.table(body.relation);
    if (!table) return;
    const list = this.parenthesized(body.relation.location);
    if (!list) return;
    // Each element as written; a plain column by its name, an expression in parentheses.
    const elements = splitTopLevel(list.inner);
    const columns = ((body.indexParams ?? []) as Obj[]).map((p, i) => {
      const elem = p.IndexElem as Obj;
      if (elem.name) return elem.name as string;
      const written = (elements[i] ?? '').replace(/\s+(ASC|DESC|NULLS\s+(FIRST|LAST))(\s+.*)?$/i, '').trim();
      return written.startsWith('(') ? written : `(${written})`;
    });
    const where = body.whereClause ? this.keyword('WHERE', list.close) : undefined;
    const method = body.accessMethod && body.accessMethod !== 'btree' ? body.accessMethod as string : undefined;
    const line = this.line(this.tokens[this.tokenAt(start)]?.start);
    table.indexes.push({
      name: body.idxname, columns, unique: body.unique === true, constraint: false,
      ...(where ? { where: unwrapParens(this.text(where.end, this.end)) } : {}), ...(method ? { method } : {}), ...(line ? { line } : {}),
    });
  }

  private createTrigger(body: Obj, start: number): void {
    const table = this.table(body.relation);
    if (!table) return;
    // TRIGGER_TYPE_* bits of PostgreSQL's pg_trigger.tgtype.
    const timing = body.timing & 2 ? 'BEFORE' : body.timing & 64 ? 'INSTEAD OF' : 'AFTER';
    const events = ([[4, 'INSERT'], [16, 'UPDATE'], [8, 'DELETE'], [32, 'TRUNCATE']] as const).filter(([bit]) => body.events & bit).map(([, e]) => e);
    const columns = ((body.columns ?? []) as Obj[]).map((c) => c.String.sval as string);
    const line = this.line(this.tokens[this.tokenAt(start)]?.start);
    table.triggers.push({ name: body.trigname, timing: `${timing} ${events.join(' OR ')}`, columns, ...(line ? { line } : {}) });
  }

  private createPolicy(body: Obj): void {
    const table = this.table(body.table);
    if (!table) return;
    table.rls ??= { enabled: false, forced: false, policies: [] };
    table.rls.policies.push(body.policy_name);
  }

  private comment(body: Obj): void {
    const items = ((body.object?.List?.items ?? []) as Obj[]).map((i) => i.String?.sval as string);
    const rel = (parts: string[]) => this.tables.get(relKey(parts.length > 1 ? { schemaname: parts.at(-2), relname: parts.at(-1) } : { relname: parts[0] }));
    if (body.objtype === 'OBJECT_TABLE') {
      const table = rel(items);
      if (table && body.comment != null) table.comment = body.comment;
    } else if (body.objtype === 'OBJECT_COLUMN') {
      const column = rel(items.slice(0, -1))?.columns.find((c) => c.name === items.at(-1));
      if (column && body.comment != null) column.comment = body.comment;
    }
  }

  /** `ALTER SEQUENCE s OWNED BY t.c`: the column is a serial one. */
  private sequenceOwner(body: Obj): void {
    for (const option of (body.options ?? []) as Obj[]) {
      if (option.DefElem?.defname !== 'owned_by') continue;
      const parts = ((option.DefElem.arg?.List?.items ?? []) as Obj[]).map((i) => i.String?.sval as string);
      if (parts.length < 2) continue;
      const table = this.tables.get(relKey(parts.length > 2 ? { schemaname: parts.at(-3), relname: parts.at(-2) } : { relname: parts[0] }));
      const column = table?.columns.find((c) => c.name === parts.at(-1));
      if (column) column.identity = true;
    }
  }

  private view(rel: Obj, query: Obj, materialized: boolean): void {
    const as = this.keyword('AS', rel.location);
    const line = this.line(rel.location);
    const view: ViewDef = {
      name: rel.relname, reads: [], materialized, ...(as ? { definition: this.text(as.end, this.end) } : {}), ...(line ? { line } : {}),
    };
    const aliases = new Map<string, string>();
    const relations: string[] = [];
    const unqualified: string[] = [];
    const refs: string[][] = [];
    walk(query, (node) => {
      if (node.RangeVar) {
        const r = node.RangeVar as Obj;
        relations.push(relKey(r));
        aliases.set(r.alias?.aliasname ?? r.relname, r.relname);
        view.reads.push(r.relname);
      } else if (node.ColumnRef) {
        const fields = ((node.ColumnRef.fields ?? []) as Obj[]).map((f) => f.String?.sval as string | undefined);
        if (fields.every((f) => f !== undefined)) refs.push(fields as string[]);
      }
    });
    for (const fields of refs) {
      if (fields.length === 1) unqualified.push(fields[0]!);
      else {
        const table = aliases.get(fields.at(-2)!);
        if (table) view.reads.push(`${table}.${fields.at(-1)}`);
      }
    }
    this.views.push(view);
    this.viewColumns.push({ view, relations, unqualified });
  }
}

/** Every object node of a parse tree, depth first. */
function walk(node: unknown, visit: (node: Obj) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    visit(node as Obj);
    for (const v of Object.values(node)) walk(v, visit);
  }
}
