/**
 * Statements as text: the `:name` placeholders they use and the statement with values put in. Quoted
 * strings, quoted identifiers, comments and `::` casts are stepped over, so `'12:30'` and `x::int` are
 * not placeholders.
 */

/** The pieces of a statement: text to keep as it is, and placeholders. */
type Piece = { text: string } | { name: string };

const NAME = /^[a-z][a-z0-9_]*/;

function pieces(sql: string): Piece[] {
  const out: Piece[] = [];
  let plain = '';
  let i = 0;
  const skipTo = (end: string, from: number) => {
    const at = sql.indexOf(end, from);
    return at < 0 ? sql.length : at + end.length;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    let next = i + 1;
    if (c === "'" || c === '"' || c === '`') {
      // A doubled quote inside is an escaped quote: skipping to the next quote twice lands right.
      next = skipTo(c, i + 1);
    } else if (sql.startsWith('--', i)) {
      next = skipTo('\n', i);
    } else if (sql.startsWith('/*', i)) {
      next = skipTo('*/', i + 2);
    } else if (sql.startsWith('::', i)) {
      next = i + 2;
    } else if (c === ':') {
      const name = NAME.exec(sql.slice(i + 1))?.[0];
      if (name) {
        out.push({ text: plain }, { name });
        plain = '';
        i += 1 + name.length;
        continue;
      }
    }
    plain += sql.slice(i, next);
    i = next;
  }
  out.push({ text: plain });
  return out;
}

/** The placeholder names a statement uses, once each, in order. */
export function placeholdersIn(sql: string): string[] {
  return [...new Set(pieces(sql).flatMap((p) => ('name' in p ? [p.name] : [])))];
}

/** A value as an SQL literal: a number as it is, anything else quoted (quotes doubled). */
export function literal(value: string | number): string {
  if (typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(value)) return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

/** The statement with each placeholder replaced by its value as a literal; unknown names are kept. */
export function withValues(sql: string, values: Record<string, string | number>): string {
  return pieces(sql).map((p) => ('text' in p ? p.text : p.name in values ? literal(values[p.name]!) : `:${p.name}`)).join('');
}

/** One line, at most `width` characters: for tables. */
export function oneLine(sql: string, width = 60): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}
