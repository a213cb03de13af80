/**
 * The queue registry (the Queues and Members resources, and what `<Enqueue>` / `<Dial><Queue>`
 * use): validation of names and sizes, lookups, renames, dequeue, and agents waiting for a
 * caller. Driven with its own clock; the channel of a waiting call is never touched here.
 */
import { type Channel, MAX_QUEUE_SIZE, QueueBridge, type RcmlError } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { createQueues, type MemberHooks } from '../../src/queues/queues.js';

const ACCOUNT = 'AC1';

function registry() {
  let t = 1_000_000;
  let n = 0;
  const queues = createQueues({ now: () => t, nextSid: () => `QU${++n}` });
  return { queues, advance: (seconds: number) => (t += seconds * 1000) };
}

function hooks(callSid: string, log: string[] = []): MemberHooks {
  return {
    callSid,
    channel: {} as Channel,
    dequeued: () => log.push(`${callSid} dequeued`),
    redirected: (url, method) => log.push(`${callSid} ${method} ${url}`),
  };
}

function failure(fn: () => unknown): Pick<RcmlError, 'code' | 'message' | 'field'> {
  try {
    fn();
  } catch (e) {
    const { code, message, field } = e as RcmlError;
    return { code, message, field };
  }
  throw new Error('expected a failure');
}

const ticketOf = (r: ReturnType<ReturnType<typeof createQueues>['join']>) => {
  if (!('ticket' in r)) throw new Error('queue full');
  return r.ticket;
};

