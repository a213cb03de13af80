/**
 * The replay format's media-stream additions: the `streams` section (scripted stream
 * applications) and `stream` timeline entries are validated with errors naming the field, and
 * a scenario runs its application on the simulated clock.
 */
import { matchScenario, runScenario, validateScenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { base, problem } from './validation.js';

describe('streams section', () => {
  it('accepts the actions of the format', () => {
    expect(
      problem({
        ...base,
        streams: {
          'wss://agent.test/a': [
            { after: 0, do: 'media', for: 0.5 },
            { after: 0.5, do: 'mark', name: 'm' },
            { after: 1, do: 'clear' },
            { after: 2, do: 'close' },
          ],
          'ws://127.0.0.1:9000/b': [],
        },
      }),
    ).toBeNull();
  });

  it.each([
    [{ 'http://agent.test/a': [] }, 'streams.http://agent.test/a'],
    [{ 'wss://agent.test/a?x=1': [] }, 'streams.wss://agent.test/a?x=1'],
    [{ 'wss://agent.test/a': [{ after: 1, do: 'hum' }] }, 'streams.wss://agent.test/a[0].do'],
    [{ 'wss://agent.test/a': [{ after: 1, do: 'media' }] }, 'streams.wss://agent.test/a[0]'],
    [{ 'wss://agent.test/a': [{ after: 1, do: 'media', for: 0 }] }, 'streams.wss://agent.test/a[0].for'],
    [{ 'wss://agent.test/a': [{ after: 1, do: 'mark', name: '' }] }, 'streams.wss://agent.test/a[0].name'],
    [
      {
        'wss://agent.test/a': [
          { after: 2, do: 'close' },
          { after: 1, do: 'clear' },
        ],
      },
      'streams.wss://agent.test/a[1].after',
    ],
  ])('refuses %j naming %s', (streams, field) => {
    expect(problem({ ...base, streams })).toContain(field);
  });

  it('warns about an unknown field of an action, as elsewhere outside expect', () => {
    const warnings: string[] = [];
    validateScenario(
      { ...base, streams: { 'wss://agent.test/a': [{ after: 1, do: 'clear', name: 'x' }] } },
      'case.json',
      warnings,
    );
    expect(warnings.join('\n')).toContain('streams.wss://agent.test/a[0]');
  });

  it('checks stream timeline entries', () => {
    const entry = (e: Record<string, unknown>) => ({
      ...base,
      expect: { timeline: [{ kind: 'stream', ...e }] },
    });
    expect(
      problem(entry({ from: 'engine', event: 'start', tracks: ['inbound'], customParameters: { a: '1' } })),
    ).toBeNull();
    expect(problem(entry({ from: 'app', event: 'media', bytes: 160 }))).toBeNull();
    expect(problem(entry({ from: 'agent', event: 'start' }))).toContain('expect.timeline[0].from');
    expect(problem(entry({ from: 'engine', event: 'hello' }))).toContain('expect.timeline[0].event');
    expect(problem(entry({ from: 'engine' }))).toContain('expect.timeline[0]');
    expect(problem(entry({ from: 'engine', event: 'start', tracks: ['both'] }))).toContain(
      'expect.timeline[0].tracks[0]',
    );
    expect(problem(entry({ from: 'engine', event: 'close', frames: 1.5 }))).toContain(
      'expect.timeline[0].frames',
    );
  });
});

describe('a scripted stream application', () => {
  it('plays its audio to the caller at 20 ms a frame; its mark returns when the audio has played', async () => {
    const scenario = validateScenario(
      {
        ...base,
        app: {
          'POST http://app.test/voice': {
            body: '<Response><Connect><Stream url="wss://agent.test/a"/></Connect></Response>',
          },
        },
        streams: {
          'wss://agent.test/a': [
            { after: 0.1, do: 'media', for: 0.06 },
            { after: 0.1, do: 'mark', name: 'end' },
            { after: 0.5, do: 'close' },
          ],
        },
        expect: {
          timeline: [
            { kind: 'fetch' },
            { kind: 'media', op: 'answer' },
            { kind: 'stream', at: 0, from: 'engine', event: 'connect', url: 'wss://agent.test/a' },
            { kind: 'stream', at: 0, from: 'engine', event: 'start' },
            { kind: 'stream', at: 0.1, from: 'app', event: 'media', bytes: 480 },
            { kind: 'stream', at: 0.1, from: 'app', event: 'mark', name: 'end' },
            // Frames 0.12, 0.14, 0.16 play the 480 bytes; the mark returns at 0.18.
            { kind: 'stream', at: 0.18, from: 'engine', event: 'mark', name: 'end' },
            { kind: 'stream', at: 0.5, from: 'app', event: 'close', frames: 26 },
            { kind: 'media', op: 'hangup', at: 0.5 },
          ],
        },
      },
      'case.json',
    );
    const result = await runScenario(scenario);
    expect(matchScenario(scenario, result)).toMatchObject({ ok: true });
  });
});
