/**
 * The README's command reference, generated from the commands themselves (summary, arguments, flags,
 * examples), between the markers <!-- commands --> and <!-- commandsstop -->. `npm run readme` writes
 * it; test/readme.test.ts fails when the README differs.
 */
import type { Command } from '@oclif/core';
import { withSection } from './readme-section.js';
import Check from '../commands/check.js';
import Diff from '../commands/diff.js';
import Update from '../commands/update.js';
import Scaffold from '../commands/scaffold.js';
import Sync from '../commands/sync.js';
import Export from '../commands/export.js';
import Graph from '../commands/graph.js';
import Inspect from '../commands/inspect.js';
import New from '../commands/new.js';
import Rehearse from '../commands/rehearse.js';
import Report from '../commands/report.js';
import Rules from '../commands/rules.js';
import Show from '../commands/show.js';
import Done from '../commands/done.js';
import Fail from '../commands/fail.js';
import Next from '../commands/next.js';
import Skip from '../commands/skip.js';
import Start from '../commands/start.js';
import Status from '../commands/status.js';
import TemplatesCheck from '../commands/templates/check.js';
import Templates from '../commands/templates/index.js';
import TemplatesShow from '../commands/templates/show.js';

const COMMANDS: [string, Command.Class][] = [['new', New], ['check', Check], ['show', Show], ['diff', Diff], ['update', Update], ['graph', Graph], ['report', Report],
  ['export', Export], ['sync', Sync], ['scaffold', Scaffold], ['rehearse', Rehearse], ['inspect', Inspect], ['status', Status], ['next', Next], ['start', Start], ['done', Done], ['skip', Skip], ['fail', Fail], ['rules', Rules], ['templates', Templates], ['templates show', TemplatesShow], ['templates check', TemplatesCheck]];

interface FlagInfo { char?: string; description?: string; default?: unknown; options?: readonly string[]; type?: string; multiple?: boolean }

export function commandReference(): string {
  const sections = COMMANDS.map(([id, cmd]) => {
    const args = Object.entries(cmd.args ?? {}).map(([name, a]) => ((a as { required?: boolean }).required ? name.toUpperCase() : `[${name.toUpperCase()}]`));
    // A command that takes more arguments than it names (strict: false) repeats its last one.
    if (cmd.strict === false && args.length) args[args.length - 1] += '...';
    const flags = Object.entries((cmd.flags ?? {}) as Record<string, FlagInfo>);
    const rows = flags.map(([name, f]) => {
      const value = f.type === 'boolean' ? '' : f.options ? ` ${f.options.join('\\|')}` : ' VALUE';
      const def = f.default !== undefined && f.type !== 'boolean' ? ` [default: ${String(f.default)}]` : '';
      return `| \`${f.char ? `-${f.char}, ` : ''}--${name}${value}\`${f.multiple ? ' (repeatable)' : ''} | ${(f.description ?? '').replace(/\|/g, '\\|')}${def} |`;
    });
    const examples = ((cmd.examples ?? []) as string[]).map((e) => e.replace('<%= config.bin %>', 'plan'));
    return [
      `### \`plan ${id}${args.length ? ` ${args.join(' ')}` : ''}\``,
      '',
      cmd.summary ?? '',
      ...(cmd.description ? ['', cmd.description.trim()] : []),
      '',
      '| flag | |',
      '|---|---|',
      ...rows,
      '| `--json` | Print the result as JSON. |',
      '',
      '```',
      ...examples,
      '```',
    ].join('\n');
  });
  return `${sections.join('\n\n')}\n`;
}

/** The README with its reference section replaced. */
export function withReference(readme: string): string {
  return withSection(readme, 'commands', commandReference());
}
