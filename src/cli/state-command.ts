/**
 * `plan start|done|skip|fail FILE ID...`: one command shape, four statuses. Each command file names
 * its status and words; parsing and printing are here once.
 */
import { Args, Flags } from '@oclif/core';
import { setTaskStates, type SetStateResult, type StateCommand } from '../app/state.js';
import { BaseCommand } from './base-command.js';
import { configFlag } from './flags.js';

export abstract class StateCommandBase extends BaseCommand {
  static override strict = false;
  static override args = {
    file: Args.string({ required: true, description: 'Plan file (YAML or JSON); the state is recorded in it.' }),
    id: Args.string({ required: true, description: 'Task ids (one or more).' }),
  };
  static override flags = {
    note: Flags.string({ char: 'n', description: 'Why, or what happened; recorded as state.note.' }),
    by: Flags.string({ char: 'b', description: 'Who; for a checkpoint marked done or skipped, who signs it off (required there).' }),
    evidence: Flags.string({ description: 'For a checkpoint\'s sign-off: what shows it passed.' }),
    confirm: Flags.boolean({ description: 'Confirm starting or finishing a point of no return.' }),
    config: configFlag,
  };

  protected abstract readonly command: StateCommand;

  async run(): Promise<SetStateResult> {
    // oclif spreads the options it is given ({...Class}), which drops inherited statics: name them.
    const { argv, flags } = await this.parse({ args: StateCommandBase.args, flags: StateCommandBase.flags, strict: false,
      enableJsonFlag: true });
    const [file, ...ids] = argv as string[];
    const { result, text } = await setTaskStates({ file: file!, ids, command: this.command, note: flags.note, by: flags.by,
      evidence: flags.evidence, confirm: flags.confirm, configFile: flags.config });
    this.log(text);
    return result;
  }
}
