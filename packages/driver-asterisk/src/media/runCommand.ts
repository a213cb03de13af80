/**
 * Runs an external tool (sox, espeak-ng) without a shell, so text and URLs can never be
 * interpreted as shell syntax.
 */
import { execFile } from 'node:child_process';

/** Run `command args…`; rejects with the tool's stderr when it exits non-zero or cannot start. */
export function runCommand(command: string, args: readonly string[], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { signal, timeout: 60_000, maxBuffer: 1024 * 1024 },
      (error, _out, stderr) => {
        if (error === null) {
          resolve();
          return;
        }
        const failure = new Error(`${command} failed: ${String(stderr).trim() || error.message}`);
        // Keep `code` (ENOENT: the tool is not installed) for callers that try alternatives.
        Object.assign(failure, { code: error.code });
        reject(failure);
      },
    );
  });
}
