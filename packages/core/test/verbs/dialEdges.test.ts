/** `<Dial>` edge cases (spec 4.6): the target limit, late answers, driver failures. */
import { describe, expect, it } from 'vitest';
import { inbound, lines, paramsOf, runWorld } from '../engine/harness.js';

const DONE = { 'POST http://app.test/d': { body: '<Response/>' } };

function notices(run: Awaited<ReturnType<typeof runWorld>>, code: number): string[] {
  return run.events.flatMap((e) => (e.type === 'notice' && e.code === code ? [String(e.message)] : []));
}

describe('<Dial> edges', () => {
  it('more targets than maxDialTargets: a warning, only the first ones are dialled', async () => {
    const nouns = ['+15550000001', '+15550000002', '+15550000003']
      .map((n) => `<Number>${n}</Number>`)
      .join('');
    const run = await runWorld(inbound(`<Response><Dial timeout="5">${nouns}</Dial></Response>`, {}), {
      limits: { maxDialTargets: 2 } as never,
    });
    expect(notices(run, 13201)).toEqual(['Dial: 3 targets, only the first 2 are dialled']);
    expect(run.timeline.find((e) => e.op === 'dial')?.targets).toEqual([
      { type: 'number', to: '+15550000001' },
      { type: 'number', to: '+15550000002' },
    ]);
  });

  it('exactly maxDialTargets targets: no warning, all dialled', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial timeout="5"><Number>+15550000001</Number><Number>+15550000002</Number></Dial></Response>',
        {},
      ),
      { limits: { maxDialTargets: 2 } as never },
    );
    expect(notices(run, 13201)).toEqual([]);
    expect(run.timeline.find((e) => e.op === 'dial')?.targets).toHaveLength(2);
  });

  it('a second target answering after the first was bridged is canceled, the bridge goes on', async () => {
    const cb = 'statusCallback="http://app.test/leg" statusCallbackEvent="answered completed"';
    const run = await runWorld(
      inbound(
        `<Response><Dial action="/d"><Number ${cb}>+15550000001</Number><Number ${cb}>+15550000002</Number></Dial></Response>`,
        {
          app: DONE,
          dialed: {
            '+15550000001': [
              { after: 1, do: 'answer' },
              { after: 6, do: 'hangup' },
            ],
            '+15550000002': [{ after: 2, do: 'answer' }],
          },
        },
      ),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '1 callback POST http://app.test/leg in-progress',
      '1 callback POST http://app.test/leg canceled',
      '6 callback POST http://app.test/leg completed',
      '6 fetch POST http://app.test/d',
      '6 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '5' });
  });

  it('a target hanging up while it rings ends failed; the dial is failed', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial action="/d"><Number statusCallback="/leg">+15550000001</Number></Dial></Response>',
        {
          app: DONE,
          dialed: { '+15550000001': [{ after: 2, do: 'hangup' }] },
        },
      ),
    );
    expect(lines(run.timeline).slice(3, 5)).toEqual([
      '2 callback POST http://app.test/leg failed',
      '2 fetch POST http://app.test/d',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'failed', DialCallDuration: '0' });
  });

  it('a busy target and a target not answering: no-answer wins over busy', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial action="/d" timeout="5"><Number>+15550000001</Number><Number>+15550000002</Number></Dial></Response>',
        {
          app: DONE,
          dialed: { '+15550000001': [{ after: 1, do: 'busy' }] },
        },
      ),
    );
    expect(lines(run.timeline)[3]).toBe('5 fetch POST http://app.test/d');
    expect(paramsOf(run, 'fetch', 1).DialCallStatus).toBe('no-answer');
  });

  it('a busy target and a failed one: busy', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial action="/d"><Number>+15550000001</Number><Number>+15550000002</Number></Dial></Response>',
        {
          app: DONE,
          dialed: { '+15550000001': [{ after: 1, do: 'fail' }], '+15550000002': [{ after: 2, do: 'busy' }] },
        },
      ),
    );
    expect(lines(run.timeline)[3]).toBe('2 fetch POST http://app.test/d');
    expect(paramsOf(run, 'fetch', 1).DialCallStatus).toBe('busy');
  });

  it('the caller leaving while an answered target hears its whisper: completed, naming that target', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial action="/d"><Number url="/w">+15550000001</Number><Number url="/w">+15550000002</Number></Dial></Response>',
        {
          app: { ...DONE, 'POST http://app.test/w': { body: '<Response><Pause length="20"/></Response>' } },
          dialed: {
            '+15550000001': [{ after: 3, do: 'answer' }],
            '+15550000002': [{ after: 1, do: 'answer' }],
          },
          party: [{ at: 5, do: 'hangup' }],
        },
      ),
    );
    expect(paramsOf(run, 'fetch', 3)).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: 'CA00000000000000000000000000000003',
      DialCallDuration: '0',
    });
  });

  it('every answered target declining its whisper: no-answer', async () => {
    const run = await runWorld(
      inbound('<Response><Dial action="/d"><Number url="/w">+15550000001</Number></Dial></Response>', {
        app: { ...DONE, 'POST http://app.test/w': { body: '<Response><Hangup/></Response>' } },
        dialed: { '+15550000001': [{ after: 1, do: 'answer' }] },
      }),
    );
    expect(lines(run.timeline)[4]).toBe('1 fetch POST http://app.test/d');
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ DialCallStatus: 'no-answer', DialCallDuration: '0' });
  });

  it('a ringing report after the target answered gives no ringing callback', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial><Number statusCallback="/leg" statusCallbackEvent="ringing answered completed">+15550000001</Number></Dial></Response>',
        {
          dialed: {
            '+15550000001': [
              { after: 1, do: 'ring' },
              { after: 2, do: 'answer' },
              { after: 3, do: 'ring' },
              { after: 4, do: 'hangup' },
            ],
          },
        },
      ),
    );
    expect(lines(run.timeline).filter((l) => l.includes('/leg'))).toEqual([
      '1 callback POST http://app.test/leg ringing',
      '2 callback POST http://app.test/leg in-progress',
      '4 callback POST http://app.test/leg completed',
    ]);
  });

  it('hangupOnStar: a * before the bridge and other keys during it do nothing', async () => {
    const run = await runWorld(
      inbound('<Response><Dial action="/d" hangupOnStar="true">+15550000001</Dial></Response>', {
        app: DONE,
        dialed: {
          '+15550000001': [
            { after: 2, do: 'answer' },
            { after: 9, do: 'hangup' },
          ],
        },
        party: [
          { at: 1, do: 'dtmf', digits: '*' },
          { at: 4, do: 'dtmf', digits: '1#' },
        ],
      }),
    );
    expect(lines(run.timeline)[3]).toBe('9 fetch POST http://app.test/d');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '7' });
  });

  it('a live change during the bridge ends the bridged target completed', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial action="/d"><Number statusCallback="/leg">+15550000001</Number></Dial></Response>',
        {
          app: { ...DONE, 'POST http://app.test/new': { body: '<Response/>' } },
          dialed: { '+15550000001': [{ after: 1, do: 'answer' }] },
          modify: [{ at: 4, Url: 'http://app.test/new' }],
        },
      ),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '4 callback POST http://app.test/leg completed',
      '4 fetch POST http://app.test/new',
      '4 hangup',
    ]);
  });

  it('the caller leaving after the first answered target declined: completed, naming the one still hearing its whisper', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial action="/d"><Number url="/no">+15550000001</Number><Number url="/w">+15550000002</Number></Dial></Response>',
        {
          app: {
            ...DONE,
            'POST http://app.test/no': { body: '<Response><Hangup/></Response>' },
            'POST http://app.test/w': { body: '<Response><Pause length="20"/></Response>' },
          },
          dialed: {
            '+15550000001': [{ after: 1, do: 'answer' }],
            '+15550000002': [{ after: 2, do: 'answer' }],
          },
          party: [{ at: 5, do: 'hangup' }],
        },
      ),
    );
    expect(paramsOf(run, 'fetch', 3)).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: 'CA00000000000000000000000000000003',
    });
  });

  it('a target failing ends with a failed status callback', async () => {
    const run = await runWorld(
      inbound('<Response><Dial><Number statusCallback="/leg">+15550000001</Number></Dial></Response>', {
        dialed: { '+15550000001': [{ after: 1, do: 'fail' }] },
      }),
    );
    expect(lines(run.timeline)[3]).toBe('1 callback POST http://app.test/leg failed');
  });

  it('keys, voice and speech of a target during a whisper Pause and during the bridge change nothing', async () => {
    const events = (after: number) => [
      { after, do: 'dtmf', digits: '1' },
      { after, do: 'voice', for: 0.5 },
      { after, do: 'speech', text: 'hello' },
      { after, do: 'partial', text: 'hel' },
    ];
    const run = await runWorld(
      inbound('<Response><Dial action="/d"><Number url="/w">+15550000001</Number></Dial></Response>', {
        app: { ...DONE, 'POST http://app.test/w': { body: '<Response><Pause length="3"/></Response>' } },
        dialed: {
          '+15550000001': [
            { after: 1, do: 'answer' },
            ...events(2),
            ...events(6),
            { after: 9, do: 'hangup' },
          ],
        },
      }),
    );
    expect(run.error).toBeNull();
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '5' });
  });

  it('the dial length is counted from a bridge at the clock epoch', async () => {
    const run = await runWorld(
      inbound('<Response><Dial action="/d">+15550000001</Dial></Response>', {
        options: { epoch: '1970-01-01T00:00:00Z' },
        app: DONE,
        dialed: {
          '+15550000001': [
            { after: 0, do: 'answer' },
            { after: 5, do: 'hangup' },
          ],
        },
      }),
    );
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '5' });
  });

  it('a bridge the driver cannot make: 14103 naming the leg, the leg is hung up, the dial ends', async () => {
    const run = await runWorld({
      ...inbound(
        '<Response><Dial action="/d"><Number statusCallback="/leg">+15550000001</Number></Dial></Response>',
        {
          app: DONE,
          dialed: { '+15550000001': [{ after: 1, do: 'answer' }] },
        },
      ),
      bridgeFails: true,
    });
    expect(notices(run, 14103)).toEqual([
      'Dial: the driver could not bridge leg CA00000000000000000000000000000002',
    ]);
    expect(lines(run.timeline).slice(3, 5)).toEqual([
      '1 callback POST http://app.test/leg completed',
      '1 fetch POST http://app.test/d',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '0' });
  });
});

describe('<Dial> with no target left to dial', () => {
  it('maxDialTargets 0: the warning, nothing dialled, no action, the next verb at once', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial action="/d" timeout="5"><Number>+15550000001</Number></Dial><Say>Next</Say></Response>',
        {
          app: DONE,
        },
      ),
      { limits: { maxDialTargets: 0 } as never },
    );
    expect(notices(run, 13201)).toEqual(['Dial: 1 targets, only the first 0 are dialled']);
    expect(lines(run.timeline).slice(1)).toEqual([
      '0 answer',
      '0 say text=Next voice=man language=en-US loop=1',
      '0.2 hangup',
    ]);
  });
});
