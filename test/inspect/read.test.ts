import { describe, expect, it } from 'vitest';
import { detectKind } from '../../src/inspect/read.js';
import { fingerprint } from '../../src/inspect/query.js';
import { readError, readText } from './expect.js';

describe('detectKind: what a --schema file is', () => {
  it('tells each dump by its header, whatever precedes it', () => {
    expect(detectKind('--\n-- PostgreSQL database dump\n--\n', 'd.sql', undefined)).toBe('pg_dump');
    expect(detectKind('/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB\n', 'd.sql', undefined)).toBe('mysqldump');
    expect(detectKind('-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n', 'd.sql', undefined)).toBe('mysqldump');
  });

  it('tells headerless dumps by their dialect', () => {
    expect(detectKind("SET client_encoding = 'UTF8';\nSELECT pg_catalog.set_config('search_path', '', false);\n", 'd.sql', undefined)).toBe('pg_dump');
    expect(detectKind('\\restrict abc\nCREATE TABLE public.t (a integer);\n', 'd.sql', undefined)).toBe('pg_dump');
    expect(detectKind('/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE `t` (`a` int) ENGINE=InnoDB;\n', 'd.sql', undefined)).toBe('mysqldump');
  });

  it('tells Prisma by its name or its blocks, Atlas and plan JSON by their keys', () => {
    expect(detectKind('anything', 'schema.prisma', undefined)).toBe('prisma');
    expect(detectKind('// no extension\ndatasource db {\n  provider = "sqlite"\n}\n', 'schema', undefined)).toBe('prisma');
    expect(detectKind('{"schemas":[]}', 'inspect.json', 'mysql')).toBe('atlas');
    expect(detectKind('{"engine":"postgres","tables":[]}', 'model.json', undefined)).toBe('plan-json');
  });

  it('takes plain SQL as the engine --db names, SQLite otherwise', () => {
    expect(detectKind('CREATE TABLE t (a int);', 'x.sql', 'mysql')).toBe('mysqldump');
    expect(detectKind('CREATE TABLE t (a int);', 'x.sql', 'postgres')).toBe('pg_dump');
    expect(detectKind('CREATE TABLE t (a int);', 'x.sql', undefined)).toBe('sqlite');
  });

  it('a dump whose kind disagrees with --db is a located exit-2 error', async () => {
    const err = await readError('--\n-- PostgreSQL database dump\n--\nCREATE TABLE t (a int);\n', 'd.sql', 'mysql');
    expect(err.details[0]).toMatchObject({ location: { line: 1 }, hint: 'pass --db postgres, or the schema of the mysql database' });
  });
});

describe('the fingerprint of a schema read from a dump', () => {
  const dump = '-- Dumped from database version 15.18\nCREATE TABLE public.t (\n    a integer NOT NULL,\n    b text DEFAULT \'x\'::text\n);\n';

  it('does not change with where things stand in the file, and changes with what the schema says', async () => {
    const first = fingerprint(await readText(dump, 'a.sql', 'postgres'));
    const moved = fingerprint(await readText(`-- a comment\n\n${dump.replace('\n', '\n\n')}`, 'b.sql', 'postgres'));
    const changed = fingerprint(await readText(dump.replace("'x'", "'y'"), 'c.sql', 'postgres'));
    expect(moved).toBe(first);
    expect(changed).not.toBe(first);
  });
});
