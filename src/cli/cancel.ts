/** Leaving a prompt. Its own small module: every command's error handler loads it. */

/** Exit code when the user ends a prompt with Ctrl-C or Ctrl-D: 128 + SIGINT, as shells report an interrupt. */
export const CANCELLED_EXIT = 130;

/** Ctrl-C or Ctrl-D at a prompt: the user's way out, not an error. Ends quietly with CANCELLED_EXIT. */
export class PromptCancelled extends Error {
  override readonly name = 'PromptCancelled';
  readonly exitCode = CANCELLED_EXIT;
  constructor() {
    super('cancelled');
  }
}
