/**
 * Recording a real-time call (`rcml call --record`) as a replay scenario: the caller's keys,
 * speech and hang-up become `party` actions, the application's answers the `app` section,
 * and the timeline of replaying that scenario the `expect`.
 *
 * Times: on the real clock a call also waits for the application (network, rendering);
 * in a replay the application answers in no time. So an action's time in the scenario is its
 * real time since the call started minus the time the call spent waiting for documents
 * before it: the action lands at the same point of the call (the same prompt, the same
 * `<Gather>`) in the replay as it did live.
 */
import type { HttpPort, HttpRequest, HttpResponse, StreamPort } from '@rcml/core';
import { withoutQuery } from './app.js';
import { withActualExpect } from './print.js';
import { runScenario } from './runScenario.js';
import type {
  AppResponse,
  DialedAction,
  PartyAction,
  Scenario,
  ScenarioMedia,
  StreamAction,
} from './scenario.js';

/** A caller action as the terminal phone performs it. */
export type RecordedAction =
  | { readonly kind: 'dtmf'; readonly digit: string }
  | { readonly kind: 'speak'; readonly text: string; readonly seconds: number }
  | { readonly kind: 'hangup' };

/** What the scenario is made of besides what was recorded. */
export interface RecordingSetup {
  readonly name?: string;
  /** The inbound call's parameters (`From`, `To`, `Url`, `Method`, `StatusCallback`...). */
  readonly inbound: Readonly<Record<string, string>>;
  readonly accountSid?: string;
  readonly media?: ScenarioMedia;
  /**
   * How every dialled number behaved live: answers `answerAfter` s after it was dialled and
   * hangs up `hangupAfter` s after that (`rcml call --hangup-after` counts from the bridge).
   */
  readonly dialedDefault?: { readonly answerAfter: number; readonly hangupAfter: number };
}

/** The result of {@link CallRecording.toScenario}. */
export interface RecordedScenario {
  readonly scenario: Scenario;
  /**
   * Differences between the call as it ran live and its replay (requests in another order or
   * number): empty when the recording replays faithfully.
   */
  readonly differences: readonly string[];
}

/** Records one call made on the real clock. */
export interface CallRecording {
  /** Wrap the engine's HTTP port: every request and its answer is kept. */
  wrapHttp(http: HttpPort): HttpPort;
  /**
   * Wrap the engine's media-stream client: what each stream application sends (audio, marks,
   * clears, closing its socket) becomes the scenario's `streams` script for its URL, timed
   * from the moment the socket opened (the engine sends `start` then). The first stream to a
   * URL is kept (a scenario runs the same script for every stream to a URL).
   */
  wrapStreams(port: StreamPort): StreamPort;
  /** The caller did something (at real time `atMs`, epoch ms). */
  action(action: RecordedAction, atMs: number): void;
  /** The scenario of what was recorded (replayed once, canned, for its `expect`). */
  toScenario(): Promise<RecordedScenario>;
}

interface Exchange {
  readonly request: HttpRequest;
  readonly startMs: number;
  endMs: number | null;
  answer: AppResponse | null;
}

const round = (seconds: number) => Math.max(0, Math.round(seconds * 1000) / 1000);

