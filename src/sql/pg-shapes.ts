/**
 * PostgreSQL parse trees shared between statements of one shape. The templates write the same statements
 * once per table (`UPDATE t0 SET …`, `UPDATE t1 SET …`): parsing each through the WebAssembly parser was
 * most of `plan check` on large plans. PostgreSQL's grammar sees every identifier that is not a keyword
 * as the same token, so a text with its identifiers replaced by slot names (`UPDATE zz0 SET zz1 = …`)
 * parses to the same tree but for those names and positions: it is parsed once, and each text of that
 * shape gets a copy with its own names and positions put back.
 *
 * Only plain texts take this path: anything the small lexer here does not fully understand (comments,
 * dollar quotes, prefixed strings, non-ASCII, a slot name already in the text) is parsed as it is. A
 * shape is used only when every slot comes back as a whole string of the tree (an identifier the grammar
 * compared and dropped would not), and a shape that does not parse says nothing: its texts are parsed
 * one by one, so errors are the parser's own, at their own positions.
 */

/** Keys of libpg-query's trees that hold a position in the text (PostgreSQL 18). */
const POSITION_KEYS = new Set(['location', 'name_location', 'list_start', 'list_end', 'rexpr_list_start', 'rexpr_list_end', 'stmt_location']);
/** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1): such a word stays in the shape as it is. */
const MAX_IDENTIFIER = 63;
const SLOT = 'zz';
/** Shapes kept; a long-running process with endless distinct shapes starts over rather than grow. */
const MAX_SHAPES = 20_000;

type Parse = (text: string) => unknown[];
/** What a word is for PostgreSQL's lexer: asked once per word (in batches), then known. */
type Scan = (text: string) => { tokens?: { keywordKind: number }[] };

interface Slot {
  /** Start and end in the shape text, then in the original text. */
  shapeStart: number;
  shapeEnd: number;
  start: number;
  end: number;
  /** The identifier as the parser keeps it: unquoted names fold to lower case. */
  name: string;
}

interface Shape {
  text: string;
  slots: Slot[];
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const QUOTE = 39;
const DOUBLE_QUOTE = 34;

/**
 * The shape of a (placeholder-masked) statement text, or undefined when the text holds anything this
 * lexer does not read exactly as PostgreSQL's does.
 */
export function shapeOf(text: string, isKeyword: (words: string[]) => boolean[] | undefined): Shape | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[^\x09\x0a\x0d\x20-\x7e]|--|\/\*|\$|\\|zz/i.test(text)) return undefined;
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === DOUBLE_QUOTE) {
      // A string or a quoted identifier: part of the shape as written ('' and "" are doubled quotes).
      let end = i + 1;
      for (;;) {
        const close = text.indexOf(text[i]!, end);
        if (close < 0) return undefined;
        if (text.charCodeAt(close + 1) === c) end = close + 2;
        else {
          end = close + 1;
          break;
        }
      }
      i = end;
    } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      // A number (and whatever letters follow it, as in 1e5 or 0x1f): part of the shape.
      i++;
      while (i < n && (isLetter(text.charCodeAt(i)) || isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
    } else if (isLetter(c)) {
      let end = i + 1;
      while (end < n && (isLetter(text.charCodeAt(end)) || isDigit(text.charCodeAt(end)))) end++;
      // E'…', B'…', U&'…': a prefixed string, not an identifier and a string.
      if (text.charCodeAt(end) === QUOTE || text.charCodeAt(end) === 38) return undefined;
      if (end - i <= MAX_IDENTIFIER) {
        starts.push(i);
        ends.push(end);
      }
      i = end;
    } else {
      i++;
    }
  }
  const names = starts.map((start, k) => text.slice(start, ends[k]).toLowerCase());
  const keywords = isKeyword(names);
  if (!keywords) return undefined;
  const slots: Slot[] = [];
  let shape = '';
  let copied = 0;
  for (let k = 0; k < starts.length; k++) {
    if (keywords[k]) continue;
    shape += text.slice(copied, starts[k]);
    const slot = `${SLOT}${slots.length}`;
    slots.push({ shapeStart: shape.length, shapeEnd: shape.length + slot.length, start: starts[k]!, end: ends[k]!, name: names[k]! });
    shape += slot;
    copied = ends[k]!;
  }
  return { text: shape + text.slice(copied), slots };
}

