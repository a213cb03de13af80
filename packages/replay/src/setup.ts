/**
 * The pieces every run of a scenario shares, whatever carries its HTTP: the simulated clock
 * from the scenario's epoch, the timeline recorder, the scripted simulated driver, the engine
 * options the scenario sets, and starting its call (outbound through the Calls API, or an
 * inbound call handed over). `runScenario` uses them with the simulated application; a test
 * can use them with a real HTTP transport.
 */
import {
  type CreateCallParams,
  createSequentialIds,
  createSimulatedClock,
  type Engine,
  type EngineOptions,
  type InboundParams,
  type SimulatedClock,
  type StreamPort,
} from '@rcml/core';
import { createSimulatedDriver, type SimulatedDriver } from '@rcml/driver';
import { createTimelineRecorder, type TimelineRecorder } from './recorder.js';
import type { Scenario } from './scenario.js';
import { createScriptedStreams } from './streams.js';

/** The instant t = 0 maps to when a scenario gives no `options.epoch`. */
export const DEFAULT_EPOCH = '2026-01-01T00:00:00Z';

/** A scenario's simulated world before the engine exists. */
export interface ScenarioWorld {
  /** Epoch ms of t = 0. */
  readonly origin: number;
  readonly clock: SimulatedClock;
  readonly recorder: TimelineRecorder;
  readonly driver: SimulatedDriver;
  /** The scenario's scripted media-stream applications (its `streams` section). */
  readonly streams: StreamPort;
}

/** Clock, recorder, scripted driver and scripted stream applications for a scenario. */
export function createScenarioWorld(scenario: Scenario): ScenarioWorld {
  const origin = Date.parse(scenario.options?.epoch ?? DEFAULT_EPOCH);
  const clock = createSimulatedClock(origin);
  const driver = createSimulatedDriver({
    clock,
    origin,
    ...(scenario.media === undefined ? {} : { media: scenario.media }),
    ...(scenario.party === undefined ? {} : { party: scenario.party }),
    ...(scenario.dialed === undefined ? {} : { dialed: scenario.dialed }),
  });
  const recorder = createTimelineRecorder(clock, origin);
  const streams = createScriptedStreams(scenario.streams ?? {}, clock, recorder);
  return { origin, clock, recorder, driver, streams };
}

/** The engine options a scenario decides: deterministic SIDs and its `options`. */
export function scenarioEngineOptions(
  scenario: Scenario,
): Pick<
  EngineOptions,
  'ids' | 'accountSid' | 'apiVersion' | 'fetchTimeoutMs' | 'numbers' | 'conferenceWaitUrl'
> {
  const o = scenario.options ?? {};
  const numbers = scenario.numbers;
  return {
    ids: createSequentialIds(),
    ...(numbers === undefined ? {} : { numbers: { lookup: (number: string) => numbers[number] } }),
    ...(o.accountSid === undefined ? {} : { accountSid: o.accountSid }),
    ...(o.apiVersion === undefined ? {} : { apiVersion: o.apiVersion }),
    fetchTimeoutMs: (o.fetchTimeout ?? 15) * 1000,
    // Off unless asked: scenarios written before conference wait documents keep their timelines.
    conferenceWaitUrl: o.conferenceWaitUrl === true,
  };
}

/** Start the scenario's call and return its SID; throws what `engine.create` throws. */
export function startScenarioCall(engine: Engine, world: ScenarioWorld, scenario: Scenario): string {
  // The scenario's strings as a REST client sends them: the engine validates them at run time.
  if (scenario.call !== undefined) return engine.create(scenario.call as unknown as CreateCallParams).sid;
  const inbound = scenario.inbound as unknown as InboundParams;
  const arriving = world.driver.inbound({ from: inbound.From, to: inbound.To });
  return engine.inbound(inbound, world.recorder.wrapChannel(arriving.channel, true)).sid;
}
