/**
 * `--url postgres://…`: the schema from PostgreSQL's catalog. One read-only transaction of catalog
 * queries (pg_class, pg_attribute, pg_constraint, pg_index, pg_trigger, pg_policy, pg_depend): no
 * table is scanned, rows come from `reltuples` (what ANALYZE last estimated) and sizes from
 * `pg_total_relation_size`. The session is read-only from its first packet (`default_transaction_read_only`
 * sent as a connection option) and every statement has a time limit.
 */
import { unwrapParens } from './reader-kit.js';
import pg from 'pg';
import type { ColumnDef, DatabaseSchema, ForeignKeyDef, IndexDef, TableDef, ViewDef } from '../model/database.js';
import { unknownRows, viewReads, type LiveRead, type LiveTarget } from './live-shared.js';

/** Each catalog query returns one row: a JSON array of objects (numbers arrive as numbers, not strings). */
const asJson = (sql: string) => `SELECT coalesce(json_agg(q), '[]'::json) FROM (${sql}) q`;

interface TableRow {
  oid: number; namespace: string; name: string; rls: boolean; forced: boolean; policies: string[];
  reltuples: number; relpages: number; bytes: number; comment: string | null;
}
interface ColumnRow {
  rel: number; name: string; type: string; notnull: boolean; expr: string | null; generated: string;
  identity: boolean; comment: string | null;
}
interface ConstraintRow {
  rel: number; name: string; type: 'p' | 'u' | 'f' | 'c'; def: string; columns: string[] | null;
  ref_table: string | null; ref_columns: string[] | null; on_delete: string; on_update: string;
}
interface IndexRow {
  rel: number; name: string; unique: boolean; constraint: boolean; method: string; where: string | null;
  columns: { name: string | null; expr: string }[];
}
interface TriggerRow { rel: number; name: string; type: number; columns: string[] | null }
interface ViewRow { name: string; materialized: boolean; definition: string | null; reads: string[] | null }

/** pg_constraint's action codes; NO ACTION (the default, which pg_dump leaves out) is left out too. */
const ACTIONS: Record<string, string | undefined> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

function catalogQueries(versionNum: number) {
  // Identity columns are PostgreSQL 10, generated columns 12, INCLUDE columns (indnkeyatts) 11.
  const generated = versionNum >= 120000 ? 'a.attgenerated' : `''::text`;
  const identity = versionNum >= 100000 ? `a.attidentity <> ''` : 'false';
  const keyColumns = versionNum >= 110000 ? 'i.indnkeyatts' : 'i.indnatts';
  // A partitioned table holds no rows itself: its rows and bytes are its partitions' (pg_partition_tree is 12+),
  // and its rows are unknown while any partition has never been analyzed.
  const sizes = versionNum >= 120000
    ? `CASE WHEN c.relkind = 'p' THEN (SELECT CASE WHEN bool_and(l.reltuples >= 0) THEN sum(l.reltuples) ELSE -1 END
                                     FROM pg_partition_tree(c.oid) t JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
            ELSE c.reltuples END::float8 AS reltuples,
       CASE WHEN c.relkind = 'p' THEN 1 ELSE c.relpages END AS relpages,
       CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_total_relation_size(t.relid)) FROM pg_partition_tree(c.oid) t)
            ELSE pg_total_relation_size(c.oid) END::int8 AS bytes`
    : 'c.reltuples::float8 AS reltuples, c.relpages AS relpages, pg_total_relation_size(c.oid)::int8 AS bytes';
  const relations = `SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1::text[])`;
  return {
    tables: asJson(`
      SELECT c.oid::int8 AS oid, n.nspname AS namespace, c.relname AS name, c.relrowsecurity AS rls,
             c.relforcerowsecurity AS forced,
             (SELECT coalesce(json_agg(p.polname ORDER BY p.polname), '[]'::json) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
             ${sizes},
             obj_description(c.oid, 'pg_class') AS comment
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.oid IN (${relations})
       ORDER BY array_position($1::text[], n.nspname::text), c.relname`),
    columns: asJson(`
      SELECT a.attrelid::int8 AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
             a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS expr, ${generated}::text AS generated,
             ${identity} AS identity, col_description(a.attrelid, a.attnum) AS comment
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid IN (${relations}) AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attrelid, a.attnum`),
    constraints: asJson(`
      SELECT con.conrelid::int8 AS rel, con.conname AS name, con.contype AS type, pg_get_constraintdef(con.oid) AS def,
             (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num) AS columns,
             fc.relname AS ref_table,
             (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num) AS ref_columns,
             con.confdeltype AS on_delete, con.confupdtype AS on_update
        FROM pg_constraint con LEFT JOIN pg_class fc ON fc.oid = con.confrelid
       WHERE con.conrelid IN (${relations}) AND con.contype IN ('p', 'u', 'f', 'c')
       ORDER BY con.conrelid, con.conname`),
    indexes: asJson(`
      SELECT i.indrelid::int8 AS rel, ic.relname AS name, i.indisunique AS unique,
             EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                       AND con.contype IN ('p', 'u', 'x')) AS constraint,
             am.amname AS method, pg_get_expr(i.indpred, i.indrelid) AS where,
             (SELECT json_agg(json_build_object('name', a.attname, 'expr', pg_get_indexdef(i.indexrelid, k, true)) ORDER BY k)
                FROM generate_series(1, ${keyColumns}) k
                LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] AND i.indkey[k - 1] <> 0) AS columns
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
       WHERE i.indrelid IN (${relations})
       ORDER BY i.indrelid, ic.relname`),
    triggers: asJson(`
      SELECT t.tgrelid::int8 AS rel, t.tgname AS name, t.tgtype::int AS type,
             (SELECT json_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a
               WHERE a.attrelid = t.tgrelid AND a.attnum = ANY (t.tgattr::int2[])) AS columns
        FROM pg_trigger t
       WHERE t.tgrelid IN (${relations}) AND NOT t.tgisinternal
       ORDER BY t.tgrelid, t.tgname`),
    // A view's rule depends on each table and column it reads (pg_depend from its pg_rewrite row).
    views: asJson(`
      SELECT v.relname AS name, v.relkind = 'm' AS materialized, pg_get_viewdef(v.oid, true) AS definition,
             (SELECT json_agg(DISTINCT CASE WHEN d.refobjsubid > 0 THEN r.relname || '.' || a.attname ELSE r.relname::text END)
                FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                 AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> v.oid
                JOIN pg_class r ON r.oid = d.refobjid
                LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
               WHERE rw.ev_class = v.oid) AS reads
        FROM pg_class v JOIN pg_namespace n ON n.oid = v.relnamespace
       WHERE v.relkind IN ('v', 'm') AND n.nspname = ANY($1::text[])
       ORDER BY array_position($1::text[], n.nspname::text), v.relname`),
  };
}

