/**
 * A small highlighter for the report's code blocks: keywords, strings, comments, numbers and
 * placeholders become `<span class="…">`; every character of the code is HTML-escaped, inside a span
 * or not, so a statement can hold any text. It only colours: an unknown construct is plain text.
 */
import type { CodeLanguage } from '../outline/statements.js';

const SQL_KEYWORDS = new Set(`
add all alter and as asc begin between by cascade case check column commit concurrently constraint create cross current_schema
default delete desc distinct do drop else end exists false foreign from full grant group having if in index inner insert into is
join key left like limit not nothing null on or order outer policy primary references rename replace restrict returning revoke
right rollback row security select set table then to transaction trigger true truncate type union unique update using
valid validate values view when where with`.trim().split(/\s+/));

const JS_KEYWORDS = new Set(`async await break case catch const continue default delete do else false for function if in let new
null of return switch this throw true try typeof undefined var while`.split(/\s+/));

/** Text as HTML: the five characters that could open markup or end an attribute. */
export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

interface Token { kind?: 'kw' | 'str' | 'com' | 'num' | 'ph'; text: string }

/** A sticky pattern's match at `i` (sticky: no copy of the rest of the code per character). */
function at(pattern: RegExp, code: string, i: number): string | undefined {
  pattern.lastIndex = i;
  return pattern.exec(code)?.[0];
}

const DOLLAR_QUOTE = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;
const NUMBER = /\d+(\.\d+)?/y;
const PLACEHOLDER = /:[A-Za-z_][A-Za-z0-9_]*/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Where a token starting at `i` ends (exclusive), and its kind (none for a plain word); undefined for a plain character. */
function scan(code: string, i: number, language: CodeLanguage): { end: number; kind: Token['kind'] } | undefined {
  const c = code[i]!;
  const untilFound = (text: string, from: number, extra: number) => {
    const found = code.indexOf(text, from);
    return found < 0 ? code.length : found + extra;
  };
  if (code.startsWith(language === 'js' ? '//' : '--', i)) return { end: untilFound('\n', i, 0), kind: 'com' };
  if (code.startsWith('/*', i)) return { end: untilFound('*/', i + 2, 2), kind: 'com' };
  const dollar = language === 'sql' ? at(DOLLAR_QUOTE, code, i) : undefined;
  if (dollar) return { end: untilFound(dollar, i + dollar.length, dollar.length), kind: 'str' };
  if ((language === 'js' ? `'"\`` : `'`).includes(c)) {
    let j = i + 1;
    while (j < code.length) {
      if (language === 'js' && code[j] === '\\') j += 2;
      else if (code[j] !== c) j++;
      // SQL doubles a quote to escape it.
      else if (language === 'sql' && code[j + 1] === c) j += 2;
      else return { end: j + 1, kind: 'str' };
    }
    return { end: code.length, kind: 'str' };
  }
  const previous = i > 0 ? code[i - 1]! : ' ';
  if (/[A-Za-z0-9_$]/.test(previous)) return undefined;
  const number = at(NUMBER, code, i);
  if (number) return { end: i + number.length, kind: 'num' };
  // `:name`, not a `::` cast.
  const placeholder = previous !== ':' ? at(PLACEHOLDER, code, i) : undefined;
  if (placeholder) return { end: i + placeholder.length, kind: 'ph' };
  const word = at(WORD, code, i);
  if (!word) return undefined;
  const keyword = language === 'js' ? JS_KEYWORDS.has(word) : SQL_KEYWORDS.has(word.toLowerCase());
  return { end: i + word.length, kind: keyword ? 'kw' : undefined };
}

export function tokens(code: string, language: CodeLanguage): Token[] {
  const out: Token[] = [];
  let plain = '';
  let i = 0;
  while (i < code.length) {
    const hit = scan(code, i, language);
    if (!hit) {
      plain += code[i];
      i++;
      continue;
    }
    if (!hit.kind) {
      plain += code.slice(i, hit.end);
    } else {
      if (plain) out.push({ text: plain });
      plain = '';
      out.push({ kind: hit.kind, text: code.slice(i, hit.end) });
    }
    i = hit.end;
  }
  if (plain) out.push({ text: plain });
  return out;
}

/** The code as escaped HTML with highlight spans. */
export function highlight(code: string, language: CodeLanguage): string {
  return tokens(code, language).map((t) => (t.kind ? `<span class="${t.kind}">${escapeHtml(t.text)}</span>` : escapeHtml(t.text))).join('');
}
