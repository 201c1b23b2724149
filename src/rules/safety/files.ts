/**
 * Safety rules about the files a plan names: migration files as their framework will read them. A
 * framework orders a folder's migrations by a prefix of the name (Django's number, Alembic's revision id,
 * Prisma's and Knex's timestamp, a plain file's number), and the plan's files must make one chain there.
 */
import type { RuleContext } from '../context.js';
import type { RuleHit, SafetyRule } from '../types.js';

/** A migration file as its framework reads it: the folder holding the chain, the prefix it sorts by, its name. */
export interface MigrationName {
  framework: 'django' | 'alembic' | 'prisma' | 'plain';
  folder: string;
  prefix: string;
  name: string;
}

const PATTERNS: [MigrationName['framework'], RegExp][] = [
  ['alembic', /^(.*\/versions)\/([A-Za-z0-9]+)_(\w+)\.py$/],
  ['django', /^(.*\/migrations|migrations)\/(\d+)_(\w+)\.py$/],
  ['prisma', /^(.*prisma\/migrations)\/([A-Za-z0-9]+)_([^/]+)\/migration\.sql$/],
  ['plain', /^(.*\/migrations|migrations)\/(\d+|YYYYMMDD\d{6})_([^/]+)\.(?:sql|js|ts|cjs|mjs)$/],
];

/** What a `files` entry is as a migration, or undefined for any other file. */
export function migrationName(file: string): MigrationName | undefined {
  for (const [framework, re] of PATTERNS) {
    const m = re.exec(file);
    if (m) return { framework, folder: m[1]!, prefix: m[2]!, name: m[3]! };
  }
  return undefined;
}

/** Prefixes compare as the framework sorts them: by number when both are numbers, else as text (timestamps). */
const before = (a: string, b: string) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) < Number(b) : a < b);
const TIMESTAMP = /^(\d{14}|YYYYMMDD\d{6})$/;

export const migrationChain: SafetyRule = {
  id: 'migration-chain',
  category: 'safety',
  severity: 'warning',
  summary: 'The migration files the plan names make one chain per folder, in the order the tasks run.',
  hint: 'number the plan\'s migrations one after another in the order their tasks run, after the latest one the folder holds (`plan new … --set migration_start=N`), one file per prefix',
  why: 'Frameworks order a folder\'s migrations by the start of their names. Two Django migrations of one app with the same number both follow the one before: `migrate` stops with "Conflicting migrations detected; multiple leaf nodes". A new `0001_…` collides with the app\'s own initial migration; a Prisma folder that is not a timestamp sorts before the ones already applied; a migration numbered before one its task depends on is applied first.',
  sources: ['Django "Conflicting migrations detected; multiple leaf nodes"', 'Alembic "multiple heads"', 'Prisma migrate (folders applied in name order)', 'Knex (files applied in name order)'],
  check(ctx) {
    const hits: RuleHit[] = [];
    // The first file of each (folder, prefix), to name the other one when a second appears.
    const seen = new Map<string, { file: string; taskId: string }>();
    const named: { v: number; i: number; file: string; m: MigrationName }[] = [];
    for (const v of ctx.scheduled()) {
      const task = ctx.tasks[v]!;
      task.files.forEach((file, i) => {
        const m = migrationName(file);
        if (!m) return;
        named.push({ v, i, file, m });
        const key = `${m.folder}\u0000${m.prefix}`;
        const first = seen.get(key);
        if (!first) seen.set(key, { file, taskId: task.id });
        else if (first.file !== file) {
          hits.push({ task: v, field: ['files', i], message: `"${task.id}" names ${file}, and "${first.taskId}" names ${first.file}: two migrations ${m.prefix} in ${m.folder}, two heads the framework refuses (Django: multiple leaf nodes)` });
        }
        if (m.framework === 'django' && Number(m.prefix) === 1 && m.name !== 'initial') {
          hits.push({ task: v, field: ['files', i], message: `"${task.id}" names ${file}: 0001 is the app's initial migration, so this one is a second head beside it` });
        }
        if (m.framework === 'prisma' && !TIMESTAMP.test(m.prefix)) {
          hits.push({ task: v, field: ['files', i], message: `"${task.id}" names ${file}: Prisma applies folders in name order, and ${m.prefix}_ sorts before the timestamped folders (YYYYMMDDHHMMSS_) already applied` });
        }
      });
    }
    hits.push(...outOfOrder(ctx, named));
    return hits;
  },
};

/**
 * Migrations numbered against the tasks' order: a task's migration sorts before one of a task it depends
 * on (directly or not), so the framework would apply it first. One pass in topological order carries, per
 * folder, the latest prefix upstream of each task.
 */
function outOfOrder(ctx: RuleContext, named: { v: number; i: number; file: string; m: MigrationName }[]): RuleHit[] {
  if (named.length === 0) return [];
  const own = new Map<number, typeof named>();
  for (const n of named) own.set(n.v, [...(own.get(n.v) ?? []), n]);
  type Latest = Map<string, { prefix: string; file: string; taskId: string }>;
  const latest: (Latest | undefined)[] = new Array(ctx.tasks.length);
  const hits: RuleHit[] = [];
  for (const v of ctx.scheduled()) {
    const upstream: Latest = new Map();
    for (const d of ctx.analysis.predecessors[v]!) {
      for (const [folder, l] of latest[d] ?? []) {
        const had = upstream.get(folder);
        if (!had || before(had.prefix, l.prefix)) upstream.set(folder, l);
      }
    }
    const mine = own.get(v) ?? [];
    for (const n of mine) {
      const up = upstream.get(n.m.folder);
      // An equal prefix is two heads, reported above.
      if (up && before(n.m.prefix, up.prefix)) {
        hits.push({ task: v, field: ['files', n.i], message: `"${ctx.tasks[v]!.id}" names ${n.file}, which sorts before ${up.file} of "${up.taskId}" it runs after: the framework would apply it first` });
      }
    }
    const out: Latest = new Map(upstream);
    for (const n of mine) {
      const had = out.get(n.m.folder);
      if (!had || before(had.prefix, n.m.prefix)) out.set(n.m.folder, { prefix: n.m.prefix, file: n.file, taskId: ctx.tasks[v]!.id });
    }
    latest[v] = out.size > 0 ? out : undefined;
  }
  return hits;
}

export const fileRules = [migrationChain];
