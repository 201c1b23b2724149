/**
 * The one function that puts a value into emitted shell. POSIX single quotes take every byte
 * literally except `'` itself, which is closed, escaped and reopened. Nothing inside is expanded:
 * no `$(…)`, no backticks, no globbing, no backslash escapes, and newlines stay newlines.
 */
export function shellQuote(value: string): string {
  // argv cannot carry NUL; a value with one cannot reach any command intact.
  if (value.includes('\0')) throw new Error('shellQuote: a NUL byte cannot be passed to a command');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
