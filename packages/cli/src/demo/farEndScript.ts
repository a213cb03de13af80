/**
 * The far end of the demo call, reacting to what it hears like a person would: it waits for
 * each menu prompt to finish, presses its next key, talks after the beep of a recording and
 * ends the recording with `#`. Reacting to the media (instead of fixed times) keeps the demo
 * correct however long the real HTTP requests take.
 */
import type { SimulatedFarEnd } from '@rcml/driver';
import type { LogEntry } from '../timeline/callLog.js';
import type { ObservedOperation } from '../timeline/observe.js';

export interface FarEndScriptOptions {
  /** Keys to press, one per menu (a Gather); when they run out, the caller hangs up. */
  readonly keys: string;
  /** Seconds of talking into a recording before pressing `#`. */
  readonly speakSeconds: number;
  /** Tell the log what the caller does. */
  readonly note: (entry: LogEntry) => void;
  readonly now: () => number;
  /** Real-time delays (the demo runs on the real clock). */
  readonly later: (fn: () => void, ms: number) => void;
}

export interface FarEndScript {
  /** Attach to the far end of the call once the driver has made it. */
  attach(farEnd: SimulatedFarEnd, channelId: string): void;
  /** Feed every media operation of the run. */
  onOperation(op: ObservedOperation): void;
}

/** A short pause before reacting, as a person would (and so keys never race the prompt's end). */
const REACTION_MS = 120;

export function createFarEndScript(options: FarEndScriptOptions): FarEndScript {
  let farEnd: SimulatedFarEnd | undefined;
  let channel: string | undefined;
  let nextKey = 0;
  let waitingForPrompt = false;
  const party = (text: string) => options.note({ kind: 'party', at: options.now(), text });

  function press(): void {
    if (farEnd === undefined) return;
    const key = options.keys[nextKey++];
    if (key === undefined) {
      party('hangs up (no more keys to press)');
      void farEnd.hangup();
      return;
    }
    void farEnd.dtmf(key);
  }

  return {
    attach(end, channelId) {
      farEnd = end;
      channel = channelId;
    },
    onOperation(op) {
      if (op.channelId !== channel || farEnd === undefined) return;
      if (op.op === 'gather') {
        waitingForPrompt = true;
        // A Gather without prompts: answer it at once.
        options.later(() => {
          if (waitingForPrompt) {
            waitingForPrompt = false;
            press();
          }
        }, REACTION_MS * 3);
      } else if (waitingForPrompt && (op.op === 'say' || op.op === 'play' || op.op === 'pause')) {
        waitingForPrompt = false;
        void op.settled.then((how) => {
          if (how === 'done') options.later(press, REACTION_MS);
        });
      } else if (op.op === 'record') {
        const end = farEnd;
        options.later(() => {
          party(`speaks for ${options.speakSeconds} s`);
          void end.speak(options.speakSeconds);
          options.later(() => void end.dtmf('#'), options.speakSeconds * 1000 + REACTION_MS);
        }, REACTION_MS);
      }
    },
  };
}
