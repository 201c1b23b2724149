/**
 * Placeholders (`:tenant_id`, and a loop's `:from` and `:to`) are the plan's, not the engine's: before a
 * statement is parsed, each is found by a small lexer that knows the engine's strings, identifiers and
 * comments, and replaced by a number literal of the same length, so the parser's positions are the
 * statement's positions.
 *
 * Not placeholders: a `::` cast, `:=`, psql's `:'x'` and `:"x"` (no name follows the colon), anything
 * inside a string, a quoted identifier or a comment, and a colon right after a name, a quote or a
 * closing bracket (`a[lo:hi]`, a JavaScript `{"key":value}`).
 */
import type { Engine } from './engines.js';

export interface PlaceholderUse {
  name: string;
  /** Offset of the colon in the statement. */
  offset: number;
}

export interface Masked {
  /** The statement with every placeholder replaced by a literal of the same length. */
  text: string;
  uses: PlaceholderUse[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_$]/;
/** After these a colon belongs to what precedes it, not to a placeholder. */
const NOT_BEFORE = /[A-Za-z0-9_$'"`)\]:]/;

interface Lexicon {
  lineComments: string[];
  nestedComments: boolean;
  /** Quote characters and whether a backslash escapes inside them. */
  quotes: Record<string, boolean>;
  dollarQuotes: boolean;
}

const LEXICONS: Record<Engine, Lexicon> = {
  postgres: { lineComments: ['--'], nestedComments: true, quotes: { "'": false, '"': false }, dollarQuotes: true },
  mysql: { lineComments: ['--', '#'], nestedComments: false, quotes: { "'": true, '"': true, '`': false }, dollarQuotes: false },
  sqlite: { lineComments: ['--'], nestedComments: false, quotes: { "'": false, '"': false, '`': false, '[': false }, dollarQuotes: false },
  mongodb: { lineComments: ['//'], nestedComments: false, quotes: { "'": true, '"': true, '`': true }, dollarQuotes: false },
};

/** The closing character of a quote (SQLite's `[identifier]`). */
const CLOSER: Record<string, string> = { '[': ']' };

export function maskPlaceholders(text: string, engine: Engine): Masked {
  // Most statements have no colon before a name at all: nothing to lex.
  if (!/:[A-Za-z_]/.test(text)) return { text, uses: [] };
  const lex = LEXICONS[engine];
  const uses: PlaceholderUse[] = [];
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (lex.lineComments.some((m) => text.startsWith(m, i))) {
      i = endOfLine(text, i);
    } else if (text.startsWith('/*', i)) {
      i = endOfBlockComment(text, i, lex.nestedComments);
    } else if (c in lex.quotes) {
      // PostgreSQL's E'…' strings take backslash escapes; its standard strings do not.
      const escapes = lex.quotes[c]! || (engine === 'postgres' && c === "'" && /[Ee]/.test(text[i - 1] ?? '') && !NAME_PART.test(text[i - 2] ?? ''));
      i = endOfQuoted(text, i, CLOSER[c] ?? c, escapes);
    } else if (lex.dollarQuotes && c === '$' && !NAME_PART.test(text[i - 1] ?? '')) {
      i = endOfDollarQuoted(text, i);
    } else if (c === ':' && text[i + 1] === ':') {
      i += 2;
    } else if (c === ':' && NAME_START.test(text[i + 1] ?? '') && !NOT_BEFORE.test(text[i - 1] ?? '')) {
      let end = i + 2;
      while (end < text.length && /[A-Za-z0-9_]/.test(text[end]!)) end++;
      uses.push({ name: text.slice(i + 1, end), offset: i });
      out += text.slice(copied, i) + '1'.padEnd(end - i, '0');
      copied = i = end;
    } else {
      i++;
    }
  }
  return { text: copied === 0 ? text : out + text.slice(copied), uses };
}

function endOfLine(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end + 1;
}

function endOfBlockComment(text: string, i: number, nested: boolean): number {
  let depth = 0;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth = nested ? depth + 1 : 1;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  return i;
}

/** Past the closing quote; a doubled quote is the quote itself. An unclosed quote runs to the end (the parser says so). */
function endOfQuoted(text: string, i: number, close: string, escapes: boolean): number {
  i++;
  while (i < text.length) {
    const c = text[i]!;
    if (escapes && c === '\\') i += 2;
    else if (c === close && text[i + 1] === close) i += 2;
    else if (c === close) return i + 1;
    else i++;
  }
  return i;
}

/** `$tag$ … $tag$` (the tag may be empty); a `$1` parameter is not a quote. */
function endOfDollarQuoted(text: string, i: number): number {
  const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 65))?.[0];
  if (!tag) return i + 1;
  const end = text.indexOf(tag, i + tag.length);
  return end < 0 ? text.length : end + tag.length;
}
