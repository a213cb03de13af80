/**
 * What may stand where (spec section 3), the element-name helpers of the ordered tree, and the
 * wording of schema violations (12200).
 */
import { ATTR_KEY, type XmlEntry } from './xml.js';

/** Verbs that may stand directly inside `<Response>`. */
const VERB_NAMES: ReadonlySet<string> = new Set([
  'Say',
  'Play',
  'Pause',
  'Gather',
  'Record',
  'Dial',
  'Hangup',
  'Redirect',
  'Reject',
  'Sms',
  'Enqueue',
  'Leave',
  'Connect',
  'Start',
  'Stop',
]);

/** The nouns of the media-stream verbs (`<Stream>`, and `<Parameter>` inside it). */
const STREAM_NOUNS: ReadonlySet<string> = new Set(['Stream', 'Parameter']);

/** Verbs that may stand inside `<Gather>` (`Play` only without `digits`). */
export const GATHER_CHILDREN: ReadonlySet<string> = new Set(['Say', 'Play', 'Pause']);

/** Nouns of `<Dial>`. */
export const NOUN_NAMES: ReadonlySet<string> = new Set(['Number', 'Client', 'Sip', 'Conference', 'Queue']);

/** SSML elements allowed inside `<Say>` (spec 4.1). */
export const SSML_NAMES: ReadonlySet<string> = new Set([
  'break',
  'emphasis',
  'lang',
  'p',
  'phoneme',
  'prosody',
  's',
  'say-as',
  'sub',
  'w',
]);

/** The tag name of a tree entry (`#text` / `#cdata` for text), or undefined. */
export function tagOf(entry: XmlEntry): string | undefined {
  for (const key in entry) {
    if (key !== ATTR_KEY) return key;
  }
  return undefined;
}

/** Whether a name is an RCML element anywhere (verb, noun, SSML, or the root). */
function isKnownElement(name: string): boolean {
  return (
    name === 'Response' ||
    VERB_NAMES.has(name) ||
    NOUN_NAMES.has(name) ||
    STREAM_NOUNS.has(name) ||
    SSML_NAMES.has(name)
  );
}

/** The 12200 message for an element that may not stand where it is. */
export function misplacedMessage(name: string, parent: string, path: string): string {
  if (!isKnownElement(name)) {
    return `unknown element <${name}> at ${path}: not an RCML verb or noun (other TwiML dialects' elements are not supported)`;
  }
  return `<${name}> may not stand inside <${parent}> (at ${path})`;
}

/** Whether a string is only XML whitespace. */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13) return false;
  }
  return true;
}
