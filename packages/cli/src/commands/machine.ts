import { callMachine, machineToMermaid } from '@rcml/core';
import { parseOptions, UsageError } from '../args.js';
import type { Command } from '../io.js';

const HELP = `usage: rcml machine --mermaid

Prints the call machine (callMachine of @rcml/core: one xstate machine per call, from
dialing to its final state) as a Mermaid state diagram, generated from the machine itself.

  --mermaid   Mermaid stateDiagram-v2 source (the only format so far)
`;

/** `rcml machine --mermaid`: the call machine's diagram. */
export const command: Command = {
  summary: 'print the call machine as a Mermaid state diagram',
  async run(args, io) {
    try {
      const { values } = parseOptions(args, {
        mermaid: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      });
      if (values.help === true) {
        io.stdout.write(HELP);
        return 0;
      }
      if (values.mermaid !== true) throw new UsageError('say which format: --mermaid');
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`rcml machine: ${error.message}\n\n${HELP}`);
      return 2;
    }
    io.stdout.write(machineToMermaid(callMachine));
    return 0;
  },
};
