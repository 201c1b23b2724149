/**
 * A `schema.prisma` read into the model with @mrleebo/prisma-ast, named as the database names things:
 * `@@map`/`@map` give the real tables and columns, and each Prisma type becomes the DDL type
 * `prisma migrate` creates for the datasource's provider (or its `@db.*` native type). Constraint
 * names are Prisma's defaults (`users_pkey`, `users_email_key`, `posts_author_id_fkey`) unless `map:`
 * names them. Lines come from the parser's node locations.
 */
import { getSchema, PrismaParser, VisitorClassFactory, type Attribute, type BlockAttribute, type Enum, type Field, type Model } from '@mrleebo/prisma-ast';
import type { ColumnDef, DatabaseSchema, TableDef } from '../model/database.js';
import type { Engine } from './read.js';
import { addKey, newColumn, newTable, schemaOf, unreadable } from './reader-kit.js';

const EXPECTED = 'a Prisma schema (schema.prisma)';

type SqlEngine = 'postgres' | 'mysql' | 'sqlite';

/** Each scalar's column type as `prisma migrate` creates it, per provider. */
const SCALAR_TYPES: Record<SqlEngine, Record<string, string>> = {
  postgres: { String: 'text', Boolean: 'boolean', Int: 'integer', BigInt: 'bigint', Float: 'double precision', Decimal: 'decimal(65,30)', DateTime: 'timestamp(3)', Json: 'jsonb', Bytes: 'bytea' },
  mysql: { String: 'varchar(191)', Boolean: 'tinyint(1)', Int: 'int', BigInt: 'bigint', Float: 'double', Decimal: 'decimal(65,30)', DateTime: 'datetime(3)', Json: 'json', Bytes: 'longblob' },
  sqlite: { String: 'TEXT', Boolean: 'BOOLEAN', Int: 'INTEGER', BigInt: 'BIGINT', Float: 'REAL', Decimal: 'DECIMAL', DateTime: 'DATETIME', Json: 'JSONB', Bytes: 'BLOB' },
};

const PROVIDERS: Record<string, SqlEngine> = { postgresql: 'postgres', postgres: 'postgres', cockroachdb: 'postgres', mysql: 'mysql', sqlite: 'sqlite' };

const ACTIONS: Record<string, string> = { Cascade: 'CASCADE', Restrict: 'RESTRICT', NoAction: 'NO ACTION', SetNull: 'SET NULL', SetDefault: 'SET DEFAULT' };

/** A string literal's value as the AST keeps it (`"users"` → users). */
const literal = (value: unknown) => (typeof value === 'string' ? value.replace(/^"(.*)"$/s, '$1') : undefined);

function attribute(list: readonly unknown[] | undefined, name: string, group?: string): Attribute | BlockAttribute | undefined {
  return (list ?? []).find((a): a is Attribute => (a as Attribute).type === 'attribute' && (a as Attribute).name === name && (a as Attribute).group === group);
}

/** The attribute's first positional argument, and its `key: value` arguments. */
function args(attr: Attribute | BlockAttribute | undefined): { first: unknown; named: Map<string, unknown> } {
  const named = new Map<string, unknown>();
  let first: unknown;
  for (const arg of attr?.args ?? []) {
    const value = arg.value as { type?: string; key?: string; value?: unknown };
    if (value && typeof value === 'object' && value.type === 'keyValue') named.set(value.key!, value.value);
    else if (first === undefined) first = value;
  }
  return { first, named };
}

/** `[a, b(sort: Desc)]` → ['a', 'b']. */
function fieldList(value: unknown): string[] {
  const list = (value as { type?: string; args?: unknown[] } | undefined)?.args ?? [];
  return list.map((item) => (typeof item === 'string' ? item : (item as { name: string }).name));
}

/** The parser, built once, with node locations on (the library's default parser keeps none). */
let located: { parser: PrismaParser; visitor: InstanceType<ReturnType<typeof VisitorClassFactory>> } | undefined;
function locatingParser() {
  if (!located) {
    const parser = new PrismaParser({ nodeLocationTracking: 'full' });
    located = { parser, visitor: new (VisitorClassFactory(parser))() };
  }
  return located;
}

const lineOf = (node: { location?: { startLine?: number } } | undefined) => node?.location?.startLine;

