/**
 * Template parameters: how a template declares them (template.yaml) and how values from flags are
 * validated against that declaration before anything is rendered.
 */
import { z } from 'zod';
import { didYouMean, PlanInputError, type ErrorDetail } from '../errors.js';
import { APP_LANGUAGES, FRAMEWORK_NAMES } from './migration-files.js';

/** SQL-safe identifiers: validated here so templates can put them in SQL, paths and ids. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * A column type as SQL writes it: words, an optional size or precision, more words, an optional `[]`:
 * `text`, `varchar(64)`, `numeric(12,2)`, `timestamp(3) with time zone`, `int unsigned`, `text[]`. Whether
 * the engine knows it is for its parser to say: every statement that uses it is parsed at `plan check`.
 */
export const SQL_TYPE = /^[A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*)*(\(\d{1,5}(, ?\d{1,5})?\))?( [A-Za-z][A-Za-z0-9_]*)*(\[\])?$/;

/**
 * What a parameter names in the user's database schema (`--schema`, `--url`), so a plan made from it is
 * checked against it and filled from it: `table` / `tables` must exist (`roots`: tables whose foreign-key
 * closure the template plans over), `new-table` must not; `{column: P}` is a column of the table named by
 * parameter P (`{columns: P}` a list of them, `{new_column: P}` a name still free there); `{type_of: P}`
 * defaults to the full type of the column named by parameter P.
 */
export const SchemaRefSchema = z.union([
  z.enum(['table', 'tables', 'roots', 'new-table']),
  z.strictObject({ column: z.string() }),
  z.strictObject({ columns: z.string() }),
  z.strictObject({ new_column: z.string() }),
  z.strictObject({ type_of: z.string() }),
]);
export type SchemaRef = z.infer<typeof SchemaRefSchema>;

/** `examples`: values besides the default that `plan templates check` also renders with. */
const Base = { help: z.string().min(1), flag: z.string().optional(), examples: z.array(z.string()).optional(),
  schema: SchemaRefSchema.optional() };

export const ParameterSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...Base, name: z.string(), type: z.literal('string'), default: z.string() }),
  z.strictObject({ ...Base, name: z.string(), type: z.literal('identifier'), default: z.string().regex(IDENTIFIER) }),
  z.strictObject({ ...Base, name: z.string(), type: z.literal('sql-type'), default: z.string().regex(SQL_TYPE).max(64) }),
  z.strictObject({ ...Base, name: z.string(), type: z.literal('identifier-list'),
    default: z.array(z.string().regex(IDENTIFIER)).min(1) }),
  z.strictObject({ ...Base, name: z.string(), type: z.literal('integer'), default: z.int(),
    min: z.int().optional(), max: z.int().optional() }),
  z.strictObject({ ...Base, name: z.string(), type: z.literal('boolean'), default: z.boolean() }),
  z.strictObject({ ...Base, name: z.string(), type: z.literal('enum'), values: z.array(z.string()).min(1), default: z.string() }),
]);
export type Parameter = z.infer<typeof ParameterSchema>;

/** The engine a template renders for when `db` is not given. */
export const DEFAULT_ENGINE = 'postgres';

/**
 * Parameters whose meaning is the same in every template, declared once: a template writes
 * `- use: db` (optionally with its own `default`, `examples` or `help`) instead of repeating them.
 * `db` takes the engines found (a folder each, ./engines.ts), and `plan templates check` renders each.
 */
export function standardParameters(engines: readonly string[]) {
  return {
    db: { name: 'db', type: 'enum', values: [...engines], default: DEFAULT_ENGINE, flag: 'db',
      help: 'Database engine; decides the SQL or commands in each task.', examples: engines.filter((e) => e !== DEFAULT_ENGINE) },
    framework: { name: 'framework', type: 'enum', values: [...FRAMEWORK_NAMES], default: 'sql',
      help: 'Migration framework; decides the migration files and how they are applied.', examples: ['prisma', 'django', 'alembic', 'knex'] },
    migration_start: { name: 'migration_start', type: 'string', default: '',
      help: 'Where the plan\'s migrations start: the number after the latest one (Django, Alembic, sql: e.g. 0042; Django\'s default 0002 follows 0001_initial) or a timestamp YYYYMMDDHHMMSS after the latest (Prisma, Knex; without one, the names start YYYYMMDD for the day they are written).' },
    app_language: { name: 'app_language', type: 'enum', values: [...APP_LANGUAGES], default: 'auto',
      help: 'Language of the application code the plan names (models, dual-write, backfill scripts); auto: Python for django and alembic, TypeScript otherwise.' },
    app_dir: { name: 'app_dir', type: 'string', default: '',
      help: 'Where the application code lives, relative to the repository (empty: the language\'s usual place; for Django the app, e.g. apps/billing, whose migrations/ the plan names).' },
    rows: { name: 'rows', type: 'integer', default: 1_000_000, min: 0,
      help: 'Rows in the table, roughly. Decides batch size, throttling and the estimate of a backfill, and whether a MySQL table copy needs gh-ost.',
      examples: ['50000', '50000000'] },
    fan_out_above: { name: 'fan_out_above', type: 'integer', default: 3, min: 0,
      help: 'With more tables than this, per-table work (backfills, copies, their checks) becomes one task per table, in parallel within its wave.' },
    mode: { name: 'mode', type: 'enum', values: ['zero-downtime', 'maintenance-window'], default: 'zero-downtime',
      help: 'zero-downtime: expand-contract, old and new releases run side by side. maintenance-window: fewer phases, the application is stopped while the change runs.',
      examples: ['maintenance-window'] },
  } as const satisfies Record<string, Parameter>;
}
const STANDARD_NAMES = ['db', 'framework', 'migration_start', 'app_language', 'app_dir', 'rows', 'fan_out_above', 'mode'] as const;

