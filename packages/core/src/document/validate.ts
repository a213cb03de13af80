/**
 * The single pass over the parser's ordered tree that checks what may stand where (spec
 * section 3), counts verbs, reads every verb's attributes and builds the typed document.
 * It stops at the first failure (thrown as a DocumentFailure); warnings accumulate.
 */
import type { ErrorCode } from '../errors.js';
import type {
  DialNoun,
  DialVerb,
  GatherVerb,
  PauseVerb,
  PlayVerb,
  Position,
  QueueNoun,
  RcmlDocument,
  SayVerb,
  Verb,
} from './ast.js';
import { ElementScope } from './attributes.js';
import { issue, type WalkContext } from './context.js';
import { GATHER_CHILDREN, isBlank, misplacedMessage, NOUN_NAMES, tagOf } from './schema.js';
import { cdataText, decodeOrFail, readSayContent } from './ssml.js';
import { buildConnect, buildStart, buildStop, STREAM_WARNING } from './streams.js';
import { parseDial } from './verbs/dial.js';
import { parseEnqueue, parseQueueNoun } from './verbs/enqueue.js';
import { parseGather } from './verbs/gather.js';
import { parseRedirectMethod, parseRejectReason, parseSms } from './verbs/misc.js';
import { defaultLeg, parseConference, parseLeg } from './verbs/nouns.js';
import { parsePauseLength } from './verbs/pause.js';
import { parsePlayAttributes } from './verbs/play.js';
import { parseRecord } from './verbs/record.js';
import { cutSayText, MAX_SAY_CHARS, parseSayAttributes } from './verbs/say.js';
import { ATTR_KEY, CDATA_KEY, startIndexOf, TEXT_KEY, type XmlAttributes, type XmlEntry } from './xml.js';

/** How many siblings of each name were seen so far (for the `[n]` of paths). */
type Counters = Map<string, number>;

/**
 * Build the typed document from the ordered tree of trimmed, well-formed text. scanMarkup
 * (wellFormed.ts) has already refused a document without a root element, with a second one,
 * or with text or CDATA outside it. The parser drops comments, processing instructions and the
 * declaration, so the root is the one entry that is not (blank) text.
 */
export function buildDocument(tree: readonly XmlEntry[], context: WalkContext): RcmlDocument {
  const root = tree.find((entry) => tagOf(entry) !== TEXT_KEY) as XmlEntry;
  const rootTag = tagOf(root) as string;
  const rootPosition = positionOf(root, rootTag, context);
  if (rootTag !== 'Response') {
    context.fail(12102, `the root element is <${rootTag}>, not <Response>`, rootPosition);
  }
  const verbs: Verb[] = [];
  const counters: Counters = new Map();
  for (const entry of root[rootTag] as XmlEntry[]) {
    // Whitespace between verbs is the most common entry: check it without finding the tag.
    const raw = entry[TEXT_KEY];
    // Stryker disable next-line StringLiteral: a fast path: blank text that skips it reaches rejectText, which accepts blank text
    if (typeof raw === 'string' && isBlank(raw)) continue;
    const tag = tagOf(entry);
    if (tag === undefined) continue;
    if (tag === TEXT_KEY || tag === CDATA_KEY) {
      rejectText(entry, tag, 'Response', rootPosition, context);
      continue;
    }
    const position = childPosition(entry, tag, 'Response', counters, context);
    const spec = VERBS.get(tag);
    if (spec === undefined) context.fail(12200, misplacedMessage(tag, 'Response', position.path), position);
    verbs.push(buildVerb(spec, tag, entry, position, context));
  }
  return { verbs };
}

/** How to build one verb: its 13xxx warning code and its builder. */
interface VerbSpec {
  readonly code: ErrorCode;
  build(scope: ElementScope, children: readonly XmlEntry[]): Verb;
}

