#!/usr/bin/env node
// Standalone parse benchmark (not part of the test command):
//   node --conditions=@rcml/source --import tsx bench/parse-bench.mjs [--quick]
// Prints the validated/raw throughput ratios (median, min, max over alternating rounds) and
// the document sizes.
import { LARGE_DOCUMENT, REALISTIC_DOCUMENT, runParseBench, SMALL_DOCUMENT } from './src/parse.ts';

const quick = process.argv.includes('--quick');
const bytes = (s) => Buffer.byteLength(s, 'utf8');
console.log(
  `sizes: small ${bytes(SMALL_DOCUMENT)} B, realistic ${bytes(REALISTIC_DOCUMENT)} B, large ${bytes(LARGE_DOCUMENT)} B`,
);
const result = await runParseBench({ quick });
const { hostileMs, ...ratios } = result;
for (const [name, r] of Object.entries(ratios)) {
  console.log(
    `${name.padEnd(10)} ratio median ${r.ratio.median}  min ${r.ratio.min}  max ${r.ratio.max}  (${r.rounds} rounds)`,
  );
}
console.log(
  `hostile    refused in: billion laughs ${hostileMs.billionLaughs} ms, 10 MB body ${hostileMs.tenMegabyteBody} ms, 10,000-deep nesting ${hostileMs.deepNesting} ms`,
);
