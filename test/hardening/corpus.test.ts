/**
 * The bad-input corpus (test/fixtures/bad/ and inputs made here that are too big or too strange to
 * commit): each case has one expected message and exit code, prints no stack trace, and leaves every
 * file it did not ask to write untouched.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/model/load.js';
import { listTemplates } from '../../src/templates/registry.js';
import { fixture, ROOT, runCli, tempDir } from '../helpers.js';

const STACK = /\n\s+at .+:\d+:\d+\)?/;
const BUILTIN = listTemplates().map((t) => t.name);
const bad = (name: string) => fixture('bad', `${name}.plan.yaml`);

/** Every file under `dir` with a hash of its bytes: what "untouched" is checked against. */
function snapshot(...dirs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.mode & 0o444) out.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  for (const d of dirs) walk(d);
  return out;
}

interface Case {
  name: string;
  /** Arguments, given a scratch directory that is also the working directory. */
  args: (dir: string) => string[];
  setup?: (dir: string) => void;
  exit: number;
  message: RegExp;
}

const CASES: Case[] = [
  { name: 'tabs as indentation', args: () => ['check', bad('tab-indent')], exit: 2, message: /tab-indent\.plan\.yaml:21:1: YAML syntax error: Tabs are not allowed as indentation/ },
  { name: 'an unclosed quote', args: () => ['check', bad('unclosed-quote')], exit: 2, message: /unclosed-quote\.plan\.yaml:25:12: YAML syntax error: Missing closing "quote/ },
  { name: 'a duplicate key', args: () => ['check', bad('duplicate-key')], exit: 2, message: /duplicate-key\.plan\.yaml:32:5: YAML syntax error: Map keys must be unique/ },
  { name: 'a wrong type', args: () => ['check', bad('wrong-type')], exit: 2, message: /wrong-type\.plan\.yaml:32:25: tasks\[3\]\.point_of_no_return: Invalid input: expected boolean, received string/ },
  { name: 'an unknown field (rejected, with a suggestion list)', args: () => ['check', bad('unknown-field')], exit: 2, message: /unknown-field\.plan\.yaml:19:5: tasks\[0\]\.owner: unknown field "owner"\n  hint: known fields: id, title/ },
  { name: 'a YAML alias bomb', args: () => ['check', bad('alias-bomb')], exit: 2, message: /alias-bomb\.plan\.yaml: YAML rejected: Excessive alias count/ },
  { name: '__proto__ and constructor keys', args: () => ['check', bad('proto-keys')], exit: 2, message: /proto-keys\.plan\.yaml:2:1: __proto__: unknown field "__proto__"/ },
  { name: 'an empty file', args: () => ['check', bad('empty')], exit: 2, message: /empty\.plan\.yaml: the file is empty/ },
  { name: 'a list instead of a plan', args: () => ['check', bad('not-a-mapping')], exit: 2, message: /\(root\): Invalid input: expected object, received array/ },
  { name: 'bytes that are not UTF-8', args: () => ['check', bad('invalid-utf8')], exit: 2, message: /invalid-utf8\.plan\.yaml: is not UTF-8 text \(invalid byte at offset 33\)/ },
  // Read whole (the tool reads the ~120 MB plans it writes); what is in it is the problem. The cap itself: test/io/files.test.ts.
  { name: 'a 50 MB file of one word', setup: (d) => writeFileSync(join(d, 'big.yaml'), Buffer.alloc(50 * 1024 * 1024, 'a')), args: (d) => ['check', join(d, 'big.yaml')],
    exit: 2, message: /big\.yaml.*expected object, received string/ },
  { name: 'deeply nested input', setup: (d) => writeFileSync(join(d, 'deep.yaml'), `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`),
    args: (d) => ['check', join(d, 'deep.yaml')], exit: 2, message: /deep\.yaml: YAML nested too deeply to read/ },
  { name: 'a directory instead of a plan', args: (d) => ['check', d], exit: 2, message: /: is a directory, not a plan file/ },
  { name: 'a missing file', args: (d) => ['check', join(d, 'nope.yaml')], exit: 2, message: /nope\.yaml: no such file/ },
  { name: 'a template name with ../', args: () => ['new', '../multi-tenant'], exit: 2, message: new RegExp(`unknown template "\\.\\./multi-tenant"\\n  hint: did you mean "multi-tenant"\\? known templates: ${BUILTIN.join(', ')}`) },
  { name: 'an output path that is a directory', setup: (d) => mkdirSync(join(d, 'out')), args: (d) => ['new', 'multi-tenant', '--out', join(d, 'out')],
    exit: 2, message: /out: is a directory; give a file name with --out/ },
  { name: 'an output file that exists', setup: (d) => writeFileSync(join(d, 'multi-tenant.plan.yaml'), 'mine\n'), args: () => ['new', 'multi-tenant'],
    exit: 2, message: /multi-tenant\.plan\.yaml: already exists; not overwritten\n  hint: to change its parameters and keep your edits: plan update multi-tenant\.plan\.yaml --set k=v; to start over: --force/ },
  { name: 'a template that uses an unknown variable', args: () => ['new', 'unknown-variable', '--templates-dir', fixture('templates')],
    exit: 2, message: /unknown-variable\/plan\.yaml\.hbs:11:\d+: template error: "colunm" not defined/ },
  { name: 'a parameter of the wrong type', args: () => ['new', 'multi-tenant', '--set', 'rows=lots'], exit: 2, message: /parameter "rows": "lots" is not an integer/ },
  { name: 'an empty table list', args: () => ['new', 'multi-tenant', '--tables', ','], exit: 2, message: /parameter "tables": needs at least one name/ },
  { name: 'duplicate table names', args: () => ['new', 'multi-tenant', '--tables', 'users,orders,users'], exit: 2, message: /parameter "tables": "users" is listed twice/ },
  { name: 'a table name with a quote', args: () => ['new', 'multi-tenant', '--tables', `users,o"rders`], exit: 2, message: /parameter "tables": "o"rders" is not an identifier/ },
  { name: 'a table name with a space and SQL', args: () => ['new', 'multi-tenant', '--tables', 'users; DROP TABLE x'], exit: 2, message: /"users; DROP TABLE x" is not an identifier/ },
  { name: 'a column name with a quote', args: () => ['new', 'multi-tenant', '--set', "tenant_column=x'y"], exit: 2, message: /parameter "tenant_column": "x'y" is not an identifier/ },
  { name: 'an export to a directory', setup: (d) => mkdirSync(join(d, 'out')), args: (d) => ['export', fixture('plans', 'valid.plan.yaml'), '--to', 'json', '--out', join(d, 'out')],
    exit: 2, message: /out: is a directory/ },
];

describe('the bad-input corpus', () => {
  it.each(CASES.map((c) => [c.name, c]))('%s', (_, c) => {
    const dir = tempDir();
    c.setup?.(dir);
    const before = snapshot(dir, fixture());
    const r = runCli(c.args(dir), { cwd: dir });
    expect(r.stderr).toMatch(c.message);
    expect(r.code).toBe(c.exit);
    expect(r.stderr + r.stdout).not.toMatch(STACK);
    expect(snapshot(dir, fixture())).toEqual(before);
  });

  it('an unreadable file (read as an unprivileged user; root reads anything)', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'secret.plan.yaml'), readFileSync(fixture('plans', 'valid.plan.yaml')));
    chmodSync(join(dir, 'secret.plan.yaml'), 0o000);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(ROOT, 'bin', 'run.js'), 'check', join(dir, 'secret.plan.yaml')],
      { encoding: 'utf8', env: { ...process.env, HOME: dir, NODE_ENV: 'production' } });
    expect(r.stderr).toMatch(/secret\.plan\.yaml: cannot read: permission denied/);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('prototype keys pollute nothing, whichever parser reads them', () => {
    for (const text of [readFileSync(bad('proto-keys'), 'utf8'), JSON.stringify({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } })]) {
      expect(() => parsePlan(text, 'p.yaml')).toThrow();
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    }
  });

  it('an output path with ../ writes exactly there (a path the user chose), and nowhere else', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    const r = runCli(['new', 'multi-tenant', '--out', '../up.plan.yaml'], { cwd: join(dir, 'sub') });
    expect(r.code).toBe(0);
    // The plan, and the template's own rendering beside it (what plan update merges from).
    expect(readdirSync(dir).sort()).toEqual(['sub', 'up.plan.base.yaml', 'up.plan.yaml']);
    expect(readdirSync(join(dir, 'sub'))).toEqual([]);
  });

  it('a reserved word as a table name is quoted for the engine', () => {
    const dir = tempDir();
    expect(runCli(['new', 'multi-tenant', '--tables', 'order,user', '--out', join(dir, 'p.plan.yaml')]).code).toBe(0);
    const text = readFileSync(join(dir, 'p.plan.yaml'), 'utf8');
    expect(text).toContain('ALTER TABLE "order" ADD COLUMN');
    expect(text).toContain('ALTER TABLE "user" ADD COLUMN');
  });
});
