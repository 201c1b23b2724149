/**
 * Atlas `schema inspect --format '{{ json . }}'` read into the model. Atlas's JSON names no engine (so
 * `--db` must), and carries no defaults, checks, triggers or referential actions: the model holds what
 * it says, no more. Lines are where each table and column stands in the JSON.
 */
import { AtlasInspectSchema, type DatabaseSchema, type TableDef } from '../model/database.js';
import { parseYaml } from '../model/load.js';
import type { Engine } from './read.js';
import { addKey, newColumn, newTable, schemaOf, unreadable } from './reader-kit.js';
import { validated } from './model-file.js';

export function readAtlas(text: string, file: string, engine: Engine | undefined): DatabaseSchema {
  if (!engine || engine === 'mongodb') {
    throw unreadable(file, 1, 'Atlas JSON does not say which database engine it describes', 'an Atlas schema inspect JSON, read with --db postgres, --db mysql or --db sqlite');
  }
  const atlas = validated(AtlasInspectSchema, text, file);
  const { locate } = parseYaml(text, file);
  const lineAt = (path: (string | number)[]) => locate(path).line;
  const tables: TableDef[] = [];
  atlas.schemas.forEach((s, si) => {
    // PostgreSQL's default schema is public; on MySQL and SQLite a single schema is the database itself.
    const namespace = engine === 'postgres' ? (s.name && s.name !== 'public' ? s.name : undefined) : atlas.schemas.length > 1 ? s.name : undefined;
    s.tables.forEach((t, ti) => {
      const at = ['schemas', si, 'tables', ti];
      const table = newTable(t.name, lineAt(at), namespace);
      if (t.comment) table.comment = t.comment;
      t.columns.forEach((c, ci) => {
        const column = newColumn(c.name, c.type, lineAt([...at, 'columns', ci]));
        column.nullable = c.null === true;
        if (c.comment) column.comment = c.comment;
        table.columns.push(column);
      });
      const parts = (index: { parts: { column?: string; expr?: string }[] }) => index.parts.map((p) => p.column ?? `(${p.expr ?? ''})`);
      if (t.primary_key) addKey(table, 'primary', parts(t.primary_key), t.primary_key.name, lineAt([...at, 'primary_key']));
      t.indexes.forEach((index, ii) => {
        table.indexes.push({ name: index.name ?? `${t.name}_${parts(index).join('_')}_idx`, columns: parts(index), unique: index.unique === true, constraint: false, ...line(lineAt([...at, 'indexes', ii])) });
      });
      t.foreign_keys.forEach((key, ki) => {
        table.foreign_keys.push({ ...(key.name ? { name: key.name } : {}), columns: key.columns, references: key.references.table, ref_columns: key.references.columns, ...line(lineAt([...at, 'foreign_keys', ki])) });
      });
      tables.push(table);
    });
  });
  return schemaOf(engine, 'atlas', file, tables);
}

const line = (n: number | undefined) => (n ? { line: n } : {});
