/** Flags more than one command takes, declared once so their names and help stay the same. */
import { Flags } from '@oclif/core';

export const configFlag = Flags.string({ char: 'c', description: 'Rule configuration [default: ./plan.config.yaml when present].' });
export const templatesDirFlag = Flags.string({ multiple: true, description: 'Extra folder of templates (repeatable).' });
