import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencedBy } from '../../src/inspect/query.js';
import { detectKind } from '../../src/inspect/read.js';
import { fixture } from '../helpers.js';
import { chainUp, column, lineOf, readError, readText, table } from './expect.js';

const text = readFileSync(fixture('schema', 'tracker.prisma'), 'utf8');

describe('Prisma schema reader', () => {
  it('names tables and columns as the database does (@@map, @map), with the provider\'s engine and no version', async () => {
    expect(detectKind(text, 'schema.prisma', undefined)).toBe('prisma');
    const schema = await readText(text, 'schema.prisma');
    expect(schema.engine).toBe('postgres');
    expect(schema.version).toBeUndefined();
    expect(schema.tables.map((t) => t.name)).toEqual(['accounts', 'users', 'projects', 'tasks', 'comments']);
    expect(table(schema, 'tasks').columns.map((c) => c.name)).toEqual(['id', 'project_id', 'parent_id', 'assignee_id', 'title', 'status', 'tags', 'updated_at']);
    expect(lineOf(text, table(schema, 'accounts').line)).toBe('model Account {');
    expect(lineOf(text, column(schema, 'tasks', 'project_id').line)).toMatch(/^\s+projectId\s+BigInt/);
  });

  it('types columns as prisma migrate creates them on PostgreSQL, native types first; ? is nullable; defaults as DDL', async () => {
    const schema = await readText(text, 'schema.prisma');
    expect(column(schema, 'accounts', 'name')).toMatchObject({ type: 'varchar(120)', nullable: false, default: "'unnamed'" });
    expect(column(schema, 'accounts', 'id')).toMatchObject({ type: 'bigint', identity: true });
    expect(column(schema, 'accounts', 'id').default).toBeUndefined();
    expect(column(schema, 'accounts', 'slug').type).toBe('text');
    expect(column(schema, 'accounts', 'created_at')).toMatchObject({ type: 'timestamp(3)', default: 'CURRENT_TIMESTAMP' });
    expect(column(schema, 'projects', 'budget')).toMatchObject({ type: 'decimal(12,2)', nullable: true });
    expect(column(schema, 'projects', 'archived_at').type).toBe('timestamptz(6)');
    expect(column(schema, 'tasks', 'status')).toMatchObject({ type: '"task_status"', default: "'OPEN'" });
    expect(column(schema, 'tasks', 'tags').type).toBe('text[]');
    expect(column(schema, 'tasks', 'updated_at').default).toBeUndefined();
  });

  it('reads keys: @id, @@id, @unique (with map), @@unique, @@index, and relations as foreign keys with Prisma\'s actions', async () => {
    const schema = await readText(text, 'schema.prisma');
    expect(table(schema, 'comments').primary_key).toEqual(['task_id', 'position']);
    // prisma migrate creates unique indexes on PostgreSQL, not constraints: recorded as the database reports them.
    const uniqueIndex = (t: string) => table(schema, t).indexes.filter((i) => i.unique && !i.constraint).map((i) => [i.name, i.columns]);
    expect(table(schema, 'accounts').uniques).toEqual([]);
    expect(uniqueIndex('accounts')).toEqual([['accounts_slug_key', ['slug']]]);
    expect(uniqueIndex('users')).toEqual([['users_email_key', ['email']]]);
    expect(uniqueIndex('projects')).toEqual([['projects_account_id_title_key', ['account_id', 'title']]]);
    const index = table(schema, 'tasks').indexes.find((i) => !i.constraint)!;
    expect(index).toMatchObject({ name: 'tasks_project_status', columns: ['project_id', 'status'] });
    expect(lineOf(text, index.line)).toContain('@@index([projectId, status]');
    expect(table(schema, 'accounts').indexes.find((i) => !i.unique)!.name).toBe('accounts_name_idx');
    expect(chainUp(schema, 'comments')).toEqual(['comments', 'tasks', 'projects', 'accounts']);
    const fk = table(schema, 'tasks').foreign_keys.find((k) => k.references === 'projects')!;
    expect(fk).toEqual({ name: 'tasks_project_id_fkey', columns: ['project_id'], references: 'projects', ref_columns: ['id'], on_delete: 'CASCADE', on_update: 'CASCADE', line: expect.any(Number) });
    expect(lineOf(text, fk.line)).toMatch(/^\s+project\s+Project\s+@relation/);
    expect(table(schema, 'projects').foreign_keys[0]).toMatchObject({ on_delete: 'RESTRICT' });
    expect(table(schema, 'users').foreign_keys.find((k) => k.columns[0] === 'manager_id')).toMatchObject({ references: 'users', on_delete: 'SET NULL' });
    expect(referencedBy(schema, 'users').map((r) => `${r.table.name}.${r.key.columns[0]}`).sort()).toEqual(['comments.author_id', 'tasks.assignee_id', 'users.manager_id']);
  });

  it('maps scalars to MySQL and SQLite types by provider', async () => {
    const mysql = await readText(text.replace('"postgresql"', '"mysql"').replace(/ {2}tags .*\n/, ''), 'schema.prisma');
    expect(mysql.engine).toBe('mysql');
    expect(column(mysql, 'accounts', 'slug').type).toBe('varchar(191)');
    expect(column(mysql, 'accounts', 'created_at').type).toBe('datetime(3)');
    expect(column(mysql, 'tasks', 'status').type).toBe("enum('OPEN','done')");
    expect(table(mysql, 'accounts').indexes[0]!.name).toBe('PRIMARY');
    expect(column(mysql, 'accounts', 'created_at').default).toBe('CURRENT_TIMESTAMP(3)');
    expect(table(mysql, 'users').uniques).toEqual([expect.objectContaining({ name: 'users_email_key', columns: ['email'] })]);
    const sqlite = await readText(text.replace('"postgresql"', '"sqlite"').replace(/ {2}tags .*\n/, ''), 'schema.prisma');
    expect(column(sqlite, 'accounts', 'slug').type).toBe('TEXT');
    expect(column(sqlite, 'tasks', 'title').type).toBe('TEXT');
  });

  it('errors are located: a syntax error at its line, an unknown type at its field, no provider at the datasource', async () => {
    const syntax = await readError('datasource db {\n  provider = "postgresql"\n}\nmodel A {\n  id Int @id\n  name String @@@\n}\n', 'bad.prisma');
    expect(syntax.details[0]!.location?.line).toBe(6);
    const unknown = await readError('datasource db {\n  provider = "sqlite"\n}\nmodel A {\n  id Int @id\n  when Timestamp\n}\n', 'bad.prisma');
    expect(unknown.details[0]).toMatchObject({ location: { line: 6 }, message: expect.stringContaining('"Timestamp"') });
    const noProvider = await readError('model A {\n  id Int @id\n}\n', 'bad.prisma');
    expect(noProvider.details[0]!.message).toContain('no datasource provider');
    expect((await readText('model A {\n  id Int @id\n}\n', 'ok.prisma', 'sqlite')).engine).toBe('sqlite');
  });
});
