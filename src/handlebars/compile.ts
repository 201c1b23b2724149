/**
 * The one Handlebars set-up, for plan templates and tracker dialects alike: strict mode (an unknown
 * variable is an error, not an empty string), no HTML escaping (the output is YAML, shell, CSV or
 * Markdown, never HTML), no prototype access, partials from folders, each seeing only the values its
 * caller passes (explicit partial context), and errors located in the file that made them. The
 * helpers come from the caller: plan templates and tracker dialects have different sets.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars, { type HelperDelegate } from 'handlebars';
import { PlanInputError } from '../errors.js';
import { readTextFile } from '../io/files.js';

export type Render = (context: object) => string;
export type Helpers = Record<string, HelperDelegate>;
/** A folder of partials, optionally with a prefix before every name (`engines/mysql/` + `backfill`). */
export type PartialDir = string | { dir: string; prefix: string };

/** `explicitPartialContext`: a partial sees its hash arguments only, so what it uses is what it is given. */
const COMPILE_OPTIONS = { strict: true, noEscape: true, explicitPartialContext: true } as const;
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false, allowCallsToHelperMissing: false } as const;

/** The file an error came from: set by the innermost partial it passed through. */
const FILE = Symbol('template file');
type TemplateError = Error & { lineNumber?: number; column?: number; [FILE]?: string };

/**
 * Compiles `file` with `helpers` and the partials found under each of `partialDirs` (later folders
 * shadow earlier ones).
 */
export function compileTemplate(file: string, partialDirs: readonly PartialDir[], helpers: Helpers): Render {
  // A user's --template goes through the same reader as plans: regular files only, with a byte cap.
  const source = readTextFile(file);
  // One process may render the same template many times (every export of a run, update's three renderings,
  // the tests): the template and its partials are compiled once while their files stay the same. The
  // helpers are given at each render (plan templates' helpers are made per rendering: they hold its schema).
  const key = JSON.stringify([file, partialDirs]);
  const partials = partialDirs.map((dir) => (typeof dir === 'string' ? { dir, prefix: '' } : dir));
  const files = partialFiles(partials);
  const signature = JSON.stringify([source, files.map((f) => [f.file, f.mtimeMs, f.size])]);
  let known = compiled.get(key);
  if (known?.signature !== signature) {
    const hbs = Handlebars.create();
    for (const f of files) hbs.registerPartial(f.name, inFile(hbs.compile(parse(hbs, readTextFile(f.file)), COMPILE_OPTIONS), f.file));
    known = { signature, hbs, template: undefined };
    // A long-running caller with endless templates (a test run's temporary folders) starts over rather than grow.
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, known);
  }
  const entry = known;
  return (context) => {
    try {
      entry.template ??= entry.hbs.compile(parse(entry.hbs, source), COMPILE_OPTIONS);
      return entry.template(context, { ...RUNTIME_OPTIONS, helpers });
    } catch (err) {
      // A helper that refuses the user's parameters (refuse) already says what is wrong, and where.
      if (!(err instanceof Error) || err instanceof PlanInputError) throw err;
      throw located(err as TemplateError, file);
    }
  };
}

const MAX_COMPILED = 64;
const compiled = new Map<string, { signature: string; hbs: typeof Handlebars; template: Handlebars.TemplateDelegate | undefined }>();

/** Handlebars reports "x" not defined, parse errors and helper errors that carry a line; the file is ours. */
function located(e: TemplateError, file: string): PlanInputError {
  // Handlebars appends its context and position ("in [object Object] - 11:33"): the location says it better.
  const message = e.message.split('\n')[0]!.replace(/ in (\[object Object\]|undefined)/, '').replace(/ - \d+:\d+$/, '');
  return PlanInputError.single(`template error: ${message}`, {
    location: { file: e[FILE] ?? file, line: e.lineNumber, column: e.column !== undefined ? e.column + 1 : undefined },
    hint: /not defined/.test(message) ? 'a partial sees only the values passed to it (name=value); every variable it uses must be passed' : undefined,
  });
}

/**
 * Parses a template. Under `explicitPartialContext`, Handlebars 4.7 compiles a dynamic partial without
 * a context argument (`{{> (statement db "backfill") table=table}}`) with its name and context swapped
 * ("The partial undefined could not be found"); an explicit null context, which the hash then fills,
 * is what it means.
 */
function parse(env: typeof Handlebars, source: string): hbs.AST.Program {
  const ast = env.parse(source);
  const visitor = new Handlebars.Visitor();
  const nullContext = (node: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement) => {
    if (node.name.type === 'SubExpression' && node.params.length === 0) {
      node.params.push({ type: 'NullLiteral', value: null, original: null, loc: node.loc } as unknown as hbs.AST.Expression);
    }
  };
  const visit = <T extends hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement>(base: (node: T) => unknown) => function (this: unknown, node: T) {
    nullContext(node);
    return base.call(this, node);
  };
  visitor.PartialStatement = visit(Handlebars.Visitor.prototype.PartialStatement);
  visitor.PartialBlockStatement = visit(Handlebars.Visitor.prototype.PartialBlockStatement);
  visitor.accept(ast);
  return ast;
}

/** `_partials/data/backfill.hbs` is the partial `data/backfill` (after the folder's prefix); later folders shadow earlier ones. */
function partialFiles(dirs: { dir: string; prefix: string }[]): { name: string; file: string; mtimeMs: number; size: number }[] {
  const out: { name: string; file: string; mtimeMs: number; size: number }[] = [];
  for (const { dir: root, prefix } of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(root, { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries.sort()) {
      if (!entry.endsWith('.hbs')) continue;
      const file = join(root, entry);
      const stat = statSync(file);
      if (!stat.isFile()) continue;
      out.push({ name: prefix + relative(root, file).slice(0, -'.hbs'.length).split(sep).join('/'), file, mtimeMs: stat.mtimeMs, size: stat.size });
    }
  }
  return out;
}

/** A compiled partial whose errors say they came from `file` (unless a partial inside it said so first). */
function inFile(partial: Handlebars.TemplateDelegate, file: string): Handlebars.TemplateDelegate {
  return (context, options) => {
    try {
      return partial(context, options);
    } catch (err) {
      if (err instanceof Error) (err as TemplateError)[FILE] ??= file;
      throw err;
    }
  };
}
