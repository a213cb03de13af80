/**
 * The channel's events, routed to the call: lifecycle events go to the call machine; the
 * frequent media events (keys, voice, speech) go straight to the running verb's listener,
 * which is the only one that uses them (a class: no closures per call).
 */
import type { AnsweredBy, ChannelHandler, PartialSpeechResult, SpeechResult } from '../ports.js';
import type { CallSession } from './session.js';

export class ChannelEvents implements ChannelHandler {
  constructor(private session: CallSession | null) {}

  /** The call is over: later events are ignored and the session can be collected. */
  detach(): void {
    this.session = null;
  }

  ringing(): void {
    this.session?.send({ type: 'CHANNEL.RINGING' });
  }

  answered(): void {
    this.session?.send({ type: 'CHANNEL.ANSWERED' });
  }

  detected(by: AnsweredBy): void {
    this.session?.send({ type: 'CHANNEL.DETECTED', by });
  }

  busy(): void {
    this.session?.send({ type: 'CHANNEL.BUSY' });
  }

  failed(): void {
    this.session?.send({ type: 'CHANNEL.FAILED' });
  }

  dtmf(digit: string): void {
    const { session } = this;
    if (session === null || session.data.final) return;
    const { ctx } = session;
    if (ctx.hasListeners()) ctx.emit({ type: 'dtmf', callSid: session.data.sid, digit, at: ctx.clock.now() });
    session.listener?.dtmf?.(digit);
  }

  voice(active: boolean): void {
    const { session } = this;
    if (session === null) return;
    session.voiceActive = active;
    if (!session.data.final) session.listener?.voice?.(active);
  }

  speech(result: SpeechResult): void {
    const { session } = this;
    if (session !== null && !session.data.final) session.listener?.speech?.(result);
  }

  partialSpeech(result: PartialSpeechResult): void {
    const { session } = this;
    if (session !== null && !session.data.final) session.listener?.partialSpeech?.(result);
  }

  hangup(): void {
    this.session?.send({ type: 'CHANNEL.HANGUP' });
  }
}
