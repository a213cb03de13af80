/**
 * TwiML compatibility at the engine's API (spec 9): inline `Twiml` on create and modify,
 * parameters not implemented (13911), geographic parameters from the embedder, and the typed
 * parameter objects (spec 9.5; issue 13 point 3).
 */
import {
  type Channel,
  type ChannelHandler,
  type CreateCallParams,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type EngineEvent,
  type HttpPort,
  type HttpRequest,
  isRcmlError,
  type MediaDriver,
  type ModifyCallParams,
  toApiParams,
  unimplementedParams,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush } from './harness.js';
import { stubChannel } from './stubChannel.js';

/** A driver whose calls are answered at once; `say` ops are recorded. */
function answeringDriver(spoken: string[]): MediaDriver {
  return {
    capabilities: { ssml: false, speech: false, voicemailDetection: false },
    originate: (): Channel =>
      stubChannel({
        listen(handler: ChannelHandler) {
          queueMicrotask(() => handler.answered());
        },
        say: async (request) => {
          spoken.push(request.text);
        },
        // A pause lasts until the engine abandons it (a live change, a hang-up).
        pause: (_request, signal) =>
          new Promise<void>((_resolve, reject) => {
            signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          }),
      }),
  };
}

function setup(body = '<Response><Pause length="30"/></Response>') {
  const requests: HttpRequest[] = [];
  const spoken: string[] = [];
  const http: HttpPort = {
    send: async (request) => {
      requests.push(request);
      return { status: 200, contentType: 'text/xml', location: null, body };
    },
  };
  const clock = createSimulatedClock();
  const engine = createEngine({ driver: answeringDriver(spoken), http, clock, ids: createSequentialIds() });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  const notices = () =>
    events.flatMap((e) =>
      e.type === 'notice' ? [{ code: e.code, level: e.level, message: e.message }] : [],
    );
  return { engine, clock, requests, spoken, events, notices };
}

const CALL = { To: '+15550001111', From: '+15550002222' } as const;

function refusal(
  fn: () => unknown,
): { code: number; field: string | undefined; message: string } | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (!isRcmlError(error)) throw error;
    return { code: error.code, field: error.field, message: error.message };
  }
}

describe('Twiml on create (spec 1.2, 9.2)', () => {
  it('runs the inline document on answer without fetching anything', async () => {
    const { engine, requests, spoken } = setup();
    engine.create({ ...CALL, Twiml: '<Response><Say>Inline hello</Say></Response>' });
    await flush();
    expect(spoken).toEqual(['Inline hello']);
    expect(requests.filter((r) => r.kind === 'fetch')).toEqual([]);
  });

  it.each([
    ['<Response><Say>Hi</Response>', 12100],
    ['<Play>x</Play>', 12102],
    ['<Response><Dial><Gather/></Dial></Response>', 12200],
    ['<Response><Redirect>/next</Redirect></Response>', 12200],
    ['<Response><Gather><Say>Press 1</Say></Gather></Response>', 12200],
    ['<Response><Dial><Number url="whisper">+1555</Number></Dial></Response>', 12200],
  ])('refuses %s with its document code, naming Twiml, and creates nothing', (twiml, code) => {
    const { engine } = setup();
    const got = refusal(() => engine.create({ ...CALL, Twiml: twiml }));
    expect(got).toMatchObject({ code, field: 'Twiml' });
    if (got !== 'accepted') expect(got.message).toMatch(new RegExp(`^Twiml: .*\\(${code}\\)$`));
    expect(engine.list().total).toBe(0);
  });

  it('accepts absolute references in an inline document of a new call', () => {
    const { engine } = setup();
    const twiml =
      '<Response><Gather action="https://app.test/menu"><Play>https://cdn.test/a.wav</Play></Gather><Redirect>http://app.test/next</Redirect></Response>';
    expect(engine.create({ ...CALL, Twiml: twiml }).status).toBe('queued');
  });

  it('refuses Url and Twiml together naming Twiml (400: 20001), and neither as Url required', () => {
    const { engine } = setup();
    expect(
      refusal(() => engine.create({ ...CALL, Url: 'http://app.test/v', Twiml: '<Response/>' })),
    ).toMatchObject({ code: 20001, field: 'Twiml' });
    expect(refusal(() => engine.create({ ...CALL }))).toMatchObject({ code: 20001, field: 'Url' });
  });

  it('saves a call created with Twiml with an empty Url (it has none of its own)', async () => {
    const { engine } = setup();
    const { sid } = engine.create({ ...CALL, Twiml: '<Response><Pause length="30"/></Response>' });
    await flush();
    const saved = engine.persist(sid);
    expect(saved.settings.url).toBe('');
    expect(saved.settings.createdUrl).toBeNull();
  });
});

