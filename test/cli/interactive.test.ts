import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';

/** `plan new` on a real terminal (tmux), as a person runs it. */
async function onTerminal(dir: string, name: string, drive: (t: { keys: (...k: string[]) => void; waitFor: (text: string) => Promise<string> }) => Promise<void>) {
  const session = `plan-${name}-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', args, { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', session, '-S', '-200').stdout;
  const waitFor = async (text: string) => {
    for (let i = 0; i < 150; i++) {
      const shown = screen();
      if (shown.includes(text)) return shown;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`tmux never showed "${text}":\n${screen()}`);
  };
  const cmd = `NO_COLOR=1 NODE_ENV=production DEBUG= node ${join(ROOT, 'bin', 'run.js')} new; echo "EXIT=$?"; sleep 60`;
  expect(tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', '-c', dir, cmd).status).toBe(0);
  try {
    await drive({ keys: (...k) => tmux('send-keys', '-t', session, ...k), waitFor });
  } finally {
    tmux('kill-session', '-t', session);
  }
}

describe('plan new on a terminal: Ctrl-C and Ctrl-D end it quietly (exit 130)', () => {
  it('Ctrl-C at the template question', async () => {
    const dir = tempDir();
    await onTerminal(dir, 'ctrl-c', async ({ keys, waitFor }) => {
      await waitFor('Template [1-');
      keys('C-c');
      const shown = await waitFor('EXIT=');
      // The question, then the exit line on its own line: no error, no stack, no "internal error".
      expect(shown).toMatch(/Template \[1-\d+ or name\] \(\S+\): *\nEXIT=130\n/);
      expect(shown).not.toMatch(/internal error|Error|\n\s+at /);
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('Ctrl-D at a parameter question', async () => {
    const dir = tempDir();
    await onTerminal(dir, 'ctrl-d', async ({ keys, waitFor }) => {
      await waitFor('Template [1-');
      keys('multi-tenant', 'Enter');
      await waitFor('(users,projects,tasks):');
      keys('C-d');
      const shown = await waitFor('EXIT=');
      expect(shown).toMatch(/\(users,projects,tasks\): *\nEXIT=130\n/);
      expect(shown).not.toMatch(/internal error|Error|\n\s+at /);
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('unknown commands: exit 2, one line with the nearest command, no stack trace', () => {
  it('a misspelt command, with or without arguments after it', () => {
    for (const args of [['chek'], ['chek', 'x.plan.yaml', '--strict']]) {
      const r = runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('unknown command "chek"; did you mean "check"?\n  hint: plan --help lists the commands\n');
      expect(r.stdout).toBe('');
    }
  });

  it('topics count: a misspelt subcommand and a misspelt topic', () => {
    const sub = runCli(['templates', 'shwo', 'multi-tenant']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toBe('unknown command "templates shwo"; did you mean "templates show"?\n  hint: plan --help lists the commands\n');
    const topic = runCli(['templtes']);
    expect(topic.code).toBe(2);
    expect(topic.stderr).toContain('unknown command "templtes"; did you mean "templates"?');
  });

  it('nothing near: no suggestion; under --json the error is JSON on stdout, still exit 2', () => {
    const far = runCli(['xyzzy-frobnicate']);
    expect(far.code).toBe(2);
    expect(far.stderr).toBe('unknown command "xyzzy-frobnicate"\n  hint: plan --help lists the commands\n');
    const json = runCli(['chek', 'x.plan.yaml', '--json']);
    expect(json.code).toBe(2);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toEqual({ error: { exitCode: 2, details: [{ message: 'unknown command "chek"; did you mean "check"?', hint: 'plan --help lists the commands' }] } });
  });
});
