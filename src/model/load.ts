/**
 * The boundary where text becomes a Plan: YAML is parsed, validated against the zod schema, and every
 * problem is reported with file, line, column and field path.
 *
 * Two parsers, one authority. The `yaml` package keeps every position and decides every error, but
 * takes 10 s on a 100k-task plan (bench/). So a plan is first read by the fast parsers (JSON.parse for
 * JSON, js-yaml with the YAML 1.2 core schema otherwise); only when that fails, when the text uses
 * anchors or aliases (the alias limit below guards those), or when a message needs a position, does
 * `yaml` parse it.
 */
import { createRequire } from 'node:module';
import jsYaml from 'js-yaml';
import type { Document, LineCounter, Node } from 'yaml';
import type { z } from 'zod';
import { didYouMean, ExitCode, formatPath, PlanInputError, type ErrorDetail, type SourceLocation } from '../errors.js';
import { EpicSchema, PhaseSchema, PlanSchema, TaskSchema, type Plan } from './schema.js';

/** Resolves a field path (`['tasks', 3, 'depends', 0]`) to where it stands in the source. */
export type Locator = (path: readonly PropertyKey[], options?: LocateOptions) => SourceLocation;

export interface LocateOptions {
  /** At the key rather than the value. */
  atKey?: boolean;
  /** A position inside the value's text (1-based line and column), such as where a statement's parser stopped. */
  within?: { line: number; column: number };
}

export interface LoadedPlan {
  plan: Plan;
  locate: Locator;
}

/** The `yaml` package, loaded on first need: a plan that parses cleanly never pays for it at start-up. */
let yamlModule: typeof import('yaml') | undefined;
export function yaml(): typeof import('yaml') {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlModule;
}

/** Aliases expand to at most this many nodes: a "billion laughs" document fails fast. */
const MAX_ALIAS_COUNT = 100;

export interface ParsedYaml {
  data: unknown;
  locate: Locator;
}

/**
 * An anchor (`&a`) or alias (`*a`) where a node can start: at a line's start (after indentation and `- `
 * or `? `), after `:`, `- ` or `? `, after `[`, `{` or `,`, or after a tag. Such documents always go
 * through the careful parser, which caps alias expansion. `&&` inside a command (`psql … && psql …`,
 * in every plan that names a migration framework) is not one: matching it sent every plan there, the
 * whole parse several times slower.
 */
