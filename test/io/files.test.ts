import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { spawnSync } from 'node:child_process';
import { MAX_INPUT_BYTES, readTextFile, writeFileAtomic } from '../../src/io/files.js';
import { runCli, tempDir } from '../helpers.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, renameSync: vi.fn(real.renameSync), writeSync: vi.fn(real.writeSync), fstatSync: vi.fn(real.fstatSync) };
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

  // /dev/zero never ends: reading it whole grew to 8 GB. A FIFO without a writer blocks an open forever.
  it.each([
    ['a character device', () => '/dev/zero', /\/dev\/zero: is a character device, not a plan file/],
    ['a FIFO', () => {
      const fifo = join(tempDir(), 'plan.fifo');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      return fifo;
    }, /plan\.fifo: is a FIFO, not a plan file/],
  ])('refuses %s with exit 2 instead of reading it', (_, make, message) => {
    const file = make();
    const error = (() => { try { readTextFile(file); } catch (e) { return e as PlanInputError; } })();
    expect(error).toBeInstanceOf(PlanInputError);
    expect(error!.exitCode).toBe(2);
    expect(error!.message).toMatch(message);
  });

  it('plan check /dev/zero exits 2 with the reason', () => {
    const r = runCli(['check', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/dev/zero: is a character device, not a plan file');
  });

  it('stops reading at the byte cap even when the size said the file was small (a file that grows)', () => {
    const dir = tempDir();
    const file = join(dir, 'p.yaml');
    const cap = 3 * 1024 * 1024 + 5;
    const real = fs.fstatSync;
    // A file that reports a size of 1 but holds more than the cap (a file growing while read, or /proc).
    fs.writeFileSync(file, Buffer.alloc(cap + 10, 0x61));
    vi.mocked(fs.fstatSync).mockImplementationOnce((fd: number) => Object.assign(real(fd), { size: 1 }));
    expect(() => readTextFile(file, cap)).toThrow(/file is over 3 MiB; the most one text can hold here is 3 MiB \(a JavaScript string's limit\), so it cannot be read/);
  });

  it('reads a file up to the cap whole, in one read or in chunks, and refuses one byte more from its size', () => {
    const dir = tempDir();
    const file = join(dir, 'p.yaml');
    const cap = 2 * 1024 * 1024 + 3;
    const text = `${'ab\n'.repeat((cap - 2) / 3)}c\n`;
    fs.writeFileSync(file, text);
    expect(readTextFile(file, cap)).toBe(text);
    const real = fs.fstatSync;
    // Reported as empty (as /proc does): read in 1 MiB chunks to the end, all of it.
    vi.mocked(fs.fstatSync).mockImplementationOnce((fd: number) => Object.assign(real(fd), { size: 0 }));
    expect(readTextFile(file, cap)).toBe(text);
    fs.appendFileSync(file, 'x');
    const error = (() => { try { readTextFile(file, cap); } catch (err) { return err as PlanInputError; } })();
    expect(error).toBeInstanceOf(PlanInputError);
    expect(error!.message).toMatch(/p\.yaml: file is 2 MiB; the most one text can hold here is 2 MiB/);
    expect(error!.message).toMatch(/hint: split it/);
  });

  it('the default cap is what a JavaScript string holds, far above what plan new writes for 20,000 tables (~120 MB)', () => {
    expect(MAX_INPUT_BYTES).toBeGreaterThan(500 * 1024 * 1024);
  });
});
