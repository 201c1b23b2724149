/**
 * The project's layout, written down once: every folder, what it holds, and for code its layer. The
 * README's layout section is generated from this and the tree (`npm run readme`; a test fails when the
 * tree has a folder this list lacks, or the README differs), and test/architecture.test.ts holds every
 * import to the layers.
 *
 * Layers: code may import from a lower layer and from its own folder, never from a higher layer or
 * from another folder of the same layer. So dependencies point one way, toward the model, and no two
 * folders depend on each other.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { withSection } from './readme-section.js';

export interface Room {
  /** Repository-relative folder; `src` alone stands for the files directly in src/. */
  path: string;
  what: string;
  /** For code folders: the layer (0 is the bottom). */
  layer?: number;
}

export const LAYOUT: Room[] = [
  { path: 'src', layer: 0, what: '`errors.ts` (located errors and the exit-code contract) and `findings.ts` (the one shape of a finding)' },
  { path: 'src/io', layer: 1, what: 'reading with limits; atomic writes' },
  { path: 'src/model', layer: 2, what: 'the zod schemas (one place; types inferred), the loader with located errors, the JSON Schema generator, task states recorded in the user\'s file byte for byte' },
  { path: 'src/handlebars', layer: 2, what: 'the Handlebars compiler both template kinds use (strict, explicit partial context, located errors), taking its helpers from the caller; the logic helpers both helper sets build on' },
  { path: 'src/analysis', layer: 3, what: 'graph analysis: numbering, cycles (iterative Tarjan), waves, critical path and slack over any durations' },
  { path: 'src/sql', layer: 3, what: 'statements as data: each engine\'s parser (loaded on first need), placeholders masked before parsing, the facts rules read from parse trees' },
  { path: 'src/inspect', layer: 4, what: 'the user\'s database schema read into the model: dumps (pg_dump, mysqldump, SQLite), Prisma, Atlas JSON, stats files, live read-only catalogs; the questions asked of it (tables, columns, ownership along foreign keys, fingerprint)' },
  { path: 'src/rules', layer: 4, what: 'the rule catalog: integrity rules, safety rules (`safety/`), the linear-time rule context, config, the runner' },
  { path: 'src/rules/safety', what: 'safety rules about order and about statements' },
  { path: 'src/outline', layer: 4, what: 'the outline that exports, diagrams and the kickoff share: tasks in dependency order, waves, labels, critical path' },
  { path: 'src/progress', layer: 4, what: 'a running plan\'s progress from the states its tasks record: counts per wave, work done by estimate, the ready frontier by slack, open checkpoints, the remaining critical path, the projected finish in working days' },
  { path: 'src/check', layer: 5, what: 'the check result and the one pipeline every command reads a plan through (load, analyse, rules, result, outline; the gate)' },
  { path: 'src/text', layer: 6, what: 'text output: the waves table, findings grouped by task, SARIF and GitHub annotations' },
  { path: 'src/diagram', layer: 6, what: 'flow (Mermaid, DOT), Gantt, ASCII, label escaping; the Chromium and Graphviz renderers (loaded only when drawing)' },
  { path: 'src/kickoff', layer: 6, what: 'the kickoff document: its blocks, as Markdown or self-contained HTML' },
  { path: 'src/export', layer: 6, what: 'the export model, `shellQuote`, the tracker helpers, the dialect list (the dialects themselves are templates)' },
  { path: 'src/rehearse', layer: 6, what: 'rehearsals on real databases: a driver per engine (PostgreSQL embedded or `--url`, SQLite in-process, MySQL `--url`), catalog snapshots and their diff, the starting schema (the plan\'s recorded schema as DDL, or read from the statements), seed rows with edge values that the schema accepts, the run, the concurrency probes' },
  { path: 'src/diff', layer: 6, what: 'what changed between two plans: tasks, fields, edges, waves, critical path, points of no return; as text, Markdown or JSON' },
  { path: 'src/scaffold', layer: 6, what: 'migration files from a plan\'s statements, one writer per framework (plain SQL, Django, Alembic, Prisma, Knex), continuing what the migrations folder already holds' },
  { path: 'src/templates', layer: 6, what: 'template expansion: discovery, engines (loaded from `templates/_engines/`), parameters, the plan-template helpers, volume' },
  { path: 'src/app', layer: 7, what: 'what each command does, as functions returning data and the text to print' },
  { path: 'src/cli', layer: 8, what: 'the base command (`--json`, exit codes, errors without stack traces), shared flags, the interactive prompt' },
  { path: 'commands', layer: 9, what: 'the oclif commands: parse flags, call `src/app`, print' },
  { path: 'templates', what: 'migration templates and their shared partials (`_partials/`); `_engines/`: one folder per database engine (`engine.yaml` and one partial per statement); `trackers/`: the export dialects' },
  { path: 'test', what: 'mirrors `src/`; fixtures under `test/fixtures/`' },
  { path: 'examples', what: 'generated plans and outputs (`npm run examples`; a test fails when stale)' },
  { path: 'schema', what: 'the plan file\'s JSON Schema (`npm run schema`; a test fails when stale)' },
  { path: 'docs', what: '`rules/`: one page per rule, generated from the catalog and its fixtures (`npm run docs`); shipped in the package, printed by `plan rules ID`. `schema-inputs.md`: what `--schema`, `--stats` and `--url` read' },
  { path: 'scripts', what: 'generators (README sections, rule docs, schema, examples), this layout, the build\'s manifest step, the test set-up' },
  { path: 'bench', what: '`npm run bench`' },
  { path: 'bin', what: 'the `plan` executable' },
];

const ROOT = join(import.meta.dirname, '..');

/** The code folders the layers cover: every folder under src/ and commands/. */
export function codeFolders(root = ROOT): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    out.push(rel);
    for (const name of readdirSync(join(root, rel)).sort()) if (statSync(join(root, rel, name)).isDirectory()) walk(`${rel}/${name}`);
  };
  walk('src');
  walk('commands');
  return out;
}

/** The layer a code folder belongs to: its own, or the nearest listed ancestor's (`src/rules/safety` is in `src/rules`). */
export function layerOf(folder: string): { room: string; layer: number } | undefined {
  const parts = folder.split('/');
  for (let n = parts.length; n > 0; n--) {
    const room = LAYOUT.find((r) => r.path === parts.slice(0, n).join('/') && r.layer !== undefined);
    if (room) return { room: room.path, layer: room.layer! };
  }
  return undefined;
}

/** Folders of the tree that the layout does not describe (each must be added, with what it holds). */
export function undescribed(root = ROOT): string[] {
  const listed = new Set(LAYOUT.map((r) => r.path));
  const top = readdirSync(root).filter((n) => !n.startsWith('.') && !['node_modules', 'dist', 'coverage'].includes(n) && statSync(join(root, n)).isDirectory());
  // `commands/templates` is the `plan templates` topic: it belongs to commands.
  const code = codeFolders(root).filter((f) => f.startsWith('src/') && f.split('/').length === 2);
  return [...top, ...code].filter((f) => !listed.has(f)).sort();
}

export function layoutTable(): string {
  const rows = LAYOUT.map((r) => `| \`${r.path === 'src' ? 'src/*.ts' : `${r.path}/`}\` | ${r.layer ?? ''} | ${r.what} |`);
  return ['| folder | layer | what is there |', '|---|---|---|', ...rows].join('\n');
}

/** The README with its layout section replaced. */
export function withLayout(readme: string): string {
  return withSection(readme, 'layout', layoutTable());
}
