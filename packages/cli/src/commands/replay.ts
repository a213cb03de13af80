import type { Command } from '../io.js';

/** `rcml replay` (being written; the owner replaces this file). */
export const command: Command = {
  summary: 'replay',
  async run(_args, io) {
    io.stderr.write('rcml replay: not available yet\n');
    return 2;
  },
};
