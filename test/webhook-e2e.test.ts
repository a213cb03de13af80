/**
 * End to end over real HTTP: the engine, the simulated driver and `@rcml/webhook`'s transport
 * against a real `node:http` application on 127.0.0.1 that serves each replay scenario's `app`.
 * The engine runs on a simulated clock that only moves when no HTTP request is in flight, so
 * each scenario's timeline (requests, params, media, order, times) must come out exactly as in
 * the simulated replay (`runScenario`), and the application must receive on the wire what
 * the timeline says, signed.
 *
 * The application holds `delay` answers on the simulated clock and `hang` ones until the
 * engine gives up (then the transport closes the connection); `error: "connect"` is served as
 * a connection reset.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Clock, createEngine, type EngineEvent, type HttpPort } from '@rcml/core';
import { LIVE_CHANGE_PRIORITY } from '@rcml/driver';
import {
  type AppResponse,
  checkInvariants,
  createScenarioWorld,
  isFinalStatus,
  loadScenarios,
  matchScenario,
  type RunResult,
  runScenario,
  type Scenario,
  scenarioEngineOptions,
  startScenarioCall,
} from '@rcml/replay';
import { createHttpTransport, type HttpTransport, validateSignature } from '@rcml/webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'replay');
const TOKEN = 'e2e-auth-token';
const GRACE_MS = 60_000;
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What the application received, in arrival order. */
interface Received {
  readonly method: string;
  readonly url: string;
  readonly params: Record<string, string>;
  readonly signed: boolean;
}

/** The real application: answers from the current scenario's `app`, as the simulated one does. */
class Application {
  server!: Server;
  port = 0;
  #app: Scenario['app'] = {};
  #served = new Map<string, number>();
  #clock: Clock | null = null;
  #changed: Array<() => void> = [];
  received: Received[] = [];
  /** Requests the application holds (`delay` on the simulated clock, or `hang`). */
  held = 0;

  /** Resolves when the number of held requests changes. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#changed.push(resolve));
  }

  #setHeld(delta: number): void {
    this.held += delta;
    for (const wake of this.#changed.splice(0)) wake();
  }

  /**
   * Holds a request: answered by `answer` after `delayMs` on the simulated clock, or never
   * (`null`); released when the client gives up (the engine aborted the request).
   */
  #hold(res: ServerResponse, delayMs: number | null, answer: () => void): void {
    let open = true;
    const release = (): boolean => {
      if (!open) return false;
      open = false;
      this.#setHeld(-1);
      return true;
    };
    const timer = delayMs === null ? null : this.#clock!.setTimeout(() => release() && answer(), delayMs);
    res.on('close', () => {
      if (release() && timer !== null) this.#clock!.clearTimeout(timer);
    });
    this.#setHeld(1);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const host = (req.headers.host ?? '').replace(/:\d+$/, '');
        const [path = '/', query = ''] = (req.url ?? '/').split('?');
        const url = `http://${host}${path}`;
        const body = Buffer.concat(chunks).toString('utf-8');
        // As the timeline shows requests: GET parameters are the query, POST ones the form.
        const isGet = req.method === 'GET';
        const params = Object.fromEntries(new URLSearchParams(isGet ? query : body));
        const shown = isGet || query === '' ? url : `${url}?${query}`;
        const fullUrl = `http://${host}:${this.port}${req.url}`;
        const form = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(body)) : {};
        const signature = String(req.headers['x-twilio-signature'] ?? '');
        const signed = validateSignature(TOKEN, signature, fullUrl, form);
        this.received.push({ method: req.method ?? '', url: shown, params, signed });
        const r = this.#pick(`${req.method} ${url}`);
        if (r === undefined) {
          res.writeHead(404).end();
          return;
        }
        if ('error' in r) {
          // `connect`: the connection fails before any answer (the engine sees 11205).
          if (r.error === 'connect') req.socket.resetAndDestroy();
          else this.#hold(res, null, () => {});
          return;
        }
        const headers: Record<string, string> = { 'content-type': r.type ?? 'text/xml', ...r.headers };
        const answer = () => res.writeHead(r.status ?? 200, headers).end(r.body ?? '');
        // A delay is simulated time, as in the replay's application.
        if ((r.delay ?? 0) > 0) this.#hold(res, Math.round((r.delay ?? 0) * 1_000_000) / 1000, answer);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  use(app: Scenario['app'], clock: Clock): void {
    this.#clock = clock;
    this.#app = app ?? {};
    this.#served = new Map();
    this.received = [];
  }

  #pick(key: string): AppResponse | undefined {
    if (!Object.hasOwn(this.#app ?? {}, key)) return undefined;
    const entry = this.#app![key]!;
    if (!Array.isArray(entry)) return entry as AppResponse;
    const n = this.#served.get(key) ?? 0;
    this.#served.set(key, n + 1);
    return entry[Math.min(n, entry.length - 1)] as AppResponse;
  }
}

