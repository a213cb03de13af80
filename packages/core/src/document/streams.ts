/**
 * The media-stream verbs of the TwiML dialect: `<Connect><Stream>`, `<Start><Stream>`,
 * `<Stop><Stream>` and `<Parameter>` (spec 9.6, decisions "Media streams"). Each of the three
 * verbs holds exactly one `<Stream>`; a `<Stream>` holds only `<Parameter>`s. Attribute
 * warnings use 13151; wrong nesting and a missing or non-WebSocket `url` fail with 12200.
 */
import type {
  ConnectVerb,
  Position,
  StartVerb,
  StopVerb,
  StreamNoun,
  StreamParameter,
  StreamTrack,
} from './ast.js';
import { ElementScope } from './attributes.js';
import type { WalkContext } from './context.js';
import { isBlank, misplacedMessage, tagOf } from './schema.js';
import { cdataText, decodeOrFail } from './ssml.js';
import { childPosition, expectEmpty } from './validate.js';
import { ATTR_KEY, CDATA_KEY, TEXT_KEY, type XmlAttributes, type XmlEntry } from './xml.js';

/** The warning code of the stream verbs and nouns. */
export const STREAM_WARNING = 13151;

const TRACKS: readonly StreamTrack[] = ['inbound_track', 'outbound_track', 'both_tracks'];

type StreamParent = 'Connect' | 'Start' | 'Stop';

/** `<Connect action method>` with its one `<Stream>`. */
export function buildConnect(scope: ElementScope, children: readonly XmlEntry[]): ConnectVerb {
  const action = scope.string('action');
  const method = scope.method('method');
  const stream = onlyStream(scope, children, 'Connect');
  return { kind: 'Connect', action, method, stream, position: scope.position };
}

/** `<Start>` with its one `<Stream>`. */
export function buildStart(scope: ElementScope, children: readonly XmlEntry[]): StartVerb {
  return { kind: 'Start', stream: onlyStream(scope, children, 'Start'), position: scope.position };
}

/** `<Stop>` with its one `<Stream name>`. */
export function buildStop(scope: ElementScope, children: readonly XmlEntry[]): StopVerb {
  const stream = onlyStream(scope, children, 'Stop');
  return { kind: 'Stop', name: stream.name, position: scope.position };
}

/** The single `<Stream>` child of a stream verb; anything else fails with 12200. */
function onlyStream(scope: ElementScope, children: readonly XmlEntry[], parent: StreamParent): StreamNoun {
  const context = scope.context;
  const path = scope.position.path;
  let stream: StreamNoun | undefined;
  forEachChild(scope, children, (entry, tag, position) => {
    if (tag !== 'Stream') context.fail(12200, misplacedMessage(tag, parent, position.path), position);
    if (stream !== undefined) {
      context.fail(
        12200,
        `<${parent}> at ${path} holds more than one <Stream> (another at ${position.path})`,
        position,
      );
    }
    stream = buildStream(entry, position, parent, context);
  });
  if (stream === undefined)
    return context.fail(12200, `<${parent}> at ${path} holds no <Stream>`, scope.position);
  return stream;
}

function buildStream(
  entry: XmlEntry,
  position: Position,
  parent: StreamParent,
  context: WalkContext,
): StreamNoun {
  const scope = new ElementScope(
    context,
    'Stream',
    position,
    STREAM_WARNING,
    entry[ATTR_KEY] as XmlAttributes | undefined,
  );
  const name = scope.string('name');
  let stream: StreamNoun;
  if (parent === 'Stop') {
    expectEmpty(entry.Stream as XmlEntry[], scope);
    // Stryker disable StringLiteral,ArrayDeclaration: buildStop keeps only the name of a <Stop>'s stream; its other fields are never read
    stream = {
      kind: 'Stream',
      url: '',
      name,
      track: 'inbound_track',
      statusCallback: null,
      statusCallbackMethod: 'POST',
      parameters: [],
      position,
    };
    // Stryker restore StringLiteral,ArrayDeclaration
  } else {
    const url = streamUrl(scope);
    let track = scope.oneOf('track', TRACKS, 'inbound_track');
    if (parent === 'Connect' && track !== 'inbound_track') {
      scope.warn(
        'track',
        `"${track}" is not available in <Connect> (bidirectional streams carry inbound_track); using inbound_track`,
      );
      track = 'inbound_track';
    }
    stream = {
      kind: 'Stream',
      url,
      name,
      track,
      statusCallback: scope.string('statusCallback'),
      statusCallbackMethod: scope.method('statusCallbackMethod'),
      parameters: buildParameters(entry.Stream as XmlEntry[], scope),
      position,
    };
  }
  scope.reportUnread();
  return stream;
}

/** `url`: required; a `ws://`/`wss://` URL or a relative reference (resolved at run time). */
function streamUrl(scope: ElementScope): string {
  const url = scope.string('url');
  const { path } = scope.position;
  if (url === null) scope.context.fail(12200, `<Stream> at ${path} has no url`, scope.position);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'ws' && scheme !== 'wss') {
    scope.context.fail(
      12200,
      `<Stream> at ${path} url "${url}" is not a WebSocket URL (ws:// or wss://)`,
      scope.position,
    );
  }
  return url;
}

/** The `<Parameter>` children of a `<Stream>` (nothing else may stand there). */
function buildParameters(children: readonly XmlEntry[], stream: ElementScope): StreamParameter[] {
  const context = stream.context;
  const out: StreamParameter[] = [];
  forEachChild(stream, children, (entry, tag, position) => {
    if (tag !== 'Parameter') context.fail(12200, misplacedMessage(tag, 'Stream', position.path), position);
    const scope = new ElementScope(
      context,
      'Parameter',
      position,
      STREAM_WARNING,
      entry[ATTR_KEY] as XmlAttributes | undefined,
    );
    expectEmpty(entry.Parameter as XmlEntry[], scope);
    const name = scope.string('name');
    const value = scope.stringOr('value', '');
    scope.reportUnread();
    if (name === null) {
      scope.warn('name', 'missing; the parameter is ignored');
      return;
    }
    out.push({ name, value });
  });
  return out;
}

/**
 * Calls `visit` with each child element of `scope`'s element and its position; text that is
 * not blank fails with 12200.
 */
function forEachChild(
  scope: ElementScope,
  children: readonly XmlEntry[],
  visit: (entry: XmlEntry, tag: string, position: Position) => void,
): void {
  const context = scope.context;
  const path = scope.position.path;
  let counters: Map<string, number> | undefined;
  for (const entry of children) {
    const tag = tagOf(entry);
    if (tag === undefined) continue;
    if (tag === TEXT_KEY || tag === CDATA_KEY) {
      const text =
        tag === TEXT_KEY ? decodeOrFail(entry[TEXT_KEY] as string, path, context) : cdataText(entry);
      if (!isBlank(text)) context.fail(12200, `<${scope.name}> at ${path} may not hold text`, scope.position);
      continue;
    }
    counters ??= new Map();
    visit(entry, tag, childPosition(entry, tag, path, counters, context));
  }
}
