/**
 * Plays the people on the phone in an `rcml serve` run: each time a `<Gather>` starts on a
 * leg, the next answer planned for that kind of leg (the called party of an outbound call,
 * or a dialled agent) is given: keys, or a spoken phrase. It reacts to the engine's media
 * trace of each verb (the `verb` events), so no answer depends on timing.
 */
import type { SimulatedCall, SimulatedFarEnd } from '@rcml/driver';
import type { RunningServer } from '../../packages/cli/src/serve/startServe.js';

/** What the person does when a Gather starts: press keys, or say a phrase. */
export type Answer = { readonly keys: string } | { readonly say: string; readonly confidence?: number };

export interface FarEndPlan {
  /** Answers of the party an outbound call reached, one per Gather, in order. */
  readonly outbound?: readonly Answer[];
  /** Answers of dialled agents (whisper documents), one per Gather, in order. */
  readonly leg?: readonly Answer[];
}

/** Speaking time of a phrase, in seconds (about a speaking pace). */
const speakSeconds = (text: string) => Math.max(0.2, text.length * 0.02);

/** Say `text` on the simulated far end (the recogniser hears it when the utterance ends). */
export function say(farEnd: SimulatedFarEnd, text: string, confidence?: number): Promise<void> {
  return farEnd.speak(speakSeconds(text), text, confidence);
}

function give(farEnd: SimulatedFarEnd, answer: Answer): void {
  if ('keys' in answer) void farEnd.dtmf(answer.keys);
  else void say(farEnd, answer.say, answer.confidence);
}

/** Answer every Gather of the server's calls as planned; returns the function that stops it. */
export function playFarEnds(server: RunningServer, plan: FarEndPlan): () => void {
  const queues: Record<SimulatedCall['kind'], Answer[]> = {
    outbound: [...(plan.outbound ?? [])],
    leg: [...(plan.leg ?? [])],
    inbound: [],
  };
  // The engine's trace of each verb as it starts, for the call and its dial legs alike.
  return server.runtime.engine.subscribe((event) => {
    if (event.type !== 'verb' || event.phase !== 'start' || event.verb !== 'Gather') return;
    const call = server.runtime.simulated?.calls.find((c) => c.callSid === event.callSid);
    if (call === undefined) return;
    const answer = queues[call.kind].shift();
    // Once the Gather listens (it answers the call first, then starts its prompts).
    if (answer !== undefined) setImmediate(() => give(call.farEnd, answer));
  });
}