describe('references of an inline document of a new call (spec 9.2: no URL to resolve against)', () => {
  /** The refusal of `body` (one or more lines inside `<Response>`) as code, path, line and message. */
  function refused(body: string) {
    const { engine } = setup();
    try {
      engine.create({ ...CALL, Twiml: `<Response>\n${body}\n</Response>` });
    } catch (error) {
      if (!isRcmlError(error)) throw error;
      return {
        code: error.code,
        field: error.field,
        path: error.path,
        line: error.line,
        message: error.message,
      };
    }
    return 'accepted';
  }
  const relative = (path: string, what: string, reference: string, line = 2) => ({
    code: 12200,
    field: 'Twiml',
    path,
    line,
    message: `Twiml: ${path} has the relative ${what} "${reference}"; an inline document has no URL to resolve it against: use an absolute URL (12200)`,
  });
  const noAction = (path: string) => ({
    code: 12200,
    field: 'Twiml',
    path,
    line: 2,
    message: `Twiml: ${path} has no action (its default is the document's own URL); an inline document has no URL to resolve it against: use an absolute URL (12200)`,
  });
  const A = 'https://app.test';

  it.each([
    ['<Play>a.wav</Play>', relative('Response/Play[1]', 'URL', 'a.wav')],
    ['<Redirect>next</Redirect>', relative('Response/Redirect[1]', 'URL', 'next')],
    ['<Gather/>', noAction('Response/Gather[1]')],
    ['<Gather action="menu"/>', relative('Response/Gather[1]', 'action', 'menu')],
    [
      `<Gather action="${A}/menu">\n<Play>b.wav</Play></Gather>`,
      relative('Response/Gather[1]/Play[1]', 'URL', 'b.wav', 3),
    ],
    ['<Record/>', noAction('Response/Record[1]')],
    ['<Record action="done"/>', relative('Response/Record[1]', 'action', 'done')],
    [
      `<Record action="${A}/done" recordingStatusCallback="rs"/>`,
      relative('Response/Record[1]', 'recordingStatusCallback', 'rs'),
    ],
    ['<Sms action="sent">hi</Sms>', relative('Response/Sms[1]', 'action', 'sent')],
    [
      `<Sms action="${A}/sent" statusCallback="st">hi</Sms>`,
      relative('Response/Sms[1]', 'statusCallback', 'st'),
    ],
    ['<Dial action="after">+15550001111</Dial>', relative('Response/Dial[1]', 'action', 'after')],
    [
      '<Dial>\n<Conference waitUrl="hold">room</Conference></Dial>',
      relative('Response/Dial[1]/Conference[1]', 'waitUrl', 'hold', 3),
    ],
    [
      '<Dial>\n<Number url="whisper">+15550001111</Number></Dial>',
      relative('Response/Dial[1]/Number[1]', 'url', 'whisper', 3),
    ],
    [
      `<Dial>\n<Number>+15550001111</Number>\n<Number url="whisper">+15550002222</Number></Dial>`,
      relative('Response/Dial[1]/Number[2]', 'url', 'whisper', 4),
    ],
    [`<Redirect>${'p'.repeat(100)}</Redirect>`, relative('Response/Redirect[1]', 'URL', 'p'.repeat(80))],
    [
      `<Dial>\n<Number url="${A}/whisper" statusCallback="progress">+15550001111</Number></Dial>`,
      relative('Response/Dial[1]/Number[1]', 'statusCallback', 'progress', 3),
    ],
    [
      '<Connect action="after"><Stream url="wss://media.test/s"/></Connect>',
      relative('Response/Connect[1]', 'action', 'after'),
    ],
    [
      `<Connect action="${A}/after">\n<Stream url="media"/></Connect>`,
      relative('Response/Connect[1]/Stream[1]', 'url', 'media', 3),
    ],
    [
      '<Connect>\n<Stream url="wss://media.test/s" statusCallback="events"/></Connect>',
      relative('Response/Connect[1]/Stream[1]', 'statusCallback', 'events', 3),
    ],
    ['<Start>\n<Stream url="media"/></Start>', relative('Response/Start[1]/Stream[1]', 'url', 'media', 3)],
    [
      '<Start>\n<Stream url="wss://media.test/s" statusCallback="events"/></Start>',
      relative('Response/Start[1]/Stream[1]', 'statusCallback', 'events', 3),
    ],
  ])('refuses %s naming the reference, its element and its line', (body, expected) => {
    expect(refused(body)).toEqual(expected);
  });

  it('accepts every reference when each is absolute, and a Play of digits (no URL)', () => {
    const body = [
      `<Play>${A}/a.wav</Play>`,
      '<Play digits="1w2"/>',
      `<Gather action="${A}/menu"><Play>${A}/b.wav</Play></Gather>`,
      `<Record action="${A}/done" recordingStatusCallback="${A}/rs"/>`,
      `<Sms action="${A}/sent" statusCallback="${A}/st">hi</Sms>`,
      `<Dial action="${A}/after"><Number url="${A}/whisper" statusCallback="${A}/progress">+15550001111</Number></Dial>`,
      `<Dial><Conference waitUrl="${A}/hold">room</Conference></Dial>`,
      `<Start><Stream url="wss://media.test/s" statusCallback="${A}/events"/></Start>`,
      `<Connect action="${A}/after"><Stream url="wss://media.test/s" statusCallback="${A}/events"/></Connect>`,
    ].join('\n');
    expect(refused(body)).toBe('accepted');
  });
});

