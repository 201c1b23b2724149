/**
 * Handlebars helpers of the migration templates (plan templates and their partials). Plan templates
 * emit YAML, so anything that is not a validated identifier goes through `yaml`. What differs by
 * engine comes from the engine folders (./engines.ts): the helpers that take `db` read it there.
 * Tracker dialects have their own set (src/export/helpers.ts).
 */
import { PlanInputError } from '../errors.js';
import type { HelperDelegate } from 'handlebars';
import { logicHelpers } from '../handlebars/logic.js';
import { engineNamed, nativeType, quoteIdentifier, STATEMENT_PREFIX, type EngineDefinition, type Engines } from './engines.js';
import { appFileToken, applyToken, frameworkNamed, migrationToken, parseMigrationToken, type AppRole } from './migration-files.js';
import { volumePlan } from './volume.js';

type Options = { hash: Record<string, unknown>; loc?: { start: { line: number; column: number } } };

/** Identifiers joined with `_` as a placeholder name: lowercase, from its first letter, at most 63 characters. */
export function placeholderName(parts: string[]): string {
  return parts.join('_').toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '').slice(0, 63);
}

/**
 * The id of one table's task in a fan-out: the task's id, a dot, the table's name with what an id cannot
 * hold (a space, a quote) written `_` (`T4.Invoice_Lines`), within an id's 64 characters.
 */
export function fanId(id: string, table: string): string {
  return `${id}.${table.replace(/[^A-Za-z0-9._-]/g, '_')}`.slice(0, 64);
}

/** PostgreSQL truncates identifiers at 63 bytes; keep generated names within it. */
export function indexName(table: string, column: string): string {
  return `idx_${table}_${column}`.slice(0, 63);
}

/** An error Handlebars' error reporting places at the helper call (line and column of `options.loc`). */
function errorAt(message: string, options: Options): Error {
  return Object.assign(new Error(message), { lineNumber: options.loc?.start.line, column: options.loc?.start.column });
}

