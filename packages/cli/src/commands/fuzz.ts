/**
 * `rcml fuzz --runs N --seed S [--out DIR]`: generate calls, run each on the engine through
 * the replay runner, check the invariants of `@rcml/testing`, shrink what fails and write
 * the counterexamples as replay scenarios. `rcml fuzz --check FILE...` reruns such files
 * through the same invariants. Exit 1 on any violation, 2 on a usage error.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadScenarios, runScenario } from '@rcml/replay';
import {
  type AppCallerOptions,
  checkScenario,
  createProgressDisplay,
  formatFuzzReport,
  fuzz,
  LIVE_APP_ORIGIN,
  liveInvariants,
  type ScenarioRunner,
} from '@rcml/testing';
import { httpUrlOption, parseOptions, UsageError } from '../args.js';
import type { CliIo, Command } from '../io.js';

const USAGE = `usage: rcml fuzz [--runs N] [--seed S] [--out DIR] [--app URL [app options]]
       rcml fuzz --check [--app BASE_URL] <files or folders>...

  --runs N    generated calls to run (default 1000)
  --seed S    fast-check seed, an integer (default: random, printed in the summary)
  --out DIR   folder for counterexample scenarios (default fuzz-out)
  --check     rerun scenario files (e.g. counterexamples) through the invariants

Fuzzing a running application (generated callers press keys, speak, stay silent and hang
up at any time; dialled numbers answer, are busy or never answer; time stays simulated):
  --app URL            the application's first document, e.g. http://127.0.0.1:3000/voice
                       (with --check: the base URL the counterexamples replay against)
  --auth-token T       sign the requests for their real URL (default $TWILIO_AUTH_TOKEN)
  --status-callback P  send progress callbacks to this path of the app, e.g. /status
  --dial NUMBER        a number the app dials (repeatable): generated answer/busy/no answer
  --phrase TEXT        a phrase speaking callers say (repeatable; default a few menu words)
`;

interface Options {
  readonly runs: number;
  readonly seed: number;
  readonly out: string;
  readonly check: boolean;
  readonly paths: readonly string[];
  readonly app?: string;
  readonly authToken?: string;
  readonly statusCallback?: string;
  readonly dial: readonly string[];
  readonly phrases: readonly string[];
}

function parseArgs(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Options | string {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(
      args,
      {
        runs: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        check: { type: 'boolean' },
        app: { type: 'string' },
        'auth-token': { type: 'string' },
        'status-callback': { type: 'string' },
        dial: { type: 'string', multiple: true },
        phrase: { type: 'string', multiple: true },
      },
      true,
    );
    const { values, positionals } = parsed;
    const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
    const check = values.check === true;
    if (!check && positionals.length > 0) return `unexpected argument "${positionals[0]}"`;
    const runsText = text('runs');
    const runs = runsText === undefined ? 1000 : Number(runsText);
    if (!(Number.isInteger(runs) && runs >= 1)) return `--runs must be a positive integer, got "${runsText}"`;
    const seedText = text('seed');
    const seed = seedText === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(seedText);
    if (seedText !== undefined && (seedText.trim() === '' || !Number.isInteger(seed)))
      return `--seed must be an integer, got "${seedText}"`;
    const app = text('app') === undefined ? undefined : httpUrlOption('--app', text('app')!);
    const liveOnly = ['auth-token', 'status-callback', 'dial', 'phrase'].find((n) => values[n] !== undefined);
    if (app === undefined && liveOnly !== undefined)
      return `--${liveOnly} is for a running application: give --app too`;
    const statusCallback = text('status-callback');
    if (statusCallback !== undefined && !statusCallback.startsWith('/'))
      return `--status-callback must be a path of the app starting with /, got "${statusCallback}"`;
    const authToken = text('auth-token') ?? (env.TWILIO_AUTH_TOKEN || undefined);
    return {
      runs,
      seed,
      out: text('out') ?? 'fuzz-out',
      check,
      paths: positionals,
      ...(app === undefined ? {} : { app }),
      ...(authToken === undefined ? {} : { authToken }),
      ...(statusCallback === undefined ? {} : { statusCallback }),
      dial: (values.dial as unknown as string[] | undefined) ?? [],
      phrases: (values.phrase as unknown as string[] | undefined) ?? [],
    };
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

/**
 * `--check`: a folder that does not exist holds no counterexamples (a fuzz run writes its
 * `--out` folder only when a property fails), which is said as such and is not a failure; a
 * missing `.json` file is.
 */
