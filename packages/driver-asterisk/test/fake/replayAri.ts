/**
 * A fake ARI server that replays one recorded trace on 127.0.0.1 (HTTP + WebSocket).
 *
 * It walks the trace's steps in order: it waits for the driver to send each `app` request
 * (checking method, path and query against the recording, ids aside), answers with the
 * recorded response, and sends the recorded events when their turn comes. `harness` and
 * `observer` requests are not expected from the driver: their effects are the events that
 * follow them, which the fake sends on its own. A `ws close` in the middle of a trace drops
 * the socket from the server side.
 *
 * Ids the driver chooses itself (playback ids, recording names) differ from the recorded
 * ones: the fake learns the mapping from the driver's first request that carries them and
 * rewrites every later response and event. `substitutions` replaces placeholders such as
 * `<tts>` up front.
 *
 * A few requests the recorded client did not make are answered without consuming the script
 * (and listed in `extra`): listing the application at start (nothing left over), the ping
 * after the event socket closed (Asterisk is still there), setting a
 * channel variable (TALK_DETECT), downloading a stored
 * recording's file, stopping a live recording (404 once the script has finished it), and
 * deleting a channel whose destruction the script already holds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Trace, TraceRequest, TraceStep } from './traces.js';

export interface ReplayOptions {
  readonly user?: string;
  readonly password?: string;
  readonly app?: string;
  /** Text replaced in every recorded path, body and event before use. */
  readonly substitutions?: Readonly<Record<string, string>>;
  /**
   * Hold each `harness` step (the caller calling, pressing keys, hanging up…) until the test
   * calls `harness()`, instead of playing it as soon as its turn comes.
   */
  readonly manualHarness?: boolean;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
}

/** Query keys whose values the driver chooses: learned, not compared. */
const LEARNED_KEYS = new Set(['playbackId', 'name']);

export class ReplayAri {
  readonly mismatches: string[] = [];
  /** Driver requests matched to the script, in order. */
  readonly matched: SeenRequest[] = [];
  /** Driver requests answered outside the script. */
  readonly extra: SeenRequest[] = [];
  /** WebSocket connections accepted so far. */
  connections = 0;
  /** Bumped on every request, response and event (tests use it to wait for quiet). */
  activity = 0;
  private cursor = 0;
  private nextApp = 0;
  private readonly appRequests: TraceRequest[];
  private readonly foreignIds = new Set<number>();
  private readonly pending = new Map<number, ServerResponse>();
  private readonly received = new Set<number>();
  private readonly learned = new Map<string, string>();
  private socket: WebSocket | null = null;
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  private harnessReleased = 0;
  private harnessPassed = 0;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly steps: readonly TraceStep[];