/** Whether a scenario can run over real HTTP (no simulated network time in its answers). */
function realHttpReason(scenario: Scenario): string | null {
  if (scenario.call === undefined && scenario.inbound === undefined) return 'no call';
  if (scenario.expect?.timeline === undefined) return 'no expected timeline';
  if (scenario.expect.create?.ok === false) return 'the call is refused before any HTTP';
  return null;
}

/** Runs one scenario like `runScenario`, with HTTP going through the real transport. */
async function runOverHttp(scenario: Scenario, transport: HttpTransport, app: Application) {
  const port = app.port;
  const world = createScenarioWorld(scenario);
  const { origin, clock, recorder, driver } = world;
  app.use(scenario.app, clock);
  const inFlight = new Set<Promise<unknown>>();
  let lastActivity = origin;
  // Every application URL goes to the real server: same host name (the transport's lookup
  // maps it to 127.0.0.1), the server's port.
  const real: HttpPort = {
    send(request) {
      lastActivity = clock.now();
      const url = new URL(request.url);
      url.protocol = 'http:';
      url.port = String(port);
      const sent = transport.send({ ...request, url: url.href });
      const tracked = sent.finally(() => {
        inFlight.delete(tracked);
        lastActivity = clock.now();
      });
      inFlight.add(tracked);
      tracked.catch(() => {});
      return sent;
    },
  };
  const engine = createEngine({
    driver: recorder.wrapDriver(driver),
    http: recorder.wrapHttp(real),
    clock,
    // Media streams are scripted as in the simulated replay: this test is about the HTTP path.
    streams: world.streams,
    ...scenarioEngineOptions(scenario),
  });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  const callSid = startScenarioCall(engine, world, scenario);
  for (const { at, ...params } of scenario.modify ?? []) {
    const strings = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
    clock.schedule(
      origin + at * 1000,
      () => {
        try {
          engine.modify(callSid, strings);
        } catch {
          // A refused change is part of what some scenarios test.
        }
      },
      LIVE_CHANGE_PRIORITY,
    );
  }
  // Time moves only when every request in flight is one the application holds on the
  // simulated clock: real HTTP itself takes no simulated time.
  const quiet = async (): Promise<void> => {
    for (;;) {
      await settle();
      await settle();
      if (inFlight.size === app.held) return;
      await Promise.race([Promise.race(inFlight).catch(() => {}), app.changed()]);
    }
  };
  for (let fired = 0; fired < 100_000; fired++) {
    await quiet();
    const next = clock.nextDue();
    if (next === undefined) break;
    const ended = isFinalStatus(engine.get(callSid)?.status);
    const last = recorder.entries.at(-1);
    const lastEntry = last === undefined ? origin : origin + last.at * 1000;
    if (ended && next > Math.max(lastActivity, lastEntry) + GRACE_MS) break;
    clock.fireNext();
  }
  await quiet();
  const record = engine.get(callSid);
  const leftovers = {
    pendingTimers: clock.pending,
    inFlightRequests: inFlight.size,
    activeCalls: engine.activeCalls,
    liveChannels: driver.liveChannels,
  };
  const result: RunResult = {
    outcome: {
      timeline: recorder.entries,
      final: record === undefined ? null : { status: record.status, duration: record.duration ?? 0 },
    },
    events,
    leftovers,
    violations: checkInvariants(callSid, events, recorder.entries, leftovers),
    modifyErrors: [],
  };
  return result;
}

