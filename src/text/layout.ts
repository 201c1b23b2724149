/**
 * Text laid out to the terminal's width: the one table layout every command's table uses, and word
 * wrapping for lines that are not tables. Cells wrap onto continuation lines instead of overflowing.
 */

/** What human output is laid out to when stdout is not a terminal and COLUMNS is not set. */
export const DEFAULT_WIDTH = 80;
/** Below this nothing reads; a COLUMNS of 5 is taken as this. */
const MIN_WIDTH = 40;

/** `COLUMNS` when set to a number, else the TTY's width, else 80. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  const width = fromEnv > 0 ? fromEnv : stream.isTTY && stream.columns ? stream.columns : DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, width);
}

/** Visible length: colour escapes take no columns. */
function visible(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** Words filled into lines of at most `width`; a word longer than a line is cut (an id, a path). */
export function wrap(text: string, columns: number): string[] {
  const width = Math.max(1, columns);
  const lines: string[] = [];
  let current = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (visible(word) > width) {
      const room = current ? width - visible(current) - 1 : width;
      if (room < Math.min(8, width)) {
        lines.push(current);
        current = '';
        continue;
      }
      lines.push(current ? `${current} ${word.slice(0, room)}` : word.slice(0, room));
      current = '';
      word = word.slice(room);
    }
    if (current && visible(current) + 1 + visible(word) > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  lines.push(current);
  return lines;
}

/**
 * A paragraph (or several lines) fitted to `width`: each line that is too long wraps, its continuation
 * lines indented by the line's own leading spaces plus `hang`.
 */
export function fitLines(text: string, width: number, hang = 2): string {
  return text.split('\n').map((line) => {
    if (visible(line) <= width) return line;
    const lead = line.length - line.trimStart().length;
    const first = wrap(line.trimStart(), width - lead);
    const indent = Math.min(lead + hang, Math.floor(width / 2));
    const [head = '', ...rest] = first;
    const more = wrap(rest.join(' '), width - indent);
    return [`${' '.repeat(lead)}${head}`, ...(rest.length ? more.map((m) => `${' '.repeat(indent)}${m}`) : [])].join('\n');
  }).join('\n');
}

export interface TableOptions {
  /** Column titles; with them, a rule of dashes under the header. */
  header?: readonly string[];
  /** The total width the table must fit. */
  width: number;
  /** Spaces before every line (the table's left margin). */
  indent?: number;
  /** Spaces between columns. */
  gap?: number;
  /** Right-aligned columns (numbers). */
  right?: readonly number[];
}

/** A row's cells, or a line of its own between rows (a note under the row above, wrapped to the width). */
export type TableRow = readonly string[] | string;

/**
 * Columns sized to their content; when the table is wider than `width`, the widest columns give up
 * room (down to their header or a few letters) and their cells wrap onto continuation lines.
 */
export function layoutTable(rows: readonly TableRow[], options: TableOptions): string {
  const { header, width, indent = 0, gap = 2, right = [] } = options;
  const cellRows = rows.filter((r): r is readonly string[] => typeof r !== 'string');
  const all = header ? [header, ...cellRows] : cellRows;
  const count = Math.max(0, ...all.map((r) => r.length));
  if (count === 0) return '';
  const natural = Array.from({ length: count }, (_, i) => Math.max(0, ...all.map((r) => visible(r[i] ?? ''))));
  // A column gives up room down to its header and its longest word (ids stay whole), capped so prose can still wrap.
  const longestWord = (i: number) => Math.max(0, ...cellRows.flatMap((r) => (r[i] ?? '').split(/\s+/).map(visible)));
  const floor = natural.map((n, i) => Math.min(n, Math.max(header ? visible(header[i] ?? '') : 0, Math.min(longestWord(i), 16), 6)));
  const room = width - indent - gap * (count - 1);
  // Still too wide: words are cut too, down to the headers.
  const hardFloor = natural.map((n, i) => Math.min(n, Math.max(header ? visible(header[i] ?? '') : 0, 4)));
  const widths = shrink(shrink(natural, floor, room), hardFloor, room);
  const margin = ' '.repeat(indent);
  const line = (cells: readonly string[]): string[] => {
    const wrapped = widths.map((w, i) => wrap(cells[i] ?? '', w));
    const height = Math.max(...wrapped.map((c) => c.length));
    return Array.from({ length: height }, (_, k) => (margin + wrapped.map((c, i) => {
      const text = c[k] ?? '';
      const pad = ' '.repeat(Math.max(0, widths[i]! - visible(text)));
      return right.includes(i) ? pad + text : i === count - 1 ? text : text + pad;
    }).join(' '.repeat(gap))).trimEnd());
  };
  const out = header ? [...line(header), margin + widths.map((w) => '-'.repeat(w)).join(' '.repeat(gap))] : [];
  for (const row of rows) out.push(typeof row === 'string' ? fitLines(row, width) : line(row).join('\n'));
  return out.join('\n');
}

/** Takes room from the widest column, one column at a time, until the total fits or nothing more can give. */
function shrink(natural: number[], floor: number[], room: number): number[] {
  const widths = [...natural];
  let excess = widths.reduce((a, b) => a + b, 0) - room;
  while (excess > 0) {
    let widest = -1;
    widths.forEach((w, i) => { if (w > floor[i]! && (widest < 0 || w > widths[widest]!)) widest = i; });
    if (widest < 0) break;
    const second = Math.max(floor[widest]!, ...widths.filter((_, i) => i !== widest));
    const take = Math.min(excess, Math.max(1, widths[widest]! - second), widths[widest]! - floor[widest]!);
    widths[widest] = widths[widest]! - take;
    excess -= take;
  }
  return widths;
}
