/**
 * The README's results table, generated from `bench/results.json`. Only the text between the
 * `<!-- bench:start -->` and `<!-- bench:end -->` markers is replaced; without the markers a
 * `## Benchmarks` section holding them is added at the end of the README.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { B1Measure } from './b1.js';
import type { Results } from './results.js';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

type Row = readonly [measure: string, result: string, target: string, met: boolean | null];

function ratioText(m: { ratio: number; ratioMin: number; ratioMax: number }): string {
  return `${m.ratio.toFixed(3)} (${m.ratioMin.toFixed(2)} to ${m.ratioMax.toFixed(2)})`;
}

function b1Row(label: string, m: B1Measure | undefined): Row[] {
  if (m === undefined) return [];
  const detail = `${ratioText(m)}, ${m.callsPerSec.toLocaleString('en-US')} calls/s`;
  return [[label, detail, m.target === null ? '' : `≥ ${m.target}`, m.met]];
}

/** The Markdown between the markers. */
export function renderTable(results: Partial<Results>): string {
  const rows: Row[] = [];
  const { b1, b2, b3, b4 } = results;
  if (b1 !== undefined) {
    rows.push(
      ...b1Row(`B1a small document (${b1.small.bytes} B), R`, b1.small.b1a),
      ...b1Row(`B1a realistic document (${b1.realistic.bytes} B), R`, b1.realistic.b1a),
      ...b1Row('B1a realistic, a different document per call, R', b1.realisticUnique.b1a),
      ...b1Row('B1b small document (5 requests per call), R', b1.small.b1b),
      ...b1Row('B1b realistic document (5 requests per call), R', b1.realistic.b1b),
    );
  }
  if (b2 !== undefined) {
    rows.push(
      [
        `B2 heap per parked call (${b2.calls.toLocaleString('en-US')} calls)`,
        `${b2.heapPerCallKiB.toFixed(1)} KiB (RSS ${b2.rssPerCallKiB.toFixed(1)} KiB)`,
        `≤ ${b2.targets.heapPerCallKiB} KiB`,
        b2.met.heapPerCall,
      ],
      [
        'B2 heap after all hung up vs before',
        `${b2.teardownHeapDeltaPct >= 0 ? '+' : ''}${b2.teardownHeapDeltaPct.toFixed(2)} %`,
        `within ${b2.targets.teardownHeapDeltaPct} %`,
        b2.met.teardown,
      ],
      [
        `B2 event-loop delay p99 (${Math.round(b2.churnCallsPerSec)} calls/s churn)`,
        `${b2.eventLoopP99Ms.toFixed(1)} ms`,
        `≤ ${b2.targets.eventLoopP99Ms} ms`,
        b2.met.eventLoop,
      ],
    );
  }
  if (b3 !== undefined) {
    for (const name of ['small', 'realistic', 'large', 'invalid'] as const) {
      const m = b3[name];
      rows.push([
        `B3 parse, ${name} document${name === 'invalid' ? 's' : ''}`,
        ratioText(m),
        `≥ ${m.target}`,
        m.met,
      ]);
    }
    const h = b3.hostileMs;
    if (h !== undefined) {
      const worst = Math.max(h.billionLaughs, h.tenMegabyteBody, h.deepNesting);
      rows.push([
        'B3 hostile documents refused (billion laughs / 10 MB body / 10,000-deep nesting)',
        `${h.billionLaughs} / ${h.tenMegabyteBody} / ${h.deepNesting} ms`,
        'well under 1 s each',
        worst < 100,
      ]);
    }
  }
  if (b4 !== undefined) {
    rows.push(
      ['B4 callback delivery vs raw undici', ratioText(b4), `≥ ${b4.target}`, b4.met],
      [
        'B4 with faults: ordering violations / lost',
        `${b4.orderingViolations} / ${b4.lost}`,
        '0 / 0',
        b4.orderingViolations === 0 && b4.lost === 0,
      ],
      [
        'B4 slow destination: other destinations p99 lag',
        `${b4.slowDestinationP99LagIncreasePct >= 0 ? '+' : ''}${b4.slowDestinationP99LagIncreasePct} %`,
        '≤ +10 %',
        b4.slowDestinationP99LagIncreasePct <= 10,
      ],
    );
  }
  const machine = results.machine;
  const where =
    machine === undefined
      ? 'an unrecorded machine'
      : `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, on ${machine.date}`;
  const lines = [
    `Measured with \`npm run bench -- ${results.mode === 'quick' ? '--quick ' : ''}--record\` on ${where}. ` +
      'Ratios are engine ÷ baseline measured in alternating rounds of the same run: median (min to max). ' +
      'See [docs/benchmarks.md](docs/benchmarks.md).',
    '',
    '| Measure | Result | Target | Met |',
    '|---|---|---|---|',
    ...rows.map(([m, r, t, ok]) => `| ${m} | ${r} | ${t} | ${ok === null ? '' : ok ? 'yes' : '**no**'} |`),
  ];
  return lines.join('\n');
}

/** Replace the table in `readmePath` with one rendered from `resultsPath`. */
export function updateReadme(resultsPath: string, readmePath: string): void {
  if (!existsSync(resultsPath))
    throw new Error(`${resultsPath} does not exist: run npm run bench -- --record first`);
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as Partial<Results>;
  const block = `${START}\n${renderTable(results)}\n${END}`;
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  const next =
    start !== -1 && end > start
      ? readme.slice(0, start) + block + readme.slice(end + END.length)
      : `${readme.trimEnd()}\n\n## Benchmarks\n\n${block}\n`;
  writeFileSync(readmePath, next);
}
