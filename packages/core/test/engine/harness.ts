/**
 * A tiny scripted world for engine tests: a fake media driver and a fake web application on
 * the simulated clock, recording the timeline the way the replay format defines it. It reads
 * a subset of the replay scenario JSON so that the spec's examples run here too (the real
 * simulated driver and replay runner live in @rcml/driver and @rcml/replay).
 */
import {
  type Channel,
  type ChannelHandler,
  type CreateCallParams,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type DialSession,
  type Engine,
  type EngineEvent,
  type EngineOptions,
  type HttpRequest,
  type HttpResponse,
  type MediaDriver,
  RcmlError,
  type SimulatedClock,
} from '@rcml/core';

export type Entry = Record<string, unknown> & { kind: string; at: number };

type AppResponse =
  | { status?: number; type?: string; body?: string; delay?: number; headers?: Record<string, string> }
  | { error: 'connect' | 'hang' };

export interface World {
  name?: string;
  options?: { fetchTimeout?: number; epoch?: string };
  call?: Record<string, string>;
  inbound?: Record<string, string>;
  party?: {
    at: number;
    do: string;
    by?: string;
    digits?: string;
    gap?: number;
    for?: number;
    text?: string;
  }[];
  /**
   * What each dialled party does, `after` seconds from the dial: `ring`, `answer`, `busy`,
   * `fail`, `hangup`, `dtmf` (`digits`, `gap`), `voice` (voice activity from `after` for `for`
   * seconds), `speech` (a recognition result `text`), `partial` (an interim result `text`).
   */
  dialed?: Record<
    string,
    { after: number; do: string; digits?: string; gap?: number; text?: string; for?: number }[]
  >;
  app?: Record<string, AppResponse | AppResponse[]>;
  media?: {
    sayCharSeconds?: number;
    playSeconds?: Record<string, number>;
    defaultPlaySeconds?: number;
    digitSeconds?: number;
    recordingBaseUrl?: string;
    failUrls?: string[];
  };
  modify?: ({ at: number } & Record<string, string | number>)[];
  /** Harness only: the driver's `dial` throws. */
  dialThrows?: boolean;
  /** Harness only: the dial session's `bridge` rejects. */
  bridgeFails?: boolean;
  /**
   * Harness only: the dial session's `record` (default: records like the simulated driver);
   * `missing`: the driver has none; `reject`: starting fails; `stop-fails`: stopping fails.
   */
  dialRecord?: 'missing' | 'reject' | 'throws' | 'stop-fails';
  /**
   * Harness only: the call's channel records whole calls (`Record=true`; by default it cannot):
   * `record` records, `reject`: starting fails, `stop-fails`: stopping fails.
   */
  callRecord?: 'record' | 'reject' | 'stop-fails';
  /** Harness only: `say` on a dial leg fails (a driver failure during a whisper document). */
  legSayFails?: boolean;
  expect?: { timeline?: Record<string, unknown>[]; final?: { status?: string; duration?: number } };
}

export interface Run {
  timeline: Entry[];
  /** Harness only: every `DialSession.record` call, with the simulated time it came at. */
  dialRecordings: { at: number; recordingSid: string; fromRinging: boolean; dual: boolean }[];
  /** Harness only: every `Channel.recordCall` call (`callRecord`), with the simulated time it came at. */
  callRecordings: { at: number; recordingSid: string; dual: boolean }[];
  final: { status: string; duration: number } | null;
  events: EngineEvent[];
  clock: SimulatedClock;
  engine: Engine;
  error: unknown;
}

const PARTY = 1;
const MODIFY = 2;