export function readPrisma(text: string, file: string, engine: Engine | undefined): DatabaseSchema {
  let ast: ReturnType<typeof getSchema>;
  try {
    ast = getSchema(text, locatingParser());
  } catch (err) {
    const e = err as { message?: string; token?: { startLine?: number } };
    throw unreadable(file, e.token?.startLine, `Prisma cannot parse this: ${e.message ?? String(err)}`, EXPECTED);
  }
  const datasource = ast.list.find((b) => b.type === 'datasource') as { assignments: { type: string; key: string; value: unknown }[] } | undefined;
  const provider = literal(datasource?.assignments.find((a) => a.type === 'assignment' && a.key === 'provider')?.value);
  const target = provider ? PROVIDERS[provider] : engine === 'mongodb' ? undefined : engine;
  if (!target) {
    throw unreadable(file, lineOf(datasource as never) ?? 1, provider
      ? `Prisma provider "${provider}" is not one plan reads (postgresql, mysql, sqlite, cockroachdb)` : 'the Prisma schema has no datasource provider, and no --db was given', 'a datasource db { provider = "postgresql" | "mysql" | "sqlite" }, or --db');
  }
  const models = ast.list.filter((b): b is Model => b.type === 'model');
  const enums = new Map(ast.list.filter((b): b is Enum => b.type === 'enum').map((e) => [e.name, e]));
  const tableName = (m: Model) => literal(args(attribute(m.properties, 'map')).first) ?? m.name;
  const fields = (m: Model) => m.properties.filter((p): p is Field => p.type === 'field');
  const columnName = (f: Field) => literal(args(attribute(f.attributes, 'map')).first) ?? f.name;
  const byName = new Map(models.map((m) => [m.name, m]));

  const tables = models.map((model) => {
    const table = newTable(tableName(model), lineOf(model));
    const columnOf = (field: string) => {
      const f = fields(model).find((x) => x.name === field);
      return f ? columnName(f) : field;
    };
    for (const field of fields(model)) {
      const line = lineOf(field);
      if (typeof field.fieldType === 'string' && byName.has(field.fieldType)) {
        relation(table, field, byName.get(field.fieldType)!, line);
        continue;
      }
      const column = newColumn(columnName(field), columnType(field, target, enums, file, line), line);
      column.nullable = field.optional === true;
      defaultOf(column, field, target, enums);
      table.columns.push(column);
      if (attribute(field.attributes, 'id')) addKey(table, 'primary', [column.name], keyName(target, table.name, args(attribute(field.attributes, 'id')).named, 'pkey', []), line);
      if (attribute(field.attributes, 'unique')) unique(table, [column.name], keyName(target, table.name, args(attribute(field.attributes, 'unique')).named, 'key', [column.name]), line);
    }
    for (const attr of model.properties.filter((p): p is BlockAttribute => p.type === 'attribute' && p.kind === 'object')) {
      const { first, named } = args(attr);
      const line = lineOf(attr);
      const columns = fieldList(first).map(columnOf);
      if (attr.name === 'id') addKey(table, 'primary', columns, keyName(target, table.name, named, 'pkey', []), line);
      else if (attr.name === 'unique') unique(table, columns, keyName(target, table.name, named, 'key', columns), line);
      else if (attr.name === 'index') {
        table.indexes.push({ name: keyName(target, table.name, named, 'idx', columns)!, columns, unique: false, constraint: false, ...(line ? { line } : {}) });
      }
    }
    return { model, table };
  });

  /**
   * `@unique` / `@@unique`: prisma migrate creates a UNIQUE INDEX, not a constraint. On MySQL the two are
   * one thing (a UNIQUE KEY, as mysqldump shows it); on PostgreSQL and SQLite it is an index only, dropped
   * with DROP INDEX, so it is recorded as the database would report it: a unique index.
   */
  function unique(table: TableDef, columns: string[], name: string, line: number | undefined): void {
    if (target === 'mysql') addKey(table, 'unique', columns, name, line);
    else table.indexes.push({ name, columns, unique: true, constraint: false, ...(line ? { line } : {}) });
  }

  /** A relation field that holds the foreign key (`fields:` and `references:`): the key, on this table. */
  function relation(table: TableDef, field: Field, target: Model, line: number | undefined): void {
    const { named } = args(attribute(field.attributes, 'relation'));
    if (!named.has('fields')) return;
    const owner = models.find((m) => tableName(m) === table.name)!;
    const local = (name: string) => {
      const f = fields(owner).find((x) => x.name === name);
      return f ? columnName(f) : name;
    };
    const remote = (name: string) => {
      const f = fields(target).find((x) => x.name === name);
      return f ? columnName(f) : name;
    };
    const columns = fieldList(named.get('fields')).map(local);
    // Prisma's referential actions when the schema names none: RESTRICT (SET NULL for an optional relation), ON UPDATE CASCADE.
    const onDelete = ACTIONS[String(named.get('onDelete'))] ?? (field.optional ? 'SET NULL' : 'RESTRICT');
    const onUpdate = ACTIONS[String(named.get('onUpdate'))] ?? 'CASCADE';
    table.foreign_keys.push({
      name: literal(named.get('map')) ?? `${table.name}_${columns.join('_')}_fkey`, columns, references: tableName(target),
      ref_columns: fieldList(named.get('references')).map(remote),
      ...(onDelete !== 'NO ACTION' ? { on_delete: onDelete } : {}), ...(onUpdate !== 'NO ACTION' ? { on_update: onUpdate } : {}), ...(line ? { line } : {}),
    });
  }

  return schemaOf(target, 'prisma', file, tables.map((t) => t.table));
}

