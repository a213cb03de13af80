/**
 * The README's embedding example, kept here so that a test runs it: an engine on the
 * simulated media driver (the far end presses 2 to reach an agent, who answers and hangs up)
 * with real HTTP to the example application.
 */
import { type CallRecord, createEngine, type EngineEvent, systemClock } from '@rcml/core';
import { createSimulatedDriver } from '@rcml/driver';
import { createHttpTransport } from '@rcml/webhook';
import { AGENT_NUMBER } from './voiceApp.js';

/** Place one call to the application at `appUrl` and resolve with the finished call. */
export async function runEmbeddedCall(
  appUrl: string,
  onEvent: (event: EngineEvent) => void = () => {},
): Promise<CallRecord> {
  // 1. The media side: here the simulated driver on the real clock, with fast speech.
  const driver = createSimulatedDriver({
    clock: systemClock,
    media: { sayCharSeconds: 0.002 },
    party: [
      { at: 0.02, do: 'ring' },
      { at: 0.05, do: 'answer' },
      { at: 0.3, do: 'dtmf', digits: '2' },
    ],
    dialed: {
      [AGENT_NUMBER]: [
        { after: 0.05, do: 'answer' },
        { after: 0.2, do: 'hangup' },
      ],
    },
  });
  // 2. HTTP over undici; requests are signed with the account's auth token.
  const http = createHttpTransport({ authToken: 'secret-token' });
  // 3. The engine.
  const engine = createEngine({ driver, http, fetchTimeoutMs: 5_000 });
  const unsubscribe = engine.subscribe(onEvent);
  try {
    // 4. An outbound call, with the Calls API parameters.
    const call = engine.create({
      To: '+15550001234',
      From: '+15559990000',
      Url: `${appUrl}/voice`,
      StatusCallback: `${appUrl}/status`,
      StatusCallbackEvent: 'initiated ringing answered completed',
    });
    // The call's own `completed` event (its Dial leg is a call of its own, with its own events).
    await new Promise<void>((resolve) => {
      engine.subscribe((event) => {
        if (event.type === 'progress' && event.event === 'completed' && event.callSid === call.sid) resolve();
      });
    });
    return engine.get(call.sid) ?? call;
  } finally {
    // 5. Shut down: live calls end, queued status callbacks are delivered.
    await engine.shutdown({ deadlineMs: 5_000 });
    unsubscribe();
    await http.close();
  }
}
