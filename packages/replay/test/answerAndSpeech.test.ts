/**
 * Speech `<Gather>` through the driver's recogniser (spec 4.4 "Speech"), with what the replay
 * format cannot script: a driver without recogniser (13335), the request the recogniser gets,
 * partial results; and who-answered on the call record (Calls API `answered_by`).
 */
import {
  type Channel,
  createEngine,
  type Engine,
  type EngineEvent,
  type EngineOptions,
  type GatherRequest,
  type MediaDriver,
} from '@rcml/core';
import type { SimChannel } from '@rcml/driver';
import {
  createScenarioWorld,
  createSimulatedApp,
  runScenario,
  type Scenario,
  scenarioEngineOptions,
  startScenarioCall,
  validateScenario,
} from '@rcml/replay';
import { describe, expect, it } from 'vitest';

const V = 'http://app.test/voice';
const xml = (body: string) => ({ status: 200, type: 'text/xml', body });

function inboundScenario(doc: string, party: unknown[], app: Record<string, unknown> = {}): Scenario {
  return validateScenario(
    {
      name: 'test',
      inbound: { From: '+15550001111', To: '+15550002222', Url: V },
      party,
      app: {
        [`POST ${V}`]: xml(doc),
        'POST http://app.test/s': xml('<Response><Hangup/></Response>'),
        ...app,
      },
    },
    'test.json',
  );
}

/** An engine whose driver reports no recogniser (the channels stay the simulated ones). */
const withoutRecogniser = (options: EngineOptions): Engine =>
  createEngine({
    ...options,
    driver: {
      capabilities: { ...options.driver.capabilities, speech: false },
      originate: (request) => options.driver.originate(request),
    },
  });

const notices = (events: readonly EngineEvent[], code: number) =>
  events.filter((e): e is Extract<EngineEvent, { type: 'notice' }> => e.type === 'notice' && e.code === code);

const lines = (timeline: readonly object[]) =>
  (timeline as readonly Record<string, unknown>[]).map(
    (e) => `${e.at} ${e.kind === 'media' ? e.op : `${e.kind} ${e.url}`}`,
  );

describe('speech <Gather> without a recogniser (13335)', () => {
  it('a speech-only Gather warns once and behaves as one that got no input, whatever the party says', async () => {
    const scenario = inboundScenario(
      '<Response><Gather input="speech" action="/s" timeout="3"><Say>Hi</Say></Gather><Say>Bye</Say></Response>',
      [{ at: 1, do: 'speak', for: 1, text: 'sales' }],
    );
    const run = await runScenario(scenario, { createEngine: withoutRecogniser });
    const warnings = notices(run.events, 13335);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warning' });
    expect(warnings[0]!.message).toContain('no recogniser');
    // Prompt 0..0.1, no-input timeout 3 s -> next verb at 3.1.
    expect(lines(run.outcome.timeline)).toEqual([
      `0 fetch ${V}`,
      '0 answer',
      '0 gather',
      '0 say',
      '3.1 say',
      '3.25 hangup',
    ]);
    expect(run.violations).toEqual([]);
  });

  it('a dtmf speech Gather warns once and still takes keys', async () => {
    const scenario = inboundScenario(
      '<Response><Gather input="dtmf speech" action="/s" numDigits="2"/></Response>',
      [
        { at: 1, do: 'speak', for: 1, text: 'sales' },
        { at: 2, do: 'dtmf', digits: '42', gap: 0.5 },
      ],
    );
    const run = await runScenario(scenario, { createEngine: withoutRecogniser });
    expect(notices(run.events, 13335)).toHaveLength(1);
    const action = run.outcome.timeline.find((e) => e.url === 'http://app.test/s');
    expect(action).toMatchObject({ at: 2.5, params: { Digits: '42' } });
    expect((action as { params: Record<string, string> }).params.SpeechResult).toBeUndefined();
  });

  it('one warning per Gather: two speech Gathers warn twice; a recogniser means no warning', async () => {
    const doc =
      '<Response><Gather input="speech" timeout="1"/><Gather input="speech" timeout="1"/></Response>';
    const without = await runScenario(inboundScenario(doc, []), { createEngine: withoutRecogniser });
    expect(notices(without.events, 13335)).toHaveLength(2);
    const withRecogniser = await runScenario(inboundScenario(doc, []));
    expect(notices(withRecogniser.events, 13335)).toHaveLength(0);
  });
});

