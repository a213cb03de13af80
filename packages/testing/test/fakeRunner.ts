/**
 * A stand-in for `runScenario` with one planted bug: when the scenario has a live change
 * with `Status`, it leaves a timer pending after the call ended. Used to show that the harness finds,
 * shrinks, writes and reproduces a violation without depending on the real engine.
 */
import type { Scenario } from '@rcml/replay';
import type { ObservedRun } from '../src/types.js';
import { SID } from './runs.js';

export async function buggyRunner(scenario: Scenario): Promise<ObservedRun> {
  const end = scenario.party?.find((a) => a.do === 'hangup')?.at ?? 1;
  const statusChange = scenario.modify?.find((m) => m.Status !== undefined);
  await Promise.resolve();
  return {
    outcome: { timeline: [], final: { status: 'completed', duration: 0 } },
    events: [
      {
        type: 'status',
        callSid: SID,
        status: 'completed',
        at: Date.parse('2026-01-01T00:00:00Z') + end * 1000,
      },
    ],
    leftovers: { pendingTimers: statusChange === undefined ? 0 : 1, inFlightRequests: 0, activeCalls: 0 },
  };
}

/** A runner that behaves. */
export async function quietRunner(scenario: Scenario): Promise<ObservedRun> {
  return buggyRunner({ ...scenario, modify: [] });
}
