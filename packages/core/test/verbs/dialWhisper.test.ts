/**
 * Whisper documents (spec 4.6): what the dialled party's document sees of its own leg (speech
 * and interim results, its parameters), how its verbs are traced, and why it declines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inbound, paramsOf, runWorld, type World } from '../engine/harness.js';

const LEG = 'CA00000000000000000000000000000002';
const PARENT = 'CA00000000000000000000000000000001';

/** An inbound call dialling +15550003333, whose `url` is `/w` answering `whisper`. */
function screened(
  whisper: string,
  script: NonNullable<World['dialed']>[string],
  extra: Partial<World> = {},
  noun = '<Number url="/w">+15550003333</Number>',
): World {
  return inbound(`<Response><Dial action="/d">${noun}</Dial></Response>`, {
    ...extra,
    dialed: { '+15550003333': script },
    app: {
      'POST http://app.test/d': { body: '<Response/>' },
      'POST http://app.test/w': { body: `<Response>${whisper}</Response>` },
      ...extra.app,
    },
  });
}

type RunResult = Awaited<ReturnType<typeof runWorld>>;

function notices(run: RunResult) {
  return run.events.flatMap((e) =>
    e.type === 'notice' ? [{ code: e.code, callSid: e.callSid, level: e.level, message: e.message }] : [],
  );
}

function fetched(run: RunResult, url: string) {
  return run.timeline.filter((e) => e.kind === 'fetch' && e.url === url);
}

describe('whisper documents: speech on the leg', () => {
  it("a whisper Gather's interim results go to partialResultCallback with the leg's parameters", async () => {
    const run = await runWorld(
      screened(
        '<Gather input="speech" speechTimeout="auto" timeout="5" action="/ok" partialResultCallback="/partial"/><Hangup/>',
        [
          { after: 2, do: 'answer' },
          { after: 3, do: 'partial', text: 'ye' },
          { after: 3.5, do: 'speech', text: 'yes' },
          { after: 6, do: 'hangup' },
        ],
        { app: { 'POST http://app.test/ok': { body: '<Response/>' } } },
        '<Number url="/w" statusCallback="/leg" statusCallbackEvent="answered completed">+15550003333</Number>',
      ),
    );
    const document = paramsOf(run, 'fetch', 1);
    expect(document).toMatchObject({ CallSid: LEG, ParentCallSid: PARENT, Direction: 'outbound-dial' });
    const partial = run.timeline.filter((e) => e.url === 'http://app.test/partial');
    expect(partial).toHaveLength(1);
    expect(partial[0]).toMatchObject({ kind: 'callback', at: 3 });
    expect(partial[0]!.params).toEqual({
      CallSid: LEG,
      AccountSid: document.AccountSid,
      From: '+15550001111',
      To: '+15550003333',
      Caller: '+15550001111',
      Called: '+15550003333',
      CallStatus: 'in-progress',
      ApiVersion: document.ApiVersion,
      Direction: 'outbound-dial',
      ParentCallSid: PARENT,
      UnstableSpeechResult: 'ye',
      StableSpeechResult: '',
      SequenceNumber: '0',
    });
    expect(document.ApiVersion).not.toBe('');
    // On the leg's own queue, between its answered and completed callbacks.
    const legCallbacks = run.timeline
      .filter((e) => e.kind === 'callback')
      .map((e) => `${e.url} ${(e.params as Record<string, string>).CallStatus}`);
    expect(legCallbacks).toEqual([
      'http://app.test/leg in-progress',
      'http://app.test/partial in-progress',
      'http://app.test/leg completed',
    ]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ CallSid: LEG, SpeechResult: 'yes' });
    expect(paramsOf(run, 'fetch', 3)).toMatchObject({ DialCallStatus: 'completed', DialCallSid: LEG });
  });

  it('a party already talking when the whisper Gather starts holds it past its timeout until the utterance ends', async () => {
    // "Hello there" (11 characters, 0.55 s) plays from 2; the party talks from 2.2 to 5.2.
    const run = await runWorld(
      screened(
        '<Say>Hello there</Say><Gather input="speech" speechTimeout="auto" timeout="1" action="/ok"/><Hangup/>',
        [
          { after: 2, do: 'answer' },
          { after: 2.2, do: 'voice', for: 3 },
          { after: 5.3, do: 'speech', text: 'put them through' },
          { after: 8, do: 'hangup' },
        ],
        { app: { 'POST http://app.test/ok': { body: '<Response/>' } } },
      ),
    );
    const ok = fetched(run, 'http://app.test/ok');
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ at: 5.3, params: { CallSid: LEG, SpeechResult: 'put them through' } });
    expect(paramsOf(run, 'fetch', 3)).toMatchObject({ DialCallStatus: 'completed', DialCallSid: LEG });
  });
});