  private constructor(
    trace: Trace,
    private readonly options: ReplayOptions,
  ) {
    let text = JSON.stringify(trace.steps);
    for (const [from, to] of Object.entries(options.substitutions ?? {})) text = text.split(from).join(to);
    this.steps = JSON.parse(text) as TraceStep[];
    this.appRequests = this.steps.filter((s): s is TraceRequest => s.dir === 'request' && s.by === 'app');
    for (const s of this.steps) if (s.dir === 'request' && s.by !== 'app') this.foreignIds.add(s.id);
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      if (!this.authorized(req) || !req.url?.startsWith(`/ari/events?app=${options.app ?? 'rcml'}`)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.connections += 1;
        this.socket = ws;
        ws.on('close', () => {
          if (this.socket === ws) this.socket = null;
        });
        this.pump();
      });
    });
  }

  static async start(trace: Trace, options: ReplayOptions = {}): Promise<ReplayAri> {
    const fake = new ReplayAri(trace, options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Every step replayed (the final `ws close`, the client's own, does not count). */
  get finished(): boolean {
    return this.remaining().length === 0;
  }

  /** Resolves once the step matching `test` has been replayed. */
  passed(test: (step: TraceStep) => boolean): Promise<void> {
    const index = this.steps.findIndex((s, i) => i >= 0 && test(s));
    if (index === -1) return Promise.reject(new Error('no such step in the trace'));
    return this.until(() => this.cursor > index);
  }

  /**
   * With `manualHarness`: let the next far-end action happen now; resolves when the fake has
   * reached the following step that waits for the driver (or the end).
   */
  harness(): Promise<void> {
    this.harnessReleased += 1;
    this.pump();
    const released = this.harnessReleased;
    return this.until(() => this.harnessPassed >= released);
  }

  /** Resolves when the whole script has been replayed. */
  done(): Promise<void> {
    return this.until(() => this.finished);
  }

  /** A readable description of what is left, for failure messages. */
  remaining(): string[] {
    return this.steps
      .slice(this.cursor)
      .filter((s, i, all) => !(s.dir === 'ws' && s.action === 'close' && i === all.length - 1))
      .map(describe);
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    for (const res of this.pending.values()) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.options.user ?? 'rcml'}:${this.options.password ?? 'secret'}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  private subst(text: string): string {
    let out = text;
    for (const [from, to] of this.learned) out = out.split(from).join(to);
    return out;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.activity += 1;
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    req.resume();
    if (!this.authorized(req)) {
      res.writeHead(401).end();
      return;
    }
    const expected = this.appRequests[this.nextApp];
    if (expected !== undefined && this.matches(expected, method, path)) {
      this.nextApp += 1;
      this.matched.push({ method, path });
      this.received.add(expected.id);
      this.pending.set(expected.id, res);
      this.pump();
      return;
    }
    if (this.answerExtra(method, path, res)) {
      this.extra.push({ method, path });
      return;
    }
    const wanted =
      expected === undefined ? 'nothing more' : `${expected.method} ${this.subst(expected.path)}`;
    this.mismatches.push(`unexpected ${method} ${path} (expected ${wanted})`);
    res
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: 'not in the trace' }));
  }

  private matches(expected: TraceRequest, method: string, path: string): boolean {
    if (expected.method !== method) return false;
    const want = new URL(expected.path, 'http://x');
    const got = new URL(path, 'http://x');
    for (const key of LEARNED_KEYS) {
      const from = want.searchParams.get(key);
      const to = got.searchParams.get(key);
      if (
        from !== null &&
        to !== null &&
        from !== to &&
        !this.learned.has(from) &&
        want.pathname === got.pathname
      ) {
        this.learned.set(from, to);
      }
    }
    const wantPath = this.subst(decodeURIComponent(want.pathname));
    if (wantPath !== decodeURIComponent(got.pathname)) return false;
    const norm = (u: URL) =>
      [...u.searchParams.entries()]
        .map(([k, v]) => `${k}=${this.subst(v)}`)
        .sort()
        .join('&');
    return norm(want) === norm(got);
  }

  private answerExtra(method: string, path: string, res: ServerResponse): boolean {
    const url = new URL(path, 'http://x');
    const rest = this.steps.slice(this.cursor).map((s) => this.subst(JSON.stringify(s)));
    if (method === 'GET' && url.pathname === `/ari/applications/${this.options.app ?? 'rcml'}`) {
      // Nothing is left over from an earlier run when the replay starts.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          name: this.options.app ?? 'rcml',
          channel_ids: [],
          bridge_ids: [],
          endpoint_ids: [],
          device_names: [],
        }),
      );
      return true;
    }
    if (method === 'GET' && url.pathname === '/ari/asterisk/ping') {
      // The driver's check, when the event socket closes, that Asterisk is still there.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ asterisk_id: 'replay', ping: 'pong', timestamp: '' }));
      return true;
    }
    if (method === 'POST' && /^\/ari\/channels\/[^/]+\/variable$/.test(url.pathname)) {
      res.writeHead(204).end();
      return true;
    }
    const file = /^\/ari\/recordings\/stored\/([^/]+)\/file$/.exec(url.pathname);
    if (method === 'GET' && file !== null) {
      const recorded = this.steps.find((s) => s.dir === 'response' && s.bodyBase64 !== undefined);
      const bytes =
        recorded?.dir === 'response' && recorded.bodyBase64
          ? Buffer.from(recorded.bodyBase64, 'base64')
          : Buffer.alloc(0);
      res.writeHead(200, { 'content-type': 'audio/wav' }).end(bytes);
      return true;
    }
    const stop = /^\/ari\/recordings\/live\/([^/]+)\/stop$/.exec(url.pathname);
    if (method === 'POST' && stop !== null) {
      const name = decodeURIComponent(stop[1] ?? '');
      const stillComing = rest.some(
        (s) => s.includes('"RecordingFinished"') && s.includes(`"name":"${name}"`),
      );
      if (stillComing) res.writeHead(204).end();
      else
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Recording not found"}');
      return true;
    }
    const channel = /^\/ari\/channels\/([^/]+)$/.exec(url.pathname);
    if (method === 'DELETE' && channel !== null) {
      const id = decodeURIComponent(channel[1] ?? '');
      const destroyedLater = rest.some((s) => s.includes('"ChannelDestroyed"') && s.includes(`"id":"${id}"`));
      const scriptedDelete = rest.some(
        (s) => s.includes('"by":"app"') && s.includes(`"DELETE"`) && s.includes(id),
      );
      if (destroyedLater && !scriptedDelete) {
        res.writeHead(204).end();
        return true;
      }
    }
    return false;
  }

  private pump(): void {
    while (this.cursor < this.steps.length) {
      const step = this.steps[this.cursor];
      if (step === undefined) break;
      if (step.dir === 'ws') {
        if (step.action === 'open') {
          const needed = this.steps
            .slice(0, this.cursor + 1)
            .filter((s) => s.dir === 'ws' && s.action === 'open').length;
          if (this.connections < needed || this.socket === null) break;
        } else if (this.cursor < this.steps.length - 1) {
          this.socket?.terminate();
          this.socket = null;
        } else {
          break;
        }
      } else if (step.dir === 'request') {
        if (step.by === 'app' && !this.received.has(step.id)) break;
        if (step.by === 'harness' && this.options.manualHarness) {
          if (this.harnessPassed >= this.harnessReleased) break;
          this.harnessPassed += 1;
        }
      } else if (step.dir === 'response') {
        if (!this.foreignIds.has(step.id)) {
          const res = this.pending.get(step.id);
          if (res === undefined) break;
          this.pending.delete(step.id);
          this.respond(res, step);
        }
      } else if (step.dir === 'event') {
        if (this.socket === null) break;
        this.socket.send(this.subst(JSON.stringify(step.event)));
        this.activity += 1;
      }
      this.cursor += 1;
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.test()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  private respond(res: ServerResponse, step: Extract<TraceStep, { dir: 'response' }>): void {
    this.activity += 1;
    if (step.bodyBase64 !== undefined) {
      res.writeHead(step.status, { 'content-type': step.contentType ?? 'application/octet-stream' });
      res.end(Buffer.from(step.bodyBase64, 'base64'));
    } else if (step.body === null) {
      res.writeHead(step.status).end();
    } else {
      res
        .writeHead(step.status, { 'content-type': 'application/json' })
        .end(this.subst(JSON.stringify(step.body)));
    }
  }
}

function describe(step: TraceStep): string {
  switch (step.dir) {
    case 'request':
      return `${step.by} request ${step.id}: ${step.method} ${step.path}`;
    case 'response':
      return `response ${step.id}`;
    case 'event':
      return `event ${step.event.type}`;
    case 'ws':
      return `ws ${step.action}`;
  }
}
