import { describe, expect, it } from 'vitest';
import { diffFields } from '../../src/diff/fields.js';

describe('diffFields', () => {
  it('lists of named things are matched by name, then compared field by field', () => {
    const before = { tables: [{ name: 'users', columns: [{ name: 'id', type: 'int' }] }, { name: 'orders', columns: [] }] };
    const after = { tables: [{ name: 'orders', columns: [] }, { name: 'users', columns: [{ name: 'id', type: 'bigint' }, { name: 'email', type: 'text' }] }] };
    expect(diffFields(before, after)).toEqual([
      { field: 'tables[users].columns', kind: 'list', added: [{ name: 'email', type: 'text' }], removed: [], reordered: false },
      { field: 'tables[users].columns[id].type', kind: 'value', before: 'int', after: 'bigint' },
    ]);
  });

  it('plain lists are multisets: a repeated item counts each time', () => {
    expect(diffFields({ acceptance: ['a', 'a', 'b'] }, { acceptance: ['b', 'a', 'b'] })).toEqual([
      { field: 'acceptance', kind: 'list', added: ['b'], removed: ['a'], reordered: false },
    ]);
    expect(diffFields({ acceptance: ['a', 'b'] }, { acceptance: ['b', 'a'] })).toEqual([]);
  });

  it('an absent field is null; keys come in the plan model\'s order, then sorted; skipped keys are left out', () => {
    expect(diffFields({ id: 'T1', zeta: 1, title: 'a' }, { id: 'T2', title: 'b', estimate: '4h', alpha: 2 }, new Set(['id']))).toEqual([
      { field: 'title', kind: 'value', before: 'a', after: 'b' },
      { field: 'estimate', kind: 'value', before: null, after: '4h' },
      { field: 'alpha', kind: 'value', before: null, after: 2 },
      { field: 'zeta', kind: 'value', before: 1, after: null },
    ]);
  });

  it('statements in another order are a change; key order inside an object is not', () => {
    const up = ['SELECT 1', { run: 'SELECT 2', transaction: false }];
    expect(diffFields({ sql: { up } }, { sql: { up: [...up].reverse() } })).toEqual([
      { field: 'sql.up', kind: 'list', added: [], removed: [], reordered: true },
    ]);
    expect(diffFields({ sql: { up } }, { sql: { up: ['SELECT 1', { transaction: false, run: 'SELECT 2' }] } })).toEqual([]);
  });
});