/** A position in the shape text, moved to the same place in the original text. */
function originalPosition(slots: readonly Slot[], at: number): number {
  let shift = 0;
  for (const s of slots) {
    if (at < s.shapeStart) break;
    if (at < s.shapeEnd) return s.start + Math.min(at - s.shapeStart, s.end - s.start);
    shift = s.end - s.shapeEnd;
  }
  return at + shift;
}

/**
 * A shape's tree as JSON cut at its slot names and positions: a text's tree is the pieces joined with
 * its own names and positions, then JSON.parse (native, and a fresh tree for every text).
 */
interface TreeTemplate {
  pieces: string[];
  /** Between pieces[k] and pieces[k + 1]: slot index (>= 0), or -1 - position in the shape text. */
  holes: number[];
}

/** The template of a shape's tree, or undefined when a slot does not come back as a whole string of it (or a length would not move with the names). */
function templateOf(tree: unknown, slots: number): TreeTemplate | undefined {
  const pieces: string[] = [];
  const holes: number[] = [];
  const found = new Set<number>();
  let piece = '';
  let intact = true;
  const hole = (h: number) => {
    pieces.push(piece);
    holes.push(h);
    piece = '';
  };
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      const slot = /^zz(\d+)$/.exec(node);
      if (slot) {
        found.add(Number(slot[1]));
        hole(Number(slot[1]));
      } else {
        if (node.includes(SLOT)) intact = false;
        piece += JSON.stringify(node);
      }
    } else if (Array.isArray(node)) {
      piece += '[';
      node.forEach((n, k) => {
        if (k > 0) piece += ',';
        walk(n);
      });
      piece += ']';
    } else if (node !== null && typeof node === 'object') {
      piece += '{';
      let first = true;
      for (const [key, value] of Object.entries(node)) {
        // A length (a RawStmt's stmt_len) would not move with the names: no such shape is shared.
        if (key === 'stmt_len') intact = false;
        piece += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        if (typeof value === 'number' && POSITION_KEYS.has(key) && value >= 0) hole(-1 - value);
        else walk(value);
      }
      piece += '}';
    } else {
      piece += JSON.stringify(node);
    }
  };
  walk(tree);
  pieces.push(piece);
  return intact && found.size === slots ? { pieces, holes } : undefined;
}

function instantiate(template: TreeTemplate, shape: Shape): unknown {
  const { pieces, holes } = template;
  let json = pieces[0]!;
  for (let k = 0; k < holes.length; k++) {
    const h = holes[k]!;
    json += (h >= 0 ? JSON.stringify(shape.slots[h]!.name) : String(originalPosition(shape.slots, -1 - h))) + pieces[k + 1]!;
  }
  return JSON.parse(json);
}

/**
 * `parse` (libpg-query's, returning the statements' trees; throws on a syntax error) with trees shared
 * between texts of one shape. Same trees as `parse` of each text: test/sql/pg-shapes.test.ts compares.
 */
export function sharingShapes(parse: Parse, scan: Scan): Parse {
  const keyword = new Map<string, boolean>();
  const isKeyword = (words: string[]): boolean[] | undefined => {
    const unknown = [...new Set(words.filter((w) => !keyword.has(w)))];
    if (unknown.length > 0) {
      // Words with a digit are never keywords; the others are asked of PostgreSQL's own lexer, in one call.
      const ask = unknown.filter((w) => !/[0-9]/.test(w));
      for (const w of unknown) if (/[0-9]/.test(w)) keyword.set(w, false);
      if (ask.length > 0) {
        const tokens = scan(ask.join(' ')).tokens ?? [];
        if (tokens.length !== ask.length) return undefined;
        ask.forEach((w, k) => keyword.set(w, tokens[k]!.keywordKind !== 0));
      }
    }
    return words.map((w) => keyword.get(w)!);
  };
  /** A shape's tree, or null when its texts are parsed one by one. */
  const trees = new Map<string, TreeTemplate | null>();
  return (text) => {
    const shape = shapeOf(text, isKeyword);
    if (!shape || shape.slots.length === 0) return parse(text);
    let tree = trees.get(shape.text);
    if (tree === undefined) {
      if (trees.size >= MAX_SHAPES) trees.clear();
      try {
        tree = templateOf(parse(shape.text), shape.slots.length) ?? null;
      } catch {
        tree = null;
      }
      trees.set(shape.text, tree);
    }
    if (tree === null) return parse(text);
    return instantiate(tree, shape) as unknown[];
  };
}