/** The helpers of plan templates, reading engine data from `engines`. */
export function planHelpers(engines: Engines): Record<string, HelperDelegate> {
  const engine = (db: string) => engineNamed(engines, db);
  return {
    ...logicHelpers,
    /**
     * `{{> (statement db "backfill") targets=targets …}}`: the engine's statement, a partial of its folder.
     * An engine without it is a template error, so `plan templates check` (which renders every engine) finds it.
     */
    statement: (db: string, name: string, options: Options) => {
      const e = engine(db);
      if (!e.statements.has(name)) {
        throw errorAt(`engine ${db} has no statement \`${name}\` (add ${name}.hbs to its folder ${e.dir})`, options);
      }
      return `${STATEMENT_PREFIX}/${db}/${name}`;
    },
    /** Whether the engine has a statement: for steps only some engines have (PostgreSQL's USING INDEX). */
    has_statement: (db: string, name: string) => engine(db).statements.has(name),
    /** `(phrase db "drop-index")`: a few words from engine.yaml, said inside a sentence. */
    phrase: (db: string, name: string, options: Options) => {
      const text = engine(db).phrases[name];
      if (text === undefined) throw errorAt(`engine ${db} has no phrase \`${name}\` (add it under phrases: in its engine.yaml)`, options);
      return text;
    },
    /**
     * What the table's size decides (./volume.ts): `(volume rows db "batchSize")`, `"pauseMs"`, `"estimate"`,
     * `"reason"`, `"onlineTool"` (empty unless the engine's online tool is needed), `"copyReason"`, `"volume"`.
     */
    volume: (rows: number, db: string, field: string) => {
      const plan = volumePlan(rows, engine(db).online_copy);
      if (!(field in plan)) throw new Error(`volume: no field "${field}" (one of ${Object.keys(plan).join(', ')})`);
      return plan[field as keyof typeof plan] ?? '';
    },
    /** `(native_type db "bigint")` → long on MongoDB: the engine's own name for an SQL type. */
    native_type: (db: string, sqlType: string) => nativeType(sqlType, engine(db)),
    /**
     * `(sql_constant fill_value)`: whether an SQL expression is a constant literal (a number, TRUE/FALSE or a quoted
     * string), the kind of default PostgreSQL 11+ and MySQL 8 INSTANT add without rewriting a row; not a column,
     * a function call or NULL.
     */
    /**
     * `{{refuse "parameter fill_value: …" "hint"}}`: parameters that are each valid but cannot go together on
     * this engine; a usage error (exit 2), like any other bad parameter.
     */
    refuse: (message: string, hint: unknown) => {
      throw PlanInputError.single(message, { hint: typeof hint === 'string' ? hint : undefined });
    },
    sql_constant: (value: unknown) => typeof value === 'string' && /^\s*(-?\d+(\.\d+)?|true|false|'([^']|'')*')\s*$/i.test(value),
    /**
     * `(migration_file framework "backfill_tenant_id" db)`: the migration(s) a task names. Its number (or
     * timestamp) is its place in the plan's chain, and a task whose statements cannot share a transaction
     * gets one per such statement: both are known once the plan is rendered (./migration-files.ts `nameFiles`).
     * The older form with an ordinal before the name is accepted; the ordinal is not used.
     */
    migration_file: (fw: string, ...args: unknown[]) => {
      const given = args.slice(0, -1).map(String);
      frameworkNamed(fw);
      const [name, db] = given.length >= 3 ? [given[1]!, given[2]!] : [given[0]!, given[1]!];
      engine(db);
      return migrationToken(fw, db, name);
    },
    /** `(app_file "model" table)`, `"module"`, `"queries"`, `"script"`, `"test"`: an application file, in the plan's `app_language` and `app_dir`. */
    app_file: (role: AppRole, name: string) => appFileToken(role, name),
    /** How the framework runs a step that must not be inside a transaction. */
    no_transaction: (fw: string) => frameworkNamed(fw).noTransaction,
    /** How the framework applies migrations, with the file (or each of a task's files) in place of FILE. */
    apply_command: (fw: string, db: string, file: string) => {
      const token = parseMigrationToken(file);
      return token ? applyToken(...token) : frameworkNamed(fw).apply(engine(db), [file]);
    },
    /** `(plan_database db)`: what the plan says in `database:` (engine.yaml `database`). */
    plan_database: (db: string) => engine(db).database,
    /** A YAML-safe scalar or flow sequence (JSON is valid YAML). */
    yaml: (value: unknown) =>
      Array.isArray(value) ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(value),
    /** `(ident name db)`: the name as the engine writes it (quoted when it is a reserved word). */
    ident: (name: string, db: string) => quoteIdentifier(name, engine(db)),
    index_name: (table: string, column: string) => indexName(table, column),
    /** `(type_word "numeric(12,2)")` → `numeric_12_2`: a column type as part of a name. */
    type_word: (type: string) => type.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, ''),
    /**
     * `(placeholder table "cutoff")` → `users_cutoff`: a placeholder name made of identifiers, in the form a
     * plan's placeholders take (lowercase, starting with a letter, at most 63 characters).
     */
    placeholder: (...args: unknown[]) => placeholderName(args.slice(0, -1).map(String)),
    /**
     * Ids of a task that fans out per table: `(fan_ids "T4" tables true)` → T4.users, T4.orders;
     * without fan-out, just the id.
     */
    fan_ids: (id: string, tables: string[], fanOut: boolean) => (fanOut ? tables.map((t) => fanId(id, t)) : [id]),
    /** `(fan_id "T4" "Invoice Lines")` → `T4.Invoice_Lines`: one table's task of a fan-out. */
    fan_id: (id: string, table: string) => fanId(id, table),
    /** `(concat_lists (fan_ids "T5" tables true) (list "T6"))`: the lists one after the other, as one list. */
    concat_lists: (...a: unknown[]) => a.slice(0, -1).flatMap((l) => (Array.isArray(l) ? l : [l])),
    /** Labels are lowercase words: `phase-c`, `backfill`. */
    label: (value: string) => value.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, ''),
    /** Block for the current table in a fan-out, or the whole list otherwise; keeps partials free of branches. */
    each_target: function (this: unknown, tables: string[], fanOut: boolean, options: Options & { fn: (ctx: unknown) => string }) {
      const groups = fanOut ? tables.map((t) => [t]) : [tables];
      return groups.map((group) => options.fn({ ...(this as object), targets: group, suffix: fanOut ? fanId('', group[0]!) : '' })).join('');
    } as HelperDelegate,
  };
}