const ANCHOR_OR_ALIAS = /(?:^[ \t]*(?:[-?][ \t]+)*|:[ \t]*|[-?][ \t]+|[[{,][ \t]*|![^\s]*[ \t]+)[&*][^\s[\]{},]/m;
export const hasAnchorOrAlias = (text: string): boolean => ANCHOR_OR_ALIAS.test(text);

/** Parses YAML (or JSON) text; throws a located PlanInputError on syntax errors. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const fast = parseFast(text);
  if (fast) return { data: fast.data, locate: lazyLocator(text, file) };
  return parseWithPositions(text, file);
}

function parseFast(text: string): { data: unknown } | undefined {
  if (/^\s*[{[]/.test(text)) {
    try {
      return { data: JSON.parse(text) };
    } catch {
      // Not JSON after all: YAML flow style, or an error for the careful parser to locate.
    }
  }
  if (hasAnchorOrAlias(text)) return undefined;
  try {
    return { data: jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA }) };
  } catch {
    return undefined;
  }
}

/** Positions are needed only for messages: parse with `yaml` on the first lookup. */
function lazyLocator(text: string, file: string): Locator {
  let locate: Locator | undefined;
  return (path, options) => {
    if (!locate) {
      const { LineCounter, parseDocument } = yaml();
      const lineCounter = new LineCounter();
      locate = makeLocator(parseDocument(text, { lineCounter }), lineCounter, file, text);
    }
    return locate(path, options);
  };
}

function parseWithPositions(text: string, file: string): ParsedYaml {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const errors = doc.errors;
  if (errors.length > 0) {
    throw new PlanInputError(
      errors.slice(0, 10).map((e): ErrorDetail => {
        const pos = lineCounter.linePos(e.code === 'MISSING_CHAR' ? openingQuote(text, e.pos[0]) ?? e.pos[0] : e.pos[0]);
        // The parser recurses per nesting level; a pathological depth ends its stack, not ours.
        if (/Maximum call stack/.test(e.message)) return { message: 'YAML nested too deeply to read', location: { file }, hint: 'a plan is a few levels deep; this input is not a plan' };
        return {
          message: `YAML syntax error: ${e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '')}`,
          location: { file, line: pos.line, column: pos.col },
          hint: yamlHint(e.code),
        };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // yaml throws a ReferenceError for excessive aliasing; anything else here is a bug, so rethrow it.
    if (err instanceof Error && /alias/i.test(err.message)) {
      throw PlanInputError.single(`YAML rejected: ${err.message}`, { location: { file } });
    }
    throw err;
  }
  return { data, locate: makeLocator(doc, lineCounter, file, text) };
}

/** Parses and validates plan text. `file` names the source in messages. */
export function parsePlan(text: string, file: string): LoadedPlan {
  const { data, locate } = parseYaml(text, file);
  if (data === null || data === undefined) {
    throw PlanInputError.single('the file is empty; a plan needs `version`, `epic`, `phases` and `tasks`', {
      location: { file },
    });
  }
  const result = PlanSchema.safeParse(data);
  if (!result.success) throw schemaError(result.error, locate, unknownFieldHint);
  return { plan: result.data, locate };
}

/** Converts zod issues into located details; the first 20 are enough to act on. */
export function schemaError(
  error: z.ZodError,
  locate: Locator,
  hintForUnknownField?: (key: string, path: readonly PropertyKey[]) => string,
): PlanInputError {
  const details: ErrorDetail[] = [];
  for (const issue of error.issues.slice(0, 20)) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const location = locate([...issue.path, key], { atKey: true });
        details.push({
          message: `unknown field "${key}"`,
          location: { ...location, path: formatPath([...issue.path, key]) },
          hint: hintForUnknownField?.(key, issue.path),
        });
      }
      continue;
    }
    const location = locate(issue.path);
    details.push({ message: issueMessage(issue), location: { ...location, path: formatPath(issue.path) || '(root)' } });
  }
  return new PlanInputError(details, ExitCode.badInput);
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return `is required (expected ${issue.expected})`;
  }
  return issue.message;
}

const KNOWN_FIELDS: Record<string, string[]> = {
  task: Object.keys(TaskSchema.shape),
  epic: Object.keys(EpicSchema.shape),
  phase: Object.keys(PhaseSchema.shape),
  root: Object.keys(PlanSchema.shape),
};

function unknownFieldHint(key: string, path: readonly PropertyKey[]): string {
  const where = path[0] === 'tasks' ? 'task' : path[0] === 'phases' ? 'phase' : path[0] === 'epic' ? 'epic' : 'root';
  // A status written flat where the plan keeps it in one block: say where it goes.
  if (where === 'task' && path.length === 2 && /^status/.test(key)) return 'a task\'s status goes under `state:` (status, at, by, note); plan done FILE ID writes it';
  const known = KNOWN_FIELDS[where] ?? [];
  const guess = didYouMean(key, known);
  return guess ? `did you mean "${guess}"?` : `known fields: ${known.join(', ')}`;
}

/**
 * `yaml` reports an unclosed quote where the text ends; the useful place is where the quote opened:
 * the last quote before `offset` that starts a scalar (after `key: `, `- `, `[`, `,` or indentation).
 */
function openingQuote(text: string, offset: number): number | undefined {
  let found: number | undefined;
  for (const m of text.slice(0, offset).matchAll(/(?:^[ \t]*|[:\-[{,][ \t]*)(["'])/gm)) found = m.index + m[0].length - 1;
  return found;
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'a key may appear only once in a mapping';
    case 'TAB_AS_INDENT':
      return 'YAML indents with spaces, not tabs';
    case 'MISSING_CHAR':
      return 'this quoted string is never closed: add the closing quote';
    default:
      return undefined;
  }
}

function makeLocator(doc: Document, lineCounter: LineCounter, file: string, text: string): Locator {
  const { isMap, isPair, isScalar } = yaml();
  return (path, options = {}) => {
    // Walk down as far as the path exists; a missing field is reported at its parent.
    let node: unknown = doc.contents;
    let best: Node | undefined = doc.contents ?? undefined;
    for (const key of path) {
      if (!node || typeof node !== 'object' || !('get' in node)) break;
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) break;
        // A key with an empty value is shown at the key, and so is an unknown key.
        const last = key === path[path.length - 1];
        next = (last && options.atKey) || !pair.value ? pair.key : pair.value;
      } else {
        next = (node as { get(k: unknown, keep: boolean): unknown }).get(key, true);
      }
      if (!next || typeof next !== 'object') break;
      node = next;
      best = next as Node;
    }
    const offset = best?.range?.[0];
    if (offset === undefined) return { file };
    const pos = lineCounter.linePos(offset);
    const inside = options.within && isScalar(best) ? insideScalar(best, pos, options.within, text, lineCounter) : undefined;
    return { file, ...(inside ?? { line: pos.line, column: pos.col }) };
  };
}

/**
 * Where a position inside a scalar's value stands in the file, when the value is the source text as it
 * is: a literal block (`|`, one source line per value line, less the block's indentation) or a scalar on
 * one line (plain, or quoted: one character for the quote). Folded and escaped text is not mapped.
 */
function insideScalar(
  node: import('yaml').Scalar,
  start: { line: number; col: number },
  within: { line: number; column: number },
  text: string,
  lineCounter: LineCounter,
): { line: number; column: number } | undefined {
  const [from, to] = node.range ?? [0, 0];
  if (node.type === 'BLOCK_LITERAL') {
    const line = start.line + within.line;
    const lineStart = lineCounter.lineStarts[line - 1];
    if (lineStart === undefined) return undefined;
    const indent = /^ */.exec(text.slice(lineStart, lineStart + 200))![0].length;
    return { line, column: indent + within.column };
  }
  if (within.line !== 1 || text.slice(from, to).includes('\n')) return undefined;
  const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  return { line: start.line, column: start.col + quote + within.column - 1 };
}
