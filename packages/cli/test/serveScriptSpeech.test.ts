/**
 * `rcml serve --script`: the far end's `speak` words and `answer` greeting reach the simulated
 * driver (spec 4.4 Speech, 9.3), bad values are refused naming the field; and the CLI's
 * observed channels pass `recordCall` through (Record=true, spec 9.4).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Channel, createSimulatedClock } from '@rcml/core';
import type { SimulatedFarEnd } from '@rcml/driver';
import { describe, expect, it } from 'vitest';
import { loadServeScript, playParty } from '../src/serve/farEndScriptFile.js';
import { observeChannel } from '../src/timeline/observe.js';

async function scriptFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rcml-script-'));
  const file = join(dir, 'far-end.json');
  await writeFile(file, JSON.stringify(content));
  return file;
}

describe('rcml serve --script: speech and detection fields', () => {
  it('plays speak text/confidence and answer by/greeting against the far end', async () => {
    const file = await scriptFile({
      party: [
        { at: 0, do: 'answer', by: 'machine', greeting: 4 },
        { at: 1, do: 'speak', for: 2, text: 'sales', confidence: 0.7 },
      ],
    });
    const script = await loadServeScript(file);
    const calls: unknown[][] = [];
    const farEnd = {
      answer: async (...args: unknown[]) => void calls.push(['answer', ...args]),
      speak: async (...args: unknown[]) => void calls.push(['speak', ...args]),
    } as unknown as SimulatedFarEnd;
    playParty(farEnd, script.party!, (fn) => fn());
    expect(calls).toEqual([
      ['answer', 'machine', 4],
      ['speak', 2, 'sales', 0.7],
    ]);
  });

  it.each([
    [{ at: 0, do: 'speak', for: 1, text: 7 }, 'party[0].text must be a string'],
    [{ at: 0, do: 'speak', for: 1, confidence: 2 }, 'party[0].confidence must be a number from 0 to 1'],
    [{ at: 0, do: 'answer', greeting: -1 }, 'party[0].greeting must be a number of seconds >= 0'],
  ])('refuses %j', async (action, message) => {
    const file = await scriptFile({ party: [action] });
    await expect(loadServeScript(file)).rejects.toThrow(message);
  });
});

describe('observed channels', () => {
  it('pass recordCall through without reporting it', async () => {
    const recorded: string[] = [];
    const inner = {
      id: 'c1',
      recordCall: async (request: { recordingSid: string }) => {
        recorded.push(request.recordingSid);
        return { stop: async () => ({ url: 'http://r/1' }) };
      },
    } as unknown as Channel;
    const ops: unknown[] = [];
    const observed = observeChannel(inner, createSimulatedClock(), (op) => ops.push(op));
    const session = await observed.recordCall!(
      { recordingSid: 'RE1', dual: false },
      new AbortController().signal,
    );
    await expect(session.stop()).resolves.toEqual({ url: 'http://r/1' });
    expect(recorded).toEqual(['RE1']);
    expect(ops).toEqual([]);
  });
});
