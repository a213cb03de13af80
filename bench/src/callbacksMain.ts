/**
 * Standalone run of the callback benchmark: `node bench/dist/callbacksMain.js [--quick]`
 * (or `npx tsx bench/src/callbacksMain.ts --quick`). Prints the result as JSON.
 */
import { runCallbackBench } from './callbacks.js';

const result = await runCallbackBench({ quick: process.argv.includes('--quick') });
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
const ok =
  result.ratio.median >= 0.8 &&
  result.orderingViolations === 0 &&
  result.lost === 0 &&
  result.slowDestinationP99LagIncreasePct <= 10;
process.exitCode = ok ? 0 : 1;
