/**
 * `<Gather>` (spec 4.4): collect digits, and speech through the driver's recogniser.
 * Keys during the prompts count and, with `bargeIn`, stop them; the timeout runs after the
 * prompts end or from the first key, and restarts on every key. Input ends on `finishOnKey`,
 * `numDigits`, the end of an utterance or the timeout. A caller hang-up abandons it (no
 * action).
 *
 * Speech: voice that starts before the no-input timeout ends it holds the Gather until the
 * utterance ends: `speechTimeout` seconds after the last voice (the engine's own timer), or
 * with `speechTimeout="auto"` when the recogniser reports its result. The words the recogniser
 * reported by then are the result (none: an empty result, as for keys). Whichever input
 * completes first wins. A driver without a recogniser gets warning 13335 once per Gather.
 */

import { ABORTED, childController, isAborted, untilAborted } from '../call/abort.js';
import type { GatherVerb } from '../document/ast.js';
import { callParams } from '../fetch/params.js';
import type { SpeechResult, TimerId } from '../ports.js';
import { executePause } from './pause.js';
import { executePlay } from './play.js';
import { executeSay } from './say.js';
import { fetchOutcome, NEXT, type VerbOutcome, type VerbScope } from './types.js';

type End = 'key' | 'digits' | 'speech' | 'timeout';

/** A recogniser's confidence as the shortest decimal in 0..1 (`0.9`, `0.75`; never `1e-7`). */
export function formatConfidence(confidence: number): string {
  if (!Number.isFinite(confidence) || confidence <= 0) return '0';
  if (confidence >= 1) return '1';
  return String(Math.round(confidence * 1e6) / 1e6);
}

