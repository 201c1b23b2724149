/**
 * What a column of the plan's recorded schema holds, read from its type as the engine writes it
 * (`character varying(120)`, `decimal(12,2)`, `int(10) unsigned`, `enum('a','b')`, `TEXT`): enough to
 * seed values the column accepts, its edge values included (the longest is exactly as long as the type
 * allows, the largest number as large).
 */
import type { EngineName } from './driver.js';

export type ColumnKind =
  | { kind: 'integer'; min: bigint; max: bigint }
  /** numeric(p,s): `max` is the largest value, as a literal (9999999999.99). */
  | { kind: 'decimal'; max: string }
  | { kind: 'float' }
  /** `length`: at most this many characters (absent: unbounded). */
  | { kind: 'text'; length?: number }
  | { kind: 'boolean' }
  | { kind: 'date' }
  /** `max`: the latest value the type holds (MySQL's TIMESTAMP ends in 2038). */
  | { kind: 'timestamp'; max: string }
  | { kind: 'time' }
  | { kind: 'year' }
  | { kind: 'uuid' }
  | { kind: 'json' }
  | { kind: 'binary'; length?: number }
  /** One of a fixed list: MySQL's enum and set, or a text column a CHECK holds to a list of literals. */
  | { kind: 'member'; members: string[] }
  /** A type with no seed of its own (interval, inet, arrays…): `literal` when one is known, otherwise NULL or the default. */
  | { kind: 'other'; literal?: string };

/** Unbounded text gets values up to this long (as the inferred schema's VARCHAR(255)). */
export const UNBOUNDED_TEXT = 255;

const INTEGERS: [RegExp, number][] = [
  [/^(tinyint|int1)\b/, 8], [/^(smallint|int2|smallserial|serial2)\b/, 16], [/^mediumint\b/, 24],
  [/^(bigint|int8|bigserial|serial8)\b/, 64], [/^(integer|int|int4|serial|serial4)\b/, 32],
];

/** A few PostgreSQL types with a literal every value of them accepts. */
const OTHER_LITERALS: [RegExp, string][] = [
  [/^inet\b|^cidr\b/, "'10.0.0.1'"], [/^macaddr/, "'08:00:2b:01:02:03'"], [/^interval\b/, "'1 day'"], [/^money\b/, "'1.00'"],
  [/^tsvector\b/, "'word'"], [/^xml\b/, "'<a/>'"], [/^point\b/, "'(0,0)'"], [/^(int4|int8|num|ts|tstz|date)range\b/, "'empty'"],
];

/** The quoted members of `enum('a','b')` (quotes doubled inside). */
export function quotedLiterals(text: string): string[] {
  return [...text.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"));
}

export function columnKind(engine: EngineName, type: string): ColumnKind {
  const t = type.trim().toLowerCase();
  const args = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(t);
  if (/^(enum|set)\s*\(/.test(t)) return { kind: 'member', members: quotedLiterals(type) };
  // An array of anything (PostgreSQL): the empty one.
  if (/\[\d*\]$|^_/.test(t)) return { kind: 'other', literal: "'{}'" };
  if (engine === 'mysql' && /^tinyint\s*\(\s*1\s*\)/.test(t)) return { kind: 'boolean' };
  for (const [re, declared] of INTEGERS) {
    if (!re.test(t)) continue;
    // SQLite stores every integer in up to 8 bytes, whatever the declared type.
    const bits = engine === 'sqlite' ? 64 : declared;
    if (/\bunsigned\b/.test(t)) return { kind: 'integer', min: 0n, max: (1n << BigInt(bits)) - 1n };
    return { kind: 'integer', min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n };
  }
  if (/^(numeric|decimal|dec|fixed)\b/.test(t)) {
    // No precision: PostgreSQL's numeric is unbounded, MySQL's decimal is decimal(10,0).
    const [p, s] = args ? [Number(args[1]), Number(args[2] ?? 0)] : engine === 'mysql' ? [10, 0] : [18, 2];
    const digits = '9'.repeat(Math.max(p - s, 1));
    return { kind: 'decimal', max: s > 0 ? `${p > s ? digits : '0'}.${'9'.repeat(s)}` : digits };
  }
  if (/^(real|double|float|float4|float8)\b/.test(t)) return { kind: 'float' };
  if (/^(boolean|bool)\b/.test(t)) return { kind: 'boolean' };
  if (/^uuid\b/.test(t)) return { kind: 'uuid' };
  if (/^jsonb?\b/.test(t)) return { kind: 'json' };
  if (/^(bytea|blob|tinyblob|mediumblob|longblob|binary|varbinary)\b/.test(t)) {
    return { kind: 'binary', length: args ? Number(args[1]) : /^tinyblob/.test(t) ? 255 : undefined };
  }
  if (/^year\b/.test(t)) return { kind: 'year' };
  if (/^date$/.test(t)) return { kind: 'date' };
  if (/^(timestamp|datetime)\b/.test(t)) return { kind: 'timestamp', max: engine === 'mysql' && /^timestamp/.test(t) ? '2038-01-19 03:14:07' : '9999-12-31 23:59:59' };
  if (/^time\b/.test(t)) return { kind: 'time' };
  if (/^(character varying|varchar|nvarchar|varchar2|character|char|nchar|bpchar|native character|varying character)\b/.test(t)) {
    // char without a length is char(1).
    return { kind: 'text', length: args ? Number(args[1]) : /^(character|char|nchar|bpchar)$/.test(t) ? 1 : undefined };
  }
  if (/^tinytext\b/.test(t)) return { kind: 'text', length: 255 };
  if (/^(text|mediumtext|longtext|clob|string|citext|name)\b/.test(t)) return { kind: 'text' };
  if (engine === 'sqlite') return sqliteAffinity(t);
  const literal = OTHER_LITERALS.find(([re]) => re.test(t))?.[1];
  return literal ? { kind: 'other', literal } : { kind: 'other' };
}

/** SQLite takes any type name; its affinity rules say what the column holds. */
function sqliteAffinity(t: string): ColumnKind {
  if (t === '') return { kind: 'text' };
  if (/int/.test(t)) return { kind: 'integer', min: -(1n << 63n), max: (1n << 63n) - 1n };
  if (/char|clob|text/.test(t)) return { kind: 'text' };
  if (/real|floa|doub/.test(t)) return { kind: 'float' };
  if (/blob/.test(t)) return { kind: 'binary' };
  return { kind: 'decimal', max: '999999999999' };
}