describe('queue registry: the Queues resource', () => {
  it('a new queue has its trimmed name, the default size and an average wait of 0', () => {
    const { queues } = registry();
    const q = queues.create(ACCOUNT, '  support  ');
    expect(q).toMatchObject({ friendlyName: 'support', maxSize: 1000, currentSize: 0, averageWaitTime: 0 });
    expect(queues.find(ACCOUNT, 'support')?.sid).toBe(q.sid);
  });

  it('a name must be 1 to 64 characters (counted as characters, not UTF-16 units)', () => {
    const { queues } = registry();
    const tooLong = {
      code: 20001,
      message: 'FriendlyName must be 1 to 64 characters',
      field: 'FriendlyName',
    };
    expect(failure(() => queues.create(ACCOUNT, ''))).toEqual(tooLong);
    expect(failure(() => queues.create(ACCOUNT, '   '))).toEqual(tooLong);
    expect(failure(() => queues.create(ACCOUNT, 'x'.repeat(65)))).toEqual(tooLong);
    expect(queues.create(ACCOUNT, 'x'.repeat(64)).friendlyName).toBe('x'.repeat(64));
    expect(queues.create(ACCOUNT, '😀'.repeat(64)).friendlyName).toBe('😀'.repeat(64));
  });

  it('a second queue of the same name in one account is a conflict (20409); another account may have it', () => {
    const { queues } = registry();
    queues.create(ACCOUNT, 'support');
    expect(failure(() => queues.create(ACCOUNT, ' support'))).toEqual({
      code: 20409,
      message: 'a queue named "support" already exists',
      field: 'FriendlyName',
    });
    expect(queues.create('AC2', 'support').accountSid).toBe('AC2');
  });

  it('MaxSize must be a whole number from 1 to 5000', () => {
    const { queues } = registry();
    for (const bad of [0, -1, 1.5, MAX_QUEUE_SIZE + 1, Number.NaN]) {
      expect(failure(() => queues.create(ACCOUNT, `q${bad}`, bad))).toEqual({
        code: 20001,
        message: `MaxSize must be a whole number from 1 to 5000, got ${bad}`,
        field: 'MaxSize',
      });
    }
    expect(queues.create(ACCOUNT, 'one', 1).maxSize).toBe(1);
    expect(queues.create(ACCOUNT, 'most', MAX_QUEUE_SIZE).maxSize).toBe(MAX_QUEUE_SIZE);
    expect(failure(() => queues.update(queues.find(ACCOUNT, 'one')!.sid, { maxSize: 0 })).field).toBe(
      'MaxSize',
    );
  });

  it("the list shows only the account's queues, optionally only the one of a name", () => {
    const { queues } = registry();
    queues.create(ACCOUNT, 'support');
    queues.create('AC2', 'other');
    queues.create(ACCOUNT, 'sales');
    const names = (friendlyName?: string) =>
      queues
        .list(friendlyName === undefined ? { accountSid: ACCOUNT } : { accountSid: ACCOUNT, friendlyName })
        .items.map((q) => q.friendlyName);
    expect(names()).toEqual(['support', 'sales']);
    expect(names('sales')).toEqual(['sales']);
    expect(names('nothing')).toEqual([]);
  });

  it('an unknown queue SID is not found (20404) for every operation on one queue', () => {
    const { queues } = registry();
    const notFound = { code: 20404, message: 'queue QU9 was not found', field: 'QueueSid' };
    expect(queues.get('QU9')).toBeUndefined();
    expect(failure(() => queues.update('QU9', { maxSize: 5 }))).toEqual(notFound);
    expect(failure(() => queues.remove('QU9'))).toEqual(notFound);
    expect(failure(() => queues.members('QU9'))).toEqual(notFound);
    expect(failure(() => queues.member('QU9', 'Front'))).toEqual(notFound);
    expect(failure(() => queues.dequeue('QU9', 'Front', 'http://a.test/', 'POST'))).toEqual(notFound);
    expect(queues.find(ACCOUNT, 'nothing')).toBeUndefined();
  });

  it('a rename alone keeps the size; the new name is trimmed, found, and the old one is free', () => {
    const { queues, advance } = registry();
    const q = queues.create(ACCOUNT, 'support', 7);
    advance(3);
    const renamed = queues.update(q.sid, { friendlyName: ' help ' });
    expect(renamed).toMatchObject({ friendlyName: 'help', maxSize: 7, dateUpdated: q.dateCreated + 3000 });
    expect(queues.find(ACCOUNT, 'help')?.sid).toBe(q.sid);
    expect(queues.find(ACCOUNT, 'support')).toBeUndefined();
    expect(queues.create(ACCOUNT, 'support').sid).not.toBe(q.sid);
  });

  it('a resize alone keeps the name', () => {
    const { queues } = registry();
    const q = queues.create(ACCOUNT, 'support');
    expect(queues.update(q.sid, { maxSize: 3 })).toMatchObject({ friendlyName: 'support', maxSize: 3 });
    expect(queues.find(ACCOUNT, 'support')?.maxSize).toBe(3);
  });

  it('a rename is refused for a bad name (20001) and for a name another queue has (20409); its own name is fine', () => {
    const { queues } = registry();
    const q = queues.create(ACCOUNT, 'support');
    queues.create(ACCOUNT, 'sales');
    const badName = {
      code: 20001,
      message: 'FriendlyName must be 1 to 64 characters',
      field: 'FriendlyName',
    };
    expect(failure(() => queues.update(q.sid, { friendlyName: '  ' }))).toEqual(badName);
    expect(failure(() => queues.update(q.sid, { friendlyName: 'y'.repeat(65) }))).toEqual(badName);
    expect(failure(() => queues.update(q.sid, { friendlyName: ' sales' }))).toEqual({
      code: 20409,
      message: 'a queue named "sales" already exists',
      field: 'FriendlyName',
    });
    expect(queues.update(q.sid, { friendlyName: 'support' }).friendlyName).toBe('support');
    expect(queues.update(q.sid, { friendlyName: 'y'.repeat(64) }).friendlyName).toBe('y'.repeat(64));
    expect(queues.update(q.sid, { friendlyName: 'z' }).friendlyName).toBe('z');
    expect(queues.list({ accountSid: ACCOUNT }).items.map((x) => x.friendlyName)).toEqual(['z', 'sales']);
  });

  it('a queue with calls waiting cannot be deleted (20409, saying how many); empty, it can', () => {
    const { queues } = registry();
    const q = queues.create(ACCOUNT, 'support');
    const ticket = ticketOf(queues.join(ACCOUNT, 'support', hooks('CA1')));
    expect(failure(() => queues.remove(q.sid))).toEqual({
      code: 20409,
      message: `queue ${q.sid} is not empty (1 calls waiting): dequeue them first`,
      field: 'QueueSid',
    });
    ticket.leave();
    queues.remove(q.sid);
    expect(queues.get(q.sid)).toBeUndefined();
    expect(queues.find(ACCOUNT, 'support')).toBeUndefined();
  });
});