/** Run a world to the end and return what happened. */
export async function runWorld(
  world: World,
  engineOptions: Partial<EngineOptions> = {},
  probes: readonly { readonly at: number; readonly fn: (engine: Engine, sid: string) => void }[] = [],
): Promise<Run> {
  const epoch = Date.parse(world.options?.epoch ?? '2026-01-01T00:00:00Z');
  const clock = createSimulatedClock(epoch);
  const timeline: Entry[] = [];
  const dialRecordings: Run['dialRecordings'] = [];
  const callRecordings: Run['callRecordings'] = [];
  const t = () => (clock.now() - epoch) / 1000;
  const media = world.media ?? {};
  const served = new Map<string, number>();

  const http = {
    send(request: HttpRequest): Promise<HttpResponse> {
      const [base, query] = request.url.split('?', 2);
      const params: Record<string, string> = {};
      if (query !== undefined) for (const [k, v] of new URLSearchParams(query)) params[k] = v;
      Object.assign(params, request.params);
      timeline.push({ kind: request.kind, method: request.method, url: base!, params, at: t() });
      const key = `${request.method} ${base}`;
      const listed = world.app?.[key];
      let response: AppResponse = { status: 404 };
      if (listed !== undefined) {
        const list = Array.isArray(listed) ? listed : [listed];
        const i = served.get(key) ?? 0;
        served.set(key, i + 1);
        response = list[Math.min(i, list.length - 1)]!;
      }
      if ('error' in response) {
        if (response.error === 'hang') return new Promise(() => {});
        return Promise.reject(new RcmlError(11205, 'connection refused', { retryable: true }));
      }
      const answer: HttpResponse = {
        status: response.status ?? 200,
        contentType: response.type ?? 'text/xml',
        location: response.headers?.Location ?? null,
        body: response.body ?? '',
      };
      const delay = response.delay ?? 0;
      if (delay === 0) return Promise.resolve(answer);
      return new Promise((resolve) => clock.setTimeout(() => resolve(answer), delay * 1000));
    },
  };

  const timed = (seconds: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = clock.setTimeout(() => resolve(), seconds * 1000);
      signal.addEventListener('abort', () => {
        clock.clearTimeout(timer);
        resolve();
      });
    });

  const makeChannel = (id: string, record: boolean, onListen?: (h: ChannelHandler) => void): Channel => {
    const op = (entry: Record<string, unknown>) => {
      if (record) timeline.push({ kind: 'media', ...entry, at: t() } as Entry);
    };
    const channel: Channel = {
      id,
      listen(h) {
        onListen?.(h);
      },
      async answer() {
        op({ op: 'answer' });
      },
      async say(r, signal) {
        op({ op: 'say', text: r.text, voice: r.voice, language: r.language, loop: r.loop });
        await timed([...r.text].length * (media.sayCharSeconds ?? 0.05) * r.loop, signal);
      },
      async play(r, signal) {
        op({ op: 'play', url: r.url, loop: r.loop });
        if (media.failUrls?.includes(r.url)) return { ok: false, reason: 'media-unavailable' };
        await timed((media.playSeconds?.[r.url] ?? media.defaultPlaySeconds ?? 2) * r.loop, signal);
        return { ok: true };
      },
      async sendDigits(r, signal) {
        op({ op: 'digits', digits: r.digits });
        let s = 0;
        for (const c of r.digits) s += c === 'w' ? 0.5 : c === 'W' ? 1 : (media.digitSeconds ?? 0.1);
        await timed(s, signal);
      },
      async pause(r, signal) {
        op({ op: 'pause', length: r.length });
        await timed(r.length, signal);
      },
      async gather(r) {
        op({
          op: 'gather',
          input: r.input,
          timeout: r.timeout,
          finishOnKey: r.finishOnKey,
          numDigits: r.numDigits,
        });
      },
      async record(r) {
        op({
          op: 'record',
          maxLength: r.maxLength,
          timeout: r.timeout,
          finishOnKey: r.finishOnKey,
          playBeep: r.playBeep,
          trim: r.trim,
        });
        return {
          stop: async () => ({ url: (media.recordingBaseUrl ?? 'http://recordings.test/') + r.recordingSid }),
        };
      },
      dial(r): DialSession {
        if (world.dialThrows) throw new Error('no route to the targets');
        op({
          op: 'dial',
          targets: r.targets.map((x) => ({ type: x.type, to: x.to })),
          timeout: r.timeout,
          timeLimit: r.timeLimit,
          callerId: r.callerId,
          hangupOnStar: r.hangupOnStar,
        });
        const start = clock.now();
        const legs = r.targets.map((target) => {
          const timers: unknown[] = [];
          let legHandler: ChannelHandler | undefined;
          const leg = makeChannel(target.callSid, false, (h) => {
            legHandler = h;
            for (const action of world.dialed?.[target.to] ?? []) {
              const keys = action.do === 'dtmf' ? [...(action.digits ?? '')] : [null];
              keys.forEach((key, i) => {
                timers.push(
                  clock.schedule(
                    start + (action.after + i * (action.gap ?? 0)) * 1000,
                    () => {
                      const lh = legHandler;
                      if (lh === undefined) return;
                      if (action.do === 'ring') lh.ringing();
                      else if (action.do === 'answer') lh.answered();
                      else if (action.do === 'busy') lh.busy();
                      else if (action.do === 'fail') lh.failed('fail');
                      else if (action.do === 'hangup') {
                        legHandler = undefined;
                        lh.hangup();
                      } else if (action.do === 'voice') lh.voice(true);
                      else if (action.do === 'speech')
                        lh.speech({ transcript: action.text ?? '', confidence: 0.9 });
                      else if (action.do === 'partial')
                        lh.partialSpeech?.({ unstable: action.text ?? '', stable: '' });
                      else if (key !== null) lh.dtmf(key);
                    },
                    PARTY,
                  ),
                );
              });
              if (action.do === 'voice') {
                const off = start + (action.after + (action.for ?? 0)) * 1000;
                timers.push(clock.schedule(off, () => legHandler?.voice(false), PARTY));
              }
            }
          });
          const stop = async () => {
            legHandler = undefined;
            for (const timer of timers) clock.clearTimeout(timer);
          };
          leg.hangup = stop;
          leg.cancel = stop;
          if (world.legSayFails) {
            leg.say = async () => {
              throw new Error('leg media lost');
            };
          }
          return leg;
        });
        const session: DialSession = {
          legs,
          bridge: async () => {
            if (world.bridgeFails) throw new Error('no media path');
          },
        };
        if (world.dialRecord === 'missing') return session;
        if (world.dialRecord === 'throws') {
          return {
            ...session,
            record: () => {
              throw new Error('cannot record');
            },
          };
        }
        return {
          ...session,
          record: async (rec) => {
            dialRecordings.push({ at: t(), ...rec });
            if (world.dialRecord === 'reject') throw new Error('cannot record');
            return {
              stop: async () => {
                if (world.dialRecord === 'stop-fails') throw new Error('recording lost');
                return { url: (media.recordingBaseUrl ?? 'http://recordings.test/') + rec.recordingSid };
              },
            };
          },
        };
      },
      async hangup() {
        op({ op: 'hangup' });
      },
      async cancel() {},
      async reject(reason) {
        op({ op: 'reject', reason });
      },
    };
    const callRecord = world.callRecord;
    if (record && callRecord !== undefined) {
      channel.recordCall = async (rec) => {
        callRecordings.push({ at: t(), ...rec });
        if (callRecord === 'reject') throw new Error('cannot record');
        return {
          stop: async () => {
            if (callRecord === 'stop-fails') throw new Error('recording lost');
            return { url: (media.recordingBaseUrl ?? 'http://recordings.test/') + rec.recordingSid };
          },
        };
      };
    }
    return channel;
  };

  let mainChannel: Channel | undefined;
  let mainHandler: () => ChannelHandler | undefined = () => undefined;
  const driver: MediaDriver = {
    capabilities: { ssml: true, speech: true, voicemailDetection: true },
    originate(request) {
      let h: ChannelHandler | undefined;
      mainChannel = makeChannel(request.callSid, true, (x) => {
        h = x;
      });
      const original = mainChannel.hangup.bind(mainChannel);
      mainChannel.hangup = async () => {
        h = undefined;
        await original();
      };
      mainChannel.cancel = async () => {
        h = undefined;
      };
      mainHandler = () => h;
      return mainChannel;
    },
  };

  const engine = createEngine({
    driver,
    http,
    clock,
    ids: createSequentialIds(),
    fetchTimeoutMs: (world.options?.fetchTimeout ?? 15) * 1000,
    ...engineOptions,
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));

  let sid: string | undefined;
  let error: unknown = null;
  try {
    if (world.call !== undefined) sid = engine.create(world.call as unknown as CreateCallParams).sid;
    else if (world.inbound !== undefined) {
      let h: ChannelHandler | undefined;
      mainChannel = makeChannel('inbound', true, (x) => {
        h = x;
      });
      const original = mainChannel.hangup.bind(mainChannel);
      mainChannel.hangup = async () => {
        h = undefined;
        await original();
      };
      mainHandler = () => h;
      sid = engine.inbound(world.inbound as never, mainChannel).sid;
    }
  } catch (e) {
    error = e;
  }

  if (sid !== undefined) {
    for (const action of world.party ?? []) {
      const at = epoch + action.at * 1000;
      const fire = (fn: (h: ChannelHandler) => void, when = at) =>
        clock.schedule(
          when,
          () => {
            const h = mainHandler();
            if (h !== undefined) fn(h);
          },
          PARTY,
        );
      switch (action.do) {
        case 'ring':
          fire((h) => h.ringing());
          break;
        case 'answer':
          fire((h) => {
            h.answered();
            h.detected(action.by === 'machine' ? 'machine' : 'human');
          });
          break;
        case 'busy':
          fire((h) => h.busy());
          break;
        case 'fail':
          fire((h) => h.failed('fail'));
          break;
        case 'hangup':
          fire((h) => h.hangup());
          break;
        case 'speak':
          fire((h) => h.voice(true));
          fire((h) => h.voice(false), at + (action.for ?? 0) * 1000);
          break;
        case 'speech':
          fire((h) => h.speech({ transcript: action.text ?? '', confidence: 0.9 }));
          break;
        case 'partial':
          fire((h) => h.partialSpeech?.({ unstable: action.text ?? '', stable: '' }));
          break;
        case 'dtmf':
          [...(action.digits ?? '')].forEach((key, i) => {
            fire((h) => h.dtmf(key), at + i * (action.gap ?? 0) * 1000);
          });
          break;
      }
    }
    for (const change of world.modify ?? []) {
      const { at, ...params } = change;
      clock.schedule(
        epoch + at * 1000,
        () => {
          try {
            engine.modify(sid!, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])));
          } catch {
            // A refused change has no effect on the call.
          }
        },
        MODIFY,
      );
    }
    for (const probe of probes) clock.schedule(epoch + probe.at * 1000, () => probe.fn(engine, sid!), MODIFY);
  }

  await flush();
  while (clock.fireNext()) await flush();
  const record = sid === undefined ? undefined : engine.get(sid);
  return {
    timeline,
    dialRecordings,
    callRecordings,
    final: record === undefined ? null : { status: record.status, duration: record.duration ?? 0 },
    events,
    clock,
    engine,
    error,
  };
}

