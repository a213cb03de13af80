import type { Command } from '../io.js';

/** `rcml fuzz` (being written; the owner replaces this file). */
export const command: Command = {
  summary: 'fuzz',
  async run(_args, io) {
    io.stderr.write('rcml fuzz: not available yet\n');
    return 2;
  },
};
