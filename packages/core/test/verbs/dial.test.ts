import { describe, expect, it } from 'vitest';
import { inbound, lines, paramsOf, runWorld, type World } from '../engine/harness.js';

const DONE = { 'POST http://app.test/d': { body: '<Response/>' } };

function dial(
  inner: string,
  dialed: World['dialed'],
  extra: Partial<World> = {},
  attrs = 'action="/d"',
): World {
  return inbound(`<Response><Dial ${attrs}>${inner}</Dial><Say>After</Say></Response>`, {
    ...extra,
    ...(dialed === undefined ? {} : { dialed }),
    app: { ...DONE, ...extra.app },
  });
}

describe('<Dial> (spec 4.6)', () => {
  it('rings targets in parallel: the first to answer wins, the others are canceled; leg callbacks in order', async () => {
    const cb =
      'statusCallback="http://app.test/leg" statusCallbackEvent="initiated ringing answered completed"';
    const run = await runWorld(
      dial(
        `<Number ${cb}>+1 (555) 000-3333</Number><Client ${cb}>alice</Client><Sip>sip:bob@example.com</Sip>`,
        {
          '+15550003333': [
            { after: 1, do: 'ring' },
            { after: 3, do: 'answer' },
            { after: 8, do: 'hangup' },
          ],
          alice: [{ after: 1, do: 'ring' }],
        },
      ),
    );
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 answer',
      '0 dial targets=[{"type":"number","to":"+15550003333"},{"type":"client","to":"alice"},{"type":"sip","to":"sip:bob@example.com"}] timeout=30 timeLimit=14400 callerId=+15550001111 hangupOnStar=false',
      '0 callback POST http://app.test/leg initiated',
      '0 callback POST http://app.test/leg initiated',
      '1 callback POST http://app.test/leg ringing',
      '1 callback POST http://app.test/leg ringing',
      '3 callback POST http://app.test/leg in-progress',
      '3 callback POST http://app.test/leg canceled',
      '8 callback POST http://app.test/leg completed',
      '8 fetch POST http://app.test/d',
      '8 hangup',
    ]);
    const legs = run.timeline
      .filter((e) => e.kind === 'callback')
      .map((e) => e.params as Record<string, string>);
    expect(legs[0]).toMatchObject({
      CallSid: 'CA00000000000000000000000000000002',
      ParentCallSid: 'CA00000000000000000000000000000001',
      Direction: 'outbound-dial',
      From: '+15550001111',
      To: '+15550003333',
      SequenceNumber: '0',
    });
    expect(legs[1]).toMatchObject({ CallSid: 'CA00000000000000000000000000000003', SequenceNumber: '0' });
    expect(legs[6]).toMatchObject({
      CallSid: 'CA00000000000000000000000000000002',
      CallDuration: '5',
      SequenceNumber: '3',
    });
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: 'CA00000000000000000000000000000002',
      DialCallDuration: '5',
    });
    const children = run.engine.list({ parentCallSid: 'CA00000000000000000000000000000001' });
    expect(children.calls.map((c) => `${c.sid.slice(-1)} ${c.status}`)).toEqual([
      '4 canceled',
      '3 canceled',
      '2 completed',
    ]);
  });

  it('nobody answering within timeout: no-answer, DialCallSid is the first leg, duration 0', async () => {
    const run = await runWorld(
      dial('<Number>+15550003333</Number><Number>+15550004444</Number>', {}, {}, 'action="/d" timeout="6"'),
    );
    expect(lines(run.timeline)[3]).toBe('6 fetch POST http://app.test/d');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({
      DialCallStatus: 'no-answer',
      DialCallSid: 'CA00000000000000000000000000000002',
      DialCallDuration: '0',
    });
  });

  it('busy and failed targets end the dial at once with their status', async () => {
    const busy = await runWorld(dial('+15550003333', { '+15550003333': [{ after: 2, do: 'busy' }] }));
    expect(lines(busy.timeline)[3]).toBe('2 fetch POST http://app.test/d');
    expect(paramsOf(busy, 'fetch', 1).DialCallStatus).toBe('busy');
    const failed = await runWorld(dial('+15550003333', { '+15550003333': [{ after: 1, do: 'fail' }] }));
    expect(paramsOf(failed, 'fetch', 1).DialCallStatus).toBe('failed');
  });

  it('without action the next verb runs after the dial', async () => {
    const run = await runWorld(dial('+15550003333', { '+15550003333': [{ after: 2, do: 'busy' }] }, {}, ''));
    expect(lines(run.timeline)[3]).toBe('2 say text=After voice=man language=en-US loop=1');
  });

  it('hangupOnStar: * from the caller drops the callee and the call goes on', async () => {
    const run = await runWorld(
      dial(
        '+15550003333',
        { '+15550003333': [{ after: 1, do: 'answer' }] },
        { party: [{ at: 4, do: 'dtmf', digits: '*' }] },
        'action="/d" hangupOnStar="true"',
      ),
    );
    expect(lines(run.timeline)[3]).toBe('4 fetch POST http://app.test/d');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '3' });
  });

  it('timeLimit ends the bridged call', async () => {
    const run = await runWorld(
      dial(
        '+15550003333',
        { '+15550003333': [{ after: 1, do: 'answer' }] },
        {},
        'action="/d" timeLimit="10"',
      ),
    );
    expect(lines(run.timeline)[3]).toBe('11 fetch POST http://app.test/d');
    expect(paramsOf(run, 'fetch', 1).DialCallDuration).toBe('10');
  });

  it('the caller hanging up before an answer: canceled; the action is still made, then completed', async () => {
    const run = await runWorld(
      dial(
        '+15550003333',
        {},
        { party: [{ at: 3, do: 'hangup' }], inbound: { StatusCallback: 'http://app.test/s' } as never },
      ),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '3 fetch POST http://app.test/d',
      '3 callback POST http://app.test/s completed',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'canceled', CallStatus: 'completed' });
  });

  it('a live change before any answer cancels the legs without an action', async () => {
    const run = await runWorld(
      dial(
        '<Number statusCallback="/leg">+15550003333</Number>',
        {},
        {
          modify: [{ at: 2, Url: 'http://app.test/new' }],
          app: { 'POST http://app.test/new': { body: '<Response/>' } },
        },
      ),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '2 callback POST http://app.test/leg canceled',
      '2 fetch POST http://app.test/new',
      '2 hangup',
    ]);
    expect(run.engine.activeCalls).toBe(0);
  });

  it('dials a conference room by name', async () => {
    const run = await runWorld(
      dial('<Conference>  Room 1 </Conference>', {
        'Room 1': [
          { after: 0, do: 'answer' },
          { after: 5, do: 'hangup' },
        ],
      }),
    );
    expect(run.timeline[2]).toMatchObject({ op: 'dial', targets: [{ type: 'conference', to: 'Room 1' }] });
    expect(paramsOf(run, 'fetch', 1).DialCallDuration).toBe('5');
  });
});

