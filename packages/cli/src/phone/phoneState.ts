/**
 * What the terminal phone shows, as plain data: the words spoken so far, the media running
 * now (with when it started and how long it lasts, so the screen can animate it), the keys
 * pressed, and the side log. Fed by the media observer and the call log.
 */
import { ERROR_CODES, isErrorCode } from '@rcml/core';
import type { ObservedOperation } from '../timeline/observe.js';

/** The media running now. */
export type Activity =
  | {
      readonly kind: 'say';
      readonly text: string;
      readonly startedAt: number;
      readonly charMs: number;
      readonly loop: number;
    }
  | { readonly kind: 'play'; readonly url: string; readonly startedAt: number; readonly durationMs: number }
  | { readonly kind: 'pause'; readonly startedAt: number; readonly durationMs: number }
  | { readonly kind: 'digits'; readonly digits: string }
  | { readonly kind: 'dial'; readonly targets: string };

export interface PhoneState {
  status: string;
  /** Finished lines: what was said, played, or happened, in order. */
  readonly transcript: string[];
  activity: Activity | undefined;
  /** Waiting for keys (Gather) or recording (Record), shown under the activity. */
  mode: string | undefined;
  readonly keys: string[];
  readonly log: string[];
  answeredAt: number | null;
  endedAt: number | null;
  ended: string | undefined;
  /** The error the engine last reported for the call's document (cleared by its next fetch). */
  refusal: Refusal | undefined;
  /** Whether the refusal has been told (once per call). */
  refusalShown: boolean;
  /** Told when the phone says why the engine ended the call (the log shows it too). */
  onRefusalShown: ((text: string) => void) | undefined;
  /** The phrase being typed after `s`, shown until Enter. */
  typing: string | undefined;
}

/** An error notice of the call: why the engine did not run the app's answer. */
export interface Refusal {
  readonly code: number;
  readonly message: string;
}

/** Connection-level failures: the app was not reached at all. */
const UNREACHED = new Set([11205, 11210, 11220]);

/**
 * The phone's words for a refusal: `the engine refused the app's answer: 12300 invalid
 * Content-Type: Content-Type "application/json" is not RCML ...` (the URL the message starts
 * with is left out: the log has it).
 */
export function describeRefusal(refusal: Refusal): string {
  const meaning = isErrorCode(refusal.code) ? ERROR_CODES[refusal.code] : 'error';
  const detail = refusal.message.replace(/^https?:\/\/\S+: /, '');
  // The app answered 4xx: it refused the engine's request (often its signature check).
  const refused = /^HTTP (4\d\d) from \S+: ?(.*)$/s.exec(refusal.message);
  if (refusal.code === 11200 && refused !== null) {
    const [, status, body = ''] = refused;
    const signature = /signature|validation/i.test(body)
      ? ' (the app checks X-Twilio-Signature: give rcml call --auth-token with the auth token the app validates with)'
      : '';
    return `the app refused the request: HTTP ${status}${body === '' ? '' : `: ${body}`}${signature}`;
  }
  const what = UNREACHED.has(refusal.code)
    ? 'the engine could not reach the app'
    : "the engine refused the app's answer";
  return `${what}: ${refusal.code} ${meaning}: ${detail}`;
}

export interface PhoneTiming {
  /** ms per spoken character (the simulated driver's `sayCharSeconds` × 1000). */
  readonly charMs: number;
  /** ms one `<Play>` lasts. */
  readonly playMs: number;
  readonly now: () => number;
}

export function createPhoneState(): PhoneState {
  return {
    status: 'dialling',
    transcript: [],
    activity: undefined,
    mode: undefined,
    keys: [],
    log: [],
    answeredAt: null,
    endedAt: null,
    ended: undefined,
    refusal: undefined,
    refusalShown: false,
    onRefusalShown: undefined,
    typing: undefined,
  };
}

