/**
 * `runScenario`: one whole call on the engine with the simulated driver, clock and
 * application, advanced timer by timer with promises settling in between, bounded so that a
 * broken engine cannot hang the caller.
 */
import { createEngine, type Engine, type EngineEvent, type EngineOptions, isRcmlError } from '@rcml/core';
import { LIVE_CHANGE_PRIORITY } from '@rcml/driver';
import { createSimulatedApp, type SimulatedApp } from './app.js';
import { checkInvariants, isFinalStatus, type Leftovers } from './invariants.js';
import { createLiveApp, type LiveApp, type LiveAppOptions } from './liveApp.js';
import type { Scenario } from './scenario.js';
import {
  createScenarioWorld,
  type ScenarioWorld,
  scenarioEngineOptions,
  startScenarioCall,
} from './setup.js';
import type { CallOutcome } from './timeline.js';

/** How the runner is set up; everything optional. */
export interface RunOptions {
  /** The engine factory (default: `createEngine` of `@rcml/core`). */
  readonly createEngine?: (options: EngineOptions) => Engine;
  /** Extra engine options (limits, retry policy...), merged under the scenario's. */
  readonly engineOptions?: Partial<EngineOptions>;
  /** At most this many timers fire (default 100,000): what stops an engine that never settles. */
  readonly maxTimers?: number;
  /**
   * At most this many simulated seconds pass (default 30 days). Simulated time costs nothing,
   * so the bound is far above any call the spec's limits allow (`loop="0"` of a 4096-character
   * `<Say>` is about 57 hours); the timer count above is what keeps a broken engine finite.
   */
  readonly maxSeconds?: number;
  /**
   * Live replay (every request real HTTP; `maxSeconds` then defaults to one simulated hour, so
   * an application that never lets a call end is reported instead of looping for 30 days): send the scenario's requests to this running application (a base URL such
   * as `http://127.0.0.1:3000`, or {@link LiveAppOptions}) instead of answering them from
   * the `app` section. The scenario's origin maps to the URL; time stays simulated (the
   * clock waits while a real request is pending), so the timeline does not depend on the
   * application's latency. Signed with `authToken` (or the scenario's `options.authToken`).
   */
  readonly app?: string | LiveAppOptions;
  /**
   * Called once the call has started (before any timer fires), with the engine and the
   * scenario's world: a caller that reacts to what the application does (`callApp` of
   * `@rcml/testing`) subscribes to the engine and schedules far-end actions on the clock.
   */
  readonly onStart?: (run: StartedRun) => void;
}

/** What {@link RunOptions.onStart} is given. */
export interface StartedRun {
  readonly engine: Engine;
  readonly world: ScenarioWorld;
  readonly callSid: string;
}

/** A replayed call. */
export interface RunResult {
  readonly outcome: CallOutcome;
  /** Set when the Calls API refused the `call` parameters. */
  readonly createError?: { readonly code: number; readonly field?: string; readonly message: string };
  readonly events: readonly EngineEvent[];
  readonly leftovers: Leftovers;
  /** Broken invariants (one final state, nothing left behind, progress events in order...). */
  readonly violations: readonly string[];
  /** Live changes the engine refused, for information (a scenario may test the refusal). */
  readonly modifyErrors: readonly { readonly at: number; readonly code: number; readonly message: string }[];
}

