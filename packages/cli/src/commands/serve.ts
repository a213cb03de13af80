import type { Command } from '../io.js';

/** `rcml serve` (being written; the owner replaces this file). */
export const command: Command = {
  summary: 'serve',
  async run(_args, io) {
    io.stderr.write('rcml serve: not available yet\n');
    return 2;
  },
};
