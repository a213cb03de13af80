/**
 * The one error class and the one code table of the project. Callers match on `code`,
 * never on message text. Codes are never renamed; `docs/errors.md` lists every code and a
 * test keeps the two in step.
 */
export const ERROR_CODES = {
  // Calls API (REST-compatible codes)
  20001: 'invalid parameter',
  20003: 'authentication required',
  20004: 'method not allowed',
  20404: 'resource not found',
  20409: 'conflicting parameters',
  20413: 'request body too large',
  20415: 'unsupported content type',
  20429: 'too many requests (engine limit reached)',
  20500: 'internal server error',
  20503: 'engine is shutting down',
  21220: 'call is not in a state that can be changed',
  // Fetching documents (spec section 7)
  11200: 'HTTP retrieval failure (non-2xx status)',
  11205: 'HTTP connection failure (refused, reset, timeout)',
  11210: 'HTTP bad host name',
  11215: 'too many HTTP redirects',
  11750: 'response body too large',
  // Documents (spec section 3)
  12100: 'document parse failure (not well-formed)',
  12102: 'root element is not <Response>',
  12200: 'schema violation (unknown verb, wrong nesting, empty Redirect URL)',
  12300: 'invalid Content-Type',
  12400: 'document too large or too deep, or too many verbs',
  // Media
  13227: 'media URL could not be fetched',
  // Invalid attribute values, default used
  13201: 'Dial: invalid attribute value',
  13301: 'Gather: invalid attribute value',
  13335: 'Gather: speech input is not available (the driver has no recogniser)',
  13401: 'Play: invalid attribute value',
  13521: 'Say: text too long, cut',
  13501: 'Say: invalid attribute value',
  13601: 'Record: invalid attribute value',
  13701: 'Redirect: invalid attribute value',
  13801: 'Reject, Hangup, Sms or Enqueue: invalid attribute value',
  13901: 'Pause: invalid attribute value',
  13151: 'Connect, Start, Stop, Stream or Parameter: invalid attribute value',
  // Nothing silently dropped (spec 9.5)
  13910: 'document attribute not implemented by this engine (ignored)',
  13911: 'Calls API parameter not implemented by this engine (ignored)',
  // Engine protection limits (spec section 8)
  14100: 'too many document fetches for one call (redirect loop)',
  14101: 'callback dropped (queue full or shutdown deadline passed)',
  14102: 'callback delivery failed after its retries',
  14103: 'media driver operation failed',
  14104: 'messaging port failed (<Sms> reported failed)',
  14105: 'media driver cannot record a <Dial>',
  14106: 'too many forked media streams on one call (<Start><Stream> ignored)',
  14107: 'media streams are not available (no stream port, or the driver cannot stream)',
  14120: 'engine failure running a verb or a fetch (the call ends)',
  // Media streams (TwiML-compatible codes)
  31920: 'media stream WebSocket could not connect (handshake failed)',
  31921: 'media stream WebSocket closed abnormally (no close frame)',
  31924: 'media stream protocol error (a message from the application was not understood)',
} as const;

/** A stable numeric error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Whether a number is one of the codes of the table. */
export function isErrorCode(value: number): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}

/** Options of {@link RcmlError} beyond code and message. */
export interface RcmlErrorOptions {
  /** The request parameter or document attribute at fault. */
  readonly field?: string;
  /** Element path in a document, e.g. `Response/Gather[1]/Dial[1]`. */
  readonly path?: string;
  /** 1-based line in a document. */
  readonly line?: number;
  /** Whether trying again may succeed (transport failures). */
  readonly retryable?: boolean;
  readonly cause?: unknown;
}

/** The project's one error class. */
export class RcmlError extends Error {
  override readonly name = 'RcmlError';
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly path: string | undefined;
  readonly line: number | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: RcmlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.path = options.path;
    this.line = options.line;
    this.retryable = options.retryable ?? false;
  }
}

/** Whether a value is an {@link RcmlError} (works across package copies). */
export function isRcmlError(value: unknown): value is RcmlError {
  return value instanceof Error && (value as { name?: unknown }).name === 'RcmlError' && 'code' in value;
}