/** A recording on `now` (epoch ms; the system clock by default). */
export function createCallRecording(setup: RecordingSetup, now: () => number = Date.now): CallRecording {
  const exchanges: Exchange[] = [];
  const actions: { action: RecordedAction; atMs: number }[] = [];
  const streams = new Map<string, StreamAction[]>();

  /** What a stream application's message is as a scenario action, if anything. */
  function streamAction(text: string, after: number): StreamAction | undefined {
    let message: { event?: unknown; media?: { payload?: unknown }; mark?: { name?: unknown } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return undefined;
    }
    if (message.event === 'media' && typeof message.media?.payload === 'string') {
      const bytes = Buffer.from(message.media.payload, 'base64').length;
      return bytes === 0 ? undefined : { after, do: 'media', for: bytes / 8000 };
    }
    if (message.event === 'mark' && typeof message.mark?.name === 'string' && message.mark.name !== '')
      return { after, do: 'mark', name: message.mark.name };
    if (message.event === 'clear') return { after, do: 'clear' };
    return undefined;
  }

  /** Real ms before `atMs` during which a document fetch was in flight (merged intervals). */
  function waitedBefore(atMs: number): number {
    const spans = exchanges
      .filter((e) => e.request.kind === 'fetch' && e.startMs < atMs)
      .map((e) => [e.startMs, Math.min(e.endMs ?? atMs, atMs)] as const)
      .sort((a, b) => a[0] - b[0]);
    let total = 0;
    let end = -Infinity;
    for (const [from, to] of spans) {
      const start = Math.max(from, end);
      if (to > start) total += to - start;
      end = Math.max(end, to);
    }
    return total;
  }

  function simulatedSeconds(atMs: number): number {
    const t0 = exchanges[0]?.startMs ?? atMs;
    return round((atMs - t0 - waitedBefore(atMs)) / 1000);
  }

  function appSection(): Record<string, AppResponse | AppResponse[]> {
    const byKey = new Map<string, AppResponse[]>();
    for (const e of exchanges) {
      const key = `${e.request.method} ${withoutQuery(e.request.url)}`;
      const list = byKey.get(key) ?? [];
      list.push(e.answer ?? { error: 'hang' });
      byKey.set(key, list);
    }
    const app: Record<string, AppResponse | AppResponse[]> = {};
    for (const [key, list] of byKey) {
      const same = list.every((r) => JSON.stringify(r) === JSON.stringify(list[0]));
      app[key] = same ? list[0]! : list;
    }
    return app;
  }

  function party(): PartyAction[] {
    const out: PartyAction[] = [];
    for (const { action, atMs } of actions) {
      const at = simulatedSeconds(atMs);
      const last = out.at(-1);
      if (action.kind === 'dtmf') {
        // Keys typed together stay one action with their gap.
        if (last?.do === 'dtmf' && last.gap === undefined && Math.abs(last.at - at) < 0.001) {
          out[out.length - 1] = { ...last, digits: last.digits + action.digit };
        } else out.push({ at, do: 'dtmf', digits: action.digit });
      } else if (action.kind === 'speak') {
        out.push({
          at,
          do: 'speak',
          for: action.seconds,
          ...(action.text === '' ? {} : { text: action.text }),
        });
      } else out.push({ at, do: 'hangup' });
    }
    return out;
  }

  return {
    wrapHttp(http) {
      return {
        send(request) {
          const exchange: Exchange = { request, startMs: now(), endMs: null, answer: null };
          exchanges.push(exchange);
          const result = http.send(request);
          result.then(
            (response: HttpResponse) => {
              exchange.endMs = now();
              exchange.answer = {
                status: response.status,
                ...(response.contentType === null ? {} : { type: response.contentType }),
                ...(response.body === '' ? {} : { body: response.body }),
                ...(response.location === null ? {} : { headers: { Location: response.location } }),
              };
            },
            () => {
              exchange.endMs = now();
              exchange.answer = { error: 'connect' };
            },
          );
          return result;
        },
      };
    },
    wrapStreams(port) {
      return {
        async open(request, handler) {
          const url = withoutQuery(request.url);
          const script: StreamAction[] | undefined = streams.has(url) ? undefined : [];
          let openedMs = now();
          let closedByEngine = false;
          const after = () => round((now() - openedMs) / 1000);
          const socket = await port.open(request, {
            message(text) {
              const action = script === undefined ? undefined : streamAction(text, after());
              if (action !== undefined) script?.push(action);
              handler.message(text);
            },
            closed(code, reason) {
              if (!closedByEngine) script?.push({ after: after(), do: code === 1006 ? 'drop' : 'close' });
              handler.closed(code, reason);
            },
          });
          openedMs = now();
          if (script !== undefined) streams.set(url, script);
          return {
            send: (text) => socket.send(text),
            get bufferedBytes() {
              return socket.bufferedBytes ?? 0;
            },
            close() {
              closedByEngine = true;
              socket.close();
            },
          };
        },
      };
    },
    action(action, atMs) {
      if (actions.some((a) => a.action.kind === 'hangup')) return;
      actions.push({ action, atMs });
    },
    async toScenario() {
      const base: Scenario = {
        name: setup.name ?? `recorded call to ${setup.inbound.Url}`,
        source: `rcml call --record, ${new Date(exchanges[0]?.startMs ?? now()).toISOString()}`,
        ...(setup.accountSid === undefined ? {} : { options: { accountSid: setup.accountSid } }),
        inbound: setup.inbound,
        party: party(),
        app: appSection(),
        ...(setup.media === undefined ? {} : { media: setup.media }),
        ...(streams.size === 0 ? {} : { streams: Object.fromEntries(streams) }),
      };
      // Dialled numbers behaved the same live: script each one the replay dials.
      let scenario = base;
      let run = await runScenario(scenario);
      if (setup.dialedDefault !== undefined) {
        const targets = new Set<string>();
        for (const e of run.outcome.timeline) {
          if (e.kind === 'media' && e.op === 'dial')
            for (const t of (e as { targets?: { to: string; type?: string }[] }).targets ?? []) {
              // A conference room is no party: nothing hangs it up ("needs no entry").
              if (t.type !== 'conference') targets.add(t.to);
            }
        }
        if (targets.size > 0) {
          const { answerAfter, hangupAfter } = setup.dialedDefault;
          const script: DialedAction[] = [
            { after: 0, do: 'ring' },
            { after: answerAfter, do: 'answer' },
            // `after` counts from the dial; live, the hang-up came `hangupAfter` s after the
            // answer (a scenario's actions must also be in time order).
            { after: answerAfter + hangupAfter, do: 'hangup' },
          ];
          scenario = { ...base, dialed: Object.fromEntries([...targets].map((t) => [t, script])) };
          run = await runScenario(scenario);
        }
      }
      const live = exchanges.map(
        (e) => `${e.request.kind} ${e.request.method} ${withoutQuery(e.request.url)}`,
      );
      // Requests only: media operations and stream messages are not compared.
      const replayed = run.outcome.timeline.flatMap((e) =>
        e.kind === 'fetch' || e.kind === 'callback' ? [`${e.kind} ${e.method} ${e.url}`] : [],
      );
      const differences: string[] = [];
      const n = Math.max(live.length, replayed.length);
      for (let i = 0; i < n; i++) {
        if (live[i] !== replayed[i]) {
          differences.push(
            `request ${i + 1}: live ${live[i] ?? '(none)'}, replayed ${replayed[i] ?? '(none)'}`,
          );
          break;
        }
      }
      return { scenario: withActualExpect(scenario, run), differences };
    },
  };
}
