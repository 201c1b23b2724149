/**
 * `plan chek`: an unknown command is bad usage (exit 2), said in one line with the nearest command or
 * topic, never a stack trace; under --json the same as every command's errors, `{error: {...}}` on stdout.
 */
import type { Hook } from '@oclif/core';
import { didYouMean, ExitCode, formatDetail } from '../../errors.js';

const hook: Hook<'command_not_found'> = async function ({ id: given, argv, config }) {
  const sep = config.topicSeparator;
  // A flag first (`plan --json chek`) reaches here as the id: the command is the first word after it.
  const id = given.startsWith('-') ? ((argv ?? []).find((a) => !a.startsWith('-')) ?? given) : given;
  const known = new Set([...config.commandIDs, ...config.topics.map((t) => t.name)]);
  // oclif joins every leading word into the id (`plan chek a.yaml` → "chek:a.yaml"): the command the user
  // meant ends at the first word that is no topic.
  const words = id.split(':');
  let typed = words.length;
  for (let i = 1; i <= words.length; i++) {
    if (!config.topics.some((t) => t.name === words.slice(0, i).join(':'))) {
      typed = i;
      break;
    }
  }
  const command = words.slice(0, typed).join(':');
  const suggestion = didYouMean(command, known);
  const shown = (k: string) => k.replaceAll(':', sep);
  const message = `unknown command "${shown(command)}"${suggestion ? `; did you mean "${shown(suggestion)}"?` : ''}`;
  const hint = `${config.bin} --help lists the commands`;
  if ([given, ...(argv ?? []), ...words].includes('--json')) {
    process.stdout.write(`${JSON.stringify({ error: { exitCode: ExitCode.badInput, details: [{ message, hint }] } }, null, 2)}\n`);
  } else {
    process.stderr.write(`${formatDetail({ message, hint })}\n`);
  }
  process.exitCode = ExitCode.badInput;
};

export default hook;