/** After the call ended, keep firing timers due this soon after the last activity (callback retries). */
const GRACE_MS = 60_000;
/** Default bound on simulated time: 30 days (see `RunOptions.maxSeconds`). */
const DEFAULT_MAX_SECONDS = 30 * 86_400;
/** Default bound of a live replay: one simulated hour (see `RunOptions.app`). */
const LIVE_MAX_SECONDS = 3600;

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Run a (validated) scenario and report what the engine did. */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const world = createScenarioWorld(scenario);
  const { origin, clock, recorder, driver } = world;
  const live: LiveApp | null =
    options.app === undefined
      ? null
      : createLiveApp(scenario, clock, typeof options.app === 'string' ? { url: options.app } : options.app);
  const app: SimulatedApp = live ?? createSimulatedApp(scenario.app, clock);
  const engine = (options.createEngine ?? createEngine)({
    ...options.engineOptions,
    driver: recorder.wrapDriver(driver),
    http: recorder.wrapHttp(app),
    clock,
    streams: world.streams,
    ...scenarioEngineOptions(scenario),
  });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));

  let callSid: string | null = null;
  let createError: RunResult['createError'];
  try {
    callSid = startScenarioCall(engine, world, scenario);
  } catch (error) {
    createError = isRcmlError(error)
      ? {
          code: error.code,
          ...(error.field === undefined ? {} : { field: error.field }),
          message: error.message,
        }
      : { code: 0, message: error instanceof Error ? error.message : String(error) };
  }

  if (callSid !== null) options.onStart?.({ engine, world, callSid });

  const modifyErrors: { at: number; code: number; message: string }[] = [];
  const modifyTimers: unknown[] = [];
  if (callSid !== null) {
    const sid = callSid;
    for (const { at, ...params } of scenario.modify ?? []) {
      const strings = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
      modifyTimers.push(
        clock.schedule(
          origin + at * 1000,
          () => {
            try {
              engine.modify(sid, strings);
            } catch (error) {
              modifyErrors.push({
                at: recorder.seconds(),
                code: isRcmlError(error) ? error.code : 0,
                message: error instanceof Error ? error.message : String(error),
              });
            }
          },
          LIVE_CHANGE_PRIORITY,
        ),
      );
    }
  }

  let bounds: string[];
  try {
    bounds = await runClock();
  } finally {
    await live?.close();
  }
  for (const id of modifyTimers) clock.clearTimeout(id);
  const leftovers: Leftovers = {
    pendingTimers: clock.pending,
    inFlightRequests: app.inFlight,
    activeCalls: engine.activeCalls,
    liveChannels: driver.liveChannels,
  };
  const record = callSid === null ? undefined : engine.get(callSid);
  const violations = [...bounds, ...checkInvariants(callSid, events, recorder.entries, leftovers)];
  if (record !== undefined && !isFinalStatus(record.status)) {
    violations.unshift(`the call did not end: its status is still "${record.status}"`);
  }
  const final = record === undefined ? null : { status: record.status, duration: record.duration ?? 0 };
  return {
    outcome: { timeline: recorder.entries, final },
    ...(createError === undefined ? {} : { createError }),
    events,
    leftovers,
    violations,
    modifyErrors,
  };

  /** Fire timers until the call is over and quiet; returns bound violations. */
  async function runClock(): Promise<string[]> {
    const maxTimers = options.maxTimers ?? 100_000;
    const bound = options.maxSeconds ?? (live === null ? DEFAULT_MAX_SECONDS : LIVE_MAX_SECONDS);
    const deadline = origin + bound * 1000;
    await settle();
    for (let fired = 0; ; fired++) {
      // Live replay: the clock does not move while a real request is pending.
      if (live !== null) await live.quiesce();
      const next = clock.nextDue();
      if (next === undefined) return [];
      const ended = callSid === null || isFinalStatus(engine.get(callSid)?.status);
      if (ended && app.inFlight === 0 && next > Math.max(app.lastActivity, lastEntryMs()) + GRACE_MS)
        return [];
      if (fired >= maxTimers) return [`gave up after ${maxTimers} timers: the call does not settle`];
      if (next > deadline)
        return [`gave up at ${(next - origin) / 1000} s: the call runs past the time bound`];
      clock.fireNext();
      await settle();
      await settle();
    }
  }

  function lastEntryMs(): number {
    const last = recorder.entries.at(-1);
    return last === undefined ? origin : origin + last.at * 1000;
  }
}