/** Every verb by element name (one hash lookup instead of a chain of string compares). */
const VERBS: ReadonlyMap<string, VerbSpec> = new Map<string, VerbSpec>([
  ['Say', { code: 13501, build: buildSay }],
  ['Play', { code: 13401, build: buildPlay }],
  [
    'Pause',
    {
      code: 13901,
      build: (scope, children) => {
        expectEmpty(children, scope);
        return { kind: 'Pause', length: parsePauseLength(scope), position: scope.position };
      },
    },
  ],
  ['Gather', { code: 13301, build: buildGather }],
  [
    'Record',
    {
      code: 13601,
      build: (scope, children) => {
        expectEmpty(children, scope);
        return parseRecord(scope, scope.position);
      },
    },
  ],
  ['Dial', { code: 13201, build: buildDial }],
  [
    'Hangup',
    {
      code: 13801,
      build: (scope, children) => {
        expectEmpty(children, scope);
        return { kind: 'Hangup', position: scope.position };
      },
    },
  ],
  ['Redirect', { code: 13701, build: buildRedirect }],
  [
    'Reject',
    {
      code: 13801,
      build: (scope, children) => {
        expectEmpty(children, scope);
        return { kind: 'Reject', reason: parseRejectReason(scope), position: scope.position };
      },
    },
  ],
  [
    'Sms',
    { code: 13801, build: (scope, children) => parseSms(scope, readText(children, scope), scope.position) },
  ],
  ['Enqueue', { code: 13801, build: buildEnqueue }],
  [
    'Leave',
    {
      code: 13801,
      build: (scope, children) => {
        expectEmpty(children, scope);
        return { kind: 'Leave', position: scope.position };
      },
    },
  ],
  // Media streams (TwiML): each holds one <Stream> (document/streams.ts).
  ['Connect', { code: STREAM_WARNING, build: buildConnect }],
  ['Start', { code: STREAM_WARNING, build: buildStart }],
  ['Stop', { code: STREAM_WARNING, build: buildStop }],
]);

function buildVerb(
  spec: VerbSpec,
  tag: string,
  entry: XmlEntry,
  position: Position,
  context: WalkContext,
): Verb {
  context.verbCount++;
  if (context.verbCount > context.limits.maxVerbs) {
    context.fail(
      12400,
      `more than ${context.limits.maxVerbs} verbs in the document (verb ${context.verbCount} is at ${position.path})`,
      position,
    );
  }
  const scope = new ElementScope(
    context,
    tag,
    position,
    spec.code,
    entry[ATTR_KEY] as XmlAttributes | undefined,
  );
  const verb = spec.build(scope, entry[tag] as XmlEntry[]);
  scope.reportUnread();
  return verb;
}

function buildEnqueue(scope: ElementScope, children: readonly XmlEntry[]): Verb {
  const name = readText(children, scope);
  if (name === '') {
    scope.context.fail(12200, `<Enqueue> at ${scope.position.path} has no queue name`, scope.position);
  }
  return parseEnqueue(scope, name, scope.position);
}

function buildRedirect(scope: ElementScope, children: readonly XmlEntry[]): Verb {
  const method = parseRedirectMethod(scope);
  const url = readText(children, scope);
  if (url === '')
    scope.context.fail(12200, `<Redirect> at ${scope.position.path} has an empty URL`, scope.position);
  return { kind: 'Redirect', url, method, position: scope.position };
}

function buildSay(scope: ElementScope, children: readonly XmlEntry[]): SayVerb {
  const { voice, language, loop } = parseSayAttributes(scope);
  const content = readSayContent(children, scope.position.path, scope.context);
  let text = content.text;
  let ssml = content.ssml;
  const cut = cutSayText(text);
  if (cut !== text) {
    text = cut;
    ssml = undefined; // the driver speaks exactly the cut text
    scope.context.warnings.push(
      issue(13521, `<Say> text is over ${MAX_SAY_CHARS} characters; cut to ${MAX_SAY_CHARS}`, scope.position),
    );
  }
  const position = scope.position;
  if (ssml === undefined) return { kind: 'Say', text, voice, language, loop, position };
  return { kind: 'Say', text, ssml, voice, language, loop, position };
}

