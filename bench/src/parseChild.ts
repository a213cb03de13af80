/**
 * B3 in a process of its own: parsing throughput is sensitive to what ran before it in the
 * same heap (B1 leaves megabytes of garbage and deoptimised call sites behind), so the runner
 * forks this module and takes the result over IPC.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ParseBenchResult, runParseBench } from './parse.js';

const CHILD_FLAG = '--rcml-bench-b3';

/** Run the parse benchmark in a fresh child process. */
export function runParseBenchIsolated(options: { quick: boolean }): Promise<ParseBenchResult> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: ParseBenchResult | null = null;
    child.on('message', (message: { result?: ParseBenchResult; error?: string }) => {
      if (message.result !== undefined) result = message.result;
      if (message.error !== undefined) reject(new Error(message.error));
    });
    child.on('exit', (code) => {
      if (result !== null) resolve(result);
      else reject(new Error(`B3 child exited (${code}) without a result`));
    });
  });
}

if (process.argv[2] === CHILD_FLAG && process.send !== undefined) {
  const options = JSON.parse(process.argv[3] ?? '{}') as { quick: boolean };
  runParseBench(options).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
  );
}