/** `BEFORE INSERT OR UPDATE` from pg_trigger.tgtype's bits (ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32, INSTEAD 64). */
export function triggerTiming(type: number): string {
  const when = type & 64 ? 'INSTEAD OF' : type & 2 ? 'BEFORE' : 'AFTER';
  const events = [[4, 'INSERT'], [16, 'UPDATE'], [8, 'DELETE'], [32, 'TRUNCATE']] as const;
  return `${when} ${events.filter(([bit]) => type & bit).map(([, name]) => name).join(' OR ')}`;
}

/** `CHECK ((budget >= 0)) NOT VALID` → `(budget >= 0)`: the expression as it would follow CHECK. */
function checkExpression(def: string): string {
  const m = /^CHECK \((.*)\)(?: NO INHERIT)?(?: NOT VALID)?$/s.exec(def);
  return m ? m[1]! : def;
}

/** `15.18 (Debian 15.18-1.pgdg120+1)` → `15.18`. */
const versionText = (text: string) => text.split(' ')[0]!;

export async function readPostgres(target: LiveTarget): Promise<LiveRead> {
  const url = new URL(target.url);
  const named = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const seconds = Math.max(1, Math.ceil(target.timeoutMs / 1000));
  const client = new pg.Client({
    connectionString: url.toString(),
    connectionTimeoutMillis: target.timeoutMs,
    application_name: 'plan inspect',
    // Read-only and time-limited before the first statement: even a statement this code did not mean
    // to send could not write, nor wait on a lock for long.
    options: `-c default_transaction_read_only=on -c statement_timeout=${seconds}s -c lock_timeout=${seconds}s -c idle_in_transaction_session_timeout=${seconds * 2}s`,
  });
  client.on('error', () => undefined);
  target.signal.addEventListener('abort', () => void client.end().catch(() => undefined), { once: true });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const one = async <T>(text: string, values: unknown[] = []): Promise<T> => (await client.query({ text, rowMode: 'array', values })).rows[0]![0] as T;
    // The search_path's schemas that exist ("$user" is the role's own). Not current_schemas(), which leaves
    // out a schema the role lacks USAGE on: the catalog describes it all the same.
    const settings = await client.query({
      text: `SELECT pg_catalog.current_setting('server_version_num')::int, pg_catalog.current_setting('server_version'),
                    (SELECT coalesce(pg_catalog.array_agg(n.nspname::text ORDER BY p.ord), '{}')
                       FROM pg_catalog.unnest(pg_catalog.string_to_array(pg_catalog.current_setting('search_path'), ',')) WITH ORDINALITY p(name, ord)
                       JOIN pg_catalog.pg_namespace n ON n.nspname OPERATOR(pg_catalog.=) CASE WHEN pg_catalog.btrim(p.name) OPERATOR(pg_catalog.=) '"$user"' THEN current_user::text
                                                             ELSE pg_catalog.btrim(pg_catalog.btrim(p.name), '"') END)`,
      rowMode: 'array',
    });
    const [versionNum, version, schemas] = settings.rows[0] as [number, string, string[]];
    // The user's search_path said which schemas to read; from here on, names resolve in pg_catalog only, so a
    // function or operator someone defined in their schema cannot stand in for the catalog's.
    await client.query('SET LOCAL search_path TO pg_catalog');
    const namespaces = target.schemas ?? (named ? named.split(',').map((s) => s.trim()).filter(Boolean) : schemas);
    const q = catalogQueries(versionNum);
    const tables = await one<TableRow[]>(q.tables, [namespaces]);
    const columns = await one<ColumnRow[]>(q.columns, [namespaces]);
    const constraints = await one<ConstraintRow[]>(q.constraints, [namespaces]);
    const indexes = await one<IndexRow[]>(q.indexes, [namespaces]);
    const triggers = await one<TriggerRow[]>(q.triggers, [namespaces]);
    const views = await one<ViewRow[]>(q.views, [namespaces]);
    await client.query('ROLLBACK');
    const schema: DatabaseSchema = {
      engine: 'postgres',
      version: { text: versionText(version), num: versionNum },
      source: { kind: 'live', file: target.shown },
      tables: tables.map((t) => tableDef(t, versionNum, columns, constraints, indexes, triggers)),
      views: views.map(viewDef),
    };
    return { schema, gaps: unknownRows(schema.tables, 'never analyzed') };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function tableDef(t: TableRow, versionNum: number, columns: ColumnRow[], constraints: ConstraintRow[], indexes: IndexRow[], triggers: TriggerRow[]): TableDef {
  const own = <R extends { rel: number }>(rows: R[]) => rows.filter((r) => r.rel === t.oid);
  const cons = own(constraints);
  const pk = cons.find((c) => c.type === 'p');
  // reltuples is -1 until the first VACUUM or ANALYZE (PostgreSQL 14+); before 14, 0 with no pages meant the same.
  const analyzed = t.reltuples >= 0 && !(versionNum < 140000 && t.reltuples === 0 && t.relpages === 0);
  return {
    name: t.name,
    ...(t.namespace !== 'public' ? { namespace: t.namespace } : {}),
    columns: own(columns).map(columnDef),
    primary_key: pk?.columns ?? [],
    foreign_keys: cons.filter((c) => c.type === 'f').map((c): ForeignKeyDef => ({
      name: c.name, columns: c.columns ?? [], references: c.ref_table!, ref_columns: c.ref_columns ?? [],
      ...(ACTIONS[c.on_delete] ? { on_delete: ACTIONS[c.on_delete] } : {}),
      ...(ACTIONS[c.on_update] ? { on_update: ACTIONS[c.on_update] } : {}),
    })),
    uniques: cons.filter((c) => c.type === 'u').map((c) => ({ name: c.name, columns: c.columns ?? [] })),
    indexes: own(indexes).map((i): IndexDef => ({
      name: i.name,
      columns: i.columns.map((c) => c.name ?? `(${c.expr})`),
      unique: i.unique,
      // pg_get_expr wraps the predicate in parentheses; a dump's WHERE (…) is read without them too.
      ...(i.where ? { where: unwrapParens(i.where) } : {}),
      ...(i.method !== 'btree' ? { method: i.method } : {}),
      constraint: i.constraint,
    })),
    checks: cons.filter((c) => c.type === 'c').map((c) => ({ name: c.name, expression: checkExpression(c.def) })),
    triggers: own(triggers).map((tr) => ({ name: tr.name, timing: triggerTiming(tr.type), columns: tr.columns ?? [] })),
    ...(t.rls || t.forced || t.policies.length ? { rls: { enabled: t.rls, forced: t.forced, policies: t.policies } } : {}),
    ...(t.comment !== null ? { comment: t.comment } : {}),
    ...(analyzed ? { rows: Math.round(t.reltuples) } : {}),
    bytes: t.bytes,
  };
}

function columnDef(c: ColumnRow): ColumnDef {
  const generated = c.generated !== '' && c.expr !== null;
  return {
    name: c.name,
    type: c.type,
    nullable: !c.notnull,
    ...(c.expr !== null && !generated ? { default: c.expr } : {}),
    // attgenerated: 's' stored, 'v' virtual (PostgreSQL 18).
    ...(generated ? { generated: { expression: c.expr!, stored: c.generated === 's' } } : {}),
    // A serial column's sequence fills it, as an identity's does: the same answer a dump gives.
    identity: c.identity || (!generated && c.expr !== null && /^nextval\(/i.test(c.expr)),
    ...(c.comment !== null ? { comment: c.comment } : {}),
  };
}

/** pg_depend records each column a view reads (the table itself only when it reads whole rows): `reads` lists the tables and the columns. */
function viewDef(v: ViewRow): ViewDef {
  const columns = v.reads ?? [];
  const reads = viewReads([...columns.map((r) => r.split('.')[0]!), ...columns]);
  const definition = v.definition?.trim().replace(/;$/, '');
  return { name: v.name, reads, ...(definition ? { definition } : {}), materialized: v.materialized };
}
