/**
 * The fixed-seed fuzz run of the test command: 1,000 generated calls (inbound and outbound,
 * menu applications, flaky web servers, far ends that hang up at any moment, live changes)
 * run on the engine through the replay runner, each checked against every invariant of
 * `@rcml/testing`. A failure names the invariant and writes the shrunk counterexample as a
 * replay scenario under `fuzz-out/test/`, ready for `rcml fuzz --check` and `rcml replay`.
 */
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../packages/cli/src/main.js';
import { loadScenarios } from '../packages/replay/src/index.js';
import { checkScenario, fuzz } from '../packages/testing/src/index.js';

const root = join(import.meta.dirname, '..');
const SEED = 20260101;

/**
 * Regression scenarios whose bug (engine or simulated driver) is not fixed yet (file → what is wrong); the replay
 * test shows them failing against their expected timeline. Remove an entry once it passes.
 */
const OPEN_ENGINE_BUGS: Record<string, string> = {};
const RUNS = 1000;

function capture(isTTY = false) {
  const chunks: string[] = [];
  return { chunks, isTTY, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

describe('fuzz: engine invariants on generated calls', () => {
  it(`${RUNS} generated calls from seed ${SEED} break no invariant`, async () => {
    const report = await fuzz({ runs: RUNS, seed: SEED, out: join(root, 'fuzz-out', 'test') });
    const found = report.counterexamples.map(
      (c) =>
        `${c.file ?? `run ${c.run}`}\n  ${c.violations.map((v) => `${v.invariant}: ${v.message}`).join('\n  ')}`,
    );
    expect(found, `counterexamples:\n${found.join('\n')}`).toEqual([]);
    expect(report.runs).toBe(RUNS);
  }, 120_000);

  describe('regression scenarios found by fuzzing (fixtures/replay/regressions) pass every invariant', async () => {
    const folder = join(root, 'fixtures', 'replay', 'regressions');
    const loaded = existsSync(folder) ? await loadScenarios([folder]) : [];
    for (const item of loaded) {
      const title = `${relative(root, item.file)}`;
      const open = OPEN_ENGINE_BUGS[basename(item.file)];
      if (open !== undefined) {
        it.skip(`${title} (engine bug still open: ${open})`, () => {});
        continue;
      }
      it(title, async () => {
        expect(item.error).toBeUndefined();
        if (item.scenario === undefined) return;
        const { violations } = await checkScenario(item.scenario);
        expect(violations).toEqual([]);
      });
    }
  });

  it(`rcml fuzz prints progress lines and a summary, exit 0`, async () => {
    const stdout = capture();
    const stderr = capture();
    const status = await main(['fuzz', '--runs', '50', '--seed', '7', '--out', 'fuzz-out/cli'], {
      stdout,
      stderr,
      cwd: root,
    });
    expect(stdout.text()).toMatch(/^rcml fuzz: 50 runs, seed 7, [\d.]+ s, \d+ calls\/s\nviolations: none\n$/);
    expect(stderr.text()).toContain('fuzz: 50/50 runs');
    expect(stderr.text()).not.toContain('\r');
    expect(status).toBe(0);
  });

  it('rcml fuzz --check reruns scenario files through every invariant', async () => {
    const stdout = capture();
    const stderr = capture();
    const files = [
      'fixtures/replay/regressions/record-status-callback-before-action-during-callback-retry.json',
    ];
    const status = await main(['fuzz', '--check', ...files, 'packages/testing/test/fixtures'], {
      stdout,
      stderr,
      cwd: root,
    });
    expect(stdout.text()).toMatch(/^ok {3}record: recordingStatusCallback is issued before the action/m);
    expect(stdout.text()).toMatch(/^\d+ passed, 0 failed\n$/m);
    expect(status).toBe(0);
  });

  it('rcml fuzz --check on an --out folder a clean run never wrote: no counterexamples, exit 0', async () => {
    const stdout = capture();
    const status = await main(['fuzz', '--check', 'no-such-fuzz-out/'], {
      stdout,
      stderr: capture(),
      cwd: root,
    });
    expect(stdout.text()).toBe(
      'no-such-fuzz-out/: no counterexamples (the folder does not exist: a clean fuzz run writes none)\n' +
        'no counterexamples to check\n0 passed, 0 failed\n',
    );
    expect(status).toBe(0);
    // A named file that is missing is still a failure.
    const missing = capture();
    expect(
      await main(['fuzz', '--check', 'no-such.json'], { stdout: missing, stderr: capture(), cwd: root }),
    ).toBe(1);
    expect(missing.text()).toBe('FAIL no-such.json\n  no such file\n0 passed, 1 failed\n');
  });

  it('rcml fuzz refuses a bad option with exit 2 and the usage', async () => {
    const stdout = capture();
    const stderr = capture();
    const status = await main(['fuzz', '--runs', 'many'], { stdout, stderr, cwd: root });
    expect(status).toBe(2);
    expect(stderr.text()).toContain('rcml fuzz: --runs must be a positive integer, got "many"');
    expect(stderr.text()).toContain('usage: rcml fuzz');
  });
});