describe('queue registry: members', () => {
  it('a member is found by its CallSid or as Front, with its position and wait', () => {
    const { queues, advance } = registry();
    queues.join(ACCOUNT, 'support', hooks('CA1'));
    advance(10);
    queues.join(ACCOUNT, 'support', hooks('CA2'));
    advance(2);
    const sid = queues.find(ACCOUNT, 'support')!.sid;
    expect(queues.member(sid, 'CA2')).toMatchObject({ callSid: 'CA2', position: 2, waitTime: 2 });
    expect(queues.member(sid, 'Front')).toMatchObject({ callSid: 'CA1', position: 1, waitTime: 12 });
    expect(queues.member(sid, 'CA9')).toBeUndefined();
    expect(queues.get(sid)).toMatchObject({ currentSize: 2, averageWaitTime: 7 });
  });

  it('dequeuing a member by CallSid redirects that call only; an unknown call is not found (20404)', () => {
    const { queues } = registry();
    const log: string[] = [];
    queues.join(ACCOUNT, 'support', hooks('CA1', log));
    queues.join(ACCOUNT, 'support', hooks('CA2', log));
    const sid = queues.find(ACCOUNT, 'support')!.sid;
    expect(queues.dequeue(sid, 'CA2', 'http://a.test/next', 'GET')).toMatchObject({
      callSid: 'CA2',
      position: 2,
    });
    expect(log).toEqual(['CA2 GET http://a.test/next']);
    expect(queues.members(sid).items.map((m) => m.callSid)).toEqual(['CA1']);
    expect(failure(() => queues.dequeue(sid, 'CA2', 'http://a.test/next', 'GET'))).toEqual({
      code: 20404,
      message: `call CA2 is not waiting in queue ${sid}`,
      field: 'CallSid',
    });
  });

  it('a call leaving after it was dequeued does not take another caller off the queue', () => {
    const { queues } = registry();
    const first = ticketOf(queues.join(ACCOUNT, 'support', hooks('CA1')));
    queues.join(ACCOUNT, 'support', hooks('CA2'));
    const sid = queues.find(ACCOUNT, 'support')!.sid;
    queues.dequeue(sid, 'CA1', 'http://a.test/next', 'POST');
    first.leave();
    expect(queues.members(sid).items.map((m) => m.callSid)).toEqual(['CA2']);
  });
});

