/**
 * Test helpers for exports: write a plan, export it, run the script against a tracker (real where it
 * installs here, a recording stand-in where it does not), and read back what the tracker holds.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { exportPlan } from '../../src/app/export.js';
import { ROOT, tempDir } from '../helpers.js';

export const STAND_INS = join(ROOT, 'test', 'fixtures', 'bin');
const NODE_BIN = join(ROOT, 'node_modules', '.bin');

/** What a tracker holds, keyed by plan id: the shape every reader returns and every test compares. */
export interface Readback {
  [planId: string]: { title: string; depends: string[]; parent?: string };
}

export interface PlanSpec {
  epic: string;
  tasks: { id: string; title: string; depends: string[]; description?: string; acceptance?: string[]; labels?: string[]; sql?: { up: string[]; down: string[] } }[];
  /** Needed when a task carries statements (the engine parses them). */
  database?: string;
}

export function writePlan(dir: string, spec: PlanSpec, name = 'p.plan.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({
    version: 1,
    ...(spec.database && { database: spec.database }),
    epic: { id: 'EPIC', title: spec.epic },
    phases: [{ id: 'p', name: 'P', rollback: 'revert', risk: 'low' }],
    tasks: spec.tasks.map((t) => ({ phase: 'p', ...t })),
  }, null, 2));
  return file;
}

/** The plan as trackers should hold it. */
export function expected(spec: PlanSpec): Readback {
  const out: Readback = { EPIC: { title: spec.epic, depends: [] } };
  for (const t of spec.tasks) out[t.id] = { title: t.title, depends: [...t.depends].sort(), parent: 'EPIC' };
  return out;
}

export async function exportScript(planFile: string, to: string, dir: string): Promise<string> {
  const out = join(dir, `${to}.sh`);
  await exportPlan({ file: planFile, to, out, force: true });
  return out;
}

export interface Run { status: number | null; stdout: string; stderr: string }

