/**
 * B3 and B4 each in a process of their own. Their ratios are sensitive to what ran before them
 * in the same heap: B1 leaves megabytes of garbage and call sites made polymorphic behind (its
 * engines send callbacks through the harness's HTTP port, so the engine's dispatcher no longer
 * sees one transport only, as it does in a deployment). Measured inside the runner after B1 and
 * B2, B3 read 0.55 to 0.65 against 0.82 to 0.88 alone, and B4 about 0.05 lower than alone. The
 * runner forks this module and takes the result over IPC.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCallbackBench } from './callbacks.js';
import { runParseBench } from './parse.js';

const CHILD_FLAG = '--rcml-bench-isolated';

const MEASURES = {
  b3: runParseBench,
  b4: runCallbackBench,
} as const;

type Measure = keyof typeof MEASURES;
type ResultOf<M extends Measure> = Awaited<ReturnType<(typeof MEASURES)[M]>>;

/** Run one measure in a fresh child process. */
export function runIsolated<M extends Measure>(
  measure: M,
  options: { quick: boolean },
): Promise<ResultOf<M>> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, measure, JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: ResultOf<M> | null = null;
    child.on('message', (message: { result?: ResultOf<M>; error?: string }) => {
      if (message.result !== undefined) result = message.result;
      if (message.error !== undefined) reject(new Error(message.error));
    });
    child.on('exit', (code) => {
      if (result !== null) resolve(result);
      else reject(new Error(`${measure.toUpperCase()} child exited (${code}) without a result`));
    });
  });
}

if (process.argv[2] === CHILD_FLAG && process.send !== undefined) {
  const measure = process.argv[3] as Measure;
  const options = JSON.parse(process.argv[4] ?? '{}') as { quick: boolean };
  MEASURES[measure](options).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
  );
}
