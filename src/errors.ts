/**
 * Errors the user can act on. Every one carries a documented exit code and, where it comes from a
 * file, a location; the CLI prints them without a stack trace. Anything else thrown is a bug.
 */

/** The exit-code contract (README "Exit codes"). */
export const ExitCode = {
  /** Clean: the plan has no errors (warnings allowed). */
  ok: 0,
  /** The plan was read but has errors (cycles, unknown dependencies, wave order, …). */
  planErrors: 1,
  /** Bad usage or unreadable input: missing file, YAML syntax, schema violations, bad parameters. */
  badInput: 2,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface SourceLocation {
  file: string;
  /** 1-based; absent when the problem is about the file as a whole. */
  line?: number;
  column?: number;
  /** Field path inside the document, e.g. `tasks[3].depends[0]`. */
  path?: string;
}

export interface ErrorDetail {
  message: string;
  location?: SourceLocation;
  hint?: string;
}

export class PlanInputError extends Error {
  override readonly name = 'PlanInputError';
  constructor(
    readonly details: ErrorDetail[],
    readonly exitCode: ExitCodeValue = ExitCode.badInput,
  ) {
    super(details.map(formatDetail).join('\n'));
  }

  static single(message: string, opts: { location?: SourceLocation; hint?: string; exitCode?: ExitCodeValue } = {}) {
    return new PlanInputError([{ message, location: opts.location, hint: opts.hint }], opts.exitCode);
  }
}

/** `file:line:col: path: message` — the shape editors and CI annotators recognise. */
export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  let out = loc.file;
  if (loc.line !== undefined) out += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) out += `:${loc.column}`;
  if (loc.path) out += `: ${loc.path}`;
  return out;
}

export function formatDetail(detail: ErrorDetail): string {
  const where = formatLocation(detail.location);
  const hint = detail.hint ? `\n  hint: ${detail.hint}` : '';
  return `${where ? `${where}: ` : ''}${detail.message}${hint}`;
}

/** `['tasks', 3, 'depends', 0]` → `tasks[3].depends[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Closest candidate by edit distance, when it is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(2, Math.floor(word.length / 3));
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
