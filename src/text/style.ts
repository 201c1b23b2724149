/** Terminal colour, only for a TTY and never when NO_COLOR is set (https://no-color.org). */
import type { Severity } from '../findings.js';

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && process.env.TERM !== 'dumb';
}

const CODES: Record<Severity, number> = { error: 31, warning: 33, info: 36 };

export function paintSeverity(severity: Severity, text: string, color: boolean): string {
  return color ? `\u001b[${CODES[severity]}m${text}\u001b[39m` : text;
}
