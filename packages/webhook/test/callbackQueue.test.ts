import { createSimulatedClock, type HttpResponse } from '@rcml/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpTransport } from '../src/index.js';
import { req } from './support/request.js';
import { gate, startServer, type TestServer } from './support/server.js';

const servers: TestServer[] = [];
let transport: HttpTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  transport = undefined;
});

/** A server that holds every request until the test opens the gate. */
async function stuckServer(): Promise<{ server: TestServer; release: () => void }> {
  const hold = gate();
  const server = await startServer(async (_req, res) => {
    await hold.promise;
    res.writeHead(204).end();
  });
  servers.push(server);
  return { server, release: hold.open };
}

async function quickServer(): Promise<TestServer> {
  const server = await startServer((_req, res) => {
    res.writeHead(204).end();
  });
  servers.push(server);
  return server;
}

const callback = (url: string, signal = new AbortController().signal) =>
  req(url, { kind: 'callback', signal });

describe('per-origin callback isolation', () => {
  it('a stuck application does not delay callbacks to another one', async () => {
    const slow = await stuckServer();
    const fast = await quickServer();
    transport = createHttpTransport({ callbackConcurrency: 2 });
    const stuck = Array.from({ length: 20 }, (_, i) =>
      transport!.send(callback(`${slow.server.origin}/cb/${i}`)),
    );
    await slow.server.received(2);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => transport!.send(callback(`${fast.origin}/cb/${i}`))),
    );
    expect(answers.every((a) => a.status === 204)).toBe(true);
    expect(fast.seen).toHaveLength(10);
    // The stuck application sees only its concurrency limit; the rest wait in its own queue.
    expect(slow.server.seen).toHaveLength(2);
    expect(transport.pendingCallbacks).toBe(20);
    slow.release();
    expect((await Promise.all(stuck)).map((a) => a.status)).toEqual(Array(20).fill(204));
    expect(slow.server.seen).toHaveLength(20);
  });

  it('document fetches are not queued behind callbacks to the same application', async () => {
    const hold = gate();
    const server = await startServer(async (request, res) => {
      if (request.url?.startsWith('/cb')) await hold.promise;
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
    });
    servers.push(server);
    transport = createHttpTransport({ callbackConcurrency: 1, callbackQueueLimit: 10 });
    const callbacks = Array.from({ length: 5 }, () => transport!.send(callback(`${server.origin}/cb`)));
    await server.received(1);
    const doc = await transport.send(req(`${server.origin}/doc`));
    expect(doc.body).toBe('<Response/>');
    hold.open();
    await Promise.all(callbacks);
  });

  it('a full queue refuses the callback with 14101 instead of growing', async () => {
    const slow = await stuckServer();
    transport = createHttpTransport({ callbackConcurrency: 1, callbackQueueLimit: 2 });
    const accepted = [1, 2, 3].map((i) => transport!.send(callback(`${slow.server.origin}/cb/${i}`)));
    await expect(transport.send(callback(`${slow.server.origin}/cb/4`))).rejects.toMatchObject({
      code: 14101,
      message: expect.stringContaining('queue is full'),
    });
    slow.release();
    expect(await Promise.all(accepted)).toHaveLength(3);
  });

  it('a queued callback whose signal fires leaves the queue without being sent', async () => {
    const slow = await stuckServer();
    transport = createHttpTransport({ callbackConcurrency: 1 });
    const first = transport.send(callback(`${slow.server.origin}/cb/1`));
    const controller = new AbortController();
    const second = transport.send(callback(`${slow.server.origin}/cb/2`, controller.signal));
    await slow.server.received(1);
    controller.abort(new Error('call gone'));
    await expect(second).rejects.toMatchObject({
      code: 11205,
      message: expect.stringContaining('call gone'),
    });
    expect(transport.pendingCallbacks).toBe(1);
    slow.release();
    await first;
    expect(slow.server.seen.map((s) => s.url)).toEqual(['/cb/1']);
  });
});

describe('drain', () => {
  it('resolves at once when nothing is pending', async () => {
    transport = createHttpTransport();
    await expect(transport.drain(1000)).resolves.toEqual({ drained: true, dropped: 0 });
  });

  it('waits for the callbacks still in flight and queued', async () => {
    const slow = await stuckServer();
    const clock = createSimulatedClock();
    transport = createHttpTransport({ callbackConcurrency: 1, clock });
    const sent = [1, 2].map((i) => transport!.send(callback(`${slow.server.origin}/cb/${i}`)));
    const drained = transport.drain(5000);
    await slow.server.received(1);
    slow.release();
    await expect(drained).resolves.toEqual({ drained: true, dropped: 0 });
    expect((await Promise.all(sent)).map((a: HttpResponse) => a.status)).toEqual([204, 204]);
    expect(clock.nextDue()).toBeUndefined();
  });

  it('drops what is left at the deadline, each with 14101', async () => {
    const slow = await stuckServer();
    const clock = createSimulatedClock();
    transport = createHttpTransport({ callbackConcurrency: 1, clock });
    const sent = [1, 2, 3].map((i) =>
      transport!.send(callback(`${slow.server.origin}/cb/${i}`)).catch((e: unknown) => e),
    );
    await slow.server.received(1);
    const drained = transport.drain(2000);
    expect(clock.nextDue()).toBe(clock.now() + 2000);
    clock.fireNext();
    await expect(drained).resolves.toEqual({ drained: false, dropped: 3 });
    for (const outcome of await Promise.all(sent)) {
      expect(outcome).toMatchObject({ code: 14101, message: expect.stringContaining('deadline') });
    }
    expect(transport.pendingCallbacks).toBe(0);
    slow.release();
  });

  it('close() drops what is left at once, without waiting for any clock', async () => {
    const slow = await stuckServer();
    const clock = createSimulatedClock();
    transport = createHttpTransport({ callbackConcurrency: 1, clock });
    const sent = [1, 2].map((i) =>
      transport!.send(callback(`${slow.server.origin}/cb/${i}`)).catch((e: unknown) => e),
    );
    await slow.server.received(1);
    await transport.close();
    for (const outcome of await Promise.all(sent)) {
      expect(outcome).toMatchObject({ code: 14101, message: expect.stringContaining('closed') });
    }
    slow.release();
  });
});

describe('a callback in flight', () => {
  it('ends with 11205 when its signal fires', async () => {
    const slow = await stuckServer();
    transport = createHttpTransport();
    const controller = new AbortController();
    const pending = transport
      .send(callback(`${slow.server.origin}/cb`, controller.signal))
      .catch((e: unknown) => e);
    await slow.server.received(1);
    controller.abort(new Error('attempt timeout'));
    expect(await pending).toMatchObject({ code: 11205, message: expect.stringContaining('attempt timeout') });
    expect(transport.pendingCallbacks).toBe(0);
    slow.release();
  });
});
