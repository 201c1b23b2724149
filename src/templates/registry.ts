/**
 * Finding templates: built-in ones under the package's `templates/`, and user ones from extra
 * directories. A template is a folder with `template.yaml` (its parameters) and `plan.yaml.hbs`.
 * Folders starting with `_` (shared partials, engines) are not templates. The same folders hold the
 * engines (`_engines/`, ./engines.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { didYouMean, PlanInputError } from '../errors.js';
import { packageRoot, readTextFile } from '../io/files.js';
import { parseYaml, schemaError } from '../model/load.js';
import { loadEngines, type Engines } from './engines.js';
import { templateManifestSchema, type TemplateManifest } from './parameters.js';

export interface TemplateRef {
  name: string;
  dir: string;
  manifest: TemplateManifest;
  builtin: boolean;
  /** The engines it renders for: those found beside it and the built-in ones. */
  engines: Engines;
}

export const MANIFEST_FILE = 'template.yaml';
export const BODY_FILE = 'plan.yaml.hbs';
export const PARTIALS_DIR = '_partials';

export function builtinTemplatesDir(): string {
  return join(packageRoot(), 'templates');
}

/**
 * Where templates and engines are looked for: the built-in directory, then `./templates` in the working
 * directory, then each extra directory (not the built-in one twice).
 */
export function templateRoots(extraDirs: readonly string[] = [], cwd = process.cwd()): string[] {
  const builtin = builtinTemplatesDir();
  return [builtin, ...[join(cwd, 'templates'), ...extraDirs.map((d) => resolve(d))].filter((d) => resolve(d) !== builtin)];
}

/** Templates from every root (./templateRoots); a later one overrides a template of the same name. */
export function listTemplates(extraDirs: readonly string[] = [], cwd = process.cwd()): TemplateRef[] {
  const byName = new Map<string, TemplateRef>();
  const roots = templateRoots(extraDirs, cwd);
  const engines = loadEngines(roots);
  roots.forEach((root, i) => {
    if (!existsSync(root) || !statSync(root).isDirectory()) return;
    for (const entry of readdirSync(root).sort()) {
      const dir = join(root, entry);
      if (entry.startsWith('_') || !existsSync(join(dir, MANIFEST_FILE))) continue;
      byName.set(entry, { name: entry, dir, manifest: loadManifest(dir, engines), builtin: i === 0, engines });
    }
  });
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** One template folder, wherever it is (for `plan templates check DIR`), with the engines of every root. */
export function loadTemplateDir(dir: string, extraDirs: readonly string[] = [], cwd = process.cwd()): TemplateRef {
  const full = resolve(dir);
  if (!existsSync(join(full, MANIFEST_FILE))) {
    throw PlanInputError.single(`no ${MANIFEST_FILE} here: a template is a folder with ${MANIFEST_FILE} and ${BODY_FILE}`, { location: { file: full } });
  }
  const engines = loadEngines(templateRoots(extraDirs, cwd));
  const manifest = loadManifest(full, engines);
  return { name: manifest.name, dir: full, manifest, builtin: full.startsWith(builtinTemplatesDir()), engines };
}

export function findTemplate(name: string, extraDirs: readonly string[] = []): TemplateRef {
  const all = listTemplates(extraDirs);
  const found = all.find((t) => t.name === name);
  if (found) return found;
  const guess = didYouMean(name, all.map((t) => t.name));
  throw PlanInputError.single(`unknown template "${name}"`, {
    hint: `${guess ? `did you mean "${guess}"? ` : ''}known templates: ${all.map((t) => t.name).join(', ')}`,
  });
}

function loadManifest(dir: string, engines: Engines): TemplateManifest {
  const file = join(dir, MANIFEST_FILE);
  const { data, locate } = parseYaml(readTextFile(file), file);
  const result = templateManifestSchema([...engines.keys()]).safeParse(data);
  if (!result.success) throw schemaError(result.error, locate);
  return result.data;
}

/**
 * The template's version: a hash of every file its rendering reads (its folder, the shared partials, the
 * engines' statements), by path relative to its root. `generated_by.template_version` records it, so
 * `plan update` can tell whether the template changed since the plan was generated.
 */
export function templateVersion(template: TemplateRef): string {
  const hash = createHash('sha256');
  const dirs = [template.dir, join(builtinTemplatesDir(), PARTIALS_DIR), ...[...template.engines.values()].map((e) => e.dir)];
  for (const dir of dirs) {
    for (const file of filesUnder(dir)) hash.update(`${relative(dir, file)}\0`).update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}