describe('<Dial> when the driver fails', () => {
  it('a dial the driver refuses ends its legs failed (none left alive), notice 14103, next verb', async () => {
    const run = await runWorld({
      ...dial('<Number statusCallback="/leg">+15550003333</Number>', {}, {}, ''),
      dialThrows: true,
    });
    expect(lines(run.timeline).slice(2)).toEqual([
      '0 callback POST http://app.test/leg failed',
      '0 say text=After voice=man language=en-US loop=1',
      '0.25 hangup',
    ]);
    expect(run.engine.activeCalls).toBe(0);
    expect(run.events.some((e) => e.type === 'notice' && e.code === 14103)).toBe(true);
  });
});

describe('<Dial> noun url (whisper)', () => {
  it('plays the noun document to the answered party (fetched with the leg parameters) before bridging', async () => {
    const run = await runWorld(
      dial(
        '<Number url="/whisper" method="GET">+15550003333</Number>',
        {
          '+15550003333': [
            { after: 2, do: 'answer' },
            { after: 10, do: 'hangup' },
          ],
        },
        {
          app: { 'GET http://app.test/whisper': { body: '<Response><Say>You have a call</Say></Response>' } },
        },
      ),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '2 fetch GET http://app.test/whisper',
      '10 fetch POST http://app.test/d',
      '10 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({
      CallSid: 'CA00000000000000000000000000000002',
      ParentCallSid: 'CA00000000000000000000000000000001',
      Direction: 'outbound-dial',
      CallStatus: 'in-progress',
    });
    // Bridged after the 0.7 s whisper: 10 - 2.7 = 7.3 s.
    expect(paramsOf(run, 'fetch', 2).DialCallDuration).toBe('7');
  });
});