describe('whisper documents: traces and declines', () => {
  it("each verb of a leg's document is traced as it starts and ends, with its path, on the leg's SID", async () => {
    const run = await runWorld(
      screened('<Say>Hi</Say><Pause length="1"/>', [
        { after: 2, do: 'answer' },
        { after: 6, do: 'hangup' },
      ]),
    );
    const traced = run.events.flatMap((e) =>
      e.type === 'verb' && e.callSid === LEG
        ? [{ phase: e.phase, verb: e.verb, detail: e.detail, at: e.at }]
        : [],
    );
    const at = (s: number) => Date.parse('2026-01-01T00:00:00Z') + s * 1000;
    expect(traced).toEqual([
      { phase: 'start', verb: 'Say', detail: { path: 'Response/Say[1]' }, at: at(2) },
      { phase: 'end', verb: 'Say', detail: { path: 'Response/Say[1]' }, at: at(2.1) },
      { phase: 'start', verb: 'Pause', detail: { path: 'Response/Pause[1]' }, at: at(2.1) },
      { phase: 'end', verb: 'Pause', detail: { path: 'Response/Pause[1]' }, at: at(3.1) },
    ]);
  });
});

describe('whisper documents: why a leg declines', () => {
  const answered: NonNullable<World['dialed']>[string] = [
    { after: 2, do: 'answer' },
    { after: 9, do: 'hangup' },
  ];

  it('a Redirect of the leg to a URL that is not http(s) declines it (11200 on the leg, naming what was written)', async () => {
    const run = await runWorld(screened('<Redirect>ftp://files.test/next</Redirect>', answered));
    expect(notices(run)).toEqual([
      {
        code: 11200,
        callSid: LEG,
        level: 'error',
        message: `Dial: leg ${LEG} declines: "ftp://files.test/next" is not an http(s) URL`,
      },
    ]);
    expect(fetched(run, 'http://app.test/w')).toHaveLength(1);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ DialCallStatus: 'no-answer', DialCallSid: LEG });
  });

  it('a verb the leg may not use is named with its line and the URL of its document (12200)', async () => {
    const run = await runWorld(screened('<Say>Hi</Say>\n<Record/>', answered));
    expect(notices(run)).toEqual([
      {
        code: 12200,
        callSid: LEG,
        level: 'error',
        message:
          'Dial: <Record> (line 2) may not stand in the document of a dialled party (http://app.test/w); ' +
          `only Say, Play, Pause, Gather, Hangup and Redirect. Leg ${LEG} declines`,
      },
    ]);
  });

  it('a leg document that cannot be fetched declines the leg, the notice naming the leg and the failure', async () => {
    const run = await runWorld(
      screened('', answered, { app: { 'POST http://app.test/w': { status: 503 } } }),
    );
    const [notice] = notices(run);
    expect(notice).toMatchObject({ code: 11200, callSid: LEG, level: 'error' });
    expect(notice!.message).toMatch(new RegExp(`^Dial: leg ${LEG} declines: .*503`));
  });

  it('the fetch-rate limit of the leg documents is named in the notice (14100)', async () => {
    const run = await runWorld(screened('<Redirect>/w</Redirect>', answered), {
      limits: { maxFetchesPerMinute: 3 },
    });
    expect(fetched(run, 'http://app.test/w')).toHaveLength(3);
    expect(notices(run)).toEqual([
      {
        code: 14100,
        callSid: LEG,
        level: 'error',
        message: `Dial: leg ${LEG} declines: more than 3 document fetches in a minute`,
      },
    ]);
  });

  it('a media driver failure on the leg is named with the verb, the leg and the reason (14103)', async () => {
    const run = await runWorld(screened('<Say>Hello</Say>', answered, { legSayFails: true }));
    expect(notices(run)).toEqual([
      {
        code: 14103,
        callSid: LEG,
        level: 'error',
        message: `Say: the media driver failed on leg ${LEG}: leg media lost`,
      },
    ]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ DialCallStatus: 'no-answer', DialCallSid: LEG });
  });

  it('media of a leg document that cannot be fetched is an error notice on the leg, and the leg goes on', async () => {
    const run = await runWorld(
      screened('<Play>http://media.test/gone.wav</Play>', answered, {
        media: { failUrls: ['http://media.test/gone.wav'] },
      }),
    );
    expect(notices(run)).toEqual([
      {
        code: 13227,
        callSid: LEG,
        level: 'error',
        message: 'Play: media URL http://media.test/gone.wav could not be fetched',
      },
    ]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ DialCallStatus: 'completed', DialCallSid: LEG });
  });

  it("warnings of a leg's document are notices on the leg, and the leg goes on", async () => {
    const run = await runWorld(screened('<Say colour="blue">Hi</Say>', answered));
    expect(notices(run)).toEqual([
      {
        code: 13910,
        callSid: LEG,
        level: 'warning',
        message: '<Say> attribute colour (line 1) is not implemented by this engine; ignored',
      },
    ]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ DialCallStatus: 'completed', DialCallSid: LEG });
  });
});

