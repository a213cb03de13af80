/**
 * Every replay scenario of the repository (`fixtures/replay/`, with the spec's worked examples in
 * `fixtures/replay/spec-examples/`) runs through the replay runner: one test per scenario,
 * failing with the first differing entry and the actual timeline.
 */
import { join, relative } from 'node:path';
import { formatFailure, loadScenarios, matchScenario, runScenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const loaded = await loadScenarios([join(root, 'fixtures/replay')]);

describe('replay scenarios', () => {
  it('finds scenarios to run', () => {
    expect(loaded.length).toBeGreaterThan(0);
  });

  for (const item of loaded) {
    const title = `${relative(root, item.file)}: ${item.scenario?.name ?? 'unreadable'}`;
    if (item.scenario === undefined) {
      it(title, () => {
        expect.fail(item.error);
      });
      continue;
    }
    const scenario = item.scenario;
    it(title, async () => {
      const result = await runScenario(scenario);
      const match = matchScenario(scenario, result);
      expect(match.ok, `\n${formatFailure(result, match)}`).toBe(true);
    });
  }
});

describe('rcml replay (command line)', async () => {
  const { mkdtemp, readFile, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { command } = await import('../packages/cli/src/commands/replay.js');
  const example = {
    name: 'say then hang up',
    inbound: { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' },
    app: { 'POST http://app.test/voice': { body: '<Response><Say>Hi</Say></Response>' } },
    expect: {
      timeline: [
        { kind: 'fetch' },
        { kind: 'media', op: 'answer' },
        { kind: 'media', op: 'say', text: 'Bye' },
      ],
    },
  };

  async function run(files: Record<string, unknown>, ...flags: string[]) {
    const dir = await mkdtemp(join(tmpdir(), 'rcml-replay-'));
    for (const [name, json] of Object.entries(files)) {
      await writeFile(join(dir, name), typeof json === 'string' ? json : JSON.stringify(json));
    }
    let stdout = '';
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, cwd: dir };
    const status = await command.run([dir, ...flags], io);
    return { status, stdout, lines: stdout.trimEnd().split('\n'), dir };
  }

  it('prints ok/FAIL per scenario, the first difference, and "N passed, M failed" last', async () => {
    const { status, stdout, lines } = await run({
      'a-broken.json': '{"name": "x", "inbound": {}}',
      'b-say.json': example,
    });
    expect(status).toBe(1);
    expect(lines.at(-1)).toBe('0 passed, 2 failed');
    expect(stdout).toMatch(/FAIL .*a-broken\.json\n {2}.*a-broken\.json: inbound\.From: is required/);
    expect(stdout).toContain('FAIL say then hang up');
    expect(stdout).toContain('first difference at timeline entry 2 (field text)');
    expect(stdout).toContain('"text": "Hi"');
  });

  it('--write fills in the timeline from the actual run, after which it passes', async () => {
    const { dir } = await run({ 'say.json': example }, '--write');
    const written = JSON.parse(await readFile(join(dir, 'say.json'), 'utf8'));
    expect(written.expect.timeline.map((e: { op?: string; kind: string }) => e.op ?? e.kind)).toEqual([
      'fetch',
      'answer',
      'say',
      'hangup',
    ]);
    const again = await command.run([dir], {
      stdout: { write: () => true },
      stderr: { write: () => true },
      cwd: dir,
    });
    expect(again).toBe(0);
  });

  it('--json prints each result with its actual timeline', async () => {
    const { stdout, status } = await run({ 'say.json': example }, '--json');
    const parsed = JSON.parse(stdout);
    expect(status).toBe(1);
    expect(parsed).toMatchObject({
      passed: 0,
      failed: 1,
      results: [{ name: 'say then hang up', ok: false }],
    });
    expect(parsed.results[0].timeline).toHaveLength(4);
  });
});
