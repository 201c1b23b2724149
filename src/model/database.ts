/**
 * The user's database schema as `plan` understands it, whatever it was read from (a dump, a Prisma
 * schema, Atlas JSON, a live catalog; src/inspect): tables, columns with their full types, keys,
 * constraints, indexes, triggers, row-level security, sizes, and the engine's version. Templates plan
 * from it; a plan records the tables it touches (`schema:` in the plan file) and a fingerprint of the
 * whole, so `check`, `rehearse` and `update` work from the same facts.
 *
 * Names are as the database spells them (after Prisma's `@@map`/`@map`). `line` is where the object is
 * defined in the file it was read from (1-based), so an error about it can point there.
 */
import { z } from 'zod';

/** The engines a plan targets (the plan model re-exports this). */
export const DatabaseEngine = z.enum(['postgres', 'mysql', 'sqlite', 'mongodb']);

const Line = z.int().min(1).optional().describe('Line of the definition in the source file.');

export const ColumnDefSchema = z.strictObject({
  name: z.string().min(1),
  /** As the engine writes it in DDL: `character varying(120)`, `numeric(12,2)`, `int unsigned`, `TEXT`; a collation or character set other than the default is part of it (`text COLLATE pg_catalog."C"`). */
  type: z.string().min(1).describe('The full type, as DDL writes it (length, precision, unsigned…).'),
  nullable: z.boolean().default(true),
  /** An SQL expression, as DDL writes it after DEFAULT: `'draft'::character varying`, `now()`, `0`. */
  default: z.string().optional(),
  /** The expression of a generated (computed) column; `stored` false for a virtual one. */
  generated: z.strictObject({ expression: z.string(), stored: z.boolean().default(true) }).optional(),
  /** An identity or AUTO_INCREMENT column: the engine fills it. */
  identity: z.boolean().default(false),
  comment: z.string().optional(),
  line: Line,
});

export const ForeignKeyDefSchema = z.strictObject({
  name: z.string().optional(),
  columns: z.array(z.string()).min(1),
  /** The referenced table, in this schema. */
  references: z.string().min(1),
  ref_columns: z.array(z.string()).min(1),
  on_delete: z.string().optional().describe('CASCADE, SET NULL, RESTRICT, NO ACTION, SET DEFAULT'),
  on_update: z.string().optional(),
  line: Line,
});

export const IndexDefSchema = z.strictObject({
  name: z.string().min(1),
  /** Column names; an expression is kept as written, in parentheses. */
  columns: z.array(z.string()).min(1),
  unique: z.boolean().default(false),
  /** The predicate of a partial index. */
  where: z.string().optional(),
  /** btree, hash, gin, gist…; absent for the engine's default. */
  method: z.string().optional(),
  /** The index stands behind a PRIMARY KEY or UNIQUE constraint (dropped with it, not on its own). */
  constraint: z.boolean().default(false),
  line: Line,
});

export const UniqueDefSchema = z.strictObject({
  name: z.string().optional(),
  columns: z.array(z.string()).min(1),
  line: Line,
});

export const CheckDefSchema = z.strictObject({
  name: z.string().optional(),
  expression: z.string().min(1),
  line: Line,
});

export const TriggerDefSchema = z.strictObject({
  name: z.string().min(1),
  /** `BEFORE INSERT OR UPDATE`, as the source writes it. */
  timing: z.string().optional(),
  /** Columns it reads or watches, where the source says (UPDATE OF …); otherwise unknown. */
  columns: z.array(z.string()).default([]),
  line: Line,
});

export const TableDefSchema = z.strictObject({
  name: z.string().min(1),
  /** The namespace when not the default one (PostgreSQL schema other than public, MySQL database). */
  namespace: z.string().optional(),
  columns: z.array(ColumnDefSchema).min(1),
  primary_key: z.array(z.string()).default([]),
  /** Outgoing foreign keys; incoming ones are found by `referencedBy` (src/inspect/query.ts). */
  foreign_keys: z.array(ForeignKeyDefSchema).default([]),
  uniques: z.array(UniqueDefSchema).default([]),
  indexes: z.array(IndexDefSchema).default([]),
  checks: z.array(CheckDefSchema).default([]),
  triggers: z.array(TriggerDefSchema).default([]),
  /** PostgreSQL row-level security: ENABLE and FORCE, and the policies' names. */
  rls: z.strictObject({ enabled: z.boolean(), forced: z.boolean().default(false), policies: z.array(z.string()).default([]) }).optional(),
  comment: z.string().optional(),
  /** Estimated rows (catalog statistics or --stats); absent when unknown. */
  rows: z.int().min(0).optional(),
  /** Table plus indexes, in bytes; absent when unknown. */
  bytes: z.int().min(0).optional(),
  line: Line,
});

