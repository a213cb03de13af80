import type { Command } from '../io.js';

/** `rcml call` (being written; the owner replaces this file). */
export const command: Command = {
  summary: 'call',
  async run(_args, io) {
    io.stderr.write('rcml call: not available yet\n');
    return 2;
  },
};
