/**
 * Validation of the Calls API parameters (spec 1.2) and of an inbound call's application
 * (spec 1.3). Anything invalid throws `RcmlError` 20001 naming the parameter in `field`.
 */
import { parseProgressEvents } from '../callbacks/progress.js';
import type { HttpMethod, ProgressEvent } from '../document/ast.js';
import { RcmlError } from '../errors.js';
import { isHttpUrl } from '../fetch/url.js';
import { type AnswerOptions, validateAnswerOptions } from './validateAnswerOptions.js';

type Params = Readonly<Record<string, string | undefined>>;

/** The validated application of a call. */
export interface CallApplication {
  readonly url: string;
  readonly method: HttpMethod;
  readonly fallbackUrl: string | null;
  readonly fallbackMethod: HttpMethod;
  readonly statusCallback: string | null;
  readonly statusCallbackMethod: HttpMethod;
  readonly statusCallbackEvents: ReadonlySet<ProgressEvent>;
}

export interface ValidatedCreate extends CallApplication, AnswerOptions {
  readonly to: string;
  readonly from: string;
  readonly timeout: number;
  readonly detectVoicemail: boolean;
}

function invalid(field: string, reason: string): RcmlError {
  return new RcmlError(20001, `${field}: ${reason}`, { field });
}

function present(params: Params, field: string): string | undefined {
  const value = params[field];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** `GET` or `POST` (any case); absent means `POST`. */
export function validateMethod(params: Params, field: string): HttpMethod {
  const value = present(params, field);
  if (value === undefined) return 'POST';
  const upper = value.toUpperCase();
  if (upper === 'GET' || upper === 'POST') return upper;
  throw invalid(field, `"${value}" is not GET or POST`);
}

/** An absolute http(s) URL; `required` makes absence an error. */
export function validateUrl(params: Params, field: string, required: true): string;
export function validateUrl(params: Params, field: string, required: false): string | null;
export function validateUrl(params: Params, field: string, required: boolean): string | null {
  const value = present(params, field);
  if (value === undefined) {
    if (required) throw invalid(field, 'required');
    return null;
  }
  if (!isHttpUrl(value)) throw invalid(field, `"${value}" is not an absolute http or https URL`);
  return value;
}

/** A phone number, `client:<name>`, or a SIP URI (`sip:` or anything with `@`). */
function validateTo(params: Params): string {
  const value = present(params, 'To');
  if (value === undefined) throw invalid('To', 'required');
  if (value.startsWith('client:')) {
    if (value.length === 'client:'.length) throw invalid('To', 'client name is empty');
    return value;
  }
  if (value.startsWith('sip:') || value.includes('@')) return value;
  if (/^\+?[0-9*#]+$/.test(value.replace(/[\s\-.()]/g, ''))) return value;
  throw invalid('To', `"${value}" is not a phone number, client:<name> or SIP URI`);
}

/** The application parameters shared by outbound and inbound calls. */
function validateApplication(params: Params, urlRequired = true): CallApplication {
  // Without `Url` (a `Twiml` call, where validateCreate refuses a `Url`) the url is empty: the
  // inline document runs instead.
  const url = urlRequired ? validateUrl(params, 'Url', true) : '';
  const method = validateMethod(params, 'Method');
  const fallbackUrl = validateUrl(params, 'FallbackUrl', false);
  const fallbackMethod = validateMethod(params, 'FallbackMethod');
  const statusCallback = validateUrl(params, 'StatusCallback', false);
  const statusCallbackMethod = validateMethod(params, 'StatusCallbackMethod');
  const statusCallbackEvents = parseProgressEvents(params.StatusCallbackEvent);
  return {
    url,
    method,
    fallbackUrl,
    fallbackMethod,
    statusCallback,
    statusCallbackMethod,
    statusCallbackEvents,
  };
}

/** Spec 1.2: the Calls API parameters of an outbound call. */
export function validateCreate(params: Params): ValidatedCreate {
  const to = validateTo(params);
  const from = present(params, 'From');
  if (from === undefined) throw invalid('From', 'required');
  // Spec 9.2: `Twiml` replaces `Url`; both together is refused naming `Twiml`.
  const twiml = present(params, 'Twiml') !== undefined;
  if (twiml && present(params, 'Url') !== undefined) {
    throw invalid('Twiml', 'cannot be given together with Url: give one of them');
  }
  const application = validateApplication(params, !twiml);
  let timeout = 60;
  const rawTimeout = present(params, 'Timeout');
  if (rawTimeout !== undefined) {
    if (!/^\d+$/.test(rawTimeout))
      throw invalid('Timeout', `"${rawTimeout}" is not a whole number of seconds`);
    timeout = Number(rawTimeout);
    if (timeout < 1 || timeout > 600) throw invalid('Timeout', `${timeout} is outside 1 to 600`);
  }
  let detectVoicemail = false;
  const rawDetect = present(params, 'DetectVoicemail');
  if (rawDetect !== undefined) {
    const lower = rawDetect.toLowerCase();
    if (lower === 'yes' || lower === 'true') detectVoicemail = true;
    else if (lower !== 'no' && lower !== 'false') {
      throw invalid('DetectVoicemail', `"${rawDetect}" is not yes, true, no or false`);
    }
  }
  const onAnswer = validateAnswerOptions(params, detectVoicemail);
  // Built field by field (no spread): one object per call creation, owned by the call.
  return {
    url: application.url,
    method: application.method,
    fallbackUrl: application.fallbackUrl,
    fallbackMethod: application.fallbackMethod,
    statusCallback: application.statusCallback,
    statusCallbackMethod: application.statusCallbackMethod,
    statusCallbackEvents: application.statusCallbackEvents,
    to,
    from,
    timeout,
    detectVoicemail,
    machineDetection: onAnswer.machineDetection,
    machineDetectionTimeout: onAnswer.machineDetectionTimeout,
    sendDigits: onAnswer.sendDigits,
    record: onAnswer.record,
  };
}

/** Spec 1.3: an arriving call's From/To and its number's application. */
export function validateInbound(params: Params): CallApplication & { from: string; to: string } {
  const from = present(params, 'From');
  if (from === undefined) throw invalid('From', 'required');
  const to = present(params, 'To');
  if (to === undefined) throw invalid('To', 'required');
  return { ...validateApplication(params), from, to };
}
