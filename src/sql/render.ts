/**
 * A statement's `:name` placeholders written in the syntax of the tool that runs it, and the guard that
 * stops a script whose placeholders were not given before it runs anything.
 *
 * - psql (plain SQL on PostgreSQL): `:'name'`, psql's variable as a quoted literal (`psql -v name=…`).
 * - mysql client (plain SQL on MySQL): the user variable `@name` (`SET @name = …` first).
 * - sqlite3 (plain SQL on SQLite): `:name` itself, bound by `.parameter set :name …`.
 * - Django (`cursor.execute(sql, params)`, DB-API pyformat): `%(name)s`; every other `%` doubled.
 * - Alembic (`op.execute(sa.text(sql).bindparams(…))`): `:name`; any other `:word` escaped as `\:word`.
 * - Knex (`knex.raw(sql, { name })`): `:name`; any other `:word` escaped as `\:word`.
 * - Prisma runs migration.sql as it is, with no parameters: the values are written in, and each must be given.
 *
 * The placeholders are found by the engine's lexer (./placeholders.ts), so a `::` cast, a string or a
 * comment is never taken for one.
 */
import { PlanInputError } from '../errors.js';
import type { Engine } from './engines.js';
import { maskPlaceholders } from './placeholders.js';

export type Syntax = 'psql' | 'mysql' | 'sqlite3' | 'pyformat' | 'sqlalchemy' | 'knex' | 'inline';

/** How a framework's migrations on an engine take a value. */
export function syntaxFor(framework: string, engine: Engine): Syntax {
  switch (framework) {
    case 'django': return 'pyformat';
    case 'alembic': return 'sqlalchemy';
    case 'knex': return 'knex';
    case 'prisma': return 'inline';
    default: return engine === 'postgres' ? 'psql' : engine === 'mysql' ? 'mysql' : engine === 'sqlite' ? 'sqlite3' : 'inline';
  }
}

/** A value as an SQL literal: quotes doubled. Numbers stay numbers. */
function literal(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? value : `'${value.replaceAll("'", "''")}'`;
}

const USE: Record<Exclude<Syntax, 'inline'>, (name: string) => string> = {
  psql: (name) => `:'${name}'`,
  mysql: (name) => `@${name}`,
  sqlite3: (name) => `:${name}`,
  pyformat: (name) => `%(${name})s`,
  sqlalchemy: (name) => `:${name}`,
  knex: (name) => `:${name}`,
};

/** What the rest of the text needs so that the tool does not read it as a parameter of its own. */
function escapeRest(text: string, syntax: Syntax): string {
  if (syntax === 'pyformat') return text.replaceAll('%', '%%');
  // SQLAlchemy and Knex take `:word` (not after a name, a colon or a backslash) for a bind parameter.
  if (syntax === 'sqlalchemy' || syntax === 'knex') return text.replace(/(^|[^\w:\\]):(?=\w)/g, '$1\\:');
  return text;
}

export interface Rendered {
  text: string;
  /** The placeholders it uses, once each, in order. */
  names: string[];
}

/**
 * The statement in `syntax`. `values` is needed only for `inline`, where a placeholder without a value
 * is an error naming it (a migration must not be written with a hole in it).
 */
export function renderPlaceholders(sql: string, engine: Engine, syntax: Syntax, values: Record<string, string> = {}): Rendered {
  const { uses } = maskPlaceholders(sql, engine);
  const names = [...new Set(uses.map((u) => u.name))];
  if (syntax === 'inline') {
    const missing = names.filter((n) => values[n] === undefined);
    if (missing.length) {
      throw PlanInputError.single(`no value for placeholder${missing.length > 1 ? 's' : ''} ${missing.map((n) => `:${n}`).join(', ')}`, {
        hint: 'this framework runs its migration files as they are, so each value is written in: give it with --set NAME=VALUE',
      });
    }
  }
  let text = '';
  let at = 0;
  for (const { name, offset } of uses) {
    text += escapeRest(sql.slice(at, offset), syntax) + (syntax === 'inline' ? literal(values[name]!) : USE[syntax](name));
    at = offset + 1 + name.length;
  }
  return { text: text + escapeRest(sql.slice(at), syntax), names };
}

/**
 * Statements that stop a plain script before anything else runs when a placeholder was not given;
 * empty where the framework's own code checks its parameters (and for inline values, checked above).
 */
export function placeholderGuard(names: string[], syntax: Syntax): string[] {
  return names.flatMap((name) => {
    const hint = `placeholder ${name} is not set`;
    switch (syntax) {
      // With ON_ERROR_STOP (the plan's apply command sets it), psql exits 3 here.
      case 'psql': return [`\\if :{?${name}}\n\\else\nDO $$ BEGIN RAISE EXCEPTION '${hint}: run psql with -v ${name}=VALUE'; END $$;\n\\endif`];
      // MySQL has no SIGNAL outside stored programs: a subquery of two rows is the error, evaluated only when unset.
      case 'mysql': return [`SELECT IF(@${name} IS NULL, (SELECT '${hint}: SET @${name} = VALUE first' UNION ALL SELECT ''), 1) INTO @plan_guard;`];
      // json() of a malformed text is an error; with `.bail on` the sqlite3 shell stops there.
      case 'sqlite3': return [`SELECT json(CASE WHEN :${name} IS NULL THEN '${hint}: .parameter set :${name} VALUE' ELSE '1' END);`];
      default: return [];
    }
  });
}
