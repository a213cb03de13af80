/** Where a command reads and writes, so tests can capture it. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly cwd: string;
  /** Keys for `rcml call` (default: the process's stdin). */
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(on: boolean): unknown };
  /** Environment variables (default: the process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A command: arguments in, exit status out. */
export interface Command {
  readonly summary: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}