describe('Twiml on a live change (spec 1.5, 9.2)', () => {
  it('stops the running verb and runs the inline document, resolving against the call Url', async () => {
    const { engine, requests, spoken } = setup();
    const { sid } = engine.create({ ...CALL, Url: 'http://app.test/dir/voice' });
    await flush();
    engine.modify(sid, { Twiml: '<Response><Say>Changed</Say><Redirect>next</Redirect></Response>' });
    await flush();
    expect(spoken).toEqual(['Changed']);
    expect(requests.filter((r) => r.kind === 'fetch').map((r) => r.url)).toEqual([
      'http://app.test/dir/voice',
      'http://app.test/dir/next',
    ]);
  });

  it('keeps an inline document given before the answer for the answer (no fetch of Url)', async () => {
    const requests: HttpRequest[] = [];
    const spoken: string[] = [];
    let answer: (() => void) | undefined;
    const engine = createEngine({
      driver: {
        capabilities: { ssml: false, speech: false, voicemailDetection: false },
        originate: () =>
          stubChannel({
            listen(handler: ChannelHandler) {
              answer = () => handler.answered();
            },
            say: async (request) => {
              spoken.push(request.text);
            },
          }),
      },
      http: {
        send: async (request) => {
          requests.push(request);
          return { status: 200, contentType: 'text/xml', location: null, body: '<Response/>' };
        },
      },
      clock: createSimulatedClock(),
    });
    const { sid } = engine.create({ ...CALL, Url: 'http://app.test/voice' });
    await flush();
    engine.modify(sid, { Twiml: '<Response><Say>Before the answer</Say></Response>' });
    answer?.();
    await flush();
    expect(spoken).toEqual(['Before the answer']);
    expect(requests.filter((r) => r.kind === 'fetch')).toEqual([]);
  });

  it('refuses an invalid inline document and changes nothing', async () => {
    const { engine, requests, spoken } = setup();
    const { sid } = engine.create({ ...CALL, Url: 'http://app.test/voice' });
    await flush();
    expect(refusal(() => engine.modify(sid, { Twiml: '<Response><Connect/></Response>' }))).toMatchObject({
      code: 12200,
      field: 'Twiml',
    });
    expect(
      refusal(() =>
        engine.modify(sid, { Twiml: '<Response><Say>x</Say></Response>', StatusCallback: 'nope' }),
      ),
    ).toMatchObject({ code: 20001, field: 'StatusCallback' });
    await flush();
    expect(spoken).toEqual([]);
    expect(engine.get(sid)?.status).toBe('in-progress');
    expect(requests.filter((r) => r.kind === 'fetch')).toHaveLength(1);
  });

  it('refuses Twiml with Url or Status as a conflict naming Twiml', async () => {
    const { engine } = setup();
    const { sid } = engine.create({ ...CALL, Url: 'http://app.test/voice' });
    await flush();
    for (const other of [{ Url: 'http://app.test/x' }, { Status: 'completed' }]) {
      expect(refusal(() => engine.modify(sid, { Twiml: '<Response/>', ...other }))).toMatchObject({
        code: 20409,
        field: 'Twiml',
      });
    }
  });

  it('makes relative references invalid on a call created with Twiml (no Url to resolve against)', async () => {
    const { engine } = setup();
    const { sid } = engine.create({ ...CALL, Twiml: '<Response><Pause length="30"/></Response>' });
    await flush();
    expect(
      refusal(() => engine.modify(sid, { Twiml: '<Response><Redirect>next</Redirect></Response>' })),
    ).toMatchObject({ code: 12200, field: 'Twiml' });
  });
});

