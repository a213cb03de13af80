/**
 * The documents the application server answers with. B1 runs every verb of its document on the
 * zero-latency driver and must make no request beyond the call's own (one fetch and its status
 * callbacks): so no `action` is ever requested (Gather ends empty, Dial has no `action`), no
 * leg has its own `statusCallback`, and there is no `<Record>` or `<Redirect>`.
 */
import { SMALL_DOCUMENT } from './parse.js';

/** ~150 B, 3 verbs (the parse benchmark's small document). */
export const B1_SMALL = SMALL_DOCUMENT;

/** Verbs the small document runs, in order. */
export const B1_SMALL_VERBS = ['Say', 'Pause', 'Hangup'] as const;

/** ~1.1 KB, 8 verbs, with a nested Gather and Dial. `{{ID}}` is replaced per call for "unique". */
export const B1_REALISTIC = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Say voice="woman" language="en-GB">Welcome to Example Corp. Your call may be recorded for quality and training. Reference {{ID}}.</Say>
  <Gather action="/ivr/menu" method="POST" numDigits="1" timeout="7" finishOnKey="#" input="dtmf">
    <Say>For sales press 1. For support press 2. For billing press 3. To hear this again press 9.</Say>
    <Play loop="1">https://media.example.com/audio/menu-prompt.mp3</Play>
    <Pause length="2"/>
  </Gather>
  <Say loop="2">We did not receive any input. Connecting you to an operator now.</Say>
  <Dial timeout="20" callerId="+15550001111" timeLimit="3600" hangupOnStar="true">
    <Number>+1 (555) 123-4567</Number>
    <Client>operator-alice</Client>
    <Sip>sip:operator-bob@pbx.example.com</Sip>
  </Dial>
  <Play loop="1">https://media.example.com/audio/survey-intro.mp3</Play>
  <Pause length="1"/>
  <Sms to="+15557654321" from="+15550001111">Thanks for calling Example Corp. Reply HELP for help.</Sms>
  <Hangup/>
</Response>`;

/** Verbs the realistic document runs, in order (top level). */
export const B1_REALISTIC_VERBS = ['Say', 'Gather', 'Say', 'Dial', 'Play', 'Pause', 'Sms', 'Hangup'] as const;

/** The same placeholder width for every call, so "identical" and "unique" have one size. */
export function realisticDocument(id: number | null): string {
  return B1_REALISTIC.replace('{{ID}}', id === null ? '00000000' : String(id).padStart(8, '0'));
}

/**
 * B2: a call that says one line, then waits in a Gather (one prompt) for up to an hour. The
 * far end of a held call never presses a key, so the call stays parked in the Gather.
 */
export const B2_HOLD = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Say>Thanks for calling Example Corp.</Say>
  <Gather numDigits="6" timeout="3600" action="/ivr/account">
    <Say>Please enter your six digit account number.</Say>
  </Gather>
</Response>`;