/** `map:` or Prisma's default name (`users_pkey`, `users_email_key`, `users_name_idx`); MySQL's primary key is always PRIMARY. */
function keyName(engine: SqlEngine, table: string, named: Map<string, unknown>, suffix: 'pkey' | 'key' | 'idx', columns: string[]): string {
  if (suffix === 'pkey' && engine === 'mysql') return 'PRIMARY';
  return literal(named.get('map')) ?? [table, ...columns, suffix].join('_');
}

/** The column's DDL type: its `@db.*` native type, else the provider's type for the Prisma scalar or enum. */
function columnType(field: Field, engine: SqlEngine, enums: Map<string, Enum>, file: string, line: number | undefined): string {
  const native = (field.attributes ?? []).find((a) => a.group === 'db');
  const array = field.array ? '[]' : '';
  if (native) {
    const params = (native.args ?? []).map((a) => String(a.value));
    return `${nativeType(native.name, engine)}${params.length ? `(${params.join(',')})` : ''}${array}`;
  }
  const fieldType = field.fieldType as string | { name?: string; params?: unknown[] };
  if (typeof fieldType === 'object' && fieldType.name === 'Unsupported') return `${literal(fieldType.params?.[0]) ?? 'unknown'}${array}`;
  const name = String(fieldType);
  const scalar = SCALAR_TYPES[engine][name];
  if (scalar) return `${scalar}${array}`;
  const e = enums.get(name);
  if (e) {
    const dbName = literal(args(attribute(e.enumerators, 'map')).first) ?? e.name;
    if (engine === 'mysql') return `enum(${enumValues(e).map((v) => `'${v}'`).join(',')})`;
    return engine === 'postgres' ? `"${dbName}"${array}` : 'TEXT';
  }
  throw unreadable(file, line, `field "${field.name}" has type "${name}", which is no Prisma scalar, enum or model here`, EXPECTED);
}

function enumValues(e: Enum): string[] {
  return e.enumerators.filter((x): x is Extract<typeof x, { type: 'enumerator' }> => x.type === 'enumerator')
    .map((x) => literal(args(attribute((x as { attributes?: Attribute[] }).attributes, 'map')).first) ?? x.name);
}

/** `@db.VarChar` → varchar, `@db.DoublePrecision` → double precision, `@db.UnsignedInt` → int unsigned. */
function nativeType(name: string, engine: SqlEngine): string {
  const special: Record<string, string> = { DoublePrecision: 'double precision', JsonB: 'jsonb', ByteA: 'bytea', Timestamptz: 'timestamptz', Timetz: 'timetz' };
  if (special[name]) return special[name]!;
  const unsigned = /^Unsigned(.+)$/.exec(name);
  if (unsigned && engine === 'mysql') return `${nativeType(unsigned[1]!, engine)} unsigned`;
  return name.toLowerCase();
}

/** `@default(…)` as the column's DDL default; autoincrement() makes it an identity; uuid()/cuid() are filled by the client, not the database. */
function defaultOf(column: ColumnDef, field: Field, engine: SqlEngine, enums: Map<string, Enum>): void {
  if (attribute(field.attributes, 'updatedAt')) return;
  const value = args(attribute(field.attributes, 'default')).first as string | { type?: string; name?: string; params?: unknown[] } | undefined;
  if (value === undefined) return;
  if (typeof value === 'object') {
    if (value.name === 'autoincrement') column.identity = true;
    // MySQL's datetime(3) needs CURRENT_TIMESTAMP(3), as prisma migrate writes it.
    else if (value.name === 'now') column.default = engine === 'mysql' ? `CURRENT_TIMESTAMP${/\(\d\)$/.exec(column.type)?.[0] ?? ''}` : 'CURRENT_TIMESTAMP';
    else if (value.name === 'dbgenerated') {
      const expression = literal(value.params?.[0]);
      if (expression) column.default = expression;
    }
    return;
  }
  if (/^".*"$/s.test(value)) column.default = `'${literal(value)!.replace(/'/g, "''")}'`;
  else if (/^-?\d/.test(value)) column.default = value;
  else if (value === 'true' || value === 'false') column.default = engine === 'mysql' ? (value === 'true' ? '1' : '0') : value;
  else if (enums.has(String(field.fieldType))) column.default = `'${value}'`;
  else column.default = value;
}