async function check(paths: readonly string[], io: CliIo, runner?: ScenarioRunner): Promise<number> {
  const present: string[] = [];
  let missingFiles = 0;
  for (const path of paths) {
    const full = resolve(io.cwd, path);
    if (existsSync(full)) present.push(full);
    else if (path.endsWith('.json')) {
      missingFiles++;
      io.stdout.write(`FAIL ${path}\n  no such file\n`);
    } else {
      io.stdout.write(
        `${path}: no counterexamples (the folder does not exist: a clean fuzz run writes none)\n`,
      );
    }
  }
  const loaded = present.length === 0 ? [] : await loadScenarios(present);
  if (loaded.length === 0 && missingFiles === 0) {
    io.stdout.write('no counterexamples to check\n0 passed, 0 failed\n');
    return 0;
  }
  let failed = missingFiles;
  for (const item of loaded) {
    if (item.scenario === undefined) {
      failed++;
      io.stdout.write(`FAIL ${item.file}\n  ${item.error}\n`);
      continue;
    }
    const { violations } = await checkScenario(
      item.scenario,
      runner === undefined ? {} : { runner, invariants: liveInvariants },
    );
    if (violations.length > 0) failed++;
    io.stdout.write(`${violations.length === 0 ? 'ok  ' : 'FAIL'} ${item.scenario.name}\n`);
    for (const v of violations) io.stdout.write(`  ${v.invariant}: ${v.message}\n`);
  }
  io.stdout.write(`${loaded.length + missingFiles - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

export const command: Command = {
  summary: 'generate calls and check the engine invariants (property-based)',
  async run(args, io) {
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(USAGE);
      return 0;
    }
    const options = parseArgs(args, io.env ?? process.env);
    if (typeof options === 'string') {
      io.stderr.write(`rcml fuzz: ${options}\n${USAGE}`);
      return 2;
    }
    const live =
      options.app === undefined
        ? undefined
        : { url: options.app, ...(options.authToken === undefined ? {} : { authToken: options.authToken }) };
    if (options.check) {
      if (options.paths.length === 0) {
        io.stderr.write(`rcml fuzz: --check needs files or folders\n${USAGE}`);
        return 2;
      }
      const runner: ScenarioRunner | undefined =
        live === undefined ? undefined : (scenario) => runScenario(scenario, { app: live });
      return check(options.paths, io, runner);
    }
    const display = createProgressDisplay(io.stderr);
    const report = await fuzz({
      runs: options.runs,
      seed: options.seed,
      out: resolve(io.cwd, options.out),
      onProgress: (p) => display.update(p),
      ...(live === undefined ? {} : { app: live, caller: callerOptions(options) }),
    });
    display.done();
    io.stdout.write(formatFuzzReport(report, io.cwd));
    return report.failingRuns === 0 ? 0 : 1;
  },
};

/** The generated callers' shape from `--status-callback`, `--dial`, `--phrase`. */
function callerOptions(options: Options): Partial<AppCallerOptions> {
  return {
    ...(options.statusCallback === undefined
      ? {}
      : { statusCallback: `${LIVE_APP_ORIGIN}${options.statusCallback}` }),
    ...(options.dial.length === 0 ? {} : { dialed: options.dial }),
    ...(options.phrases.length === 0 ? {} : { phrases: options.phrases }),
  };
}