/** Run a scenario by hand, with a hook at given simulated seconds on the call's channel. */
async function runWith(
  scenario: Scenario,
  hooks: { at: number; fn: (channel: SimChannel) => void }[],
  spy?: (request: GatherRequest) => void,
) {
  const world = createScenarioWorld(scenario);
  const { clock, driver, origin, recorder } = world;
  const app = createSimulatedApp(scenario.app, clock);
  const engine = createEngine({
    driver: recorder.wrapDriver(driver),
    http: recorder.wrapHttp(app),
    clock,
    ...scenarioEngineOptions(scenario),
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const sid = startScenarioCall(engine, world, scenario);
  // Inbound: the channel exists now (outbound calls are placed in a microtask).
  const channel = () => driver.calls[0]!.channel;
  if (spy !== undefined) {
    const inbound = channel();
    const gather = inbound.gather.bind(inbound);
    inbound.gather = (request, signal) => {
      spy(request);
      return gather(request, signal);
    };
  }
  for (const hook of hooks) clock.schedule(origin + hook.at * 1000, () => hook.fn(channel()), 1);
  const settle = () => new Promise<void>((r) => setImmediate(r));
  await settle();
  while (clock.fireNext()) {
    await settle();
    await settle();
  }
  return { engine, sid, events, timeline: recorder.entries };
}

describe('speech <Gather> with the simulated recogniser', () => {
  it('hands the recogniser language, hints and speechTimeout (defaults en-US, none, the timeout)', async () => {
    const seen: GatherRequest[] = [];
    await runWith(
      inboundScenario(
        '<Response><Gather input="speech" timeout="2" language="fr-FR" hints="sales, support ,, billing" speechTimeout="auto"/><Gather input="speech" timeout="2"/></Response>',
        [],
      ),
      [],
      (r) => seen.push(r),
    );
    expect(seen[0]).toMatchObject({
      language: 'fr-FR',
      hints: ['sales', 'support', 'billing'],
      speechTimeout: 'auto',
    });
    expect(seen[1]).toMatchObject({ language: 'en-US', hints: [], speechTimeout: 2 });
  });

  it('partial results go to partialResultCallback (resolved against the document) numbered from 0, and stop with the Gather', async () => {
    const scenario = inboundScenario(
      '<Response><Gather input="speech" action="/s" timeout="5" speechTimeout="1" partialResultCallback="/partial"/></Response>',
      [{ at: 1, do: 'speak', for: 2, text: 'sales please' }],
      { 'POST http://app.test/partial': { status: 200 } },
    );
    const run = await runWith(scenario, [
      { at: 1.5, fn: (c) => c.farPartialSpeech('sails', '') },
      { at: 2.5, fn: (c) => c.farPartialSpeech('please', 'sales') },
      // After the Gather ended (result at 3 + 1 = 4): nobody listens.
      { at: 4.5, fn: (c) => c.farPartialSpeech('late', 'late') },
    ]);
    const partials = run.timeline.filter((e) => e.url === 'http://app.test/partial');
    expect(partials).toHaveLength(2);
    expect(partials[0]).toMatchObject({
      kind: 'callback',
      at: 1.5,
      params: {
        CallSid: run.sid,
        UnstableSpeechResult: 'sails',
        StableSpeechResult: '',
        SequenceNumber: '0',
      },
    });
    expect(partials[1]).toMatchObject({
      at: 2.5,
      params: { UnstableSpeechResult: 'please', StableSpeechResult: 'sales', SequenceNumber: '1' },
    });
    const action = run.timeline.find((e) => e.url === 'http://app.test/s');
    expect(action).toMatchObject({ at: 4, params: { SpeechResult: 'sales please', Confidence: '0.9' } });
  });

  it('an invalid speechTimeout warns 13301 and uses the timeout', async () => {
    const seen: GatherRequest[] = [];
    const run = await runWith(
      inboundScenario('<Response><Gather input="speech" timeout="4" speechTimeout="0.5"/></Response>', []),
      [],
      (r) => seen.push(r),
    );
    expect(seen[0]?.speechTimeout).toBe(4);
    expect(notices(run.events, 13301)[0]?.message).toContain('speechTimeout');
  });
});

describe('who answered on the call record', () => {
  it('the call record (Calls API answered_by) holds the MachineDetection value, the start is the pick-up; VoicemailDetector is not sent', async () => {
    const scenario = validateScenario(
      {
        name: 'amd',
        call: { From: '+15550002222', To: '+15550001111', Url: V, MachineDetection: 'DetectMessageEnd' },
        party: [{ at: 1, do: 'answer', by: 'machine_end_other', greeting: 2 }],
        app: { [`POST ${V}`]: xml('<Response><Hangup/></Response>') },
      },
      'amd.json',
    );
    const run = await runWith(scenario, []);
    const record = run.engine.get(run.sid)!;
    expect(record.answeredBy).toBe('machine_end_other');
    expect(record.startTime).toBe(Date.parse('2026-01-01T00:00:01Z'));
    expect(record.duration).toBe(2);
    const fetch = run.timeline.find((e) => e.kind === 'fetch') as { params: Record<string, string> };
    expect(fetch.params.AnsweredBy).toBe('machine_end_other');
    expect('VoicemailDetector' in fetch.params).toBe(false);
  });
});

describe('Record=true on a driver that cannot record a whole call', () => {
  it('reports 14103 and the call goes on unrecorded (no recording callback)', async () => {
    const scenario = validateScenario(
      {
        name: 'rec',
        call: {
          From: '+15550002222',
          To: '+15550001111',
          Url: V,
          Record: 'true',
          RecordingStatusCallback: 'http://app.test/rec',
        },
        party: [{ at: 1, do: 'answer' }],
        app: { [`POST ${V}`]: xml('<Response><Pause length="2"/></Response>') },
      },
      'rec.json',
    );
    const noRecordCall = (options: EngineOptions): Engine => {
      const driver: MediaDriver = {
        capabilities: options.driver.capabilities,
        originate(request) {
          const channel = options.driver.originate(request);
          const copy: Channel = {
            get id() {
              return channel.id;
            },
            listen: (h) => channel.listen(h),
            answer: (s) => channel.answer(s),
            say: (r, s) => channel.say(r, s),
            play: (r, s) => channel.play(r, s),
            sendDigits: (r, s) => channel.sendDigits(r, s),
            pause: (r, s) => channel.pause(r, s),
            gather: (r, s) => channel.gather(r, s),
            record: (r, s) => channel.record(r, s),
            dial: (r, s) => channel.dial(r, s),
            hangup: () => channel.hangup(),
            reject: (r) => channel.reject(r),
          };
          return copy;
        },
      };
      return createEngine({ ...options, driver });
    };
    const run = await runScenario(scenario, { createEngine: noRecordCall });
    expect(notices(run.events, 14103)[0]?.message).toContain('cannot record a whole call');
    expect(run.outcome.timeline.some((e) => e.url === 'http://app.test/rec')).toBe(false);
    expect(run.outcome.final).toEqual({ status: 'completed', duration: 2 });
  });
});

describe('replay format: answer by/greeting and speak text/confidence', () => {
  const base = { name: 'x', call: { From: '+1', To: '+2', Url: 'http://app.test/v' } };
  const check = (party: unknown[]) => () => validateScenario({ ...base, party }, 'x.json');

  it('accepts every TwiML AnsweredBy value, a greeting, and speak text with confidence (party and dialed)', () => {
    for (const by of [
      'human',
      'machine',
      'machine_start',
      'machine_end_beep',
      'machine_end_silence',
      'machine_end_other',
      'fax',
    ]) {
      expect(check([{ at: 1, do: 'answer', by, greeting: 2.5 }])).not.toThrow();
    }
    expect(
      check([
        { at: 1, do: 'answer' },
        { at: 2, do: 'speak', for: 1, text: 'sales', confidence: 1 },
      ]),
    ).not.toThrow();
    expect(() =>
      validateScenario(
        { ...base, dialed: { '+3': [{ after: 1, do: 'speak', for: 1, text: 'yes', confidence: 0 }] } },
        'x.json',
      ),
    ).not.toThrow();
  });

  it.each([
    [[{ at: 1, do: 'answer', by: 'unknown' }], 'x.json: party[0].by'],
    [[{ at: 1, do: 'answer', greeting: -1 }], 'x.json: party[0].greeting'],
    [[{ at: 1, do: 'speak', for: 1, text: 3 }], 'x.json: party[0].text'],
    [[{ at: 1, do: 'speak', for: 1, confidence: 1.5 }], 'x.json: party[0].confidence: must be at most 1'],
    [[{ at: 1, do: 'speak', for: 1, confidence: -0.1 }], 'x.json: party[0].confidence'],
  ])('refuses %j naming the field', (party, message) => {
    expect(check(party)).toThrow(message);
  });
});
