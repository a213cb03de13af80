/**
 * Call queues (TwiML `<Enqueue>`, `<Dial><Queue>`, the Queues and Members resources): named
 * per account, created on demand by `<Enqueue>` or through the API, each an ordered list of
 * waiting calls. The registry only keeps order and numbers; what a waiting call does is the
 * `<Enqueue>` verb's (verbs/enqueue.ts), and taking one off is `<Dial><Queue>`'s
 * (verbs/dialQueue.ts) or the Members resource's.
 */

import type { HttpMethod } from '../document/ast.js';
import { type Page, pageOf } from '../engine/paging.js';
import { RcmlError } from '../errors.js';
import type { Channel } from '../ports.js';
import { QueueBridge } from './bridge.js';

/** Default `MaxSize` of a queue (TwiML's documented default). */
export const DEFAULT_QUEUE_SIZE = 1000;
/** Largest `MaxSize` accepted. */
export const MAX_QUEUE_SIZE = 5000;

/** A queue as the Queues resource shows it. Times are epoch ms. */
export interface QueueRecord {
  readonly sid: string;
  readonly accountSid: string;
  readonly friendlyName: string;
  readonly maxSize: number;
  readonly currentSize: number;
  /** Average seconds the calls now in the queue have waited (whole seconds). */
  readonly averageWaitTime: number;
  readonly dateCreated: number;
  readonly dateUpdated: number;
}

/** A waiting call as the Members resource shows it. */
export interface MemberRecord {
  readonly callSid: string;
  readonly queueSid: string;
  /** 1 for the front of the queue. */
  readonly position: number;
  /** Whole seconds waited so far. */
  readonly waitTime: number;
  readonly dateEnqueued: number;
}

/** What a waiting call (its `<Enqueue>`) is told. */
export interface MemberHooks {
  readonly callSid: string;
  /** The call's channel (connected to the agent's when bridged). */
  readonly channel: Channel;
  /** An agent (`<Dial><Queue>`) took the call off the queue. */
  dequeued(bridge: QueueBridge): void;
  /** The Members resource dequeued it to run the document at `url`. */
  redirected(url: string, method: HttpMethod): void;
}

/** A call's place in a queue, held by its `<Enqueue>`. */
export interface Ticket {
  readonly queueSid: string;
  /** The request parameters of the wait documents (spec: TwiML's waitUrl parameters). */
  waitParams(): Record<string, string>;
  /** Seconds waited so far (whole). */
  waited(): number;
  /** Leave the queue (Leave, hang-up, live change); nothing once dequeued. */
  leave(): void;
}

export type { Page } from '../engine/paging.js';

/** The engine's queues (`engine.queues`), for the Queues and Members resources. */
export interface Queues {
  /** Create a queue; 20409 when the account already has one of that name. */
  create(accountSid: string, friendlyName: string, maxSize?: number): QueueRecord;
  /** The queue with this SID, or undefined. */
  get(queueSid: string): QueueRecord | undefined;
  /** Oldest first (creation order), optionally only the one named `friendlyName`. */
  list(filter: {
    readonly accountSid: string;
    readonly friendlyName?: string;
    readonly page?: number;
    readonly pageSize?: number;
  }): Page<QueueRecord>;
  /** Rename or resize a queue; 20409 for a name another queue has, 20001 for a bad size. */
  update(
    queueSid: string,
    changes: { readonly friendlyName?: string; readonly maxSize?: number },
  ): QueueRecord;
  /** Delete an empty queue; 20409 while calls wait in it. */
  remove(queueSid: string): void;
  /** The waiting calls, front first. */
  members(
    queueSid: string,
    paging?: { readonly page?: number; readonly pageSize?: number },
  ): Page<MemberRecord>;
  /** One waiting call, by `CallSid` or `Front`. */
  member(queueSid: string, callSid: string): MemberRecord | undefined;
  /** Dequeue a waiting call (by `CallSid` or `Front`) to run the document at `url`. */
  dequeue(queueSid: string, callSid: string, url: string, method: HttpMethod): MemberRecord;
}

/** What the verbs use: join a queue, find one, take its first caller. */
export interface QueueDesk {
  /** Join the account's queue `name` (created when missing); `full` when at `MaxSize`. */
  join(
    accountSid: string,
    name: string,
    member: MemberHooks,
  ): { readonly ticket: Ticket } | { readonly full: QueueRecord };
  /** The account's queue called `name`, if any. */
  find(accountSid: string, name: string): QueueRecord | undefined;
  /**
   * Take the first caller off the queue as soon as there is one: resolves with the bridge to
   * it, or null when `signal` fired first (the dial timed out or was abandoned).
   */
  take(
    queueSid: string,
    agent: { readonly callSid: string; readonly url: string | null; readonly method: HttpMethod },
    signal: AbortSignal,
  ): Promise<QueueBridge | null>;
}

