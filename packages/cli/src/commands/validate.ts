import type { Command } from '../io.js';

/** `rcml validate` (being written; the owner replaces this file). */
export const command: Command = {
  summary: 'validate',
  async run(_args, io) {
    io.stderr.write('rcml validate: not available yet\n');
    return 2;
  },
};
