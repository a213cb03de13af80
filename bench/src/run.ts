/**
 * The benchmark runner: `npm run bench -- [--quick] [--only b1,b3] [--record] [--readme]`.
 * Full by default; `--quick` takes about a minute and a half. Every measuring run prints its
 * results and writes them to the untracked `bench/out/results.json`; `--record` also writes
 * the tracked `bench/results.json` and the README table from it (with `--only`, the sections
 * measured replace those in the existing file). `--readme` alone regenerates the README's
 * table from `bench/results.json` without measuring.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAppServer } from './appServer.js';
import { runB1 } from './b1.js';
import { runB2 } from './b2.js';
import { runB3, runB4 } from './external.js';
import { machineInfo } from './machine.js';
import { updateReadme } from './readmeTable.js';
import type { Results } from './results.js';

const MEASURES = ['b1', 'b2', 'b3', 'b4'] as const;
type Measure = (typeof MEASURES)[number];

interface Args {
  readonly quick: boolean;
  readonly record: boolean;
  readonly readme: boolean;
  readonly only: ReadonlySet<Measure>;
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let record = false;
  let readme = false;
  let only: Set<Measure> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n${HELP}`);
      process.exit(0);
    } else if (arg === '--quick') quick = true;
    else if (arg === '--record') record = true;
    else if (arg === '--json') {
      // Accepted for older command lines: results are always written (untracked); see --record.
    } else if (arg === '--readme') readme = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      only = new Set();
      for (const name of (value ?? '').split(',').map((s) => s.trim().toLowerCase())) {
        if (!(MEASURES as readonly string[]).includes(name)) usage(`unknown measure "${name}"`);
        only.add(name as Measure);
      }
    } else usage(`unknown argument "${arg}"`);
  }
  // `--readme` alone renders the table from the existing results without measuring.
  const measureNothing = readme && !record && !quick && only === null;
  return {
    quick,
    record,
    readme: readme || record,
    only: measureNothing ? new Set() : (only ?? new Set(MEASURES)),
  };
}

const USAGE = 'usage: npm run bench -- [--quick] [--only b1,b2,b3,b4] [--record] [--readme]';
const HELP = `
  --quick     shorter and fewer rounds (about a minute and a half), B2 with 3,000 calls
  --only L    measure only these (b1 throughput, b2 memory, b3 parsing, b4 callbacks)
  --record    keep this run: write the tracked bench/results.json (with --only: replace just
              those sections) and the README table from it
  --readme    regenerate the README table from bench/results.json (alone: no measuring)

Every measuring run writes bench/out/results.json (untracked) and prints the same on stdout.

Every figure is a ratio to a baseline measured in the same run; see docs/benchmarks.md.
`;

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${USAGE}\n`);
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const resultsPath = join(root, 'bench', 'results.json');
  const outPath = join(root, 'bench', 'out', 'results.json');
  const started = performance.now();
  const machine = machineInfo(new Date());
  const sections: { -readonly [K in keyof Results]?: Results[K] } = {};
  if (args.only.size > 0) {
    log(
      `rcml bench (${args.quick ? 'quick' : 'full'}): ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`,
    );
  }
  const quick = args.quick;
  if (args.only.has('b1')) {
    log('B1 call throughput');
    const server = await startAppServer();
    try {
      sections.b1 = await runB1(
        {
          origin: server.origin,
          concurrency: 50,
          rounds: quick ? 5 : 9,
          roundMs: quick ? 500 : 2_000,
          warmupMs: quick ? 500 : 1_500,
        },
        log,
      );
    } finally {
      await server.close();
    }
  }
  if (args.only.has('b2')) {
    log('B2 memory');
    sections.b2 = await runB2({ calls: quick ? 3_000 : 10_000, churnMs: quick ? 3_000 : 10_000 }, log);
  }
  if (args.only.has('b3')) {
    log('B3 parsing');
    sections.b3 = await runB3(quick, log);
  }
  if (args.only.has('b4')) {
    log('B4 callbacks');
    sections.b4 = await runB4(quick, log);
  }
  if (args.only.size > 0) {
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    log(`done in ${seconds} s`);
    const measured = { mode: quick ? 'quick' : 'full', seconds, machine, ...sections } as const;
    process.stdout.write(`${JSON.stringify(measured, null, 2)}\n`);
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, `${JSON.stringify(measured, null, 2)}\n`);
    log(`wrote ${outPath} (untracked; --record keeps a run in bench/results.json)`);
    if (args.record) {
      const previous: Partial<Results> =
        existsSync(resultsPath) && args.only.size < MEASURES.length
          ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as Partial<Results>)
          : {};
      writeFileSync(resultsPath, `${JSON.stringify({ ...previous, ...measured }, null, 2)}\n`);
      log(`wrote ${resultsPath}`);
    }
  }
  if (args.readme) {
    if (args.only.size > 0 && !args.record)
      log('note: --readme renders bench/results.json; add --record to render this run');
    updateReadme(resultsPath, join(root, 'README.md'));
    log('updated the results table in README.md');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