describe('whisper documents (spec 4.6: screening with Gather, Hangup, Redirect)', () => {
  const LEG = 'CA00000000000000000000000000000002';
  const leg = (script: NonNullable<World['dialed']>[string]) => ({ '+15550003333': script });
  const notices = (run: Awaited<ReturnType<typeof runWorld>>) =>
    run.events.flatMap((e) =>
      e.type === 'notice' ? [{ code: e.code, callSid: e.callSid, level: e.level }] : [],
    );

  it('a verb a whisper may not use fails that document before it runs (12200 on the leg): the leg declines', async () => {
    const run = await runWorld(
      dial('<Number url="/w">+15550003333</Number>', leg([{ after: 2, do: 'answer' }]), {
        app: { 'POST http://app.test/w': { body: '<Response><Say>Hi</Say><Dial>+1555</Dial></Response>' } },
      }),
    );
    expect(notices(run)).toEqual([{ code: 12200, callSid: LEG, level: 'error' }]);
    const message = run.events.find((e) => e.type === 'notice');
    expect(message?.type === 'notice' && message.message).toMatch(/<Dial> \(line 1\) may not stand/);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({
      DialCallStatus: 'no-answer',
      DialCallSid: LEG,
      DialCallDuration: '0',
    });
    expect(run.engine.activeCalls).toBe(0);
  });

  it('a failed fetch of the leg document is a notice on the leg, and the leg declines', async () => {
    const run = await runWorld(
      dial('<Number url="/w">+15550003333</Number>', leg([{ after: 2, do: 'answer' }]), {
        app: { 'POST http://app.test/w': { status: 503 } },
      }),
    );
    expect(notices(run)).toEqual([{ code: 11200, callSid: LEG, level: 'error' }]);
    expect(paramsOf(run, 'fetch', 2).DialCallStatus).toBe('no-answer');
  });

  it('a Redirect loop in the leg documents stops at the fetch-rate limit (14100 on the leg): declined', async () => {
    const run = await runWorld(
      dial('<Number url="/w">+15550003333</Number>', leg([{ after: 2, do: 'answer' }]), {
        app: { 'POST http://app.test/w': { body: '<Response><Redirect>/w</Redirect></Response>' } },
      }),
    );
    expect(notices(run)).toEqual([{ code: 14100, callSid: LEG, level: 'error' }]);
    const legFetches = run.timeline.filter((e) => e.kind === 'fetch' && e.url === 'http://app.test/w');
    expect(legFetches).toHaveLength(100);
    expect(paramsOf(run, 'fetch', 101).DialCallStatus).toBe('no-answer');
  });

  it("the dialled party's keys reach the leg's Gather; verbs of the leg are traced with the leg's SID", async () => {
    const run = await runWorld(
      dial(
        '<Number url="/w">+15550003333</Number>',
        leg([
          { after: 2, do: 'answer' },
          { after: 3, do: 'dtmf', digits: '42#' },
          { after: 9, do: 'hangup' },
        ]),
        {
          app: {
            'POST http://app.test/w': {
              body: '<Response><Gather action="/ok"><Say>Code?</Say></Gather><Hangup/></Response>',
            },
            'POST http://app.test/ok': { body: '<Response><Say>Connecting</Say></Response>' },
          },
        },
      ),
    );
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ CallSid: LEG, Digits: '42', FinishedOnKey: '#' });
    // "Connecting" (10 characters, 0.5 s) ends at 3.5: bridged then, 9 - 3.5 = 5.5 s.
    expect(paramsOf(run, 'fetch', 3)).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: LEG,
      DialCallDuration: '5',
    });
    const traced = run.events.flatMap((e) =>
      e.type === 'verb' && e.phase === 'start' && e.callSid === LEG ? [e.verb] : [],
    );
    expect(traced).toEqual(['Gather', 'Say']);
    expect(notices(run)).toEqual([]);
  });

  it('a driver failure on the leg during its document (14103 on the leg) declines it', async () => {
    const run = await runWorld(
      dial(
        '<Number url="/w">+15550003333</Number><Number>+15550004444</Number>',
        {
          '+15550003333': [{ after: 1, do: 'answer' }],
          '+15550004444': [
            { after: 3, do: 'answer' },
            { after: 8, do: 'hangup' },
          ],
        },
        {
          app: { 'POST http://app.test/w': { body: '<Response><Say>Hello</Say></Response>' } },
          legSayFails: true,
        },
      ),
    );
    expect(notices(run)).toEqual([{ code: 14103, callSid: LEG, level: 'error' }]);
    // The first leg declined at 1; the second answered at 3 (no url) and was bridged until 8.
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: 'CA00000000000000000000000000000003',
      DialCallDuration: '5',
    });
  });

  it('the caller keys do not reach the leg; a leg key before its Gather is not buffered', async () => {
    const run = await runWorld(
      dial(
        '<Number url="/w">+15550003333</Number>',
        leg([
          { after: 2, do: 'answer' },
          { after: 2.1, do: 'dtmf', digits: '9' },
        ]),
        {
          party: [{ at: 3, do: 'dtmf', digits: '1' }],
          app: {
            'POST http://app.test/w': {
              body: '<Response><Pause length="1"/><Gather numDigits="1" timeout="2" action="/ok"/><Hangup/></Response>',
            },
          },
        },
      ),
    );
    // The Gather starts at 3 and hears nothing until 5: it falls through to <Hangup/>.
    const last = paramsOf(run, 'fetch', 2);
    expect(last).toMatchObject({ DialCallStatus: 'no-answer', DialCallSid: LEG });
    expect(run.timeline.find((e) => e.kind === 'fetch' && e.url === 'http://app.test/ok')).toBeUndefined();
  });
});
