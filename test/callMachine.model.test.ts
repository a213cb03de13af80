/**
 * Model-based tests of the call machine (issue 14): xstate's graph utilities generate the
 * simple paths of `callMachine` from its start to a final state, each path becomes a replay
 * scenario on the simulated driver (the far end, the application and live changes that make
 * the machine take exactly those transitions), and every scenario must (1) keep every
 * invariant of `@rcml/testing`, (2) go through exactly the states of its path, seen through the
 * engine's `inspect` option, and (3) end in the path's final status.
 *
 * Transitions a scenario cannot take on purpose are left out of the generated events: an
 * interruption before the call's first step started (one microtask) or two live changes
 * within one step's settling, and a far end hanging up before it answered (the fuzz
 * invariants expect an unanswered outbound call to end at its `Timeout`).
 *
 * The machine's guards read facts of the call (outbound or inbound, a fallback, a verb that
 * finishes itself on a hang-up); the paths are generated for four configurations of those
 * facts, each with the events its scenarios can cause in each state.
 */
import { type CallEvent, type CallRuntime, callMachine, type EngineOptions } from '@rcml/core';
import type { Scenario } from '@rcml/replay';
import { runScenario } from '@rcml/replay';
import { applyInvariants, observeScenario } from '@rcml/testing';
import { getSimplePaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';

const APP = 'http://app.test';
const RING_TIMEOUT = `xstate.after.ringTimeout.call.dialing`;

interface Config {
  readonly name: string;
  readonly outbound: boolean;
  readonly fallback: boolean;
  /** The interrupted verb is a `<Record>`: on a hang-up it finishes and its action is requested. */
  readonly record: boolean;
}

const CONFIGS: readonly Config[] = [
  { name: 'outbound', outbound: true, fallback: false, record: false },
  { name: 'outbound with FallbackUrl', outbound: true, fallback: true, record: false },
  { name: 'outbound, Record hears the hang-up', outbound: true, fallback: false, record: true },
  { name: 'inbound', outbound: false, fallback: false, record: false },
];

type ModelEvent = CallEvent | { readonly type: typeof RING_TIMEOUT };

const noop = () => {};

/** A stand-in runtime: the guards' facts of one configuration, effects that do nothing. */
function stubRuntime(config: Config): CallRuntime {
  return {
    ringTimeoutMs: 5000,
    detectionTimeoutMs: 30_000,
    // Outbound calls reach the session answered; these inbound documents never answer.
    answered: config.outbound,
    awaitsDetection: () => false,
    hasDigitsToSend: () => false,
    hasFallback: (event) => config.fallback && event.type === 'FETCH.FAILED',
    hasNextVerb: () => false,
    verbFinishesItself: () => config.record,
    enter: noop,
    answeredByVerb: noop,
    originate: noop,
    pickUp: noop,
    detected: noop,
    startFromPickUp: noop,
    cancelAttempt: noop,
    hangupChannel: noop,
    takeTarget: noop,
    startSendDigits: noop,
    startFetch: noop,
    startFallback: noop,
    loadDocument: noop,
    startVerb: noop,
    advance: noop,
    abortStep: noop,
    verbHearsHangup: noop,
    requestAfterHangup: noop,
    finalize: noop,
    resume: noop,
  };
}

const e = (event: Record<string, unknown>): ModelEvent => event as unknown as ModelEvent;
const loaded = (verbs: number) =>
  ({
    loaded: { ok: true, url: APP, warnings: [], document: { verbs: new Array(verbs).fill(null) } },
  }) as never;
const outcome = (o: object) => ({ outcome: o }) as never;
const INTERRUPTIONS = [
  e({ type: 'REDIRECT', target: {} as never }),
  e({ type: 'END', kind: 'completed' }),
  e({ type: 'CHANNEL.HANGUP' }),
];

/**
 * Which document of the call a snapshot belongs to: a live change or a `<Redirect>` starts the
 * second one. Simple paths never visit a state twice, so `fetching` and `verb` of the second
 * document are states of their own in the graph (at most two documents per path).
 */
const generations = new WeakMap<object, number>();

/** The events a scenario of `config` can cause in the state `value` (of document `generation`). */
function eventsFor(config: Config, value: string, generation: number): ModelEvent[] {
  const fetchResults = [
    e(Object.assign({ type: 'FETCH.DONE' }, loaded(1))),
    e(Object.assign({ type: 'FETCH.DONE' }, loaded(0))),
  ];
  switch (value) {
    case '"queued"':
      return [e(config.outbound ? { type: 'DIAL' } : { type: 'ARRIVE' })];
    case '{"dialing":"initiated"}':
    case '{"dialing":"ringing"}':
      if (config.fallback || config.record) return [e({ type: 'CHANNEL.ANSWERED' })];
      return [
        ...(value.includes('initiated') ? [e({ type: 'CHANNEL.RINGING' })] : []),
        e({ type: 'CHANNEL.ANSWERED' }),
        e({ type: 'CHANNEL.BUSY' }),
        e({ type: 'CHANNEL.FAILED' }),
        e({ type: 'END', kind: 'canceled' }),
        e({ type: RING_TIMEOUT }),
      ];
    case '{"session":"fetching"}':
      return [
        ...fetchResults,
        e({ type: 'FETCH.FAILED', code: 11200 }),
        ...(config.record ? [] : generation > 0 ? INTERRUPTIONS.slice(1) : INTERRUPTIONS),
      ];
    case '{"session":"fallingBack"}':
      return [...fetchResults, e({ type: 'FETCH.FAILED', code: 11200 })];
    case '{"session":"verb"}':
      if (generation > 0) {
        return [
          e(Object.assign({ type: 'VERB.DONE' }, outcome({ kind: 'next' }))),
          ...INTERRUPTIONS.slice(1),
        ];
      }
      return [
        e(Object.assign({ type: 'VERB.DONE' }, outcome({ kind: 'next' }))),
        ...(config.fallback ? [] : [e(Object.assign({ type: 'VERB.DONE' }, outcome({ kind: 'fetch' })))]),
        e(Object.assign({ type: 'VERB.DONE' }, outcome({ kind: 'hangup' }))),
        ...(config.outbound
          ? []
          : [
              e(Object.assign({ type: 'VERB.DONE' }, outcome({ kind: 'rejected', status: 'busy' }))),
              e(Object.assign({ type: 'VERB.DONE' }, outcome({ kind: 'rejected', status: 'no-answer' }))),
            ]),
        ...INTERRUPTIONS,
      ];
    case '{"session":{"stopping":"forRedirect"}}':
    case '{"session":{"stopping":"forEnd"}}':
      return [e({ type: 'STEP.ABORTED' })];
    case '{"session":"afterHangup"}':
      return config.record
        ? [e(Object.assign({ type: 'VERB.DONE' }, outcome({ kind: 'fetch' })))]
        : [e({ type: 'STEP.ABORTED' })];
    case '{"session":"requesting"}':
      return [e({ type: 'REQUEST.DONE' })];
    default:
      return [];
  }
}

const FINAL: Record<string, string> = {
  '"completed"': 'completed',
  '"busy"': 'busy',
  '"failed"': 'failed',
  '"noAnswer"': 'no-answer',
  '"canceled"': 'canceled',
};

interface Step {
  readonly event: ModelEvent;
  readonly from: string;
  readonly to: string;
}

/** The paths of `config`: every simple path from the start to a final state. */
function modelPaths(config: Config): Step[][] {
  const value = (snapshot: { value: unknown }) => JSON.stringify(snapshot.value);
  const generation = (snapshot: object) => generations.get(snapshot) ?? 0;
  const serialize = (snapshot: object, event?: ModelEvent, previous?: object) => {
    let g = previous === undefined ? 0 : generation(previous);
    const to = value(snapshot as { value: unknown });
    // A second document starts when the call fetches again after running a verb.
    if (to === '{"session":"fetching"}' && (event?.type === 'STEP.ABORTED' || event?.type === 'VERB.DONE'))
      g = 1;
    generations.set(snapshot, g);
    return g === 0 ? to : `${to}#${g}`;
  };
  const paths = getSimplePaths(callMachine, {
    input: { runtime: stubRuntime(config) },
    events: (snapshot) =>
      eventsFor(config, value(snapshot as { value: unknown }), generation(snapshot)) as never,
    serializeState: serialize as never,
    toState: (snapshot) => snapshot.status === 'done',
  });
  return paths.map((path) => {
    const steps: Step[] = [];
    let from = '"queued"';
    for (const step of path.steps) {
      if ((step.event.type as string) === 'xstate.init') continue;
      const to = value(step.state);
      steps.push({ event: step.event as ModelEvent, from, to });
      from = to;
    }
    return steps;
  });
}

/** A document's XML from its verbs. */
const xml = (verbs: readonly string[]) => `<Response>${verbs.join('')}</Response>`;

/** The scenario that makes the engine take exactly the transitions of `steps`. */
function toScenario(config: Config, steps: readonly Step[], index: number): Scenario {
  let t = 0;
  let docs = 0;
  const party: { at: number; do: string; for?: number }[] = [];
  const modify: Record<string, unknown>[] = [];
  const app: Record<string, unknown> = {};
  const documents = new Map<string, string[]>();
  const newUrl = () => `${APP}/doc${++docs}`;
  let fetchUrl = `${APP}/voice`;
  let fallbackUrl = `${APP}/fallback`;
  let current: string[] | null = null;
  const respond = (url: string, response: object) => {
    app[`POST ${url}`] = response;
  };
  const interrupt = (event: ModelEvent) => {
    t += 0.5;
    if (event.type === 'CHANNEL.HANGUP') party.push({ at: t, do: 'hangup' });
    else if (event.type === 'END') modify.push({ at: t, Status: event.kind });
    else if (event.type === 'REDIRECT') {
      fetchUrl = newUrl();
      fallbackUrl = `${fetchUrl}-fallback`;
      modify.push({ at: t, Url: fetchUrl, ...(config.fallback ? { FallbackUrl: fallbackUrl } : {}) });
    }
  };
  const startDocument = (url: string) => {
    current = [];
    documents.set(url, current);
  };
  for (const { event, from } of steps) {
    switch (from) {
      case '{"dialing":"initiated"}':
      case '{"dialing":"ringing"}': {
        t += 0.5;
        if (event.type === RING_TIMEOUT) break;
        if (event.type === 'END') modify.push({ at: t, Status: 'canceled' });
        else
          party.push({
            at: t,
            do: event.type
              .slice('CHANNEL.'.length)
              .toLowerCase()
              .replace('answered', 'answer')
              .replace('failed', 'fail')
              .replace('ringing', 'ring'),
          });
        break;
      }
      case '{"session":"fetching"}':
      case '{"session":"fallingBack"}':
        if (event.type === 'FETCH.DONE') {
          startDocument(fetchUrl);
          if (event.loaded.document.verbs.length === 0) current = null;
        } else if (event.type === 'FETCH.FAILED') {
          respond(fetchUrl, { status: 500 });
          fetchUrl = fallbackUrl;
        } else {
          respond(fetchUrl, { error: 'hang' });
          interrupt(event);
        }
        break;
      case '{"session":"verb"}': {
        const verbs = current!;
        if (event.type === 'VERB.DONE') {
          const o = event.outcome;
          if (o.kind === 'next') verbs.push('<Pause length="1"/>');
          else if (o.kind === 'hangup') verbs.push('<Hangup/>');
          else if (o.kind === 'rejected')
            verbs.push(o.status === 'busy' ? '<Reject reason="busy"/>' : '<Reject/>');
          else {
            fetchUrl = newUrl();
            verbs.push(`<Redirect>${fetchUrl}</Redirect>`);
          }
        } else {
          verbs.push(
            config.record ? `<Record action="${APP}/recorded" maxLength="10"/>` : '<Pause length="10"/>',
          );
          // Something recorded: a `<Record>` ended by a hang-up then requests its action.
          if (config.record) party.push({ at: t + 0.1, do: 'speak', for: 0.2 });
          interrupt(event);
        }
        break;
      }
      default:
        break;
    }
  }
  for (const [url, verbs] of documents) respond(url, { body: xml(verbs) });
  if (config.record) respond(`${APP}/recorded`, { body: xml(['<Say>Never run</Say>']) });
  const application = {
    From: '+15550001111',
    To: '+15550002222',
    Url: `${APP}/voice`,
    ...(config.fallback ? { FallbackUrl: `${APP}/fallback` } : {}),
    StatusCallback: `${APP}/status`,
    StatusCallbackEvent: 'initiated ringing answered completed',
  };
  const name = `model path ${index + 1} (${config.name}): ${steps.map((s) => s.event.type).join(' ')}`;
  return {
    name,
    ...(config.outbound ? { call: { ...application, Timeout: '5' } } : { inbound: application }),
    party,
    app,
    modify,
    expect: {},
  } as unknown as Scenario;
}

/** The states the engine's call went through (consecutive repeats folded). */
function recorder() {
  const states: string[] = [];
  const inspect: NonNullable<EngineOptions['inspect']> = (event) => {
    if (event.type !== '@xstate.snapshot') return;
    const value = JSON.stringify((event.snapshot as unknown as { value: unknown }).value);
    if (states.at(-1) !== value) states.push(value);
  };
  return { states, inspect };
}

const all = CONFIGS.map((config) => ({ config, paths: modelPaths(config) }));
const total = all.reduce((sum, { paths }) => sum + paths.length, 0);

describe(`the call machine, model-based: ${total} paths from xstate's graph, each a scenario`, () => {
  it('covers every state of the machine', () => {
    const seen = new Set<string>();
    for (const { paths } of all) for (const path of paths) for (const step of path) seen.add(step.to);
    expect([...seen].sort()).toEqual(
      [
        '"busy"',
        '"canceled"',
        '"completed"',
        '"failed"',
        '"noAnswer"',
        '{"dialing":"initiated"}',
        '{"dialing":"ringing"}',
        '{"session":"afterHangup"}',
        '{"session":"fallingBack"}',
        '{"session":"fetching"}',
        '{"session":"requesting"}',
        '{"session":"verb"}',
        '{"session":{"stopping":"forEnd"}}',
        '{"session":{"stopping":"forRedirect"}}',
      ].sort(),
    );
    expect(total).toBeGreaterThan(40);
  });

  for (const { config, paths } of all) {
    describe(`${config.name}: ${paths.length} paths`, () => {
      paths.forEach((steps, index) => {
        const scenario = toScenario(config, steps, index);
        it(scenario.name, async () => {
          const first = recorder();
          const second = recorder();
          let runs = 0;
          const observation = await observeScenario(scenario, {
            runner: (s) =>
              runScenario(s, { engineOptions: { inspect: (runs++ === 0 ? first : second).inspect } }),
          });
          const violations = applyInvariants(observation);
          expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
          const expected = ['"queued"', ...steps.map((s) => s.to)];
          expect(first.states).toEqual(expected);
          expect(second.states).toEqual(expected);
          expect(observation.run?.outcome.final?.status).toBe(FINAL[steps.at(-1)!.to]);
        });
      });
    });
  }
});
