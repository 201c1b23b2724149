import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/export/shell.js';
import { tempDir } from '../helpers.js';
import { hostileString } from './hostile.js';

describe('shellQuote', () => {
  it('bash reads back exactly what was quoted, and runs none of it', () => {
    const dir = tempDir();
    fc.assert(fc.property(fc.array(hostileString, { minLength: 1, maxLength: 40 }), (values) => {
      const script = `printf '%s\\0' ${values.map(shellQuote).join(' ')}`;
      const r = spawnSync('bash', ['-c', script], { cwd: dir });
      expect(r.status).toBe(0);
      expect(r.stdout.toString('utf8').split('\0').slice(0, -1)).toEqual(values);
      expect(existsSync(join(dir, 'pwned'))).toBe(false);
    }), { seed: 17, numRuns: 100 });
  });

  it('quotes the empty string and refuses NUL', () => {
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});
