/**
 * `<Enqueue>` (TwiML, decisions "Queues"): the caller waits in the named queue (created on
 * demand) while the `waitUrl` documents loop, until an agent takes it off (`<Dial><Queue>`:
 * the `<Queue url>` document plays to the caller, then the two are connected until one side
 * ends), a `<Leave>`, a hang-up, the Members resource dequeues it, or a document fails.
 * `action` then receives `QueueResult`, `QueueSid`, `QueueTime`; without `action` the next
 * verb runs.
 */
import { ABORTED, childController, isAborted, untilAborted } from '../call/abort.js';
import type { EnqueueVerb, HttpMethod, VerbKind } from '../document/ast.js';
import { callParams } from '../fetch/params.js';
import type { QueueBridge } from '../queues/bridge.js';
import type { Ticket } from '../queues/queues.js';
import { runSubDocuments } from './subDocuments.js';
import { fetchOutcome, NEXT, type VerbOutcome, type VerbScope } from './types.js';

/** Verbs of a waitUrl document. */
export const WAIT_VERBS: ReadonlySet<VerbKind> = new Set<VerbKind>([
  'Say',
  'Play',
  'Pause',
  'Gather',
  'Redirect',
  'Leave',
  'Hangup',
]);

/** Verbs of the document a dequeued caller hears (`<Queue url>`). */
export const DEQUEUE_VERBS: ReadonlySet<VerbKind> = new Set<VerbKind>(['Say', 'Play', 'Pause', 'Redirect']);

/** `QueueResult` values. */
export type QueueResult =
  | 'bridged'
  | 'bridging-in-process'
  | 'queue-full'
  | 'redirected'
  | 'hangup'
  | 'leave'
  | 'error';

/** What ended the wait. */
type WaitEnd =
  | { readonly kind: 'dequeued'; readonly bridge: QueueBridge }
  | { readonly kind: 'redirected'; readonly url: string; readonly method: HttpMethod }
  | { readonly kind: 'caller-hangup' }
  | { readonly kind: 'leave' }
  | { readonly kind: 'document-hangup' }
  | { readonly kind: 'error' };

export async function executeEnqueue(verb: EnqueueVerb, scope: VerbScope): Promise<VerbOutcome> {
  await scope.answer();
  const desk = scope.queues;
  // Stryker disable next-line ConditionalExpression,BlockStatement: only a whisper leg's scope has no queues, and a leg's document cannot hold <Enqueue> (WHISPER_VERBS); a wait document's scope inherits the call's
  if (desk === undefined) {
    // Stryker disable next-line StringLiteral: unreachable, see the guard above
    scope.notice(12200, '<Enqueue> cannot be used here (no queues)');
    return NEXT;
  }
  let settle!: (end: WaitEnd) => void;
  const ended = new Promise<WaitEnd>((resolve) => {
    settle = resolve;
  });
  let over = false;
  const finish = (end: WaitEnd) => {
    // Stryker disable next-line ConditionalExpression: settling a settled promise does nothing, and `over` ends true either way
    if (over) return;
    over = true;
    settle(end);
  };
  const joined = desk.join(scope.call.accountSid, verb.queue, {
    callSid: scope.call.sid,
    channel: scope.channel,
    dequeued: (bridge) => finish({ kind: 'dequeued', bridge }),
    redirected: (url, method) => finish({ kind: 'redirected', url, method }),
  });
  if ('full' in joined) return result(verb, scope, 'queue-full', null, null);
  const { ticket } = joined;
  const waitStop = childController(scope.signal);
  const own = { hangup: () => finish({ kind: 'caller-hangup' }) };
  scope.listen(own);
  if (scope.hungUp) finish({ kind: 'caller-hangup' });
  const waitUrl = verb.waitUrl === null ? null : scope.resolveUrl(verb.waitUrl);
  if (verb.waitUrl !== null && waitUrl === null) {
    scope.notice(
      13801,
      `<Enqueue> waitUrl "${verb.waitUrl}" is not an http(s) URL; the caller waits in silence`,
      'warning',
    );
  }
  if (waitUrl !== null) {
    // In a microtask: an agent already waiting takes the caller first (queues.ts), and then
    // no wait document is fetched at all.
    queueMicrotask(() => {
      if (over) return;
      void waitLoop(scope, verb, waitUrl, ticket, waitStop.controller.signal, (end) => {
        // A hang-up during a wait document stops it at once: no further verb starts.
        // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: finish settles the wait and its finally aborts waitStop before the wait document's verb (a Gather, the only one that hears the hang-up) can do anything more; aborting it here too, or for other ends, changes nothing observable
        if (end.kind === 'caller-hangup') waitStop.controller.abort(ABORTED);
        finish(end);
      });
    });
  }

  let end: WaitEnd;
  try {
    end = await untilAborted(ended, scope.signal);
  } catch (error) {
    // A live change or the engine ending the call: out of the queue, the connection dropped.
    ticket.leave();
    void ended.then((late) => {
      if (late.kind === 'dequeued') late.bridge.gone();
    });
    // Stryker disable next-line ObjectLiteral,StringLiteral: the value only reaches the late check above, which looks for 'dequeued'; what matters is that the wait is over
    finish({ kind: 'caller-hangup' });
    throw error;
  } finally {
    waitStop.controller.abort(ABORTED);
    waitStop.dispose();
  }
  const queueTime = ticket.waited();
  switch (end.kind) {
    case 'caller-hangup':
      ticket.leave();
      return result(verb, scope, 'hangup', ticket.queueSid, queueTime);
    case 'leave':
      ticket.leave();
      return result(verb, scope, 'leave', ticket.queueSid, queueTime);
    case 'error':
      ticket.leave();
      return result(verb, scope, 'error', ticket.queueSid, queueTime);
    case 'document-hangup':
      ticket.leave();
      // Stryker disable next-line ObjectLiteral,StringLiteral: the call machine ends the call on any outcome but next, fetch and rejected (callMachine.ts guards)
      return { kind: 'hangup' };
    case 'redirected': {
      if (verb.action !== null) {
        const action = scope.resolveUrl(verb.action);
        if (action !== null) {
          scope.notify(action, verb.method, {
            ...callParams(scope.call),
            QueueResult: 'redirected',
            QueueSid: ticket.queueSid,
            QueueTime: String(queueTime),
          });
        }
      }
      return { kind: 'fetch', url: end.url, written: end.url, method: end.method, params: {} };
    }
    case 'dequeued': {
      const outcome = await connected(scope, end.bridge);
      return result(verb, scope, outcome, ticket.queueSid, end.bridge.init.queueTime);
    }
  }
}

