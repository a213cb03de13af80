/**
 * `<Gather>` (spec 4.4): collect digits (and speech through the driver's recogniser).
 * Keys during the prompts count and, with `bargeIn`, stop them; the timeout runs after the
 * prompts end or from the first key, and restarts on every key. Input ends on `finishOnKey`,
 * `numDigits`, a speech result or the timeout. A caller hang-up abandons it (no action).
 */

import { ABORTED, childController, isAborted, untilAborted } from '../call/abort.js';
import type { GatherVerb } from '../document/ast.js';
import type { TimerId } from '../ports.js';
import { executePause } from './pause.js';
import { executePlay } from './play.js';
import { executeSay } from './say.js';
import { fetchOutcome, NEXT, type VerbOutcome, type VerbScope } from './types.js';

type End = 'key' | 'digits' | 'speech' | 'timeout';

export async function executeGather(verb: GatherVerb, scope: VerbScope): Promise<VerbOutcome> {
  await scope.answer();
  const { signal } = scope;
  const acceptsDtmf = verb.input !== 'speech';
  const acceptsSpeech = verb.input !== 'dtmf' && scope.capabilities.speech;
  const prompts = childController(signal);
  // With speech, a signal of its own, aborted when input collection is over however it ended,
  // tells the recogniser to stop. DTMF needs none (keys come through the channel's handler).
  const collecting = acceptsSpeech ? childController(signal) : null;
  let digits = '';
  let finishedOnKey = false;
  let speech: { transcript: string; confidence: number } | null = null;
  let ended: End | null = null;
  let timer: TimerId | null = null;
  let resolveEnd!: (why: End) => void;
  const finished = new Promise<End>((resolve) => {
    resolveEnd = resolve;
  });

  const clearTimer = () => {
    if (timer !== null) scope.clearTimer(timer);
    timer = null;
  };
  const end = (why: End) => {
    if (ended !== null) return;
    ended = why;
    clearTimer();
    // With bargeIn the prompts stop at once; without, they play to their end.
    if (verb.bargeIn) prompts.controller.abort(ABORTED);
    resolveEnd(why);
  };
  const armTimer = () => {
    clearTimer();
    timer = scope.setTimer(() => {
      timer = null;
      end('timeout');
    }, verb.timeout * 1000);
  };

  scope.listen({
    dtmf(digit) {
      if (ended !== null || !acceptsDtmf) return;
      if (verb.finishOnKey !== '' && digit === verb.finishOnKey) {
        finishedOnKey = true;
        end('key');
        return;
      }
      digits += digit;
      if (verb.bargeIn) prompts.controller.abort(ABORTED);
      if (verb.numDigits !== null && digits.length >= verb.numDigits) {
        end('digits');
        return;
      }
      armTimer();
    },
    speech(result) {
      if (ended !== null || !acceptsSpeech) return;
      speech = { transcript: result.transcript, confidence: result.confidence };
      end('speech');
    },
  });

  try {
    await untilAborted(
      scope.channel.gather(
        {
          input: verb.input,
          timeout: verb.timeout,
          finishOnKey: verb.finishOnKey,
          numDigits: verb.numDigits,
        },
        collecting?.controller.signal ?? signal,
      ),
      signal,
    );
    for (const child of verb.children) {
      // Without bargeIn the prompts play in full even when input is already complete.
      if (prompts.controller.signal.aborted || (ended !== null && verb.bargeIn)) break;
      const promptSignal = prompts.controller.signal;
      try {
        if (child.kind === 'Say') await executeSay(child, scope, promptSignal);
        else if (child.kind === 'Play') await executePlay(child, scope, promptSignal);
        else await executePause(child, scope, promptSignal);
      } catch (error) {
        if (signal.aborted || !isAborted(error)) throw error;
        break;
      }
    }
    prompts.dispose();
    if (ended === null && digits === '') armTimer();
    await untilAborted(finished, signal);
  } finally {
    clearTimer();
    prompts.dispose();
    collecting?.controller.abort(ABORTED);
    collecting?.dispose();
  }

  const action = (params: Record<string, string>) => fetchOutcome(scope, verb.action, verb.method, params);
  const heard = speech as { transcript: string; confidence: number } | null;
  if (heard !== null) {
    return action({ SpeechResult: heard.transcript, Confidence: String(heard.confidence) });
  }
  if (digits !== '') {
    return action(finishedOnKey ? { Digits: digits, FinishedOnKey: verb.finishOnKey } : { Digits: digits });
  }
  if (!verb.actionOnEmptyResult) return NEXT;
  return action(finishedOnKey ? { Digits: '', FinishedOnKey: verb.finishOnKey } : { Digits: '' });
}
