/**
 * `<Dial><Queue>` (TwiML, decisions "Queues"): take the first caller off the named queue,
 * waiting up to the dial `timeout` for one when it is empty; the `<Queue url>` document plays
 * to that caller (verbs/enqueue.ts), then the two calls are connected until one hangs up,
 * `timeLimit` passes or `*` with `hangupOnStar`. `action` receives `DialCallStatus`
 * (`completed`, `no-answer` when nobody came or the caller left before the connection,
 * `failed` when the queue does not exist or the driver cannot connect, `canceled` when this
 * call hung up first), `DialCallSid` (the dequeued call), `DialCallDuration`, `QueueSid`.
 */
import { ABORTED, childController, untilAborted } from '../call/abort.js';
import type { DialVerb, QueueNoun } from '../document/ast.js';
import type { TimerId } from '../ports.js';
import type { QueueBridge } from '../queues/bridge.js';
import { fetchOutcome, NEXT, type VerbOutcome, type VerbScope } from './types.js';

type DialQueueStatus = 'completed' | 'no-answer' | 'failed' | 'canceled';

export async function executeDialQueue(
  verb: DialVerb,
  noun: QueueNoun,
  scope: VerbScope,
): Promise<VerbOutcome> {
  await scope.answer();
  const desk = scope.queues;
  // Stryker disable next-line OptionalChaining: the engine always gives verbs its queues (createEngine), desk is never undefined
  const queue = desk?.find(scope.call.accountSid, noun.value);
  if (desk === undefined || queue === undefined) {
    scope.notice(13201, `Dial: queue "${noun.value}" does not exist`, 'warning');
    return outcome(verb, scope, 'failed', null, 0, null);
  }
  const url = noun.url === null ? null : scope.resolveUrl(noun.url);
  if (verb.record !== 'do-not-record') {
    scope.notice(
      13201,
      `Dial: record="${verb.record}" is not implemented with <Queue>; not recorded`,
      'warning',
    );
  }
  let hungUp = scope.hungUp;
  let bridge: QueueBridge | null = null;
  const waiting = childController(scope.signal);
  let timer: TimerId | null = scope.setTimer(() => {
    timer = null;
    waiting.controller.abort(ABORTED);
  }, verb.timeout * 1000);
  const stopTimer = () => {
    if (timer !== null) scope.clearTimer(timer);
    timer = null;
  };
  scope.listen({
    hangup() {
      hungUp = true;
      if (bridge === null) waiting.controller.abort(ABORTED);
      else {
        // Stryker disable next-line StringLiteral: the side that ends a bridge only settles bridge.ended, whose value nobody reads
        bridge.end('agent');
      }
    },
    dtmf(digit) {
      if (digit === '*' && verb.hangupOnStar) bridge?.end('agent');
    },
  });
  let connection: ReturnType<typeof childController> | null = null;
  let limit: TimerId | null = null;
  try {
    if (hungUp) waiting.controller.abort(ABORTED);
    bridge = await untilAborted(
      desk.take(queue.sid, { callSid: scope.call.sid, url, method: noun.method }, waiting.controller.signal),
      scope.signal,
    );
    stopTimer();
    if (bridge === null) return outcome(verb, scope, hungUp ? 'canceled' : 'no-answer', null, 0, queue.sid);
    const member = bridge.init.memberCallSid;
    const ready = await untilAborted(bridge.memberReady, scope.signal);
    if (ready === 'gone' || hungUp) {
      // Stryker disable next-line StringLiteral: the side that ends a bridge only settles bridge.ended, whose value nobody reads
      bridge.end('agent');
      return outcome(verb, scope, hungUp ? 'canceled' : 'no-answer', member, 0, queue.sid);
    }
    const channel = scope.channel;
    if (channel.connect === undefined) {
      scope.notice(14103, 'Dial: the media driver cannot connect two calls (<Queue>)');
      // Stryker disable next-line StringLiteral: the side that ends a bridge only settles bridge.ended, whose value nobody reads
      bridge.end('agent');
      return outcome(verb, scope, 'failed', member, 0, queue.sid);
    }
    connection = childController(scope.signal);
    const current = bridge;
    channel.connect(bridge.init.memberChannel, connection.controller.signal).catch((error: unknown) => {
      if (connection?.controller.signal.aborted) return;
      scope.notice(14103, `Dial: the driver could not connect ${member}: ${String(error)}`);
      // Stryker disable next-line StringLiteral: the side that ends a bridge only settles bridge.ended, whose value nobody reads
      current.end('agent');
    });
    const bridgedAt = scope.clock.now();
    // Stryker disable next-line StringLiteral: the side that ends a bridge only settles bridge.ended, whose value nobody reads
    limit = scope.setTimer(() => current.end('agent'), verb.timeLimit * 1000);
    await untilAborted(bridge.ended, scope.signal);
    const seconds = Math.floor((scope.clock.now() - bridgedAt) / 1000);
    return outcome(verb, scope, 'completed', member, seconds, queue.sid);
  } catch (error) {
    // Stryker disable next-line StringLiteral: the side that ends a bridge only settles bridge.ended, whose value nobody reads
    bridge?.end('agent');
    throw error;
  } finally {
    stopTimer();
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a limit timer left running only ends a bridge already over, which end() ignores
    if (limit !== null) scope.clearTimer(limit);
    waiting.dispose();
    connection?.controller.abort(ABORTED);
    connection?.dispose();
  }
}

function outcome(
  verb: DialVerb,
  scope: VerbScope,
  status: DialQueueStatus,
  dialCallSid: string | null,
  duration: number,
  queueSid: string | null,
): VerbOutcome {
  if (verb.action === null) return NEXT;
  const params: Record<string, string> = { DialCallStatus: status };
  if (dialCallSid !== null) params.DialCallSid = dialCallSid;
  params.DialCallDuration = String(duration);
  if (queueSid !== null) params.QueueSid = queueSid;
  return fetchOutcome(scope, verb.action, verb.method, params);
}