/** Let every pending promise settle (no simulated time passes). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The replay format's matching rules: listed fields equal, `null` params absent. */
export function mismatch(expected: Record<string, unknown>[], actual: Entry[]): string | null {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === undefined || a === undefined) {
      return `entry ${i}: expected ${JSON.stringify(e)}, actual ${JSON.stringify(a)}`;
    }
    for (const [field, value] of Object.entries(e)) {
      if (field === 'at') {
        if (Math.abs((value as number) - a.at) > 0.001) return `entry ${i}: at ${a.at}, expected ${value}`;
      } else if (field === 'params') {
        const params = (a.params ?? {}) as Record<string, string>;
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (v === null ? k in params : params[k] !== v) {
            return `entry ${i}: param ${k}=${params[k]}, expected ${v}\n${JSON.stringify(a)}`;
          }
        }
      } else if (JSON.stringify(a[field]) !== JSON.stringify(value)) {
        return `entry ${i}: ${field}=${JSON.stringify(a[field])}, expected ${JSON.stringify(value)}\n${JSON.stringify(a)}`;
      }
    }
  }
  return null;
}

/** A compact line per timeline entry: `t kind detail`, for readable assertions. */
export function lines(timeline: readonly Entry[]): string[] {
  return timeline.map((e) => {
    const at = Number(e.at.toFixed(3));
    if (e.kind === 'media') {
      const { kind: _k, at: _a, op, ...rest } = e;
      const detail = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(' ');
      return `${at} ${String(op)}${detail === '' ? '' : ` ${detail}`}`;
    }
    const params = e.params as Record<string, string>;
    const status = e.kind === 'callback' && params.CallStatus !== undefined ? ` ${params.CallStatus}` : '';
    return `${at} ${e.kind} ${String(e.method)} ${String(e.url)}${status}`;
  });
}

/** An inbound call to `http://app.test/voice` answering `body`. */
export function inbound(body: string, extra: Partial<World> = {}): World {
  return {
    ...extra,
    inbound: { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice', ...extra.inbound },
    app: { 'POST http://app.test/voice': { body }, ...extra.app },
  } as World;
}

/** An outbound call answered at t=1 whose Url answers `body`. */
export function outbound(body: string, extra: Partial<World> = {}): World {
  return {
    party: [{ at: 1, do: 'answer' }],
    ...extra,
    call: { From: '+15550002222', To: '+15550001111', Url: 'http://app.test/voice', ...extra.call },
    app: { 'POST http://app.test/voice': { body }, ...extra.app },
  } as World;
}

/** The parameters of the n-th entry of a kind. */
export function paramsOf(run: Run, kind: 'fetch' | 'callback', n = 0): Record<string, string> {
  const entry = run.timeline.filter((e) => e.kind === kind)[n];
  return (entry?.params ?? {}) as Record<string, string>;
}

/** Notice codes reported, in order. */
export function noticeCodes(run: Run): number[] {
  return run.events.flatMap((e) => (e.type === 'notice' ? [e.code] : []));
}
