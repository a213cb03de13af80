import { commands } from './commands/index.js';
import type { CliIo } from './io.js';

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: rcml <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

/** Run the command line; resolves with the exit status. Errors are printed, never thrown. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = commands[name];
  if (entry === undefined) {
    io.stderr.write(`rcml: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command.run(args, io);
  } catch (error) {
    io.stderr.write(`rcml ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