/** The waitUrl documents, again and again while the caller waits. */
async function waitLoop(
  scope: VerbScope,
  verb: EnqueueVerb,
  waitUrl: string,
  ticket: Ticket,
  signal: AbortSignal,
  finish: (end: WaitEnd) => void,
): Promise<void> {
  try {
    for (;;) {
      const end = await runSubDocuments(scope, {
        first: { url: waitUrl, method: verb.waitUrlMethod, params: {} },
        params: () => ticket.waitParams(),
        allowed: WAIT_VERBS,
        what: `Enqueue waitUrl of queue ${verb.queue}`,
        signal,
        onHangup: () => finish({ kind: 'caller-hangup' }),
      });
      if (end.kind === 'ran-out') continue;
      if (end.kind === 'leave') finish({ kind: 'leave' });
      else if (end.kind === 'hangup') finish({ kind: 'document-hangup' });
      else finish({ kind: 'error' });
      return;
    }
  } catch (error) {
    if (!isAborted(error)) {
      scope.notice(20500, `Enqueue: the wait documents failed: ${String(error)}`);
      finish({ kind: 'error' });
    }
  }
}

/**
 * Taken off the queue: the `<Queue url>` document plays to the caller, then the caller is
 * connected until one side ends. Rejects when the verb is abandoned.
 */
async function connected(scope: VerbScope, bridge: QueueBridge): Promise<QueueResult> {
  const { init } = bridge;
  let callerLeft = false;
  const whisperStop = childController(scope.signal);
  const leave = () => {
    callerLeft = true;
    whisperStop.controller.abort(ABORTED);
    // Stryker disable next-line StringLiteral: the side that ends a bridge only settles bridge.ended, whose value nobody reads
    bridge.end('member');
  };
  scope.listen({ hangup: leave });
  try {
    if (scope.hungUp) leave();
    if (init.url !== null && !callerLeft) {
      let end: Awaited<ReturnType<typeof runSubDocuments>> | null = null;
      try {
        end = await runSubDocuments(scope, {
          first: { url: init.url, method: init.method, params: {} },
          params: () => ({
            QueueSid: init.queueSid,
            QueueTime: String(init.queueTime),
            DequeingCallSid: init.agentCallSid,
          }),
          allowed: DEQUEUE_VERBS,
          what: `Dial Queue url of queue ${init.queueSid}`,
          signal: whisperStop.controller.signal,
          onHangup: leave,
        });
      } catch (error) {
        if (!isAborted(error) || scope.signal.aborted) throw error;
      }
      if (callerLeft) {
        bridge.gone();
        return 'bridging-in-process';
      }
      if (end !== null && end.kind !== 'ran-out') {
        bridge.gone();
        return end.kind === 'failed' ? 'error' : 'bridging-in-process';
      }
    }
    if (callerLeft) {
      bridge.gone();
      return 'bridging-in-process';
    }
    bridge.ready();
    await untilAborted(bridge.ended, scope.signal);
    return 'bridged';
  } catch (error) {
    bridge.gone();
    throw error;
  } finally {
    whisperStop.dispose();
  }
}

/** The `action` request (or the next verb) for how the caller left the queue. */
function result(
  verb: EnqueueVerb,
  scope: VerbScope,
  queueResult: QueueResult,
  queueSid: string | null,
  queueTime: number | null,
): VerbOutcome {
  if (verb.action === null) return NEXT;
  const params: Record<string, string> = { QueueResult: queueResult };
  if (queueSid !== null) params.QueueSid = queueSid;
  if (queueTime !== null) params.QueueTime = String(queueTime);
  return fetchOutcome(scope, verb.action, verb.method, params);
}