const loaded = await loadScenarios([FIXTURES]);
const runnable = loaded.flatMap((l) =>
  l.scenario !== undefined && realHttpReason(l.scenario) === null
    ? [{ file: l.file, scenario: l.scenario }]
    : [],
);
const skipped = loaded.flatMap((l) => {
  const reason = l.scenario === undefined ? l.error : realHttpReason(l.scenario);
  return reason === null || reason === undefined ? [] : [{ file: l.file, reason }];
});

describe('replay scenarios over real HTTP (engine + simulated driver + @rcml/webhook)', () => {
  const app = new Application();
  let transport: HttpTransport;
  beforeAll(async () => {
    await app.start();
    transport = createHttpTransport({
      authToken: TOKEN,
      // Every scenario host name (app.test, ...) is the local application.
      lookup: (_hostname, options, callback) => {
        if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else callback(null, '127.0.0.1', 4);
      },
    });
  });
  afterAll(async () => {
    await transport.close();
    app.server.closeAllConnections();
    await new Promise<void>((resolve) => app.server.close(() => resolve()));
  });

  it('runs a good share of the corpus', () => {
    expect(runnable.length).toBeGreaterThan(100);
  });

  it.each(runnable.map((r) => [r.file.split('/').at(-1)!, r.scenario] as const))(
    '%s',
    async (_file, scenario) => {
      const simulated = await runScenario(scenario);
      const result = await runOverHttp(scenario, transport, app);
      // The same timeline as the simulated replay (requests, params, media, times, order), and
      // the same final state; and where the replay meets the scenario's expectation, so do we.
      expect(result.outcome).toEqual(simulated.outcome);
      if (matchScenario(scenario, simulated).ok) {
        const match = matchScenario(scenario, result);
        expect({ problems: match.problems, firstDifference: match.firstDifference }).toEqual({
          problems: [],
          firstDifference: undefined,
        });
      }
      // What went on the wire is what the timeline says: per kind, same order and params.
      const requests = result.outcome.timeline.filter((e) => e.kind === 'fetch' || e.kind === 'callback');
      for (const kind of ['fetch', 'callback'] as const) {
        const expected = requests
          .filter((e) => e.kind === kind)
          .map((e) => ({ method: e.method, url: e.url, params: e.params }));
        const wanted = new Set(expected.map((e) => `${e.method} ${e.url}`));
        const onWire = app.received
          .filter((r) => wanted.has(`${r.method} ${r.url}`) && isKind(r, kind))
          .map(({ method, url, params }) => ({ method, url, params }));
        expect(onWire).toEqual(expected);
      }
      expect(app.received.every((r) => r.signed)).toBe(true);
    },
  );

  it.skip.each(skipped.map((s) => [s.file.split('/').at(-1)!, s.reason] as const))(
    '%s (skipped: %s)',
    () => {},
  );
});

/**
 * Status callbacks carry CallbackSource, RecordingStatus, (conferences) StatusCallbackEvent or
 * (media streams) StreamEvent; documents do not.
 */
const CALLBACK_MARKS = ['CallbackSource', 'RecordingStatus', 'StatusCallbackEvent', 'StreamEvent'];
function isKind(r: Received, kind: 'fetch' | 'callback'): boolean {
  const callback = CALLBACK_MARKS.some((name) => name in r.params);
  return kind === 'callback' ? callback : !callback;
}
