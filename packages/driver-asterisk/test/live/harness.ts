/**
 * The far side of the live suite (`live.test.ts`): a real Asterisk 22 with the dialplan of
 * docs/asterisk.md, the driver under test, the real engine, and an in-memory web application.
 * Callers are Local channels originated by the harness (`Local/s@stasis-test/n`, app `rcml`,
 * argument `caller`): their `;2` half enters the application as the inbound call, their `;1`
 * half is the caller the harness controls (keys, hang-up) over plain ARI REST.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord, Engine, EngineEvent, HttpPort, HttpRequest, Logger } from '@rcml/core';
import { createEngine } from '@rcml/core';
import { request } from 'undici';
import { type AsteriskDriver, createAsteriskDriver, type InboundCall } from '../../src/index.js';

export const LIVE = {
  url: process.env.RCML_ARI_URL,
  user: process.env.RCML_ARI_USER ?? 'rcml',
  password: process.env.RCML_ARI_PASSWORD ?? '',
  app: process.env.RCML_ARI_APP ?? 'rcml',
  /** Shell commands that stop and start Asterisk (the restart test is skipped without them). */
  stopCommand: process.env.RCML_ASTERISK_STOP,
  startCommand: process.env.RCML_ASTERISK_START,
};

/** Plain ARI REST for the harness; answers parsed JSON (null for 204), throws on errors. */
export async function ari(method: string, path: string): Promise<unknown> {
  const auth = `Basic ${Buffer.from(`${LIVE.user}:${LIVE.password}`).toString('base64')}`;
  const res = await request(`${LIVE.url}/ari${path}`, {
    method: method as 'GET',
    headers: { authorization: auth },
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

/** ARI without throwing: the status, or 0 when Asterisk cannot be reached. */
export async function ariStatusOf(method: string, path: string): Promise<number> {
  try {
    await ari(method, path);
    return 200;
  } catch (error) {
    const m = /: (\d{3}) /.exec((error as Error).message);
    return m === null ? 0 : Number(m[1]);
  }
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Poll `test` every 50 ms for up to `ms` (a real Asterisk runs on real time). */
export async function waitFor(
  test: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await test()) return;
    await delay(50);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** The web application: path → document (or a function of the request); remembers requests. */
export interface WebApp {
  readonly http: HttpPort;
  readonly requests: HttpRequest[];
  page(path: string, body: string | ((request: HttpRequest) => string)): void;
  /** Requests to `path` (query string ignored). */
  to(path: string): HttpRequest[];
}

export const APP = 'http://app.test';

export function webApp(): WebApp {
  const requests: HttpRequest[] = [];
  const pages = new Map<string, string | ((request: HttpRequest) => string)>();
  const pathOf = (url: string) => new URL(url).pathname;
  return {
    requests,
    page: (path, body) => pages.set(path, body),
    to: (path) => requests.filter((r) => pathOf(r.url) === path),
    http: {
      async send(req) {
        requests.push(req);
        const page = pages.get(pathOf(req.url));
        if (page === undefined) return { status: 404, contentType: 'text/plain', location: null, body: '' };
        const body = typeof page === 'string' ? page : page(req);
        return { status: 200, contentType: 'text/xml', location: null, body };
      },
    },
  };
}

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

export interface LiveStack {
  readonly driver: AsteriskDriver;
  readonly engine: Engine;
  readonly app: WebApp;
  readonly events: EngineEvent[];
  readonly log: LogLine[];
  readonly recordingsDir: string;
  /** Inbound calls handed to the engine: `From`, `To` and the engine's record. */
  readonly inbound: { call: InboundCall; record: CallRecord }[];
  /** Where inbound calls go (a path of the web application). */
  inboundPath: string;
  stop(): Promise<void>;
}

/**
 * Start the driver and the engine, like `rcml serve`. Numbers and clients are Local channels
 * into `[callee]`; a SIP URI `sip:EXT@CONTEXT` becomes `Local/EXT@CONTEXT/n`.
 */
export async function startStack(): Promise<LiveStack> {
  const dir = mkdtempSync(join(tmpdir(), 'rcml-live-'));
  const log: LogLine[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      log.push({ level, message, ...(fields === undefined ? {} : { fields }) });
    };
  const logger: Logger = { debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') };
  const driver = createAsteriskDriver({
    ariUrl: LIVE.url!,
    ariUser: LIVE.user,
    ariPassword: LIVE.password,
    ariApp: LIVE.app,
    endpoints: { number: 'Local/{to}@callee/n', client: 'Local/{to}@callee/n', sip: 'Local/{to}/n' },
    ttsCacheDir: join(dir, 'tts'),
    mediaCacheDir: join(dir, 'media'),
    recordingsDir: join(dir, 'recordings'),
    recordingBaseUrl: 'http://rcml.test/recordings',
    reconnect: { initialMs: 250, maxMs: 1000 },
    logger,
  });
  const app = webApp();
  const engine = createEngine({ driver, http: app.http, logger });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const stack: LiveStack = {
    driver,
    engine,
    app,
    events,
    log,
    recordingsDir: join(dir, 'recordings'),
    inbound: [],
    inboundPath: '/inbound',
    async stop() {
      await driver.stop();
    },
  };
  await driver.start((call) => {
    try {
      const record = engine.inbound(
        { From: call.from, To: call.to, Url: `${APP}${stack.inboundPath}` },
        call.channel,
      );
      stack.inbound.push({ call, record });
    } catch (error) {
      log.push({ level: 'error', message: `inbound refused: ${(error as Error).message}` });
      void call.channel.reject('rejected');
    }
  });
  return stack;
}

/** A caller: the `;1` half of a Local pair whose `;2` half is the inbound call. */
export interface Caller {
  readonly id: string;
  keys(digits: string): Promise<void>;
  /**
   * Speak: play a stock prompt to the call (what its `TALK_DETECT` hears as voice), then 10 s
   * of silent audio (a line sends audio all the time; a Local channel in Stasis sends none,
   * and without frames `TALK_DETECT` never sees the voice stop; ARI's own silence generator
   * does not cross the Local pair).
   */
  speak(sound?: string): Promise<void>;
  hangup(): Promise<void>;
  gone(): Promise<boolean>;
}

let callers = 0;

/** Place an inbound call: `exten` of `[stasis-test]` (`s`, or `anon` for a withheld number). */
export async function placeCall(callerId = '+15551230001', exten = 's'): Promise<Caller> {
  callers += 1;
  const id = `live-caller-${process.pid}-${callers}-${Date.now()}`;
  const cid = callerId === '' ? '' : `&callerId=${encodeURIComponent(callerId)}`;
  await ari(
    'POST',
    `/channels?endpoint=Local/${exten}@stasis-test/n&app=${LIVE.app}&appArgs=caller&channelId=${id}${cid}`,
  );
  return {
    id,
    keys: async (digits) => {
      // DTMF waits behind a playback on the channel: stop the caller's speech first.
      await ari('DELETE', `/playbacks/${id}-voice`).catch(() => undefined);
      await ari('POST', `/channels/${id}/dtmf?dtmf=${encodeURIComponent(digits)}&duration=120&between=100`);
    },
    speak: async (sound = 'hello-world') => {
      await ari('POST', `/channels/${id}/play?media=sound:${sound},sound:silence/10&playbackId=${id}-voice`);
    },
    hangup: async () => {
      await ari('DELETE', `/channels/${id}`).catch(() => undefined);
    },
    gone: async () => (await ariStatusOf('GET', `/channels/${id}`)) === 404,
  };
}

/** The final status of an engine call once it has one. */
export async function finalStatus(engine: Engine, sid: string, ms = 30_000): Promise<string> {
  const final = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
  const events: EngineEvent[] = [];
  const off = engine.subscribe((e) => {
    if ('callSid' in e && e.callSid === sid && e.type !== 'request' && e.type !== 'progress') events.push(e);
  });
  try {
    await waitFor(() => final.has(engine.get(sid)?.status ?? ''), `call ${sid} to end`, ms);
  } catch (error) {
    const seen = events.map((e) => `${e.type} ${JSON.stringify(e).slice(0, 160)}`).join('\n');
    throw new Error(
      `${(error as Error).message} (status ${engine.get(sid)?.status}; events while waiting:\n${seen})`,
    );
  } finally {
    off();
  }
  return engine.get(sid)!.status;
}

/**
 * What the suite's calls left in Asterisk (the leftovers check): channels and bridges of the
 * application, and any channel of the suite's dialplan contexts. Other users of the same
 * Asterisk (their own applications and contexts) are not counted.
 */
export async function leftovers(): Promise<{ channels: string[]; bridges: string[] }> {
  const app = (await ari('GET', `/applications/${LIVE.app}`)) as {
    channel_ids: string[];
    bridge_ids: string[];
  };
  const channels = (await ari('GET', '/channels')) as { id: string; name: string }[];
  const ours = channels.filter(
    (c) => app.channel_ids.includes(c.id) || /@(stasis-test|callee)-/.test(c.name),
  );
  return { channels: ours.map((c) => c.name), bridges: app.bridge_ids };
}

/** A recording Asterisk stored (`/ari/recordings/stored/{name}/file`), as wav bytes. */
export async function storedWav(name: string): Promise<Buffer> {
  const auth = `Basic ${Buffer.from(`${LIVE.user}:${LIVE.password}`).toString('base64')}`;
  const res = await request(`${LIVE.url}/ari/recordings/stored/${name}/file`, {
    headers: { authorization: auth },
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== 200) throw new Error(`recording ${name}: ${res.statusCode}`);
  return bytes;
}

/** RMS of each 20 ms window of an 8 kHz 16-bit mono wav. */
export function windows(wav: Buffer): number[] {
  const data = wav.indexOf('data');
  const start = data < 0 ? 44 : data + 8;
  const out: number[] = [];
  for (let i = start; i + 320 <= wav.length; i += 320) {
    let sum = 0;
    for (let j = i; j < i + 320; j += 2) sum += wav.readInt16LE(j) ** 2;
    out.push(Math.sqrt(sum / 160));
  }
  return out;
}

/** RMS over which a 20 ms window counts as sound (Asterisk's tone is about 1300, silence 0). */
export const LOUD = 500;