describe('parameters not implemented (spec 9.5: 13911)', () => {
  it('accepts the create and reports each one as a warning notice of the new call', async () => {
    const { engine, notices } = setup();
    const call = engine.create({
      ...CALL,
      Url: 'http://app.test/voice',
      TimeLimit: 30,
      AsyncAmd: true,
      MachineDetectionSpeechThreshold: '2400',
      Trim: '',
    });
    expect(call.status).toBe('queued');
    expect(notices().filter((n) => n.code === 13911)).toEqual([
      { code: 13911, level: 'warning', message: expect.stringContaining('TimeLimit') },
      { code: 13911, level: 'warning', message: expect.stringContaining('AsyncAmd') },
      { code: 13911, level: 'warning', message: expect.stringContaining('MachineDetectionSpeechThreshold') },
    ]);
  });

  it('reports nothing for the parameters this engine implements', () => {
    const implemented = {
      ...CALL,
      Url: 'http://app.test/voice',
      Method: 'GET',
      FallbackUrl: 'http://app.test/f',
      FallbackMethod: 'POST',
      StatusCallback: 'http://app.test/s',
      StatusCallbackMethod: 'POST',
      StatusCallbackEvent: 'initiated completed',
      Timeout: '30',
      DetectVoicemail: 'false',
      MachineDetection: 'Enable',
      MachineDetectionTimeout: '30',
      SendDigits: '1w2',
      Record: 'true',
      RecordingStatusCallback: 'http://app.test/r',
      RecordingStatusCallbackMethod: 'POST',
      RecordingChannels: 'mono',
      Twiml: '<Response/>',
    };
    expect(unimplementedParams(implemented, 'create')).toEqual([]);
    expect(
      unimplementedParams({ Url: 'x', Twiml: 'y', Status: 'completed', TimeLimit: '5' }, 'modify'),
    ).toEqual(['TimeLimit']);
  });

  it('reports them on a live change too, which still happens', async () => {
    const { engine, notices, requests } = setup();
    const { sid } = engine.create({ ...CALL, Url: 'http://app.test/voice' });
    await flush();
    engine.modify(sid, { Url: 'http://app.test/next', TimeLimit: '60' });
    await flush();
    expect(
      notices()
        .filter((n) => n.code === 13911)
        .map((n) => n.message),
    ).toEqual([expect.stringContaining('TimeLimit')]);
    expect(requests.map((r) => r.url)).toContain('http://app.test/next');
  });
});