function buildPlay(scope: ElementScope, children: readonly XmlEntry[]): PlayVerb {
  const { loop, digits } = parsePlayAttributes(scope);
  const text = readText(children, scope);
  if (digits === null && text === '') {
    scope.context.fail(12200, `<Play> at ${scope.position.path} has no URL and no digits`, scope.position);
  }
  return { kind: 'Play', url: digits === null ? text : '', digits, loop, position: scope.position };
}

function buildGather(scope: ElementScope, children: readonly XmlEntry[]): GatherVerb {
  const nested: (SayVerb | PlayVerb | PauseVerb)[] = [];
  const gather = parseGather(scope, scope.position, nested);
  const context: WalkContext = scope.context;
  let counters: Counters | undefined;
  for (const entry of children) {
    const raw = entry[TEXT_KEY];
    // Stryker disable next-line StringLiteral: a fast path: blank text that skips it reaches rejectText, which accepts blank text
    if (typeof raw === 'string' && isBlank(raw)) continue;
    const tag = tagOf(entry);
    if (tag === undefined) continue;
    if (tag === TEXT_KEY || tag === CDATA_KEY) {
      rejectText(entry, tag, 'Gather', scope.position, context);
      continue;
    }
    counters ??= new Map();
    const position = childPosition(entry, tag, scope.position.path, counters, context);
    const spec = GATHER_CHILDREN.has(tag) ? VERBS.get(tag) : undefined;
    if (spec === undefined) context.fail(12200, misplacedMessage(tag, 'Gather', position.path), position);
    const verb = buildVerb(spec, tag, entry, position, context) as SayVerb | PlayVerb | PauseVerb;
    if (verb.kind === 'Play' && verb.digits !== null) {
      context.fail(12200, `<Play digits> may not stand inside <Gather> (at ${position.path})`, position);
    }
    nested.push(verb);
  }
  return gather;
}

function buildDial(scope: ElementScope, children: readonly XmlEntry[]): DialVerb {
  const nouns: DialNoun[] = [];
  const dial = parseDial(scope, scope.position, nouns);
  const context: WalkContext = scope.context;
  const path = scope.position.path;
  let counters: Counters | undefined;
  let text = '';
  let conferences = 0;
  let queue: QueueNoun | undefined;
  for (const entry of children) {
    const raw = entry[TEXT_KEY];
    if (typeof raw === 'string') {
      text += decodeOrFail(raw, path, context);
      continue;
    }
    const tag = tagOf(entry);
    if (tag === undefined) continue;
    if (tag === CDATA_KEY) {
      text += cdataText(entry);
      continue;
    }
    counters ??= new Map();
    const position = childPosition(entry, tag, path, counters, context);
    if (!NOUN_NAMES.has(tag)) context.fail(12200, misplacedMessage(tag, 'Dial', position.path), position);
    if (tag === 'Conference') conferences++;
    if (tag === 'Queue') {
      if (queue !== undefined || nouns.length > 0 || text.trim() !== '') {
        context.fail(
          12200,
          `<Queue> may not be mixed with other targets in <Dial> (at ${position.path})`,
          position,
        );
      }
      queue = buildQueueNoun(entry, position, context);
      continue;
    }
    if (queue !== undefined) {
      context.fail(
        12200,
        `<Queue> may not be mixed with other targets in <Dial> (at ${position.path})`,
        position,
      );
    }
    nouns.push(buildNoun(tag, entry, position, context));
  }
  const target = text.trim();
  if (queue !== undefined) {
    if (target !== '')
      context.fail(12200, `<Queue> may not be mixed with other targets in <Dial> at ${path}`, scope.position);
    return { ...dial, queue };
  }
  if (target !== '') {
    if (nouns.length > 0) context.fail(12200, `<Dial> at ${path} mixes text with nouns`, scope.position);
    nouns.push(nounFromText(target, scope.position));
  }
  if (nouns.length === 0) context.fail(12200, `<Dial> at ${path} has nothing to dial`, scope.position);
  if (conferences > 1)
    context.fail(12200, `<Dial> at ${path} holds more than one <Conference>`, scope.position);
  if (conferences === 1 && nouns.length > 1) {
    context.fail(
      12200,
      `<Conference> may not be mixed with other nouns in <Dial> at ${path}`,
      scope.position,
    );
  }
  return dial;
}

