/**
 * The Calls API parameters as typed objects (what `engine.create`, `engine.inbound` and
 * `engine.modify` take), their conversion to the strings a REST client sends, and which of
 * them this engine implements: everything else given is accepted and reported as 13911
 * (spec 9.5).
 */

/** A text value as a REST client sends it. */
type Text = string | undefined;
/** A value the Calls API takes as a number: its text (`"30"`) or the number itself. */
type Numeric = string | number | undefined;
/** A yes/no value: its text (`"true"`) or a boolean. */
type Flag = string | boolean | undefined;
/** A list value: its text (comma- or space-separated) or the list. */
type List = string | readonly string[] | undefined;

/**
 * Parameters of the Calls API that TwiML REST clients send and this engine accepts without
 * implementing them (13911): typed so that code written against the official client compiles.
 */
export interface UnimplementedCreateParams {
  readonly AsyncAmd?: Flag;
  readonly AsyncAmdStatusCallback?: Text;
  readonly AsyncAmdStatusCallbackMethod?: Text;
  readonly Byoc?: Text;
  readonly CallReason?: Text;
  readonly CallToken?: Text;
  readonly CallerId?: Text;
  readonly ClientNotificationUrl?: Text;
  readonly MachineDetectionSilenceTimeout?: Numeric;
  readonly MachineDetectionSpeechEndThreshold?: Numeric;
  readonly MachineDetectionSpeechThreshold?: Numeric;
  readonly Passports?: Text;
  readonly RecordingConfigurationId?: Text;
  readonly RecordingStatusCallbackEvent?: List;
  readonly RecordingTrack?: Text;
  readonly SipAuthPassword?: Text;
  readonly SipAuthUsername?: Text;
  readonly TimeLimit?: Numeric;
  readonly Trim?: Text;
  readonly ApplicationSid?: Text;
}

/**
 * `POST .../Calls` (spec 1.2 and 9): the Calls API's names. Unknown keys are a type error;
 * values are strings as a REST client sends them, numbers where the API takes numbers,
 * booleans for yes/no values, lists for event lists.
 */
export interface CreateCallParams extends UnimplementedCreateParams {
  readonly To: string;
  readonly From: string;
  /** Required unless `Twiml` is given. */
  readonly Url?: Text;
  /** An inline document run instead of fetching `Url` (spec 9.2). */
  readonly Twiml?: Text;
  readonly Method?: Text;
  readonly FallbackUrl?: Text;
  readonly FallbackMethod?: Text;
  readonly StatusCallback?: Text;
  readonly StatusCallbackMethod?: Text;
  readonly StatusCallbackEvent?: List;
  /** Whole seconds, 1 to 600 (default 60). */
  readonly Timeout?: Numeric;
  readonly DetectVoicemail?: Flag;
  /** `Enable` or `DetectMessageEnd` (spec 9.3). */
  readonly MachineDetection?: Text;
  /** Seconds, 3 to 59 (default 30). */
  readonly MachineDetectionTimeout?: Numeric;
  readonly SendDigits?: Text;
  readonly Record?: Flag;
  readonly RecordingStatusCallback?: Text;
  readonly RecordingStatusCallbackMethod?: Text;
  /** `mono` or `dual`. */
  readonly RecordingChannels?: Text;
}

/** `POST .../Calls/{CallSid}` (spec 1.5 and 9.2). */
export interface ModifyCallParams {
  readonly Url?: Text;
  readonly Twiml?: Text;
  readonly Method?: Text;
  readonly FallbackUrl?: Text;
  readonly FallbackMethod?: Text;
  /** `completed` or `canceled`. */
  readonly Status?: Text;
  readonly StatusCallback?: Text;
  readonly StatusCallbackMethod?: Text;
  /** Accepted, not implemented (13911). */
  readonly TimeLimit?: Numeric;
}

/** Calls API parameters as the HTTP layer receives them: any names, string values. */
export type CallsApiParams = Readonly<Record<string, string | undefined>>;

/** The parameters of `POST .../Calls` this engine implements. */
export const CREATE_PARAMS: ReadonlySet<string> = new Set([
  'To',
  'From',
  'Url',
  'Twiml',
  'Method',
  'FallbackUrl',
  'FallbackMethod',
  'StatusCallback',
  'StatusCallbackMethod',
  'StatusCallbackEvent',
  'Timeout',
  'DetectVoicemail',
  'MachineDetection',
  'MachineDetectionTimeout',
  'SendDigits',
  'Record',
  'RecordingStatusCallback',
  'RecordingStatusCallbackMethod',
  'RecordingChannels',
]);

/** The parameters of `POST .../Calls/{CallSid}` this engine implements. */
export const MODIFY_PARAMS: ReadonlySet<string> = new Set([
  'Url',
  'Twiml',
  'Method',
  'FallbackUrl',
  'FallbackMethod',
  'Status',
  'StatusCallback',
  'StatusCallbackMethod',
]);

/**
 * Typed parameters to the strings a REST client sends: numbers and booleans as their text,
 * lists joined with spaces, undefined left out.
 */
export function toApiParams(params: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    // Stryker disable next-line StringLiteral: a fast path; a string falls through to the last branch, whose String(value) is the same string
    if (typeof value === 'string') out[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
    else if (Array.isArray(value)) out[name] = value.map(String).join(' ');
    else out[name] = String(value);
  }
  return out;
}

/**
 * The names of the given parameters (non-empty values) that this engine does not implement
 * for `kind`, in the order given: each is reported as 13911.
 */
export function unimplementedParams(params: CallsApiParams, kind: 'create' | 'modify'): string[] {
  const known = kind === 'create' ? CREATE_PARAMS : MODIFY_PARAMS;
  const out: string[] = [];
  for (const name in params) {
    const value = params[name];
    if (value === undefined || value.trim() === '' || known.has(name)) continue;
    out.push(name);
  }
  return out;
}
