/**
 * File I/O at the boundary: reads that fail with a located, documented error, and writes that are
 * atomic (temporary file + rename) and never replace a user's file unless asked to.
 */
import { randomBytes } from 'node:crypto';
import { constants as bufferConstants } from 'node:buffer';
import { closeSync, constants, existsSync, fstatSync, fsyncSync, openSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlanInputError } from '../errors.js';

/**
 * The most bytes read as one text: what a JavaScript string can hold (V8: 2^29 - 24 UTF-16 code units on
 * 64-bit; UTF-8 never decodes to more code units than it has bytes). A plan `plan new` writes for 20,000
 * tables is ~120 MB, so no smaller cap: the tool must read what it writes.
 */
export const MAX_INPUT_BYTES = bufferConstants.MAX_STRING_LENGTH;

/**
 * Reads a plan (or config, schema, stats) file as UTF-8. Only regular files: a FIFO would block the
 * open until a writer came, and a device such as /dev/zero never ends. The read stops at the byte cap
 * as it goes, so a file that grows while read (or reports size 0, as /proc does) cannot fill memory.
 */
export function readTextFile(file: string, maxBytes = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO swapped in after a check must not hang the open; regular files ignore it.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw PlanInputError.single(describeFsError(err, 'cannot read'), { location: { file } });
  }
  try {
    return decodeUtf8(readCapped(fd, file, maxBytes), file);
  } finally {
    closeSync(fd);
  }
}

function readCapped(fd: number, file: string, maxBytes: number): Buffer {
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    const what = stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a FIFO' : stat.isCharacterDevice() ? 'a character device'
      : stat.isBlockDevice() ? 'a block device' : stat.isSocket() ? 'a socket' : 'not a regular file';
    throw PlanInputError.single(`is ${what}, not a plan file`, { location: { file }, hint: stat.isDirectory() ? undefined : 'save the content to a file and pass that' });
  }
  const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
  const tooLarge = (size: string) => PlanInputError.single(
    `file is ${size}; the most one text can hold here is ${mib(maxBytes)} (a JavaScript string's limit), so it cannot be read`,
    { location: { file }, hint: 'split it: a plan per part of the migration, or a schema dump of fewer tables' });
  if (stat.size > maxBytes) throw tooLarge(mib(stat.size));
  // One read into a buffer of the size stat gives (and a byte more, to see the end), then chunks while the
  // file keeps giving: a file that grows while read, or reports size 0 as /proc does, stops at the cap.
  const chunks: Buffer[] = [];
  let total = 0;
  for (let size = stat.size + 1; ; size = 1024 * 1024) {
    const chunk = Buffer.allocUnsafe(Math.min(size, maxBytes + 1 - total));
    let n = 0;
    try {
      for (let got = -1; got !== 0 && n < chunk.length; n += got) got = readSync(fd, chunk, n, chunk.length - n, null);
    } catch (err) {
      throw PlanInputError.single(describeFsError(err, 'cannot read'), { location: { file } });
    }
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > maxBytes) throw tooLarge(`over ${mib(maxBytes)}`);
    if (n < chunk.length) break;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    // Fatal decoding: a plan with broken bytes is refused, not silently "repaired" with U+FFFD.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    throw PlanInputError.single(`is not UTF-8 text (invalid byte at offset ${offset})`, { location: { file }, hint: 'save the file as UTF-8' });
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, by halving: a few decodes even for a large file.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      decoder.decode(bytes.subarray(0, mid));
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

export interface WriteOptions {
  /** Replace an existing file. Without it an existing file is an error and stays untouched. */
  force?: boolean;
  /** File mode of the new file (0o755 for scripts). */
  mode?: number;
}

/** Writes `text` to `file` atomically: readers see the old file or the new one, never half of it. */
export function writeFileAtomic(file: string, text: string | Uint8Array, options: WriteOptions = {}): void {
  let exists = false;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw PlanInputError.single('is a directory; give a file name with --out', { location: { file } });
    exists = true;
  } catch (err) {
    if (err instanceof PlanInputError) throw err;
  }
  if (exists && !options.force) {
    throw PlanInputError.single('already exists; not overwritten', { location: { file }, hint: 'pass --force to replace it, or --out to write elsewhere' });
  }
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', options.mode ?? 0o644);
    try {
      const bytes = typeof text === 'string' ? Buffer.from(text) : text;
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // The temporary file was never created, or is gone already.
    }
    throw PlanInputError.single(describeFsError(err, 'cannot write'), { location: { file } });
  }
}

export function describeFsError(err: unknown, verb: string): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return verb === 'cannot read' ? 'no such file' : `${verb}: the folder does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `${verb}: permission denied`;
    case 'EISDIR':
      return 'is a directory';
    case 'ENOSPC':
      return `${verb}: no space left on device`;
    default:
      return `${verb}: ${(err as Error)?.message ?? String(err)}`;
  }
}

/** The package root, found by walking up from this module (same answer from src/ and dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('plan: cannot find the package root (package.json beside templates/)');
    dir = parent;
  }
  return dir;
}