function buildQueueNoun(entry: XmlEntry, position: Position, context: WalkContext): QueueNoun {
  const scope = new ElementScope(
    context,
    'Queue',
    position,
    13201,
    entry[ATTR_KEY] as XmlAttributes | undefined,
  );
  const value = readText(entry.Queue as XmlEntry[], scope);
  if (value === '') context.fail(12200, `<Queue> at ${position.path} is empty`, position);
  const noun = parseQueueNoun(scope, value, position);
  scope.reportUnread();
  return noun;
}

function buildNoun(tag: string, entry: XmlEntry, position: Position, context: WalkContext): DialNoun {
  const scope = new ElementScope(context, tag, position, 13201, entry[ATTR_KEY] as XmlAttributes | undefined);
  const value = readText(entry[tag] as XmlEntry[], scope);
  if (value === '') context.fail(12200, `<${tag}> at ${position.path} is empty`, position);
  const noun =
    tag === 'Conference'
      ? parseConference(scope, value, position)
      : parseLeg(scope, tag as 'Number' | 'Client' | 'Sip', value, position);
  scope.reportUnread();
  return noun;
}

/** Plain text in `<Dial>`: a Client (`client:` removed), a Sip (has `@`), else a Number. */
function nounFromText(target: string, position: Position): DialNoun {
  if (target.startsWith('client:')) return defaultLeg('Client', target.slice(7).trim(), position);
  return defaultLeg(target.includes('@') ? 'Sip' : 'Number', target, position);
}

/** The trimmed text of a text-only element; fails with 12200 on a child element. */
function readText(children: readonly XmlEntry[], scope: ElementScope): string {
  if (children.length === 1) {
    const raw = (children[0] as XmlEntry)[TEXT_KEY];
    if (typeof raw === 'string') return decodeOrFail(raw, scope.position.path, scope.context).trim();
  }
  let text = '';
  let counters: Counters | undefined;
  for (const entry of children) {
    const tag = tagOf(entry);
    if (tag === undefined) continue;
    if (tag === TEXT_KEY) text += decodeOrFail(entry[TEXT_KEY] as string, scope.position.path, scope.context);
    else if (tag === CDATA_KEY) text += cdataText(entry);
    else {
      counters ??= new Map();
      const position = childPosition(entry, tag, scope.position.path, counters, scope.context);
      scope.context.fail(12200, misplacedMessage(tag, scope.name, position.path), position);
    }
  }
  return text.trim();
}

/** Elements that hold nothing: child elements and non-blank text fail with 12200. */
export function expectEmpty(children: readonly XmlEntry[], scope: ElementScope): void {
  if (children.length === 0) return;
  const text = readText(children, scope);
  if (text !== '') {
    scope.context.fail(12200, `<${scope.name}> at ${scope.position.path} may not hold text`, scope.position);
  }
}

function rejectText(
  entry: XmlEntry,
  tag: string,
  parent: string,
  position: Position,
  context: WalkContext,
): void {
  const text =
    tag === TEXT_KEY ? decodeOrFail(entry[TEXT_KEY] as string, position.path, context) : cdataText(entry);
  if (!isBlank(text)) {
    const shown = text.trim().slice(0, 40);
    context.fail(12200, `<${parent}> at ${position.path} may not hold text ("${shown}")`, position);
  }
}

/** The position of a child element: its parent's path plus `Tag[n]`, and its line. */
export function childPosition(
  entry: XmlEntry,
  tag: string,
  parentPath: string,
  counters: Counters,
  context: WalkContext,
): Position {
  const index = (counters.get(tag) ?? 0) + 1;
  counters.set(tag, index);
  const path = `${parentPath}/${tag}[${index}]`;
  const line = context.lineOf(startIndexOf(entry));
  return line === undefined ? { path } : { path, line };
}

function positionOf(entry: XmlEntry, tag: string, context: WalkContext): Position {
  const line = context.lineOf(startIndexOf(entry));
  return line === undefined ? { path: tag } : { path: tag, line };
}
