/**
 * Putting any task title into diagram languages so they always parse. Mermaid labels are quoted and
 * everything outside letters, digits and plain punctuation becomes a `#code;` entity (Mermaid's own
 * escape); DOT strings escape backslash and quote; long titles are cut and wrapped.
 */

/** A title cut to `max` characters (with an ellipsis) and without line breaks. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** Greedy word wrap; a word longer than the width is split. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ')) {
    while ([...word].length > width) {
      if (line) { lines.push(line); line = ''; }
      lines.push([...word].slice(0, width).join(''));
      word = [...word].slice(width).join('');
    }
    if (!word) continue;
    if (line && [...line].length + 1 + [...word].length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const MERMAID_PLAIN = /[\p{L}\p{N} .,:()_/+\-'?!=·×…*]/u;

/** Text for inside a Mermaid `"…"` label: every other character as `#code;`. */
export function mermaidText(text: string): string {
  let out = '';
  for (const ch of text) out += MERMAID_PLAIN.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

/** A DOT double-quoted string's content. */
export function dotText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n|\r/g, '\\n');
}

/**
 * Gantt task names end at `:` and a `#` or `;` can start a comment or statement, and Mermaid gantt
 * decodes no entities: those characters become their full-width look-alikes.
 */
export function ganttText(text: string): string {
  return shorten(text, 60).replace(/:/g, '∶').replace(/#/g, '＃').replace(/;/g, '；').replace(/%/g, '％');
}
