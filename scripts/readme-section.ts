/** A generated section of the README: the text between `<!-- NAME -->` and `<!-- NAMEstop -->`, replaced whole. */
export function withSection(readme: string, name: string, body: string): string {
  const [open, close] = [`<!-- ${name} -->`, `<!-- ${name}stop -->`];
  const start = readme.indexOf(open);
  const stop = readme.indexOf(close);
  if (start < 0 || stop < start) throw new Error(`README.md needs ${open} and ${close}`);
  return `${readme.slice(0, start + open.length)}\n${body.endsWith('\n') ? body : `${body}\n`}${readme.slice(stop)}`;
}