export const ViewDefSchema = z.strictObject({
  name: z.string().min(1),
  /** Tables and `table.column`s the view reads, where the source allows telling. */
  reads: z.array(z.string()).default([]),
  definition: z.string().optional(),
  materialized: z.boolean().default(false),
  line: Line,
});

/** Where the schema was read from; the fingerprint covers tables, views and version, not the source. */
export const SchemaSourceSchema = z.strictObject({
  kind: z.enum(['pg_dump', 'mysqldump', 'sqlite', 'prisma', 'atlas', 'plan-json', 'live']),
  /** The file as the user named it, or the URL without its password. */
  file: z.string().min(1),
});

export const DatabaseSchemaSchema = z.strictObject({
  engine: DatabaseEngine,
  /** The server's version, when the source tells it (pg_dump header, VERSION(), Atlas…). */
  version: z.strictObject({
    /** As the server prints it: `15.18`, `10.11.6-MariaDB`, `8.0.36`, `3.40.1`. */
    text: z.string().min(1),
    /** Comparable: PostgreSQL's server_version_num (150018), MySQL 80036, MariaDB 101106, SQLite 3040001. */
    num: z.int().min(0),
    /** MariaDB and MySQL differ (INSTANT, defaults); absent for other engines. */
    flavor: z.enum(['mysql', 'mariadb']).optional(),
  }).optional(),
  source: SchemaSourceSchema,
  tables: z.array(TableDefSchema),
  views: z.array(ViewDefSchema).default([]),
});

/** The part of the schema a plan records (`schema:` in the plan file): the tables it touches, and the whole's fingerprint. */
export const PlanSchemaSectionSchema = z.strictObject({
  source: SchemaSourceSchema,
  /** sha256 of the whole schema's canonical JSON (tables, views, version), first 16 hex digits. */
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  engine: DatabaseEngine,
  version: DatabaseSchemaSchema.shape.version,
  tables: z.array(TableDefSchema),
  views: z.array(ViewDefSchema).default([]),
}).describe('The part of the database schema the plan was generated from that it touches, and a fingerprint of the whole.');

/** `--stats FILE`: rows and bytes per table, for planning without a connection. */
export const StatsFileSchema = z.strictObject({
  tables: z.record(z.string().min(1), z.strictObject({
    rows: z.int().min(0),
    bytes: z.int().min(0).optional(),
  })),
}).describe('Rows and bytes per table: `tables: {users: {rows: 1200000, bytes: 450000000}}`.');

export type ColumnDef = z.infer<typeof ColumnDefSchema>;
export type ForeignKeyDef = z.infer<typeof ForeignKeyDefSchema>;
export type IndexDef = z.infer<typeof IndexDefSchema>;
export type UniqueDef = z.infer<typeof UniqueDefSchema>;
export type TableDef = z.infer<typeof TableDefSchema>;
export type ViewDef = z.infer<typeof ViewDefSchema>;
export type DatabaseSchema = z.infer<typeof DatabaseSchemaSchema>;
export type PlanSchemaSection = z.infer<typeof PlanSchemaSectionSchema>;
export type StatsFile = z.infer<typeof StatsFileSchema>;

/**
 * Atlas `schema inspect --format '{{ json . }}'` output, as Atlas's cmdlog writes it: names, raw types,
 * nullability, indexes by parts, primary key, foreign keys. It carries no defaults, checks, actions or
 * engine; objects are loose, since newer Atlas versions add fields.
 */
const AtlasIndexSchema = z.looseObject({
  name: z.string().optional(),
  unique: z.boolean().optional(),
  parts: z.array(z.looseObject({ desc: z.boolean().optional(), column: z.string().optional(), expr: z.string().optional() })).default([]),
});
export const AtlasInspectSchema = z.looseObject({
  schemas: z.array(z.looseObject({
    name: z.string(),
    tables: z.array(z.looseObject({
      name: z.string().min(1),
      columns: z.array(z.looseObject({
        name: z.string().min(1),
        type: z.string().min(1),
        null: z.boolean().optional(),
        comment: z.string().optional(),
      })).default([]),
      indexes: z.array(AtlasIndexSchema).default([]),
      primary_key: AtlasIndexSchema.optional(),
      foreign_keys: z.array(z.looseObject({
        name: z.string().optional(),
        columns: z.array(z.string()).min(1),
        references: z.looseObject({ table: z.string().min(1), columns: z.array(z.string()).default([]) }),
      })).default([]),
      comment: z.string().optional(),
    })).default([]),
  })).default([]),
}).describe('Atlas schema inspect JSON: {"schemas":[{"name":…,"tables":[{"name":…,"columns":[…],"indexes":[…],"primary_key":…,"foreign_keys":[…]}]}]}');

export type AtlasInspect = z.infer<typeof AtlasInspectSchema>;
