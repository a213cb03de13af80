/** How `<Dial>` nouns become the targets the driver receives (spec 4.6). */
import type { DialNoun } from '../document/ast.js';
import type { DialTarget, DialTargetType } from '../ports.js';

const TYPE: Record<DialNoun['kind'], DialTargetType> = {
  Number: 'number',
  Client: 'client',
  Sip: 'sip',
  Conference: 'conference',
};

/** The target of a noun: formatting removed from numbers, `client:` removed from clients. */
export function dialTarget(noun: DialNoun, callSid: string): DialTarget {
  // Stryker disable next-line MethodExpression: the parser already trims noun text (document/validate.ts), so this trim changes nothing
  const value = noun.value.trim();
  switch (noun.kind) {
    case 'Number':
      return { type: TYPE.Number, to: value.replace(/[\s\-.()]/g, ''), callSid };
    case 'Client':
      return { type: TYPE.Client, to: value.startsWith('client:') ? value.slice(7) : value, callSid };
    case 'Sip':
      return { type: TYPE.Sip, to: value, callSid };
    case 'Conference':
      return {
        type: TYPE.Conference,
        to: value,
        callSid,
        conference: {
          muted: noun.muted,
          beep: noun.beep,
          startConferenceOnEnter: noun.startConferenceOnEnter,
          endConferenceOnExit: noun.endConferenceOnExit,
          maxParticipants: noun.maxParticipants,
        },
      };
  }
}
