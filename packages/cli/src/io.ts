/** Where a command writes, so tests can capture it. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly cwd: string;
}

/** A command: arguments in, exit status out. */
export interface Command {
  readonly summary: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}