interface Waiting {
  readonly hooks: MemberHooks;
  readonly since: number;
}

interface Queue {
  readonly sid: string;
  readonly accountSid: string;
  friendlyName: string;
  maxSize: number;
  readonly dateCreated: number;
  dateUpdated: number;
  readonly members: Waiting[];
  /** Agents waiting for a caller, first come first served. */
  readonly agents: ((member: Waiting) => void)[];
}

/** The registry, both faces. */
export type QueueRegistry = Queues & QueueDesk;

/**
 * Gives a caller to the first agent waiting on the queue (in a microtask: the verb first holds
 * its ticket), or else keeps it waiting: at the back when it arrives, at the front when an
 * agent it was handed to gave up in the meantime.
 */
function handOver(queue: Queue, member: Waiting, place: 'back' | 'front'): void {
  const agent = queue.agents.shift();
  if (agent !== undefined) queueMicrotask(() => agent(member));
  else if (place === 'back') queue.members.push(member);
  else queue.members.unshift(member);
}

/** Create the registry over the engine's clock and SID generator. */
export function createQueues(options: {
  readonly now: () => number;
  readonly nextSid: () => string;
}): QueueRegistry {
  const { now } = options;
  const bySid = new Map<string, Queue>();
  const byName = new Map<string, Queue>();
  const nameKey = (accountSid: string, name: string) => `${accountSid}\u0000${name}`;
  const seconds = (since: number) => Math.max(0, Math.floor((now() - since) / 1000));

  function record(queue: Queue): QueueRecord {
    const waits = queue.members.map((m) => seconds(m.since));
    const average = waits.length === 0 ? 0 : Math.floor(waits.reduce((a, b) => a + b, 0) / waits.length);
    return {
      sid: queue.sid,
      accountSid: queue.accountSid,
      friendlyName: queue.friendlyName,
      maxSize: queue.maxSize,
      currentSize: queue.members.length,
      averageWaitTime: average,
      dateCreated: queue.dateCreated,
      dateUpdated: queue.dateUpdated,
    };
  }
  function memberRecord(queue: Queue, member: Waiting): MemberRecord {
    return {
      callSid: member.hooks.callSid,
      queueSid: queue.sid,
      position: queue.members.indexOf(member) + 1,
      waitTime: seconds(member.since),
      dateEnqueued: member.since,
    };
  }
  function make(accountSid: string, friendlyName: string, maxSize: number): Queue {
    const at = now();
    const queue: Queue = {
      sid: options.nextSid(),
      accountSid,
      friendlyName,
      maxSize,
      dateCreated: at,
      dateUpdated: at,
      members: [],
      agents: [],
    };
    bySid.set(queue.sid, queue);
    byName.set(nameKey(accountSid, friendlyName), queue);
    return queue;
  }
  function mustGet(queueSid: string): Queue {
    const queue = bySid.get(queueSid);
    if (queue === undefined)
      throw new RcmlError(20404, `queue ${queueSid} was not found`, { field: 'QueueSid' });
    return queue;
  }
  function find(queue: Queue, callSid: string): Waiting | undefined {
    return callSid === 'Front' ? queue.members[0] : queue.members.find((m) => m.hooks.callSid === callSid);
  }
  function remove(queue: Queue, member: Waiting): void {
    const i = queue.members.indexOf(member);
    if (i < 0) return;
    queue.members.splice(i, 1);
    queue.dateUpdated = now();
  }
  function checkSize(maxSize: number): number {
    if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > MAX_QUEUE_SIZE) {
      throw new RcmlError(
        20001,
        `MaxSize must be a whole number from 1 to ${MAX_QUEUE_SIZE}, got ${maxSize}`,
        {
          field: 'MaxSize',
        },
      );
    }
    return maxSize;
  }

  return {
    create(accountSid, friendlyName, maxSize = DEFAULT_QUEUE_SIZE) {
      const name = friendlyName.trim();
      if (name === '' || [...name].length > 64) {
        throw new RcmlError(20001, 'FriendlyName must be 1 to 64 characters', { field: 'FriendlyName' });
      }
      if (byName.has(nameKey(accountSid, name))) {
        throw new RcmlError(20409, `a queue named "${name}" already exists`, { field: 'FriendlyName' });
      }
      return record(make(accountSid, name, checkSize(maxSize)));
    },
    get(queueSid) {
      const queue = bySid.get(queueSid);
      return queue === undefined ? undefined : record(queue);
    },
    list(filter) {
      const all = [...bySid.values()].filter(
        (q) =>
          q.accountSid === filter.accountSid &&
          (filter.friendlyName === undefined || q.friendlyName === filter.friendlyName),
      );
      return pageOf(all.map(record), filter);
    },
    update(queueSid, changes) {
      const queue = mustGet(queueSid);
      if (changes.maxSize !== undefined) queue.maxSize = checkSize(changes.maxSize);
      if (changes.friendlyName !== undefined) {
        const name = changes.friendlyName.trim();
        const other = byName.get(nameKey(queue.accountSid, name));
        if (name === '' || [...name].length > 64) {
          throw new RcmlError(20001, 'FriendlyName must be 1 to 64 characters', { field: 'FriendlyName' });
        }
        if (other !== undefined && other !== queue) {
          throw new RcmlError(20409, `a queue named "${name}" already exists`, { field: 'FriendlyName' });
        }
        byName.delete(nameKey(queue.accountSid, queue.friendlyName));
        queue.friendlyName = name;
        byName.set(nameKey(queue.accountSid, name), queue);
      }
      queue.dateUpdated = now();
      return record(queue);
    },
    remove(queueSid) {
      const queue = mustGet(queueSid);
      if (queue.members.length > 0) {
        throw new RcmlError(
          20409,
          `queue ${queueSid} is not empty (${queue.members.length} calls waiting): dequeue them first`,
          { field: 'QueueSid' },
        );
      }
      bySid.delete(queueSid);
      byName.delete(nameKey(queue.accountSid, queue.friendlyName));
    },
    members(queueSid, paging) {
      const queue = mustGet(queueSid);
      return pageOf(
        queue.members.map((m) => memberRecord(queue, m)),
        paging,
      );
    },
    member(queueSid, callSid) {
      const queue = mustGet(queueSid);
      const member = find(queue, callSid);
      return member === undefined ? undefined : memberRecord(queue, member);
    },
    dequeue(queueSid, callSid, url, method) {
      const queue = mustGet(queueSid);
      const member = find(queue, callSid);
      if (member === undefined) {
        throw new RcmlError(20404, `call ${callSid} is not waiting in queue ${queueSid}`, {
          field: 'CallSid',
        });
      }
      const shown = memberRecord(queue, member);
      remove(queue, member);
      member.hooks.redirected(url, method);
      return shown;
    },

    join(accountSid, name, hooks) {
      const queue = byName.get(nameKey(accountSid, name)) ?? make(accountSid, name, DEFAULT_QUEUE_SIZE);
      if (queue.members.length >= queue.maxSize) return { full: record(queue) };
      const member: Waiting = { hooks, since: now() };
      queue.dateUpdated = now();
      handOver(queue, member, 'back');
      return {
        ticket: {
          queueSid: queue.sid,
          waitParams() {
            const current = record(queue);
            const position = queue.members.indexOf(member) + 1;
            return {
              QueueSid: queue.sid,
              QueuePosition: String(position),
              QueueTime: String(seconds(member.since)),
              AvgQueueTime: String(current.averageWaitTime),
              CurrentQueueSize: String(current.currentSize),
              MaxQueueSize: String(current.maxSize),
            };
          },
          waited: () => seconds(member.since),
          leave() {
            remove(queue, member);
          },
        },
      };
    },
    find(accountSid, name) {
      const queue = byName.get(nameKey(accountSid, name));
      return queue === undefined ? undefined : record(queue);
    },
    take(queueSid, agent, signal) {
      const queue = mustGet(queueSid);
      const connect = (member: Waiting) => {
        const bridge = new QueueBridge({
          queueSid,
          memberCallSid: member.hooks.callSid,
          agentCallSid: agent.callSid,
          queueTime: seconds(member.since),
          url: agent.url,
          method: agent.method,
          memberChannel: member.hooks.channel,
        });
        member.hooks.dequeued(bridge);
        return bridge;
      };
      const first = queue.members.shift();
      if (first !== undefined) {
        queue.dateUpdated = now();
        return Promise.resolve(connect(first));
      }
      if (signal.aborted) return Promise.resolve(null);
      return new Promise((resolve) => {
        const waiter = (member: Waiting) => {
          // Stryker disable next-line StringLiteral: a listener left behind only runs once the promise is settled and the waiter already shifted off `agents`: it finds nothing to remove and its resolve is a no-op
          signal.removeEventListener('abort', onAbort);
          // The agent gave up between the caller's arrival and this hand-over: the caller
          // goes to the next agent, or back to the front of the queue.
          if (signal.aborted) handOver(queue, member, 'front');
          else resolve(connect(member));
        };
        const onAbort = () => {
          const i = queue.agents.indexOf(waiter);
          if (i >= 0) queue.agents.splice(i, 1);
          resolve(null);
        };
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: an AbortSignal dispatches 'abort' at most once, so `once` changes nothing
        signal.addEventListener('abort', onAbort, { once: true });
        queue.agents.push(waiter);
      });
    },
  };
}