/** The schema of template.yaml, with `db` taking the names of `engines`. */
export function templateManifestSchema(engines: readonly string[]) {
  const standard = standardParameters(engines);
  const StandardParameterRef = z.strictObject({
    use: z.enum(STANDARD_NAMES),
    default: z.unknown().optional(),
    help: z.string().optional(),
    examples: z.array(z.string()).optional(),
  }).transform(({ use, ...own }): unknown => ({ ...standard[use], ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) }))
    .pipe(ParameterSchema);
  return z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    title: z.string().min(1),
    summary: z.string().min(1),
    parameters: z.array(z.union([StandardParameterRef, ParameterSchema])),
    /**
     * Parameter sets besides the defaults that CI rehearses on every engine (test/rehearse/templates.test.ts):
     * the ones that change the statements (fan-out, a window, other column types and defaults).
     */
    rehearsals: z.array(z.strictObject({
      name: z.string().min(1),
      set: z.record(z.string(), z.string()),
      /** The engines the set applies to (all when absent): an SQL expression fill cannot run on MongoDB. */
      engines: z.array(z.string()).optional(),
    })).default([]),
  }).superRefine((manifest, ctx) => {
    // A schema reference names another parameter: it must exist and name what the reference needs.
    const byName = new Map(manifest.parameters.map((p) => [p.name, p]));
    manifest.parameters.forEach((p, index) => {
      const ref = p.schema;
      if (!ref || typeof ref === 'string') return;
      const [kind, target] = Object.entries(ref)[0] as [string, string];
      const wanted = kind === 'type_of' ? 'a column' : 'a table';
      const other = byName.get(target)?.schema;
      const ok = kind === 'type_of' ? typeof other === 'object' && 'column' in other : other === 'table';
      if (!ok) ctx.addIssue({ code: 'custom', path: ['parameters', index, 'schema'], message: `"${target}" must be a parameter naming ${wanted} (schema: ${kind === 'type_of' ? '{column: …}' : 'table'})` });
    });
  });
}
export type TemplateManifest = z.infer<ReturnType<typeof templateManifestSchema>>;
export type ParameterValue = string | number | boolean | string[];
export type ParameterValues = Record<string, ParameterValue>;

/**
 * Merges user-given raw values (strings from `--set k=v` and dedicated flags) over the declared
 * defaults, converting and validating each. Throws one error listing every bad parameter.
 */
export function resolveParameters(
  template: Pick<TemplateManifest, 'name' | 'parameters'>,
  given: Record<string, string>,
): ParameterValues {
  const details: ErrorDetail[] = [];
  const declared = new Map(template.parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (declared.has(name)) continue;
    const guess = didYouMean(name, declared.keys());
    details.push({
      message: `template "${template.name}" has no parameter "${name}"`,
      hint: guess ? `did you mean "${guess}"?` : `its parameters: ${[...declared.keys()].join(', ')}`,
    });
  }
  const values: ParameterValues = {};
  for (const p of template.parameters) {
    const raw = given[p.name];
    if (raw === undefined) {
      values[p.name] = p.default;
      continue;
    }
    const converted = convert(p, raw);
    if (typeof converted === 'object' && 'error' in converted) {
      details.push({ message: `parameter "${p.name}": ${converted.error}`, hint: p.help });
    } else {
      values[p.name] = converted;
    }
  }
  if (details.length > 0) throw new PlanInputError(details);
  return values;
}

function convert(p: Parameter, raw: string): ParameterValue | { error: string } {
  switch (p.type) {
    case 'string':
      // Single-line: a line break could end the YAML block a template puts the value in.
      return /[\u0000-\u001f\u007f]/.test(raw) ? { error: 'must be one line of text (no line breaks or control characters)' } : raw;
    case 'identifier':
      return IDENTIFIER.test(raw) ? raw : { error: `"${raw}" is not an identifier (letters, digits, _; not starting with a digit)` };
    case 'sql-type': {
      const type = raw.trim().replace(/\s+/g, ' ');
      return SQL_TYPE.test(type) && type.length <= 64 ? type
        : { error: `"${raw}" is not a column type (e.g. text, varchar(64), numeric(12,2), timestamp with time zone)` };
    }
    case 'identifier-list': {
      const items = raw.split(',').map((s) => s.trim());
      if (items.length === 0 || items.every((s) => s === '')) return { error: 'needs at least one name' };
      const bad = items.find((s) => !IDENTIFIER.test(s));
      if (bad !== undefined) return { error: `"${bad}" is not an identifier (letters, digits, _; not starting with a digit)` };
      const dup = items.find((s, i) => items.indexOf(s) !== i);
      if (dup !== undefined) return { error: `"${dup}" is listed twice` };
      return items;
    }
    case 'integer': {
      if (!/^-?\d+$/.test(raw)) return { error: `"${raw}" is not an integer` };
      const n = Number(raw);
      if (p.min !== undefined && n < p.min) return { error: `${n} is below the minimum ${p.min}` };
      if (p.max !== undefined && n > p.max) return { error: `${n} is above the maximum ${p.max}` };
      return n;
    }
    case 'boolean':
      if (['true', 'yes', '1'].includes(raw)) return true;
      if (['false', 'no', '0'].includes(raw)) return false;
      return { error: `"${raw}" is not a boolean (true or false)` };
    case 'enum': {
      if (p.values.includes(raw)) return raw;
      const guess = didYouMean(raw, p.values);
      return { error: `"${raw}" is not one of ${p.values.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}` };
    }
  }
}

/** `["db=mysql", "tables=a,b"]` → `{db: "mysql", tables: "a,b"}`; the first `=` splits. */
export function parseSetFlags(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw PlanInputError.single(`--set expects key=value, got "${pair}"`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}