/** How much of a Say has been spoken at `now` (the whole text once per loop). */
export function spokenSoFar(activity: Extract<Activity, { kind: 'say' }>, now: number): string {
  const chars = [...activity.text];
  const n = chars.length;
  if (n === 0) return '';
  const said = Math.max(0, Math.floor((now - activity.startedAt) / Math.max(activity.charMs, 0.001)));
  if (said >= n * Math.max(1, activity.loop)) return activity.text;
  const position = said % n;
  // At a loop boundary the whole text has just been said; the next character starts it again.
  return position === 0 && said > 0 ? activity.text : chars.slice(0, position).join('');
}

/**
 * What a keys Gather waits for, in the phone's words: `Listening for 1 key` (the key ends
 * it: no finish key to mention), `Listening for 4 keys, or end sooner with #`, `Listening
 * for keys, end with #`.
 */
export function listeningForKeys(numDigits: number | null, finishOnKey: string): string {
  if (numDigits === 1) return 'Listening for 1 key';
  if (numDigits === null) return `Listening for keys${finishOnKey === '' ? '' : `, end with ${finishOnKey}`}`;
  return `Listening for ${numDigits} keys${finishOnKey === '' ? '' : `, or end sooner with ${finishOnKey}`}`;
}

/** Update the state for one media operation, and again when it settles. */
export function applyOperation(state: PhoneState, op: ObservedOperation, timing: PhoneTiming): void {
  const d = op.detail;
  const finish = (line: string | ((how: string) => string)) => {
    const activity = state.activity;
    void op.settled.then((how) => {
      if (state.activity === activity) state.activity = undefined;
      state.transcript.push(typeof line === 'string' ? line : line(how));
    });
  };
  switch (op.op) {
    case 'answer':
      state.transcript.push('(the call is answered)');
      return;
    case 'say': {
      const text = String(d.text ?? '');
      const activity: Activity = {
        kind: 'say',
        text,
        startedAt: op.at,
        charMs: timing.charMs,
        loop: Number(d.loop ?? 1),
      };
      state.activity = activity;
      void op.settled.then((how) => {
        if (state.activity === activity) state.activity = undefined;
        const heard = how === 'done' ? text : `${spokenSoFar(activity, timing.now())}… (interrupted)`;
        state.transcript.push(`“${heard}”`);
      });
      return;
    }
    case 'play':
      state.activity = {
        kind: 'play',
        url: String(d.url),
        startedAt: op.at,
        durationMs: timing.playMs * Math.max(1, Number(d.loop ?? 1)),
      };
      finish((how) => `♪ ${String(d.url)}${how === 'done' ? '' : ' (stopped)'}`);
      return;
    case 'pause':
      state.activity = { kind: 'pause', startedAt: op.at, durationMs: Number(d.length ?? 1) * 1000 };
      finish(`(pause ${String(d.length)} s)`);
      return;
    case 'digits':
      state.activity = { kind: 'digits', digits: String(d.digits) };
      finish(`(the app sends tones ${String(d.digits)})`);
      return;
    case 'gather': {
      const input = String(d.input ?? 'dtmf');
      const speech = input.includes('speech');
      const keys = input.includes('dtmf');
      state.mode = keys
        ? `${listeningForKeys(d.numDigits as number | null, String(d.finishOnKey ?? ''))}${speech ? ', or speech (s, words, Enter)' : ''}`
        : 'Listening for speech: press s, say your words, Enter';
      return;
    }
    case 'record':
      state.mode = `● Recording: press s and Enter to speak, ${String(d.finishOnKey) || 'hang up'} to stop`;
      return;
    case 'dial': {
      const targets = ((d.targets as { to: string }[] | undefined) ?? []).map((t) => t.to).join(', ');
      state.activity = { kind: 'dial', targets };
      state.transcript.push(`(dialling ${targets})`);
      return;
    }
    case 'hangup':
      state.mode = undefined;
      if (state.refusal !== undefined && !state.refusalShown) {
        // The engine ends the call because the app's answer could not be run, not the app.
        state.refusalShown = true;
        const text = describeRefusal(state.refusal);
        state.transcript.push(`(${text})`);
        state.onRefusalShown?.(text);
      } else state.transcript.push('(the app hangs up)');
      return;
    case 'reject':
      state.transcript.push(`(the app rejects the call: ${String(d.reason)})`);
      return;
  }
}
