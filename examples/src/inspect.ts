/**
 * A live call in an inspector: the engine's `inspect` option gives every call's actor of the
 * call machine (`callMachine`) an xstate inspector. This one prints each state the call enters
 * as it happens; `@statelyai/inspect`'s `createBrowserInspector().inspect` (or its WebSocket
 * inspector) plugs into the same option and shows the call moving through the machine's
 * diagram. `engine.snapshot(callSid)` asks the same question on demand.
 */
import { type CallMachineState, createEngine, type EngineOptions, systemClock } from '@rcml/core';
import { createSimulatedDriver } from '@rcml/driver';
import { createHttpTransport } from '@rcml/webhook';

/** What the inspected call went through. */
export interface InspectedCall {
  /** The call machine's states, in order, as the inspector saw them. */
  readonly states: readonly string[];
  /** `engine.snapshot(callSid)` as the call's first verb ended. */
  readonly midCall: CallMachineState | undefined;
  readonly status: string;
}

/** Place one call to the application at `appUrl` (the caller presses 9, then 1) and watch it. */
export async function runInspectedCall(
  appUrl: string,
  print: (line: string) => void = () => {},
): Promise<InspectedCall> {
  const states: string[] = [];
  // The inspector: every call's events, snapshots and actions; here, its states as they change.
  const inspect: EngineOptions['inspect'] = (event) => {
    if (event.type !== '@xstate.snapshot') return;
    const state = JSON.stringify((event.snapshot as unknown as { value: unknown }).value);
    if (states.at(-1) === state) return;
    states.push(state);
    print(`call machine: ${state}`);
  };
  const driver = createSimulatedDriver({
    clock: systemClock,
    media: { sayCharSeconds: 0.002 },
    party: [
      { at: 0.05, do: 'answer' },
      { at: 0.3, do: 'dtmf', digits: '9' },
      { at: 0.6, do: 'hangup' },
    ],
  });
  const http = createHttpTransport();
  const engine = createEngine({ driver, http, fetchTimeoutMs: 5_000, inspect });
  try {
    const call = engine.create({ To: '+15550001234', From: '+15559990000', Url: `${appUrl}/voice` });
    let midCall: CallMachineState | undefined;
    const status = await new Promise<string>((resolve) => {
      engine.subscribe((event) => {
        if (event.callSid !== call.sid) return;
        if (event.type === 'verb' && event.phase === 'end' && midCall === undefined)
          midCall = engine.snapshot(call.sid);
        if (event.type === 'progress' && event.event === 'completed') resolve(event.params.CallStatus ?? '');
      });
    });
    return { states, midCall, status };
  } finally {
    await engine.shutdown({ deadlineMs: 5_000 });
    await http.close();
  }
}