describe('queue registry: agents waiting for a caller', () => {
  const agent = { callSid: 'CAagent', url: null, method: 'POST' as const };

  it('an agent whose dial already ended takes nobody: the next caller waits in the queue', async () => {
    const { queues } = registry();
    const sid = queues.create(ACCOUNT, 'support').sid;
    const controller = new AbortController();
    controller.abort();
    await expect(queues.take(sid, agent, controller.signal)).resolves.toBeNull();
    const log: string[] = [];
    queues.join(ACCOUNT, 'support', hooks('CA1', log));
    await Promise.resolve();
    expect(log).toEqual([]);
    expect(queues.members(sid).items.map((m) => m.callSid)).toEqual(['CA1']);
  });

  it('an agent that stops waiting leaves: the next caller is in the queue at once and waits for the agent after it', async () => {
    const { queues } = registry();
    const sid = queues.create(ACCOUNT, 'support').sid;
    const gone = new AbortController();
    const goneTake = queues.take(sid, agent, gone.signal);
    gone.abort();
    await expect(goneTake).resolves.toBeNull();
    const log: string[] = [];
    queues.join(ACCOUNT, 'support', hooks('CA1', log));
    // in the queue at once: the Queues and Members resources show it in the same turn
    expect(queues.get(sid)?.currentSize).toBe(1);
    expect(queues.members(sid).items.map((m) => m.callSid)).toEqual(['CA1']);
    await Promise.resolve();
    expect(log).toEqual([]);
    expect(queues.members(sid).items.map((m) => m.callSid)).toEqual(['CA1']);

    // the second of two waiting agents stops waiting: the first still gets the next caller
    queues.dequeue(sid, 'CA1', 'http://a.test/x', 'POST');
    const first = queues.take(sid, { ...agent, callSid: 'CAa1' }, new AbortController().signal);
    const second = new AbortController();
    const secondTake = queues.take(sid, { ...agent, callSid: 'CAa2' }, second.signal);
    second.abort();
    await expect(secondTake).resolves.toBeNull();
    queues.join(ACCOUNT, 'support', hooks('CA2', log));
    const bridge = await first;
    expect(bridge?.init).toMatchObject({ memberCallSid: 'CA2', agentCallSid: 'CAa1' });
  });
});

describe('queue registry: an agent giving up as a caller arrives', () => {
  const agent = { callSid: 'CAagent', url: null, method: 'POST' as const };

  it('a caller handed to an agent that stops waiting in the same turn stays in the queue, and the next agent takes it', async () => {
    const { queues } = registry();
    const sid = queues.create(ACCOUNT, 'support').sid;
    const gone = new AbortController();
    const goneTake = queues.take(sid, agent, gone.signal);
    const log: string[] = [];
    // The caller arrives and the waiting agent hangs up before the hand-over's microtask runs.
    queues.join(ACCOUNT, 'support', hooks('CA1', log));
    gone.abort();
    await expect(goneTake).resolves.toBeNull();
    await Promise.resolve();
    expect(log).toEqual([]);
    expect(queues.members(sid).items.map((m) => m.callSid)).toEqual(['CA1']);
    const next = await queues.take(sid, { ...agent, callSid: 'CAa2' }, new AbortController().signal);
    expect(next?.init).toMatchObject({ memberCallSid: 'CA1', agentCallSid: 'CAa2' });
    expect(log).toEqual(['CA1 dequeued']);
  });

  it('such a caller goes to another agent still waiting, before the callers already in the queue', async () => {
    const { queues } = registry();
    const sid = queues.create(ACCOUNT, 'support').sid;
    const gone = new AbortController();
    void queues.take(sid, agent, gone.signal);
    const waiting = queues.take(sid, { ...agent, callSid: 'CAa2' }, new AbortController().signal);
    queues.join(ACCOUNT, 'support', hooks('CA1'));
    gone.abort();
    const bridge = await waiting;
    expect(bridge?.init).toMatchObject({ memberCallSid: 'CA1', agentCallSid: 'CAa2' });
    expect(queues.members(sid).items).toEqual([]);
  });
});

describe('QueueBridge', () => {
  const bridge = () =>
    new QueueBridge({
      queueSid: 'QU1',
      memberCallSid: 'CA1',
      agentCallSid: 'CA2',
      queueTime: 0,
      url: null,
      method: 'POST',
      memberChannel: {} as Channel,
    });

  it('the caller being ready resolves memberReady with ready', async () => {
    const b = bridge();
    b.ready();
    await expect(b.memberReady).resolves.toBe('ready');
    expect(b.isOver).toBe(false);
  });

  it('the caller leaving first: gone, and the connection ended by the member', async () => {
    const b = bridge();
    b.gone();
    await expect(b.memberReady).resolves.toBe('gone');
    await expect(b.ended).resolves.toBe('member');
    expect(b.isOver).toBe(true);
  });

  it('the first side to end the connection is the one reported', async () => {
    const b = bridge();
    b.end('agent');
    b.end('member');
    await expect(b.ended).resolves.toBe('agent');
    expect(b.isOver).toBe(true);
  });
});
