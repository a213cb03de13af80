/**
 * The main job end to end, in-process: the example app over real HTTP, the engine on the
 * simulated driver and the real clock, the scripted caller; the timeline and the diagram.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MENU_PROMPT } from '@rcml/example-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rcml-demo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture() {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      cwd: dir,
    },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

describe('rcml demo', () => {
  it('runs the example call, prints its timeline and writes the diagram', async () => {
    const out = capture();
    const status = await main(['demo', '--out', 'diagram/call.mmd'], out.io);
    expect(out.stderr).toBe('');
    expect(status).toBe(0);
    const text = out.stdout;
    // What is said, in order: the menu, the wrong key, the menu again, the key 1, the recording.
    const lines = text.split('\n');
    const index = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const menu = index(new RegExp(`say\\s+"${MENU_PROMPT.slice(0, 40)}`));
    const key9 = index(/key\s+caller pressed 9/);
    const key1 = index(/key\s+caller pressed 1/);
    const record = index(/record\s+records/);
    const recorded = index(/fetch\s+POST \/recorded .*Digits=#/);
    const final = index(/^Final status: completed/);
    expect(menu).toBeGreaterThan(0);
    expect(key9).toBeGreaterThan(menu);
    expect(key1).toBeGreaterThan(key9);
    expect(record).toBeGreaterThan(key1);
    expect(recorded).toBeGreaterThan(record);
    expect(final).toBeGreaterThan(recorded);
    expect(text).toMatch(/fetch\s+POST \/menu\s+CallStatus=in-progress Digits=1/);
    expect(text).toMatch(/200\s+POST \/menu/);
    expect(text).toMatch(/event\s+answered/);
    expect(text).toMatch(/event\s+completed/);
    expect(text).toMatch(/Your message of [1-9]\d* seconds was recorded/);

    const diagram = await readFile(join(dir, 'diagram', 'call.mmd'), 'utf8');
    expect(diagram.startsWith('sequenceDiagram\n')).toBe(true);
    expect(diagram).toContain('C->>E: key 1');
    expect(diagram).toContain('E->>A: POST /recorded Digits=#35;');
    expect(diagram).toContain('Note over E: status completed');

    // The call machine's diagram, generated from callMachine, with the call's states marked.
    expect(text).toContain('Call machine (its states highlighted): diagram/call.machine.mmd');
    const machine = await readFile(join(dir, 'diagram', 'call.machine.mmd'), 'utf8');
    expect(machine.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(machine).toContain('session_verb --> session_fetching: VERB.DONE [fetchesNext]');
    for (const state of ['dialing_initiated', 'session_fetching', 'session_verb', 'completed']) {
      expect(machine).toContain(`class ${state} visited`);
    }
    expect(machine).not.toContain('class busy visited');
  });

  it('rcml machine --mermaid prints the call machine generated from callMachine', async () => {
    const { callMachine, machineToMermaid } = await import('@rcml/core');
    const out = capture();
    expect(await main(['machine', '--mermaid'], out.io)).toBe(0);
    expect(out.stdout).toBe(machineToMermaid(callMachine));
    expect(out.stdout).toContain('[*] --> queued');
    expect(out.stdout).toContain('dialing --> noAnswer: CHANNEL.HANGUP / after ringTimeout');
    expect(out.stdout).toContain('session_fetching --> session_fallingBack: FETCH.FAILED [hasFallback]');
    const bad = capture();
    expect(await main(['machine'], bad.io)).toBe(2);
    expect(bad.stderr).toContain('--mermaid');
  });

  it('refuses a bad option with usage and status 2', async () => {
    const out = capture();
    expect(await main(['demo', '--keys', 'xyz'], out.io)).toBe(2);
    expect(out.stderr).toContain('--keys');
  });
});
