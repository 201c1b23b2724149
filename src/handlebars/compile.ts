/**
 * The one Handlebars set-up, for plan templates and tracker dialects alike: strict mode (an unknown
 * variable is an error, not an empty string), no HTML escaping (the output is YAML, shell, CSV or
 * Markdown, never HTML), no prototype access, the shared helpers, and partials from folders.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import { PlanInputError } from '../errors.js';
import { helpers } from '../templates/helpers.js';

export type Render = (context: object) => string;

/** Compiles `file` with the partials found under each of `partialDirs` (later folders shadow earlier ones). */
export function compileTemplate(file: string, partialDirs: readonly string[]): Render {
  const hbs = Handlebars.create();
  hbs.registerHelper(helpers);
  for (const dir of partialDirs) registerPartials(hbs, dir);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    throw PlanInputError.single('cannot read the template', { location: { file } });
  }
  return (context) => {
    try {
      return hbs.compile(source, { strict: true, noEscape: true })(context, {
        allowProtoPropertiesByDefault: false,
        allowProtoMethodsByDefault: false,
        allowCallsToHelperMissing: false,
      });
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      // Handlebars reports "x" not defined, parse errors, helper errors and missing partials with a line.
      const e = err as Error & { lineNumber?: number; column?: number };
      // Handlebars appends its context and position ("in [object Object] - 11:33"): the location says it better.
      const message = e.message.split('\n')[0]!.replace(/ in \[object Object\]/, '').replace(/ - \d+:\d+$/, '');
      throw PlanInputError.single(`template error: ${message}`, {
        location: { file, line: e.lineNumber, column: e.column !== undefined ? e.column + 1 : undefined },
        hint: 'the line may be in this file or in a partial it includes; every variable must exist in the context',
      });
    }
  };
}

/** `_partials/data/backfill.hbs` is the partial `data/backfill`. */
function registerPartials(hbs: typeof Handlebars, root: string): void {
  let entries: string[];
  try {
    entries = readdirSync(root, { recursive: true }) as string[];
  } catch {
    return;
  }
  for (const entry of entries.sort()) {
    const file = join(root, entry);
    if (!entry.endsWith('.hbs') || !statSync(file).isFile()) continue;
    const name = relative(root, file).slice(0, -'.hbs'.length).split(sep).join('/');
    hbs.registerPartial(name, readFileSync(file, 'utf8'));
  }
}
