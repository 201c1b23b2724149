/**
 * Placeholders in each tool's own syntax, and the guard that stops a plain script before it runs anything
 * when a placeholder was not given: run for real in psql (Debian's PostgreSQL), the mariadb client
 * (Debian's MariaDB) and SQLite (sql.js, the engine the rehearsal uses).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { placeholderGuard, renderPlaceholders, syntaxFor } from '../../src/sql/render.js';
import { tempDir } from '../helpers.js';
import { serverForBlock, startDebianPostgres, startMariadb } from '../rehearse/servers.js';

const STATEMENT = "UPDATE t SET owner = :owner_tenant, note = 'at 10:30 :not_me', v = x::bigint WHERE name LIKE 'a%' AND id >= :from";

describe('renderPlaceholders', () => {
  it.each([
    ['psql', "UPDATE t SET owner = :'owner_tenant', note = 'at 10:30 :not_me', v = x::bigint WHERE name LIKE 'a%' AND id >= :'from'"],
    ['pyformat', "UPDATE t SET owner = %(owner_tenant)s, note = 'at 10:30 :not_me', v = x::bigint WHERE name LIKE 'a%%' AND id >= %(from)s"],
    ['sqlalchemy', "UPDATE t SET owner = :owner_tenant, note = 'at 10:30 \\:not_me', v = x::bigint WHERE name LIKE 'a%' AND id >= :from"],
    ['knex', "UPDATE t SET owner = :owner_tenant, note = 'at 10:30 \\:not_me', v = x::bigint WHERE name LIKE 'a%' AND id >= :from"],
  ] as const)('%s', (syntax, expected) => {
    const rendered = renderPlaceholders(STATEMENT, 'postgres', syntax);
    expect(rendered.text).toBe(expected);
    expect(rendered.names).toEqual(['owner_tenant', 'from']);
  });

  it('inline (Prisma): values written in as literals, a missing one an error that names it', () => {
    expect(renderPlaceholders('UPDATE t SET a = :a, b = :b', 'postgres', 'inline', { a: "O'Brien", b: '42' }).text).toBe("UPDATE t SET a = 'O''Brien', b = 42");
    let error: unknown;
    try {
      renderPlaceholders('UPDATE t SET a = :a, b = :b', 'postgres', 'inline', { a: 'x' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PlanInputError);
    expect((error as PlanInputError).details[0]!.message).toBe('no value for placeholder :b');
  });

  it('each framework and engine has its syntax', () => {
    expect(['sql', 'prisma', 'django', 'alembic', 'knex'].map((f) => syntaxFor(f, 'postgres'))).toEqual(['psql', 'inline', 'pyformat', 'sqlalchemy', 'knex']);
    expect(['mysql', 'sqlite', 'mongodb'].map((e) => syntaxFor('sql', e as never))).toEqual(['mysql', 'sqlite3', 'inline']);
  });
});

/** A plain script: the guard, then a table made and the value written into it. */
function script(syntax: 'psql' | 'mysql' | 'sqlite3'): string {
  const engine = syntax === 'psql' ? 'postgres' : syntax === 'mysql' ? 'mysql' : 'sqlite';
  const { text, names } = renderPlaceholders('INSERT INTO marker (v) VALUES (:owner_tenant)', engine, syntax);
  return [...placeholderGuard(names, syntax), 'CREATE TABLE marker (v varchar(40));', `${text};`].join('\n');
}

describe('the guard, in psql on PostgreSQL', () => {
  const url = serverForBlock(startDebianPostgres, (s) => s.stop());
  const psql = (file: string, ...args: string[]) => spawnSync('psql', [url(), '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args, '-f', file], { encoding: 'utf8' });

  it('stops before anything ran when the placeholder is not given; with -v the value arrives as a literal', () => {
    const file = join(tempDir(), 'guarded.sql');
    writeFileSync(file, script('psql'));
    const unset = psql(file);
    expect(unset.status).toBe(3);
    expect(unset.stderr).toContain('placeholder owner_tenant is not set: run psql with -v owner_tenant=VALUE');
    expect(spawnSync('psql', [url(), '-X', '-tA', '-c', "SELECT to_regclass('marker') IS NULL"], { encoding: 'utf8' }).stdout.trim()).toBe('t');
    const set = psql(file, '-v', "owner_tenant=O'Brien; DROP TABLE marker");
    expect(set.status, set.stderr).toBe(0);
    expect(spawnSync('psql', [url(), '-X', '-tA', '-c', 'SELECT v FROM marker'], { encoding: 'utf8' }).stdout.trim()).toBe("O'Brien; DROP TABLE marker");
  });
});

describe('the guard, in the mariadb client', () => {
  const url = serverForBlock(startMariadb, (s) => s.stop());
  const mariadb = (sql: string) => {
    const socket = decodeURIComponent(new URL(url()).searchParams.get('socketPath')!);
    return spawnSync('mariadb', ['-S', socket, '-uroot', '-e', `CREATE DATABASE IF NOT EXISTS guard; USE guard; ${sql}`], { encoding: 'utf8' });
  };

  it('stops before anything ran when @owner_tenant is unset; runs once it is set', () => {
    const unset = mariadb(script('mysql'));
    expect(unset.status).not.toBe(0);
    expect(unset.stderr).toMatch(/Subquery returns more than 1 row/);
    expect(mariadb("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'guard' AND table_name = 'marker'").stdout).toMatch(/\b0\b/);
    const set = mariadb(`SET @owner_tenant = 'acme'; ${script('mysql')} SELECT v FROM marker;`);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toContain('acme');
  });
});

describe('the guard, on SQLite', () => {
  it('is an error while the parameter is unbound, and passes once it is bound', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    const [guard] = placeholderGuard(['owner_tenant'], 'sqlite3');
    expect(() => db.run(guard!)).toThrow(/malformed JSON/);
    expect(() => db.run(guard!, { ':owner_tenant': 'acme' })).not.toThrow();
  });
});
