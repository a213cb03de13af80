/**
 * A deliberately tiny engine for testing the runner before (and independently of) the real
 * one: it fetches `Url`, speaks the first `<Say>`, and hangs up. `bugs` switches on faults
 * the runner's invariant checks must catch.
 */
import {
  type CallRecord,
  type CallStatus,
  type Channel,
  type Engine,
  type EngineEvent,
  type EngineOptions,
  RcmlError,
} from '@rcml/core';
import { emptyConferences, emptyQueues } from '../../../test/fakes/emptyEngineParts.js';

export interface ToyBugs {
  /** Leave a timer behind after the call ends. */
  readonly leakTimer?: boolean;
  /** Report the final state twice. */
  readonly doubleFinal?: boolean;
}

export function createToyEngine(options: EngineOptions, bugs: ToyBugs = {}): Engine {
  const { clock, http, driver } = options;
  const ids = options.ids!;
  const listeners = new Set<(e: EngineEvent) => void>();
  const calls = new Map<string, CallRecord>();
  let active = 0;
  const emit = (e: EngineEvent) => {
    for (const l of listeners) l(e);
  };

  function setStatus(sid: string, status: CallStatus, extra: Partial<CallRecord> = {}): void {
    calls.set(sid, { ...calls.get(sid)!, status, ...extra });
    emit({ type: 'status', callSid: sid, status, at: clock!.now() });
  }

  function start(
    sid: string,
    params: Record<string, string | undefined>,
    channel: Channel,
    inbound: boolean,
  ) {
    const base = { sid, parentCallSid: null, accountSid: 'AC', to: params.To ?? '', from: params.From ?? '' };
    calls.set(sid, {
      ...base,
      status: 'queued',
      direction: inbound ? 'inbound' : 'outbound-api',
      dateCreated: clock!.now(),
      dateUpdated: clock!.now(),
      startTime: null,
      endTime: null,
      duration: null,
      answeredBy: null,
      apiVersion: '2012-04-24',
    });
    active++;
    const signal = new AbortController().signal;
    let answeredAt: number | null = null;
    let over = false;
    const end = async (status: CallStatus, hangup: boolean) => {
      if (over) return;
      over = true;
      if (hangup) await channel.hangup();
      const duration = answeredAt === null ? 0 : Math.floor((clock!.now() - answeredAt) / 1000);
      setStatus(sid, status, { duration, endTime: clock!.now() });
      if (bugs.doubleFinal) setStatus(sid, 'completed');
      if (bugs.leakTimer) clock!.setTimeout(() => {}, 3_600_000);
      active--;
    };
    const run = async (callStatus: string) => {
      const response = await http.send({
        method: 'POST',
        url: params.Url!,
        params: { CallSid: sid, CallStatus: callStatus },
        kind: 'fetch',
        callSid: sid,
        accountSid: 'AC',
        signal,
      });
      const text = /<Say>(.*?)<\/Say>/.exec(response.body)?.[1];
      if (text !== undefined) {
        if (inbound) {
          await channel.answer(signal);
          answeredAt = clock!.now();
        }
        await channel.say({ text, voice: 'man', language: 'en-US', loop: 1 }, signal);
      }
      await end('completed', !over);
    };
    channel.listen({
      ringing: () => setStatus(sid, 'ringing'),
      answered: () => {
        answeredAt = clock!.now();
        setStatus(sid, 'in-progress');
        void run('in-progress');
      },
      detected: () => {},
      busy: () => void end('busy', false),
      failed: () => void end('failed', false),
      dtmf: () => {},
      voice: () => {},
      speech: () => {},
      hangup: () => void end('completed', false),
    });
    if (inbound) void run('ringing');
    return calls.get(sid)!;
  }

  return {
    create(typed) {
      const params = typed as unknown as Record<string, string | undefined>;
      if (params.Url === undefined) throw new RcmlError(20001, 'Url is required', { field: 'Url' });
      const sid = ids.next('CA');
      const channel = driver.originate({
        callSid: sid,
        to: params.To ?? '',
        from: params.From ?? '',
        timeout: 60,
        detectVoicemail: false,
      });
      return start(sid, params, channel, false);
    },
    inbound(params, channel) {
      return start(ids.next('CA'), { ...params }, channel, true);
    },
    get: (sid) => calls.get(sid),
    list: () => ({ calls: [...calls.values()], page: 0, pageSize: 50, total: calls.size }),
    modify(sid) {
      return calls.get(sid)!;
    },
    recordings: {
      get: () => undefined,
      list: () => ({ recordings: [], page: 0, pageSize: 50, total: 0 }),
      remove: async () => false,
      audio: async () => null,
    },
    queues: emptyQueues(),
    conferences: emptyConferences(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get activeCalls() {
      return active;
    },
    shutdown: async () => {},
  };
}
