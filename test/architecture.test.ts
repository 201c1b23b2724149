/**
 * Dependencies point one way: every import in src/ and commands/ goes to a lower layer or stays in its
 * own folder (scripts/layout.ts says which layer each folder is in). Commands import only the
 * application layer and the CLI helpers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeFolders, layerOf, LAYOUT, undescribed } from '../scripts/layout.js';
import { ROOT } from './helpers.js';

interface Import { from: string; to: string; line: number }

/** Relative imports of every .ts file in the code folders (static, dynamic and `export … from`). */
function imports(): Import[] {
  const out: Import[] = [];
  for (const folder of codeFolders()) {
    for (const name of readdirSync(join(ROOT, folder)).filter((n) => n.endsWith('.ts'))) {
      const file = `${folder}/${name}`;
      readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((text, i) => {
        for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/g)) {
          const target = relative(ROOT, join(ROOT, dirname(file), m[1]!)).replace(/\.js$/, '.ts');
          out.push({ from: file, to: target, line: i + 1 });
        }
      });
    }
  }
  return out;
}

/** Which room an import points into, or why it breaks the layers. */
export function violation({ from, to }: Import): string | undefined {
  const source = layerOf(dirname(from));
  const target = layerOf(dirname(to));
  if (!source) return `${from} is in no layer (add its folder to scripts/layout.ts)`;
  if (!target) return `${to} is in no layer`;
  if (source.room === target.room) return undefined;
  if (source.room === 'commands' && !['src/app', 'src/cli'].includes(target.room)) return `commands import only src/app and src/cli, not ${target.room}`;
  if (target.layer > source.layer) return `points up: ${source.room} (layer ${source.layer}) → ${target.room} (layer ${target.layer})`;
  if (target.layer === source.layer) return `points sideways: ${source.room} → ${target.room} (both layer ${source.layer})`;
  return undefined;
}

describe('layers', () => {
  const all = imports();

  it('finds the imports it judges', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((i) => i.from === 'commands/check.ts' && i.to === 'src/app/check.ts')).toBe(true);
    expect(all.some((i) => i.from.startsWith('src/app/') && i.to === 'src/check/pipeline.ts')).toBe(true);
  });

  it('every import points down or stays in its folder', () => {
    const bad = all.flatMap((i) => {
      const why = violation(i);
      return why ? [`${i.from}:${i.line} imports ${i.to}: ${why}`] : [];
    });
    expect(bad).toEqual([]);
  });

  it('judges an upward, a sideways and a command import as wrong', () => {
    expect(violation({ from: 'src/model/load.ts', to: 'src/app/new.ts', line: 1 })).toMatch(/points up/);
    expect(violation({ from: 'src/text/check.ts', to: 'src/diagram/ascii.ts', line: 1 })).toMatch(/sideways/);
    expect(violation({ from: 'commands/check.ts', to: 'src/rules/config.ts', line: 1 })).toMatch(/commands import only/);
    expect(violation({ from: 'src/app/check.ts', to: 'src/check/pipeline.ts', line: 1 })).toBeUndefined();
  });

  it('no two folders of src/ import each other (no folder cycle)', () => {
    const edges = new Set(all.map((i) => `${layerOf(dirname(i.from))?.room}>${layerOf(dirname(i.to))?.room}`));
    const cycles = [...edges].map((e) => e.split('>')).filter(([a, b]) => a !== b && edges.has(`${b}>${a}`));
    expect(cycles).toEqual([]);
  });

  it('every folder is described in the layout, and every described code folder exists', () => {
    expect(undescribed()).toEqual([]);
    const folders = new Set(codeFolders());
    expect(LAYOUT.filter((r) => r.layer !== undefined && !folders.has(r.path)).map((r) => r.path)).toEqual([]);
  });
});
