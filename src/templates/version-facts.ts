/**
 * Template helpers for what the server version decides (fast defaults, NOT NULL through CHECK, INSTANT, INPLACE) and the citation a task gives. Each answers without a schema too (from the parameters alone), so a
 * template works with and without one.
 *
 * One table of facts (FACTS): per engine (and MySQL flavour), the first release that has the feature and
 * what it means in a sentence either way. `(supports "fast-default" db)` answers from the schema's version;
 * without one it answers as today's statements assume (supported), and `(cite "fast-default" db)` says which
 * version that assumption needs, so the reader knows what to check.
 */
import type { HelperDelegate } from 'handlebars';
import type { DatabaseSchema } from '../model/database.js';
import { versionNumber, type SchemaBinding } from './schema-binding.js';

type Flavor = 'postgres' | 'mysql' | 'mariadb' | 'sqlite';

interface Requirement {
  /** The first release with the feature; absent when every release the plan targets has it. */
  since?: string;
  /** What the plan does there, in a sentence's second half. */
  yes: string;
  /** What it does on an older release. */
  no?: string;
}

const TITLES: Record<Flavor, string> = { postgres: 'PostgreSQL', mysql: 'MySQL', mariadb: 'MariaDB', sqlite: 'SQLite' };

/** The facts templates ask about; an engine (flavour) not listed lacks the feature. */
export const FACTS: Record<string, Partial<Record<Flavor, Requirement>>> = {
  'fast-default': {
    postgres: { since: '11', yes: 'a constant default is a catalog change, no rewrite',
      no: 'ADD COLUMN with a default rewrites every row under ACCESS EXCLUSIVE, so the column is added nullable, given its default for new rows, and existing rows are backfilled in batches' },
    mysql: { since: '8.0.12', yes: 'ADD COLUMN (last position) is ALGORITHM=INSTANT, a metadata change, no table copy',
      no: 'no INSTANT ADD COLUMN: ALGORITHM=INPLACE, LOCK=NONE rebuilds the table online (reads and writes go on, the rebuild reads and writes all of it)' },
    mariadb: { since: '10.3.2', yes: 'ADD COLUMN (last position) is ALGORITHM=INSTANT, a metadata change, no table copy',
      no: 'no INSTANT ADD COLUMN: ALGORITHM=INPLACE, LOCK=NONE rebuilds the table online (reads and writes go on, the rebuild reads and writes all of it)' },
    sqlite: { yes: 'ADD COLUMN with a constant default only edits the schema; SQLite refuses a non-constant one' },
  },
  'not-null-check': {
    postgres: { since: '12', yes: 'SET NOT NULL uses the validated CHECK and skips its own scan',
      no: 'SET NOT NULL ignores the CHECK and scans the whole table under ACCESS EXCLUSIVE, so the validated CHECK stays as the constraint and SET NOT NULL waits for a maintenance window' },
  },
  'instant-drop-column': {
    mysql: { since: '8.0.29', yes: 'DROP COLUMN is ALGORITHM=INSTANT, a metadata change',
      no: 'no INSTANT DROP COLUMN: ALGORITHM=INPLACE, LOCK=NONE rebuilds the table online' },
    mariadb: { since: '10.4', yes: 'DROP COLUMN is ALGORITHM=INSTANT, a metadata change',
      no: 'no INSTANT DROP COLUMN: ALGORITHM=INPLACE, LOCK=NONE rebuilds the table online' },
  },
  'drop-column': {
    postgres: { yes: 'DROP COLUMN marks the column dropped, no rewrite' },
    mysql: { yes: 'DROP COLUMN' },
    mariadb: { yes: 'DROP COLUMN' },
    sqlite: { since: '3.35.0', yes: 'ALTER TABLE … DROP COLUMN exists', no: 'there is no DROP COLUMN: the table must be rebuilt without it' },
  },
  'rename-column': {
    postgres: { yes: 'RENAME COLUMN is a catalog change' },
    mysql: { since: '8.0', yes: 'RENAME COLUMN is a metadata change', no: 'there is no RENAME COLUMN: CHANGE restates the whole column' },
    mariadb: { since: '10.5.2', yes: 'RENAME COLUMN is a metadata change', no: 'there is no RENAME COLUMN: CHANGE restates the whole column' },
    sqlite: { since: '3.25.0', yes: 'ALTER TABLE … RENAME COLUMN exists', no: 'there is no RENAME COLUMN: the table must be rebuilt' },
  },
};

/** MySQL or MariaDB: the schema's flavour, else what the version text says, else MySQL. */
function flavorOf(engine: string, version: DatabaseSchema['version']): Flavor | undefined {
  if (engine === 'postgres' || engine === 'sqlite') return engine;
  if (engine !== 'mysql') return undefined;
  return version?.flavor ?? (version && /mariadb/i.test(version.text) ? 'mariadb' : 'mysql');
}

export interface VersionFact {
  /** Whether the plan may rely on the feature: the known version has it, or no version is known (today's assumption). */
  supported: boolean;
  /** The sentence a task cites: the version relied on and what it decides. */
  cite: string;
}

/** What the fact is on `db` given the schema (if any): supported or not, and the citation. */
export function versionFact(schema: DatabaseSchema | undefined, fact: string, db: string): VersionFact {
  const entry = FACTS[fact];
  if (!entry) throw new Error(`no version fact "${fact}" (one of ${Object.keys(FACTS).join(', ')})`);
  const version = schema && schema.engine === db ? schema.version : undefined;
  if (db === 'mysql' && !version) {
    // Unknown server: MySQL and MariaDB both assumed recent enough, and the citation names both.
    const [m, d] = [entry.mysql, entry.mariadb];
    if (!m || !d) return { supported: false, cite: '' };
    const since = [m.since && `MySQL ${m.since}+`, d.since && `MariaDB ${d.since}+`].filter(Boolean).join(' or ');
    return { supported: true, cite: since ? `Assumes ${since} (server version unknown; give --schema or --url to check): ${m.yes}` : `MySQL and MariaDB: ${m.yes}` };
  }
  const flavor = flavorOf(db, version);
  const req = flavor && entry[flavor];
  if (!flavor || !req) return { supported: false, cite: '' };
  const title = TITLES[flavor];
  if (!req.since) return { supported: true, cite: `${version ? `${title} ${version.text}` : title}: ${req.yes}` };
  if (!version) return { supported: true, cite: `Assumes ${title} ${req.since} or later (server version unknown; give --schema or --url to check): ${req.yes}` };
  const supported = version.num >= versionNumber(db as DatabaseSchema['engine'], req.since);
  return supported
    ? { supported, cite: `${title} ${version.text} (≥ ${req.since}): ${req.yes}` }
    : { supported, cite: `${title} ${version.text} (< ${req.since}): ${req.no ?? `no ${fact}`}` };
}

export function versionFactsHelpers(binding: SchemaBinding): Record<string, HelperDelegate> {
  return {
    /** `(supports "fast-default" db)`: whether the server has it (true when its version is unknown: today's statements assume it). */
    supports: (fact: string, db: string) => versionFact(binding.schema, fact, db).supported,
    /** `(cite "fast-default" db)`: "PostgreSQL 15.18 (≥ 11): a constant default is a catalog change, no rewrite". */
    cite: (fact: string, db: string) => versionFact(binding.schema, fact, db).cite,
    /** `(version_known db)`: whether the plan knows the server version of `db` (a schema of that engine with a version). */
    version_known: (db: string) => binding.schema?.engine === db && binding.schema.version !== undefined,
  };
}
