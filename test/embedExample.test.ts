/**
 * The README's embedding example runs: a call through the engine, the simulated driver and
 * real HTTP to the example application reaches the agent through <Dial> and completes.
 */
import { createExampleApp, runEmbeddedCall } from '@rcml/example-app';
import { describe, expect, it } from 'vitest';

describe('README embedding example', () => {
  it('runs a call to the example application and delivers every status callback', async () => {
    const app = await createExampleApp();
    try {
      const call = await runEmbeddedCall(app.url);
      expect(call.status).toBe('completed');
      expect(call.direction).toBe('outbound-api');
      const paths = app.received.map((r) => r.path);
      expect(paths).toContain('/menu');
      expect(paths).toContain('/dialed');
      const dialed = app.received.find((r) => r.path === '/dialed');
      expect(dialed?.params.DialCallStatus).toBe('completed');
      // The parent call's own callbacks (the agent's leg reports to /status too, as its own call).
      const parent = app.received.filter((r) => r.path === '/status' && r.params.CallSid === call.sid);
      expect(parent.map((r) => r.params.CallStatus)).toEqual([
        'initiated',
        'ringing',
        'in-progress',
        'completed',
      ]);
      expect(parent.map((r) => r.params.SequenceNumber)).toEqual(['0', '1', '2', '3']);
      const leg = app.received.filter((r) => r.path === '/status' && r.params.ParentCallSid === call.sid);
      expect(leg.at(-1)?.params.CallStatus).toBe('completed');
    } finally {
      await app.close();
    }
  });
});
