import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { base, problem } from './validation.js';

const EXAMPLES = join(import.meta.dirname, '../../../fixtures/replay/spec-examples');

describe('validateScenario', () => {
  it.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')))(
    'accepts the worked example %s',
    (file) => {
      const text = readFileSync(join(EXAMPLES, file), 'utf8');
      expect(parseScenario(text, file).error).toBeUndefined();
    },
  );

  it('accepts every optional section written as the format shows it', () => {
    expect(
      problem({
        name: 'full',
        source: 'doc',
        options: {
          accountSid: 'AC1',
          authToken: 't',
          apiVersion: '2010-04-01',
          fetchTimeout: 5,
          epoch: '2026-03-01T10:00:00Z',
        },
        call: { From: '+1', To: '+2', Url: 'http://app.test/v', Timeout: '10' },
        party: [
          { at: 0, do: 'ring' },
          { at: 1, do: 'answer', by: 'machine' },
          { at: 2, do: 'dtmf', digits: '12#*AD', gap: 0.5 },
          { at: 3, do: 'speak', for: 2 },
          { at: 9, do: 'hangup' },
        ],
        dialed: {
          '+3': [
            { after: 1, do: 'ring' },
            { after: 2, do: 'answer' },
            { after: 3, do: 'dtmf', digits: '1' },
            { after: 4, do: 'speak', for: 1 },
          ],
        },
        app: {
          'POST http://app.test/v': [{ status: 302, headers: { Location: '/w' } }, { error: 'hang' }],
          'GET http://app.test/w': { body: '<Response/>', delay: 0.2, type: 'application/xml' },
          'POST http://app.test/x': { error: 'connect' },
        },
        media: {
          sayCharSeconds: 0.1,
          playSeconds: { 'http://m/a.wav': 3 },
          defaultPlaySeconds: 1,
          digitSeconds: 0.2,
          recordingBaseUrl: 'http://r/',
          failUrls: ['http://m/b.wav'],
        },
        modify: [
          { at: 2, Url: 'http://app.test/w', Method: 'GET' },
          { at: 5, Status: 'completed' },
        ],
        expect: {
          create: { ok: true },
          timeline: [
            {
              kind: 'fetch',
              at: 1,
              method: 'POST',
              url: 'http://app.test/v',
              params: { CallSid: 'CA1', Digits: null },
            },
            { kind: 'media', op: 'gather', input: 'dtmf speech', numDigits: null, finishOnKey: '' },
            { kind: 'media', op: 'dial', targets: [{ type: 'conference', to: 'room' }], hangupOnStar: true },
          ],
          final: { status: 'no-answer', duration: 0 },
        },
      }),
    ).toBeNull();
  });

  it.each([
    [{ ...base, name: undefined }, 'case.json: name: is required'],
    [{ ...base, call: { From: '+1' } }, 'exactly one of "call" and "inbound"'],
    [{ name: 'x' }, 'exactly one of "call" and "inbound"'],
    [{ ...base, inbound: { From: '+1', To: '+2' } }, 'inbound.Url: is required'],
    [{ name: 'x', call: { From: '+1', Timeout: 30 } }, 'call.Timeout: must be a string, got 30'],
    [{ ...base, options: { fetchTimeout: 0 } }, 'options.fetchTimeout: must be more than 0'],
    [{ ...base, options: { epoch: 'yesterday' } }, 'options.epoch: must be an ISO-8601 instant'],
    [{ ...base, party: [{ at: 1, do: 'ring' }] }, 'party[0].do: "ring" is for outbound calls only'],
    [{ ...base, party: [{ at: 1, do: 'dance' }] }, 'party[0].do: must be one of'],
    [
      {
        ...base,
        party: [
          { at: 2, do: 'hangup' },
          { at: 1, do: 'dtmf', digits: '1' },
        ],
      },
      'party[1].at: must not be earlier',
    ],
    [{ ...base, party: [{ at: 1, do: 'dtmf', digits: '1x' }] }, 'party[0].digits: must be keys'],
    [{ ...base, party: [{ at: 1, do: 'dtmf' }] }, 'party[0].digits: is required'],
    [{ ...base, party: [{ at: -1, do: 'hangup' }] }, 'party[0].at: must be at least 0'],
    [{ ...base, party: [{ at: 1, do: 'speak', for: 0 }] }, 'party[0].for: must be more than 0'],
    [{ ...base, dialed: { '+3': [{ at: 1, do: 'answer' }] } }, 'dialed.+3[0].after: is required'],
    [{ ...base, dialed: { '+3': [{ after: 1, do: 'reject' }] } }, 'dialed.+3[0].do: must be one of'],
    [
      { ...base, dialed: { '+3': [{ after: 1, do: 'speak', for: 0 }] } },
      'dialed.+3[0].for: must be more than 0',
    ],
    [
      { ...base, app: { 'http://app.test/v': {} } },
      'app["http://app.test/v"]: a key must be "<METHOD> <URL>"',
    ],
    [{ ...base, app: { 'POST /v': {} } }, 'is not an absolute URL'],
    [{ ...base, app: { 'GET http://a.test/v?x=1': {} } }, 'must not have a query string'],
    [
      { ...base, app: { 'POST http://a.test/v': { status: '200' } } },
      'app["POST http://a.test/v"].status: must be a number',
    ],
    [
      { ...base, app: { 'POST http://a.test/v': [{}, { error: 'reset' }] } },
      'app["POST http://a.test/v"][1].error: must be one of',
    ],
    [{ ...base, app: { 'POST http://a.test/v': [] } }, 'must not be empty'],
    [{ ...base, media: { failUrls: 'http://m' } }, 'media.failUrls: must be a list'],
    [
      { ...base, media: { playSeconds: { 'http://m': -1 } } },
      'media.playSeconds["http://m"]: must be at least 0',
    ],
    [{ ...base, modify: [{ Url: 'http://a.test/v' }] }, 'modify[0].at: is required'],
    [
      { ...base, expect: { timeline: [{ kind: 'media', op: 'shout' }] } },
      'expect.timeline[0].op: must be one of',
    ],
    [
      { ...base, expect: { timeline: [{ kind: 'media', op: 'say', txt: 'hi' }] } },
      'expect.timeline[0].txt: unknown field',
    ],
    [
      { ...base, expect: { timeline: [{ kind: 'media', op: 'say', loop: '1' }] } },
      'expect.timeline[0].loop: must be a number',
    ],
    [
      { ...base, expect: { timeline: [{ kind: 'fetch', params: { Digits: 1 } }] } },
      'expect.timeline[0].params.Digits: must be a string',
    ],
    [
      {
        ...base,
        expect: {
          timeline: [
            { kind: 'fetch', at: 2 },
            { kind: 'fetch', at: 1 },
          ],
        },
      },
      'expect.timeline[1].at: must not be earlier',
    ],
    [{ ...base, expect: { final: { status: 'done' } } }, 'expect.final.status: must be one of'],
    [{ ...base, expect: { final: { duration: 1.5 } } }, 'expect.final.duration: must be a whole number'],
    [{ ...base, expect: { create: { ok: false } } }, 'expect.create.ok: only a "call" scenario'],
    [
      { name: 'x', call: {}, expect: { create: { ok: false }, timeline: [{ kind: 'media', op: 'answer' }] } },
      'expect.timeline: must be empty when creation fails',
    ],
    [{ ...base, expect: { timelines: [] } }, 'expect.timelines: unknown field'],
  ])('refuses a malformed scenario with a message naming the file and the field (%#)', (json, message) => {
    const got = problem(json);
    expect(got).toContain(message);
    expect(got).toMatch(/^case\.json: /);
    expect(got).not.toMatch(/\n\s+at /);
  });

  it('ignores annotation keys ($schema, _note, //) wherever they stand', () => {
    expect(
      problem({
        ...base,
        $schema: 'x',
        '//': 'why this case exists',
        party: [{ at: 1, do: 'hangup', _note: 'caller gives up' }],
        app: { _comment: 'none', 'POST http://a.test/v': { body: '', _why: 'empty' } },
        expect: { timeline: [{ kind: 'fetch', _note: 'first fetch' }] },
      }),
    ).toBeNull();
  });

  it('ignores unknown fields outside expect with a warning naming the file and the field', () => {
    const loaded = parseScenario(
      JSON.stringify({
        ...base,
        description: 'written by another suite',
        options: { timeout: 3 },
        party: [{ at: 1, do: 'hangup', digits: '1' }],
      }),
      'case.json',
    );
    expect(loaded.error).toBeUndefined();
    expect(loaded.scenario === undefined ? [] : loaded.warnings).toEqual([
      expect.stringMatching(/^case\.json: description: unknown field .*; ignored$/),
      expect.stringMatching(/^case\.json: options\.timeout: unknown field/),
      expect.stringMatching(/^case\.json: party\[0\]\.digits: unknown field/),
    ]);
  });

  it('refuses unknown fields under expect, where they would silently disable a check', () => {
    expect(problem({ ...base, expect: { final: { status: 'completed', durration: 3 } } })).toContain(
      'case.json: expect.final.durration: unknown field',
    );
  });

  it('reports JSON syntax errors with the file name', () => {
    expect(parseScenario('{ "name": ', 'broken.json').error).toMatch(/^broken\.json: not valid JSON/);
  });
});
