/**
 * A small in-memory `Engine` for testing the HTTP layer alone: it validates the required
 * parameters, keeps calls in a list, and lets the test move a call through its states.
 */
import type { CallPage, CallRecord, CallStatus, Engine, EngineEvent, ListFilter } from '@rcml/core';
import { RcmlError } from '@rcml/core';
import { emptyConferences, emptyQueues } from '../../../test/fakes/emptyEngineParts.js';

export interface FakeEngine extends Engine {
  /** Move a call to a status (sets start/end times as the engine would). */
  setStatus(callSid: string, status: CallStatus): void;
  /** The parameters of every modify, in order. */
  readonly modifications: { callSid: string; params: Record<string, string | undefined> }[];
  /** Refuse creation with 20429 when this many calls are alive. */
  maxActive: number;
}

const FINAL = new Set<CallStatus>(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

export function createFakeEngine(start = Date.UTC(2026, 0, 1)): FakeEngine {
  const calls: CallRecord[] = [];
  let now = start;
  let seq = 0;
  const modifications: FakeEngine['modifications'] = [];
  const replace = (sid: string, patch: Partial<CallRecord>) => {
    const i = calls.findIndex((c) => c.sid === sid);
    const old = calls[i];
    if (old === undefined) return undefined;
    now += 1000;
    const next = { ...old, ...patch, dateUpdated: now };
    calls[i] = next;
    return next;
  };
  const engine: FakeEngine = {
    maxActive: Number.POSITIVE_INFINITY,
    modifications,
    create(typed, owner) {
      const params = typed as unknown as Record<string, string | undefined>;
      for (const name of ['To', 'From', 'Url']) {
        if (!params[name]) throw new RcmlError(20001, `${name} is required`, { field: name });
      }
      if (!/^https?:\/\//.test(params.Url ?? '')) {
        throw new RcmlError(20001, 'Url must be an absolute http or https URL', { field: 'Url' });
      }
      if (engine.activeCalls >= engine.maxActive) throw new RcmlError(20429, 'too many calls in progress');
      seq += 1;
      now += 1000;
      const call: CallRecord = {
        sid: `CA${String(seq).padStart(32, '0')}`,
        parentCallSid: null,
        accountSid: owner?.accountSid ?? `AC${'0'.repeat(32)}`,
        to: params.To ?? '',
        from: params.From ?? '',
        status: 'queued',
        direction: 'outbound-api',
        dateCreated: now,
        dateUpdated: now,
        startTime: null,
        endTime: null,
        duration: null,
        answeredBy: null,
        apiVersion: '2012-04-24',
      };
      calls.push(call);
      return call;
    },
    inbound() {
      throw new Error('not used');
    },
    get: (sid) => calls.find((c) => c.sid === sid),
    list(filter: ListFilter = {}): CallPage {
      const pageSize = filter.pageSize ?? 50;
      const page = filter.page ?? 0;
      const matching = calls
        .filter(
          (c) =>
            (filter.accountSid === undefined || c.accountSid === filter.accountSid) &&
            (filter.to === undefined || c.to === filter.to) &&
            (filter.from === undefined || c.from === filter.from) &&
            (filter.status === undefined || c.status === filter.status) &&
            (filter.parentCallSid === undefined || c.parentCallSid === filter.parentCallSid),
        )
        .reverse();
      return {
        calls: matching.slice(page * pageSize, page * pageSize + pageSize),
        page,
        pageSize,
        total: matching.length,
      };
    },
    modify(sid, typed) {
      const params = typed as Record<string, string | undefined>;
      const call = calls.find((c) => c.sid === sid);
      if (call === undefined) throw new RcmlError(20404, `call ${sid} not found`);
      if (params.Url !== undefined && params.Status !== undefined) {
        throw new RcmlError(20409, 'Url and Status cannot be changed together', { field: 'Status' });
      }
      if (FINAL.has(call.status)) throw new RcmlError(21220, 'call is not in progress');
      if (params.Status !== undefined && params.Status !== 'completed' && params.Status !== 'canceled') {
        throw new RcmlError(20001, 'Status must be completed or canceled', { field: 'Status' });
      }
      modifications.push({ callSid: sid, params: { ...params } });
      if (params.Status === 'canceled') {
        if (call.status === 'in-progress') throw new RcmlError(21220, 'an answered call cannot be canceled');
        return replace(sid, { status: 'canceled', endTime: now, duration: 0 }) as CallRecord;
      }
      if (params.Status === 'completed') {
        const answered = call.status === 'in-progress';
        return replace(sid, {
          status: answered ? 'completed' : 'canceled',
          endTime: now + 1000,
          duration: answered ? Math.trunc((now + 1000 - (call.startTime ?? now)) / 1000) : 0,
        }) as CallRecord;
      }
      return call;
    },
    setStatus(sid, status) {
      const call = calls.find((c) => c.sid === sid);
      if (call === undefined) throw new Error(`no call ${sid}`);
      const patch: { -readonly [K in keyof CallRecord]?: CallRecord[K] } = { status };
      if (status === 'in-progress') patch.startTime = now + 1000;
      if (FINAL.has(status))
        Object.assign(patch, { endTime: now + 1000, duration: call.startTime === null ? 0 : 1 });
      replace(sid, patch);
    },
    recordings: {
      get: () => undefined,
      list: (filter = {}) => ({
        recordings: [],
        page: filter.page ?? 0,
        pageSize: filter.pageSize ?? 50,
        total: 0,
      }),
      remove: async () => false,
      audio: async () => null,
    },
    queues: emptyQueues(),
    conferences: emptyConferences(),
    subscribe(_listener: (event: EngineEvent) => void) {
      return () => {};
    },
    get activeCalls() {
      return calls.filter((c) => !FINAL.has(c.status)).length;
    },
    async shutdown() {},
  };
  return engine;
}