export async function executeGather(verb: GatherVerb, scope: VerbScope): Promise<VerbOutcome> {
  await scope.answer();
  const { signal } = scope;
  const acceptsDtmf = verb.input !== 'speech';
  const wantsSpeech = verb.input !== 'dtmf';
  const acceptsSpeech = wantsSpeech && scope.capabilities.speech;
  if (wantsSpeech && !acceptsSpeech) {
    scope.notice(
      13335,
      `Gather: speech input is not available (the media driver has no recogniser); ${
        acceptsDtmf ? 'only keys are collected' : 'the Gather gets no input'
      }`,
      'warning',
    );
  }
  const speechTimeout = verb.speechTimeout ?? verb.timeout;
  const partialTarget =
    acceptsSpeech && verb.partialResultCallback !== undefined
      ? scope.resolveUrl(verb.partialResultCallback)
      : null;
  if (acceptsSpeech && verb.partialResultCallback !== undefined && partialTarget === null) {
    scope.notice(
      13301,
      `Gather: partialResultCallback "${verb.partialResultCallback}" is not http(s)`,
      'warning',
    );
  }
  const prompts = childController(signal);
  // With speech, a signal of its own, aborted when input collection is over however it ended,
  // tells the recogniser to stop. DTMF needs none (keys come through the channel's handler).
  const collecting = acceptsSpeech ? childController(signal) : null;
  // A saved call resumes a keys-only Gather that was waiting for input (prompts done).
  const resumed = scope.resumed?.kind === 'gather' && !acceptsSpeech ? scope.resumed : undefined;
  let digits = resumed === undefined ? '' : String(resumed.digits);
  /** The prompts are over: the Gather only waits for input (what a saved call can resume). */
  let waiting = resumed !== undefined;
  /** When the no-input timer fires (ms on the clock). */
  let deadline = 0;
  let finishedOnKey = false;
  let heard: SpeechResult | null = null;
  /** Voice started and its utterance has not ended yet (the utterance timer runs only meanwhile). */
  let speaking = false;
  let partials = 0;
  let ended: End | null = null;
  let timer: TimerId | null = null;
  let utterance: TimerId | null = null;
  let resolveEnd!: (why: End) => void;
  const finished = new Promise<End>((resolve) => {
    resolveEnd = resolve;
  });

  const clearTimer = () => {
    if (timer !== null) scope.clearTimer(timer);
    timer = null;
  };
  const clearUtterance = () => {
    if (utterance !== null) scope.clearTimer(utterance);
    utterance = null;
  };
  const end = (why: End) => {
    if (ended !== null) return;
    ended = why;
    clearTimer();
    clearUtterance();
    // With bargeIn the prompts stop at once; without, they play to their end.
    if (verb.bargeIn) prompts.controller.abort(ABORTED);
    resolveEnd(why);
  };
  /** Keep what a saved call needs to resume this Gather: keys so far and the deadline. */
  const save = () => {
    if (waiting && ended === null && !acceptsSpeech) scope.progress?.({ kind: 'gather', digits, deadline });
  };
  const armTimer = (ms = verb.timeout * 1000) => {
    clearTimer();
    deadline = scope.clock.now() + ms;
    timer = scope.setTimer(() => {
      timer = null;
      // Stryker disable next-line StringLiteral: the end reason is only compared with null and 'speech'; any other text ends the input alike
      end('timeout');
    }, ms);
    save();
  };
  const voiceStarted = () => {
    speaking = true;
    clearUtterance();
    // Voice before the no-input timeout ends it holds the Gather until the utterance ends.
    if (digits === '') clearTimer();
    if (verb.bargeIn) prompts.controller.abort(ABORTED);
  };
  const utteranceEnded = () => {
    // Stryker disable next-line BooleanLiteral: end('speech') follows at once, and after the end every handler returns early and the prompts' end finds `ended` set
    speaking = false;
    utterance = null;
    end('speech');
  };

  scope.listen({
    dtmf(digit) {
      if (ended !== null || !acceptsDtmf) return;
      // Stryker disable next-line StringLiteral: a key is never the empty string (ChannelHandler.dtmf: `0-9 * # A-D`), so comparing an empty finishOnKey with it is already false
      if (verb.finishOnKey !== '' && digit === verb.finishOnKey) {
        finishedOnKey = true;
        // Stryker disable next-line StringLiteral: the end reason is only compared with null and 'speech'; any other text ends the input alike
        end('key');
        return;
      }
      digits += digit;
      if (verb.bargeIn) prompts.controller.abort(ABORTED);
      if (verb.numDigits !== null && digits.length >= verb.numDigits) {
        // Stryker disable next-line StringLiteral: the end reason is only compared with null and 'speech'; any other text ends the input alike
        end('digits');
        return;
      }
      armTimer();
    },
    voice(active) {
      if (ended !== null || !acceptsSpeech) return;
      if (active) {
        voiceStarted();
        return;
      }
      if (!speaking || speechTimeout === 'auto') return;
      clearUtterance();
      utterance = scope.setTimer(utteranceEnded, speechTimeout * 1000);
    },
    speech(result) {
      if (ended !== null || !acceptsSpeech) return;
      if (result.transcript !== '') {
        heard =
          heard === null
            ? { transcript: result.transcript, confidence: result.confidence }
            : { transcript: `${heard.transcript} ${result.transcript}`, confidence: result.confidence };
      }
      // `auto`: the recogniser decides where the utterance ends.
      if (speechTimeout === 'auto') utteranceEnded();
      // A recogniser that reports words without voice activity: the result is the utterance.
      else if (!speaking && heard !== null) utteranceEnded();
    },
    partialSpeech(result) {
      if (ended !== null || partialTarget === null) return;
      const params = callParams(scope.call);
      params.UnstableSpeechResult = result.unstable;
      params.StableSpeechResult = result.stable;
      params.SequenceNumber = String(partials++);
      scope.notify(partialTarget, verb.partialResultCallbackMethod ?? 'POST', params);
    },
  });
  // Talking as the Gather starts: that utterance counts (it ends after the prompts' barge-in).
  if (acceptsSpeech && scope.voiceActive) voiceStarted();

  try {
    if (resumed !== undefined) {
      armTimer(Math.max(0, Number(resumed.deadline) - scope.clock.now()));
      await untilAborted(finished, signal);
    } else {
      await untilAborted(
        scope.channel.gather(
          {
            input: verb.input,
            timeout: verb.timeout,
            finishOnKey: verb.finishOnKey,
            numDigits: verb.numDigits,
            language: verb.language ?? 'en-US',
            hints: verb.hints ?? [],
            speechTimeout,
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
      waiting = true;
      if (ended === null && digits === '' && !speaking) armTimer();
      else save();
      await untilAborted(finished, signal);
    }
  } finally {
    clearTimer();
    clearUtterance();
    prompts.dispose();
    collecting?.controller.abort(ABORTED);
    collecting?.dispose();
  }

  const action = (params: Record<string, string>) => fetchOutcome(scope, verb.action, verb.method, params);
  const result = heard as SpeechResult | null;
  // A recognised utterance wins unless the keys completed first.
  if (result !== null && (ended === 'speech' || digits === '')) {
    return action({ SpeechResult: result.transcript, Confidence: formatConfidence(result.confidence) });
  }
  if (digits !== '') {
    return action(finishedOnKey ? { Digits: digits, FinishedOnKey: verb.finishOnKey } : { Digits: digits });
  }
  if (!verb.actionOnEmptyResult) return NEXT;
  return action(finishedOnKey ? { Digits: '', FinishedOnKey: verb.finishOnKey } : { Digits: '' });
}
