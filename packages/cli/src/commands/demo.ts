import type { Command } from '../io.js';

/** `rcml demo` (being written; the owner replaces this file). */
export const command: Command = {
  summary: 'demo',
  async run(_args, io) {
    io.stderr.write('rcml demo: not available yet\n');
    return 2;
  },
};
