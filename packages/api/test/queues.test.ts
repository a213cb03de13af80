/**
 * Queues over the real engine and simulated driver: `<Enqueue>` with its waitUrl loop and
 * parameters, `<Dial><Queue url>` taking the first caller (the url document played to it,
 * then both connected), the action requests with QueueResult, and the Queues and Members
 * resources read and changed with the official `twilio` client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type AppRoutes, type Centre, requestsTo, startCentre } from './centreHarness.js';
import { ACCOUNT, call } from './helpers.js';

const APP = 'http://app.test';
let centre: Centre;
afterEach(async () => {
  await centre.close();
});

const ROUTES: AppRoutes = {
  [`POST ${APP}/caller`]: `<Response><Enqueue action="${APP}/left" waitUrl="${APP}/wait">support</Enqueue><Say>after</Say></Response>`,
  [`POST ${APP}/wait`]: '<Response><Say>Please hold</Say><Pause length="5"/></Response>',
  [`POST ${APP}/left`]: '<Response><Say>Thanks</Say></Response>',
  [`POST ${APP}/agent`]: `<Response><Dial action="${APP}/agent-done"><Queue url="${APP}/whisper">support</Queue></Dial></Response>`,
  [`POST ${APP}/whisper`]: '<Response><Say>Connecting you now</Say></Response>',
  [`POST ${APP}/agent-done`]: '<Response/>',
  [`POST ${APP}/next`]: '<Response><Say>Redirected out of the queue</Say><Pause length="60"/></Response>',
};

function arrive(url: string, from = '+15550001111') {
  const party = centre.driver.inbound({ from, to: '+15550009999' });
  const call = centre.engine.inbound({ From: from, To: '+15550009999', Url: url }, party.channel);
  return { party, sid: call.sid };
}

describe('queues', () => {
  it('a caller waits (waitUrl looping with the queue parameters) until an agent takes it off', async () => {
    centre = await startCentre(ROUTES);
    const caller = arrive(`${APP}/caller`);
    await centre.advance(15);
    const waits = requestsTo(centre, `${APP}/wait`);
    // Say (0.55 s) + Pause 5 per loop: fetched at 0, 5.55, 11.1.
    expect(waits).toHaveLength(3);
    expect(waits[0]).toMatchObject({
      CallSid: caller.sid,
      QueueSid: 'QU00000000000000000000000000000001',
      QueuePosition: '1',
      QueueTime: '0',
      AvgQueueTime: '0',
      CurrentQueueSize: '1',
      MaxQueueSize: '1000',
    });
    expect(waits[2]).toMatchObject({ QueueTime: '11', AvgQueueTime: '11' });

    const agent = arrive(`${APP}/agent`, '+15550002222');
    await centre.advance(2);
    const [whisper] = requestsTo(centre, `${APP}/whisper`);
    expect(whisper).toMatchObject({
      CallSid: caller.sid,
      QueueSid: 'QU00000000000000000000000000000001',
      QueueTime: '15',
      DequeingCallSid: agent.sid,
    });
    // Connected: the agent hangs up after 10 s; the caller's action says bridged.
    await centre.advance(10);
    await agent.party.farEnd.hangup();
    await centre.advance(1);
    const [left] = requestsTo(centre, `${APP}/left`);
    expect(left).toMatchObject({
      QueueResult: 'bridged',
      QueueSid: 'QU00000000000000000000000000000001',
      QueueTime: '15',
    });
    const [done] = requestsTo(centre, `${APP}/agent-done`);
    expect(done).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: caller.sid,
      QueueSid: 'QU00000000000000000000000000000001',
    });
    expect(Number(done!.DialCallDuration)).toBeGreaterThanOrEqual(9);
  });

  it('<Leave> in a wait document leaves the queue with QueueResult=leave', async () => {
    centre = await startCentre({
      ...ROUTES,
      [`POST ${APP}/wait`]: `<Response><Pause length="3"/><Leave/></Response>`,
    });
    const caller = arrive(`${APP}/caller`);
    await centre.advance(4);
    expect(requestsTo(centre, `${APP}/left`)).toEqual([
      expect.objectContaining({ CallSid: caller.sid, QueueResult: 'leave', QueueTime: '3' }),
    ]);
    expect((await centre.client.queues.list())[0]?.currentSize).toBe(0);
  });

  it('an agent waiting on an empty queue takes the next caller at once (no wait document)', async () => {
    centre = await startCentre(ROUTES);
    const queue = await centre.client.queues.create({ friendlyName: 'support' });
    const agent = arrive(`${APP}/agent`, '+15550002222');
    await centre.advance(10);
    const caller = arrive(`${APP}/caller`);
    await centre.advance(1);
    expect(requestsTo(centre, `${APP}/wait`)).toEqual([]);
    expect(requestsTo(centre, `${APP}/whisper`)).toEqual([
      expect.objectContaining({
        CallSid: caller.sid,
        QueueTime: '0',
        DequeingCallSid: agent.sid,
        QueueSid: queue.sid,
      }),
    ]);
    await caller.party.farEnd.hangup();
    await centre.advance(1);
    expect(requestsTo(centre, `${APP}/left`)).toEqual([
      expect.objectContaining({ QueueResult: 'bridged', QueueTime: '0' }),
    ]);
    expect(requestsTo(centre, `${APP}/agent-done`)).toEqual([
      expect.objectContaining({ DialCallStatus: 'completed', DialCallSid: caller.sid }),
    ]);
  });

  it('the caller hanging up while waiting: QueueResult=hangup; an agent on an empty queue times out', async () => {
    centre = await startCentre(ROUTES);
    const caller = arrive(`${APP}/caller`);
    await centre.advance(4);
    await caller.party.farEnd.hangup();
    await centre.advance(1);
    expect(requestsTo(centre, `${APP}/left`)).toEqual([
      expect.objectContaining({ QueueResult: 'hangup', QueueTime: '4' }),
    ]);
    arrive(`${APP}/agent`, '+15550002222');
    await centre.advance(31);
    expect(requestsTo(centre, `${APP}/agent-done`)).toEqual([
      expect.objectContaining({ DialCallStatus: 'no-answer', DialCallDuration: '0' }),
    ]);
  });

  it('a full queue: QueueResult=queue-full at once, without QueueSid', async () => {
    centre = await startCentre(ROUTES);
    const queue = await centre.client.queues.create({ friendlyName: 'support', maxSize: 1 });
    expect(queue.maxSize).toBe(1);
    arrive(`${APP}/caller`);
    await centre.advance(1);
    arrive(`${APP}/caller`, '+15550003333');
    await centre.advance(1);
    const [full] = requestsTo(centre, `${APP}/left`);
    expect(full).toMatchObject({ QueueResult: 'queue-full', From: '+15550003333' });
    expect('QueueSid' in full!).toBe(false);
  });

  it('the Queues and Members resources with the twilio client', async () => {
    centre = await startCentre(ROUTES);
    const created = await centre.client.queues.create({ friendlyName: 'sales' });
    expect(created.sid).toMatch(/^QU/);
    expect(created.friendlyName).toBe('sales');
    expect(created.maxSize).toBe(1000);
    await expect(centre.client.queues.create({ friendlyName: 'sales' })).rejects.toMatchObject({
      status: 409,
    });
    const first = arrive(`${APP}/caller`);
    await centre.advance(3);
    const second = arrive(`${APP}/caller`, '+15550003333');
    await centre.advance(2);
    const all = await centre.client.queues.list();
    expect(all.map((q) => q.friendlyName)).toEqual(['sales', 'support']);
    const support = all[1]!;
    expect(support.currentSize).toBe(2);
    expect(support.averageWaitTime).toBe(3);
    const viaRcml = await call(
      centre.url,
      'GET',
      `/2012-04-24/Accounts/${ACCOUNT}/Queues/${support.sid}/Members.json`,
    );
    expect(viaRcml.status).toBe(200);
    expect((viaRcml.json().queue_members as unknown[]).length).toBe(2);
    const fetched = await centre.client.queues(support.sid).fetch();
    expect(fetched.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Queues/${support.sid}.json`);
    const updated = await centre.client.queues(support.sid).update({ maxSize: 10 });
    expect(updated.maxSize).toBe(10);

    const members = await centre.client.queues(support.sid).members.list();
    expect(members.map((m) => [m.callSid, m.position, m.waitTime])).toEqual([
      [first.sid, 1, 5],
      [second.sid, 2, 2],
    ]);
    const front = await centre.client.queues(support.sid).members('Front').fetch();
    expect(front.callSid).toBe(first.sid);
    const dequeued = await centre.client
      .queues(support.sid)
      .members('Front')
      .update({ url: `${APP}/next`, method: 'POST' });
    expect(dequeued.callSid).toBe(first.sid);
    await centre.advance(1);
    // The dequeued caller runs the Url document; its action hears `redirected`.
    expect(requestsTo(centre, `${APP}/next`)).toEqual([expect.objectContaining({ CallSid: first.sid })]);
    expect(requestsTo(centre, `${APP}/left`)).toEqual([
      expect.objectContaining({ QueueResult: 'redirected', CallSid: first.sid }),
    ]);
    expect((await centre.client.queues(support.sid).members.list()).map((m) => m.callSid)).toEqual([
      second.sid,
    ]);

    await expect(centre.client.queues(support.sid).remove()).rejects.toMatchObject({ status: 409 });
    await expect(centre.client.queues(support.sid).members(first.sid).fetch()).rejects.toMatchObject({
      status: 404,
    });
    expect(await centre.client.queues(created.sid).remove()).toBe(true);
    await expect(centre.client.queues(created.sid).fetch()).rejects.toMatchObject({ status: 404 });
  });
});
