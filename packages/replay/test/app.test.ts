import { createSimulatedClock, type HttpRequest, isRcmlError } from '@rcml/core';
import { createSimulatedApp } from '@rcml/replay';
import { describe, expect, it } from 'vitest';

const T0 = Date.UTC(2026, 0, 1);
const req = (method: 'GET' | 'POST', url: string, signal = new AbortController().signal): HttpRequest => ({
  method,
  url,
  params: {},
  kind: 'fetch',
  callSid: 'CA1',
  accountSid: 'AC1',
  signal,
});

describe('simulated application', () => {
  it('serves a list of responses in turn, the last one repeating, with defaults applied', async () => {
    const clock = createSimulatedClock(T0);
    const app = createSimulatedApp(
      {
        'POST http://a.test/v': [
          { status: 500 },
          { body: '<Response/>', headers: { Location: 'http://a.test/w' }, type: 'application/xml' },
        ],
      },
      clock,
    );
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await app.send(req('POST', 'http://a.test/v')));
    expect(statuses).toEqual([
      { status: 500, contentType: 'text/xml', location: null, body: '' },
      { status: 200, contentType: 'application/xml', location: 'http://a.test/w', body: '<Response/>' },
      { status: 200, contentType: 'application/xml', location: 'http://a.test/w', body: '<Response/>' },
    ]);
  });

  it('matches GET by path (query ignored) and answers unmatched requests 404 with an empty body', async () => {
    const clock = createSimulatedClock(T0);
    const app = createSimulatedApp({ 'GET http://a.test/v': { body: 'hi', type: 'text/plain' } }, clock);
    await expect(app.send(req('GET', 'http://a.test/v?CallSid=CA1'))).resolves.toMatchObject({
      status: 200,
      body: 'hi',
    });
    await expect(app.send(req('POST', 'http://a.test/v'))).resolves.toMatchObject({ status: 404, body: '' });
  });

  it('delays a response on the simulated clock', async () => {
    const clock = createSimulatedClock(T0);
    const app = createSimulatedApp({ 'POST http://a.test/v': { delay: 1.5 } }, clock);
    let at: number | null = null;
    void app.send(req('POST', 'http://a.test/v')).then(() => (at = clock.now() - T0));
    expect(app.inFlight).toBe(1);
    clock.fireNext();
    await Promise.resolve();
    await Promise.resolve();
    expect(at).toBe(1500);
    expect(app.inFlight).toBe(0);
  });

  it('refuses the connection with a retryable 11205, and a hanging request ends only when aborted', async () => {
    const clock = createSimulatedClock(T0);
    const app = createSimulatedApp(
      { 'POST http://a.test/c': { error: 'connect' }, 'POST http://a.test/h': { error: 'hang' } },
      clock,
    );
    const refused = await app.send(req('POST', 'http://a.test/c')).catch((e: unknown) => e);
    expect(isRcmlError(refused) && refused.code === 11205 && refused.retryable).toBe(true);
    const controller = new AbortController();
    const hanging = app.send(req('POST', 'http://a.test/h', controller.signal)).catch((e: unknown) => e);
    expect(clock.pending).toBe(0);
    expect(app.inFlight).toBe(1);
    controller.abort();
    expect(isRcmlError(await hanging)).toBe(true);
    expect(app.inFlight).toBe(0);
  });
});
