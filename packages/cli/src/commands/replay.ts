/**
 * `rcml replay <files or folders> [--json] [--write]`: run replay scenarios and compare what
 * the engine did with what each expects. Prints one line per scenario, the details of each
 * failure, the notices of every scenario's calls, and `N passed, M failed` last; exits 1 when anything failed or could not be read.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  formatFailure,
  formatNotices,
  formatResultLine,
  formatSummary,
  loadScenarios,
  matchScenario,
  runScenario,
  scenarioNotices,
  withActualExpect,
} from '@rcml/replay';
import { httpUrlOption, parseOptions, UsageError } from '../args.js';
import type { Command } from '../io.js';

const USAGE = `usage: rcml replay <files or folders>... [--json] [--write] [--app URL [--auth-token T]]

  --json             print the results (each with its actual timeline and notices) as JSON
  --write            fill in each scenario's expect.timeline and expect.final from the actual run
                     (for authoring new scenarios only: check what it wrote before you keep it)
  --app URL          live replay: send each scenario's requests to the application running at
                     URL (its Url's origin, e.g. http://app.test, maps to URL) instead of
                     answering them from its "app" section; time stays simulated
  --auth-token T     sign the live requests (X-Twilio-Signature) for their real URL
                     (default: $TWILIO_AUTH_TOKEN, else the scenario's options.authToken)
`;

export const command: Command = {
  summary: 'run replay scenarios (files or folders) and compare timelines',
  async run(args, io) {
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(USAGE);
      return 0;
    }
    let values: Record<string, string | boolean | undefined>;
    let paths: string[];
    let app: string | undefined;
    try {
      ({ values, positionals: paths } = parseOptions(
        args,
        {
          json: { type: 'boolean' },
          write: { type: 'boolean' },
          app: { type: 'string' },
          'auth-token': { type: 'string' },
        },
        true,
      ));
      app = values.app === undefined ? undefined : httpUrlOption('--app', String(values.app));
      if (values['auth-token'] !== undefined && app === undefined) {
        throw new UsageError('--auth-token signs the requests of a live replay: give --app too');
      }
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`rcml replay: ${error.message}\n${USAGE}`);
      return 2;
    }
    const json = values.json === true;
    const write = values.write === true;
    if (paths.length === 0) {
      io.stderr.write(USAGE);
      return 2;
    }
    const token = (values['auth-token'] as string | undefined) ?? (io.env ?? process.env).TWILIO_AUTH_TOKEN;
    const live =
      app === undefined
        ? {}
        : { app: { url: app, ...(token === undefined || token === '' ? {} : { authToken: token }) } };
    const loaded = await loadScenarios(paths.map((p) => resolve(io.cwd, p)));
    const results: unknown[] = [];
    let passed = 0;
    let failed = 0;
    for (const item of loaded) {
      if (item.scenario === undefined) {
        failed++;
        if (json) results.push({ file: item.file, ok: false, error: item.error, notices: [] });
        else io.stdout.write(`FAIL ${item.file}\n  ${item.error}\n`);
        continue;
      }
      for (const warning of item.warnings) io.stderr.write(`warning: ${warning}\n`);
      let result: Awaited<ReturnType<typeof runScenario>>;
      try {
        result = await runScenario(item.scenario, live);
      } catch (error) {
        // The engine itself threw (not a mismatch): report it as this scenario's failure.
        failed++;
        const message = `${item.file}: the run stopped: ${error instanceof Error ? error.message : String(error)}`;
        if (json) {
          results.push({ file: item.file, name: item.scenario.name, ok: false, error: message, notices: [] });
        } else io.stdout.write(`${formatResultLine(item.scenario.name, false)}\n  ${message}\n`);
        continue;
      }
      if (write) {
        await writeFile(item.file, `${JSON.stringify(withActualExpect(item.scenario, result), null, 2)}\n`);
      }
      const match = matchScenario(write ? withActualExpect(item.scenario, result) : item.scenario, result);
      if (match.ok) passed++;
      else failed++;
      const notices = scenarioNotices(item.scenario, result);
      if (json) {
        results.push({
          file: item.file,
          name: item.scenario.name,
          ok: match.ok,
          problems: match.problems,
          ...(match.firstDifference === undefined ? {} : { firstDifference: match.firstDifference }),
          ...(result.createError === undefined ? {} : { createError: result.createError }),
          timeline: result.outcome.timeline,
          final: result.outcome.final,
          notices,
        });
        continue;
      }
      io.stdout.write(`${formatResultLine(item.scenario.name, match.ok)}${write ? '  (written)' : ''}\n`);
      if (!match.ok) io.stdout.write(`  file: ${item.file}\n${formatFailure(result, match)}`);
      io.stdout.write(formatNotices(notices, result));
    }
    if (json) io.stdout.write(`${JSON.stringify({ passed, failed, results }, null, 2)}\n`);
    else io.stdout.write(`${formatSummary(passed, failed)}\n`);
    return failed > 0 ? 1 : 0;
  },
};