describe('whisper documents: stopped whispers', () => {
  it('a party hanging up during its whisper is no driver failure: no notice, the leg declines', async () => {
    const run = await runWorld(
      screened('<Say>A long announcement for the person who answers</Say>', [
        { after: 2, do: 'answer' },
        { after: 2.5, do: 'hangup' },
      ]),
    );
    expect(notices(run)).toEqual([]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ DialCallStatus: 'no-answer', DialCallSid: LEG });
  });

  it("a leg's Gather ended by its keys leaves no timer behind: the call ends when the bridge does", async () => {
    const run = await runWorld(
      screened(
        '<Gather numDigits="1" timeout="30" action="/ok"/><Hangup/>',
        [
          { after: 2, do: 'answer' },
          { after: 3, do: 'dtmf', digits: '1' },
          { after: 5, do: 'hangup' },
        ],
        { app: { 'POST http://app.test/ok': { body: '<Response/>' } } },
      ),
    );
    expect(paramsOf(run, 'fetch', 3)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '2' });
    expect(run.clock.pending).toBe(0);
    expect(run.clock.now() - Date.parse('2026-01-01T00:00:00Z')).toBe(5000);
  });
});

describe('whisper documents: a whisper stopped between two verbs', () => {
  it('hanging up the caller as the leg finishes a verb runs no further verb on the leg', async () => {
    const probe = {
      at: 0,
      fn: (engine: RunResult['engine'], sid: string) => {
        engine.subscribe((e) => {
          if (e.type === 'verb' && e.phase === 'end' && e.callSid === LEG && e.verb === 'Say') {
            engine.modify(sid, { Status: 'completed' });
          }
        });
      },
    };
    const run = await runWorld(
      screened('<Say>One</Say><Pause length="1"/><Hangup/>', [{ after: 2, do: 'answer' }]),
      {},
      [probe],
    );
    const traced = run.events.flatMap((e) =>
      e.type === 'verb' && e.callSid === LEG ? [`${e.phase} ${e.verb}`] : [],
    );
    expect(traced).toEqual(['start Say', 'end Say']);
    expect(run.final?.status).toBe('completed');
    expect(run.engine.get(LEG)?.status).toBe('completed');
  });

  it("hanging up the caller as the leg's Redirect reaches the fetch-rate limit stops the leg silently (no 14100)", async () => {
    let redirects = 0;
    const probe = {
      at: 0,
      fn: (engine: RunResult['engine'], sid: string) => {
        engine.subscribe((e) => {
          if (e.type !== 'verb' || e.phase !== 'end' || e.callSid !== LEG || e.verb !== 'Redirect') return;
          // The second document's Redirect would be the leg's third fetch: over the limit of 2.
          if (++redirects === 2) engine.modify(sid, { Status: 'completed' });
        });
      },
    };
    const run = await runWorld(
      screened('<Redirect>/w</Redirect>', [{ after: 2, do: 'answer' }]),
      { limits: { maxFetchesPerMinute: 2 } },
      [probe],
    );
    expect(redirects).toBe(2);
    expect(fetched(run, 'http://app.test/w')).toHaveLength(2);
    expect(notices(run)).toEqual([]);
    expect(run.final?.status).toBe('completed');
    expect(run.engine.get(LEG)?.status).toBe('completed');
  });
});

describe('whisper documents: many documents on one leg', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('a leg going through many documents leaves no listener behind on its stop signal (no leak warning)', async () => {
    process.on('warning', onWarning);
    const run = await runWorld(
      screened('<Redirect>/w</Redirect>', [
        { after: 2, do: 'answer' },
        { after: 9, do: 'hangup' },
      ]),
      { limits: { maxFetchesPerMinute: 20 } },
    );
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(fetched(run, 'http://app.test/w')).toHaveLength(20);
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });
});

describe('whisper documents: the party leaving during its whisper', () => {
  it('a party hanging up, or its line failing, during the whisper ends its leg completed; the dial no-answer', async () => {
    for (const end of ['hangup', 'fail']) {
      const run = await runWorld(
        screened('<Say>A long announcement for the person who answers</Say>', [
          { after: 2, do: 'answer' },
          { after: 2.5, do: end },
        ]),
      );
      expect(run.engine.get(LEG)?.status).toBe('completed');
      expect(paramsOf(run, 'fetch', 2)).toMatchObject({ DialCallStatus: 'no-answer', DialCallSid: LEG });
    }
  });
});
