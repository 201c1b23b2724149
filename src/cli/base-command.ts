/**
 * What every command shares: `--json`, and turning errors into the documented exit codes. A
 * PlanInputError is the user's to fix: printed located, without a stack trace. Anything else is a bug:
 * one line, and the stack only when DEBUG is set.
 */
import { Command, ux } from '@oclif/core';
import { formatDetail, PlanInputError } from '../errors.js';
import { PromptCancelled } from './cancel.js';

/** Exit code for bugs in plan itself (not in the user's input). */
export const INTERNAL_ERROR_EXIT = 3;

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // A progress line holds back stderr while it runs: end it, or the error would never show.
    if (ux.action.running) ux.action.stop('failed');
    // Ctrl-C / Ctrl-D at a prompt: end the prompt's line and leave, nothing more to say.
    if (err instanceof PromptCancelled) {
      process.stderr.write('\n');
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof PlanInputError) {
      this.report(err.details.map((d) => ({
        message: d.message,
        hint: d.hint,
        file: d.location?.file,
        line: d.location?.line,
        column: d.location?.column,
        path: d.location?.path,
      })), err.details.map(formatDetail).join('\n'), err.exitCode);
      return;
    }
    // oclif's own usage errors (unknown flag, missing argument) and exits keep their codes.
    if (err.oclif?.exit !== undefined) return super.catch(err);
    if (process.env.DEBUG) throw err;
    this.report([{ message: err.message }], `internal error: ${err.message}\n(set DEBUG=1 for a stack trace; please report this)`,
      INTERNAL_ERROR_EXIT);
    return;
  }

  /**
   * Plain JSON, one write. oclif's default colorizes with regular expressions: 6 s of a 7.8 s
   * `check --json` on a 100k-task plan.
   */
  override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }

  /** Under --json the error goes to stdout as `{error: {...}}`; otherwise to stderr as text. */
  private report(details: object[], text: string, exitCode: number): void {
    if (this.jsonEnabled()) {
      this.logJson({ error: { exitCode, details } });
    } else {
      process.stderr.write(`${text}\n`);
    }
    // Set, not thrown: oclif rewrites exit codes of errors raised under --json (oclif/core#1423).
    process.exitCode = exitCode;
  }
}