describe('geographic parameters (spec 9.1)', () => {
  it('sends what the number look-up port knows on every request of an outbound call, never null', async () => {
    const requests: HttpRequest[] = [];
    const http: HttpPort = {
      send: async (request) => {
        requests.push(request);
        return { status: 200, contentType: 'text/xml', location: null, body: '<Response/>' };
      },
    };
    const engine = createEngine({
      driver: answeringDriver([]),
      http,
      clock: createSimulatedClock(),
      ids: createSequentialIds(),
      numbers: {
        lookup: (number) =>
          number === '+15550002222' ? { city: 'Boston', state: 'MA', zip: ' ', country: 'null' } : undefined,
      },
    });
    engine.create({ ...CALL, Url: 'http://app.test/voice', StatusCallback: 'http://app.test/s' });
    await flush();
    expect(requests.map((r) => r.kind)).toEqual(['fetch', 'callback']);
    for (const request of requests) {
      expect(request.params).toMatchObject({
        Caller: '+15550002222',
        Called: '+15550001111',
        FromCity: 'Boston',
        CallerCity: 'Boston',
        FromState: 'MA',
        CallerState: 'MA',
      });
      const keys = Object.keys(request.params);
      for (const absent of ['FromZip', 'FromCountry', 'ToCity', 'CalledCity', 'ToState']) {
        expect(keys).not.toContain(absent);
      }
      expect(Object.values(request.params)).not.toContain('null');
    }
  });

  it('sends nothing geographic when the look-up port throws', async () => {
    const { requests } = await (async () => {
      const seen: HttpRequest[] = [];
      const engine = createEngine({
        driver: answeringDriver([]),
        http: {
          send: async (request) => {
            seen.push(request);
            return { status: 200, contentType: 'text/xml', location: null, body: '<Response/>' };
          },
        },
        clock: createSimulatedClock(),
        numbers: {
          lookup: () => {
            throw new Error('database down');
          },
        },
      });
      engine.create({ ...CALL, Url: 'http://app.test/voice' });
      await flush();
      return { requests: seen };
    })();
    expect(requests).toHaveLength(1);
    expect(Object.keys(requests[0]!.params).filter((k) => /City|State|Zip|Country/.test(k))).toEqual([]);
  });
});

describe('typed parameters (issue 13 point 3)', () => {
  it('accepts numbers and booleans where the Calls API takes them, as a REST client sends them', () => {
    expect(
      toApiParams({
        To: '+1',
        From: '+2',
        Timeout: 30,
        Record: true,
        StatusCallbackEvent: ['initiated', 'completed'],
        Url: undefined,
      } satisfies CreateCallParams),
    ).toEqual({
      To: '+1',
      From: '+2',
      Timeout: '30',
      Record: 'true',
      StatusCallbackEvent: 'initiated completed',
    });
    const { engine } = setup();
    expect(refusal(() => engine.create({ ...CALL, Url: 'http://app.test/v', Timeout: 601 }))).toMatchObject({
      code: 20001,
      field: 'Timeout',
    });
    expect(engine.create({ ...CALL, Url: 'http://app.test/v', Timeout: 30 }).status).toBe('queued');
  });

  it('makes unknown keys and TwiML-client style names a type error', () => {
    const { engine } = setup();
    const typoCall = () =>
      // @ts-expect-error: a misspelt parameter is not a Calls API name
      engine.create({ ...CALL, Url: 'http://app.test/v', StatusCalback: 'http://app.test/s' });
    const clientStyle = () =>
      // @ts-expect-error: the REST client's camelCase names are not the Calls API's
      engine.create({ to: '+15550001111', from: '+15550002222', url: 'http://app.test/v' });
    const modifyTypo: () => unknown = () =>
      // @ts-expect-error: `url` is not a Calls API name
      engine.modify('CA1', { url: 'http://app.test/v' } satisfies ModifyCallParams);
    const inboundTypo = () =>
      // @ts-expect-error: unknown keys are a type error for inbound calls too
      engine.inbound({ From: '+1', To: '+2', Url: 'http://app.test/v', FromCty: 'Boston' }, stubChannel());
    // At run time the misspelt parameter is accepted and reported; the others are refused.
    expect(typoCall().status).toBe('queued');
    expect(refusal(clientStyle)).toMatchObject({ code: 20001, field: 'To' });
    expect(refusal(modifyTypo)).toMatchObject({ code: 20404 });
    expect(inboundTypo().status).toBe('ringing');
  });
});
