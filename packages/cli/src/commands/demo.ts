import { relative, resolve } from 'node:path';
import { numberOption, parseOptions, UsageError } from '../args.js';
import { runDemo } from '../demo/runDemo.js';
import type { Command } from '../io.js';

const HELP = `usage: rcml demo [--out FILE] [--keys DIGITS] [--say-char-seconds S] [--no-color]

Starts the example voice application (examples/), places one call to it through the engine
on the simulated driver (real clock and HTTP, fast speech), prints the call's timeline as it
happens and writes a Mermaid sequence diagram of it.

  --out FILE              diagram path (default out/demo-call.mmd)
  --keys DIGITS           keys the caller presses at successive menus (default 91)
  --say-char-seconds S    speaking time per character (default 0.004)
  --no-color              plain text even on a terminal
`;

/** `rcml demo`: the main job, non-interactive; exits 0 when the call completed. */
export const command: Command = {
  summary: 'run the bundled example application through a call and print its timeline',
  async run(args, io) {
    let values: Record<string, string | boolean | undefined>;
    let sayCharSeconds: number;
    try {
      values = parseOptions(args, {
        out: { type: 'string' },
        keys: { type: 'string' },
        'say-char-seconds': { type: 'string' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      }).values;
      if (values.help === true) {
        io.stdout.write(HELP);
        return 0;
      }
      if (typeof values.keys === 'string' && !/^[0-9*#]*$/.test(values.keys)) {
        throw new UsageError(`--keys takes the digits 0-9 * #, got "${values.keys}"`);
      }
      sayCharSeconds = numberOption(
        'say-char-seconds',
        values['say-char-seconds'] as string | undefined,
        0.004,
        0,
        1,
      );
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`rcml demo: ${error.message}\n\n${HELP}`);
      return 2;
    }
    const out = resolve(io.cwd, typeof values.out === 'string' ? values.out : 'out/demo-call.mmd');
    const result = await runDemo({
      out,
      outLabel: relative(io.cwd, out).startsWith('..') ? out : relative(io.cwd, out),
      ...(typeof values.keys === 'string' ? { keys: values.keys } : {}),
      sayCharSeconds,
      write: (text) => io.stdout.write(text),
      color: values['no-color'] !== true && io.stdout.isTTY === true,
    });
    return result.status === 'completed' ? 0 : 1;
  },
};