export function runScript(script: string, cwd: string, env: Record<string, string> = {}, pathFirst: string[] = []): Run {
  const r = spawnSync('bash', [script], {
    cwd, encoding: 'utf8', env: { ...process.env, ...env, PATH: [...pathFirst, STAND_INS, NODE_BIN, process.env.PATH].join(':') },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A Taskwarrior of its own in `dir`. */
export function taskwarriorEnv(dir: string): Record<string, string> {
  mkdirSync(join(dir, 'tw'), { recursive: true });
  writeFileSync(join(dir, 'taskrc'), `data.location=${join(dir, 'tw')}\nconfirmation=off\n`);
  return { TASKRC: join(dir, 'taskrc'), TASKDATA: join(dir, 'tw') };
}

function exportTaskwarrior(dir: string): string {
  return spawnSync('task', ['rc.json.array=on', 'export'], { encoding: 'utf8', env: { ...process.env, ...taskwarriorEnv(dir) } }).stdout;
}

/** How many tasks Taskwarrior holds (a duplicate would hide in readTaskwarrior's map by plan id). */
export function countTaskwarrior(dir: string): number {
  return (exportTaskwarrior(dir).match(/"uuid":/g) ?? []).length;
}

export function readTaskwarrior(dir: string): Readback {
  const r = { stdout: exportTaskwarrior(dir) };
  // Taskwarrior's export writes control characters other than \n raw inside JSON strings: escape them.
  const json = r.stdout.replace(/[\u0000-\u0009\u000b-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const tasks = JSON.parse(json) as { uuid: string; description: string; depends?: string[] | string; plan_id: string; plan_parent?: string }[];
  const byUuid = new Map(tasks.map((t) => [t.uuid, t.plan_id]));
  const out: Readback = {};
  for (const t of tasks) {
    const deps = Array.isArray(t.depends) ? t.depends : t.depends ? t.depends.split(',') : [];
    out[t.plan_id] = { title: t.description, depends: deps.map((u) => byUuid.get(u)!).sort(),
      ...(t.plan_parent ? { parent: byUuid.get(t.plan_parent) } : {}) };
  }
  return out;
}

let backlogTemplate: string | undefined;

/**
 * A Backlog.md project of its own in `dir`: a copy of one made by `backlog init` once per test file
 * (every Backlog.md call costs about a second on a loaded machine).
 */
export function backlogProject(dir: string): void {
  if (!backlogTemplate) {
    const made = tempDir();
    spawnSync('git', ['init', '-q'], { cwd: made });
    const r = spawnSync(join(NODE_BIN, 'backlog'), ['init', 'Export test', '--defaults', '--integration-mode', 'none'], { cwd: made, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`backlog init failed: ${r.stderr}`);
    backlogTemplate = made;
  }
  cpSync(backlogTemplate, dir, { recursive: true });
}


/**
 * The state file an export script keeps: plan id → tracker id (the script's own `@` steps left out).
 * One plan per folder here; two plans in one folder keep one state file each.
 */
export function stateOf(dir: string, dialect: string): Map<string, string> {
  const files = readdirSync(dir).filter((n) => n.startsWith(`.plan-export-${dialect}-`) && n.endsWith('.state'));
  if (files.length > 1) throw new Error(`more than one ${dialect} state file in ${dir}: ${files.join(', ')}`);
  if (files.length === 0) return new Map();
  return new Map(readFileSync(join(dir, files[0]!), 'utf8').split('\n').filter((l) => l && !l.startsWith('@'))
    .map((l) => l.split('\t') as [string, string]));
}

interface BacklogListed { id: string; title: string; parentTaskId?: string | null; labels: string[]; status: string }

/** Each Backlog.md task's dependencies (ids), from the front matter of the files Backlog.md wrote. */
function backlogDependencies(dir: string): Map<string, string[]> {
  const dependencies = new Map<string, string[]>();
  const tasksDir = join(dir, 'backlog', 'tasks');
  for (const name of readdirSync(tasksDir).filter((n) => n.endsWith('.md'))) {
    const front = parseYaml(readFileSync(join(tasksDir, name), 'utf8').split(/^---$/m)[1]!) as { id: string; dependencies?: string[] };
    dependencies.set(front.id, front.dependencies ?? []);
  }
  return dependencies;
}

export function listBacklog(dir: string): BacklogListed[] {
  const r = spawnSync(join(NODE_BIN, 'backlog'), ['task', 'list', '--json'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`backlog task list failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { tasks: BacklogListed[] }).tasks;
}

/**
 * What the Backlog.md project holds. Titles and parents as Backlog.md itself lists them, in one call
 * (`task view` per task costs about a second each on a loaded machine); the dependencies, which the
 * list leaves out, from the front matter of the task files Backlog.md wrote (ids only).
 */
export function readBacklog(dir: string): Readback {
  const ids = stateOf(dir, 'backlog');
  const planId = new Map([...ids].map(([p, b]) => [b, p]));
  const listed = new Map(listBacklog(dir).map((t) => [t.id, t]));
  const dependencies = backlogDependencies(dir);
  const out: Readback = {};
  for (const [plan, id] of ids) {
    const t = listed.get(id);
    if (!t) throw new Error(`Backlog.md does not list ${id} (${plan})`);
    out[plan] = { title: t.title, depends: (dependencies.get(id) ?? []).map((d) => planId.get(d)!).sort(),
      ...(t.parentTaskId ? { parent: planId.get(t.parentTaskId) } : {}) };
  }
  return out;
}

/** One call a stand-in received; `task` is what cleo would hold from a `ct add` (its last --acceptance, split). */
export interface Call { tool: string; argv: string[]; creating: boolean; id?: number; task?: { title: string; description?: string; notes?: string; acceptance: string[] } }

export function callsOf(log: string): Call[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call) : [];
}

/** Reads back what the stand-in was told, by the flags each tracker takes for title, parent and links. */
export function readStandIn(dir: string, dialect: 'cleo' | 'beads' | 'github', log: string): Readback {
  const ids = stateOf(dir, dialect);
  const planId = new Map([...ids].map(([p, t]) => [t, p]));
  const trackerId = (n: number) => (dialect === 'cleo' ? `T${String(n).padStart(3, '0')}` : dialect === 'beads' ? `bd-${n}` : String(n));
  const flag = (argv: string[], name: string) => argv.flatMap((a, i) => (a === name ? [argv[i + 1]!] : []));
  const out: Readback = {};
  for (const call of callsOf(log).filter((c) => c.creating)) {
    const plan = planId.get(trackerId(call.id!))!;
    const a = call.argv;
    let title: string; let parent: string[]; let depends: string[];
    if (dialect === 'cleo') {
      title = a[1]!;
      parent = flag(a, '--parent');
      depends = flag(a, '--depends').flatMap((d) => d.split(','));
    } else if (dialect === 'beads') {
      title = a[a.indexOf('--') + 1]!;
      parent = flag(a, '--parent');
      depends = flag(a, '--deps').flatMap((d) => d.split(',')).map((d) => d.replace(/^blocked-by:/, ''));
    } else {
      title = flag(a, '--title')[0]!;
      parent = flag(a, '--parent');
      depends = flag(a, '--blocked-by');
    }
    out[plan] = { title, depends: depends.map((d) => planId.get(d)!).sort(), ...(parent[0] ? { parent: planId.get(parent[0]) } : {}) };
  }
  return out;
}

/** A directory whose `name` runs the fail shim in front of `real`. */
export function failingTool(name: string): string {
  const dir = tempDir();
  symlinkSync(join(STAND_INS, 'fail-shim.sh'), join(dir, name));
  return dir;
}

/** What a tracker holds as titles only (two plans in one tracker share plan ids): title → its links' titles. */
export interface TitleReadback {
  [title: string]: { depends: string[]; parent?: string };
}

/** The plan as a tracker should hold it, by title. */
export function expectedByTitle(spec: PlanSpec): TitleReadback {
  const title = new Map(spec.tasks.map((t) => [t.id, t.title]));
  const out: TitleReadback = { [spec.epic]: { depends: [] } };
  for (const t of spec.tasks) out[t.title] = { depends: t.depends.map((d) => title.get(d)!).sort(), parent: spec.epic };
  return out;
}

export function readTaskwarriorByTitle(dir: string): TitleReadback {
  const tasks = JSON.parse(exportTaskwarrior(dir)) as { uuid: string; description: string; depends?: string[] | string; plan_parent?: string }[];
  const title = new Map(tasks.map((t) => [t.uuid, t.description]));
  const out: TitleReadback = {};
  for (const t of tasks) {
    const deps = Array.isArray(t.depends) ? t.depends : t.depends ? t.depends.split(',') : [];
    out[t.description] = { depends: deps.map((u) => title.get(u)!).sort(), ...(t.plan_parent ? { parent: title.get(t.plan_parent) } : {}) };
  }
  return out;
}

export function readBacklogByTitle(dir: string): TitleReadback {
  const listed = listBacklog(dir);
  const title = new Map(listed.map((t) => [t.id, t.title]));
  const out: TitleReadback = {};
  for (const [id, deps] of backlogDependencies(dir)) {
    const t = listed.find((l) => l.id === id)!;
    out[t.title] = { depends: deps.map((d) => title.get(d)!).sort(), ...(t.parentTaskId ? { parent: title.get(t.parentTaskId) } : {}) };
  }
  return out;
}

/** RFC 4180, enough for the tests: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}
