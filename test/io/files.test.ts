import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { readTextFile, writeFileAtomic } from '../../src/io/files.js';
import { tempDir } from '../helpers.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, renameSync: vi.fn(real.renameSync), writeSync: vi.fn(real.writeSync) };
});

afterEach(() => vi.restoreAllMocks());

describe('writeFileAtomic', () => {
  it('writes a new file and leaves no temporary file', () => {
    const dir = tempDir();
    writeFileAtomic(join(dir, 'p.yaml'), 'hello\n');
    expect(fs.readFileSync(join(dir, 'p.yaml'), 'utf8')).toBe('hello\n');
    expect(fs.readdirSync(dir)).toEqual(['p.yaml']);
  });

  it('refuses to replace an existing file without force', () => {
    const dir = tempDir();
    fs.writeFileSync(join(dir, 'p.yaml'), 'mine\n');
    expect(() => writeFileAtomic(join(dir, 'p.yaml'), 'new\n')).toThrow(/already exists; not overwritten/);
    expect(fs.readFileSync(join(dir, 'p.yaml'), 'utf8')).toBe('mine\n');
  });

  it.each([
    ['the write', () => vi.mocked(fs.writeSync).mockImplementationOnce(() => { throw Object.assign(new Error('disk full'), { code: 'ENOSPC' }); })],
    ['the rename', () => vi.mocked(fs.renameSync).mockImplementationOnce(() => { throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' }); })],
  ])('a failure in %s leaves the previous file intact and no temporary file behind', (_, inject) => {
    const dir = tempDir();
    fs.writeFileSync(join(dir, 'p.yaml'), 'previous\n');
    inject();
    expect(() => writeFileAtomic(join(dir, 'p.yaml'), 'half-written\n', { force: true })).toThrow(PlanInputError);
    expect(fs.readFileSync(join(dir, 'p.yaml'), 'utf8')).toBe('previous\n');
    expect(fs.readdirSync(dir)).toEqual(['p.yaml']);
  });
});

describe('readTextFile', () => {
  it('names the file in every error', () => {
    const dir = tempDir();
    expect(() => readTextFile(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: no such file/);
    expect(() => readTextFile(dir)).toThrow(/is a directory/);
  });
});
