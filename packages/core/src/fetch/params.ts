/**
 * The parameters every request about a call carries (spec section 2), in the documented
 * order: CallSid, AccountSid, From, To, CallStatus, ApiVersion, Direction, Caller (= From),
 * Called (= To), then the optional CallerName, ForwardedFrom, ParentCallSid, the geographic
 * parameters of spec 9.1 when the embedding server supplied them, then AnsweredBy and
 * VoicemailDetector once voicemail detection ran.
 */
import type { CallStatus, Direction } from '../engine/types.js';
import type { AnsweredBy, NumberGeography } from '../ports.js';

/** What the parameters are built from; the call session keeps this up to date. */
export interface CallIdentity {
  readonly sid: string;
  readonly accountSid: string;
  readonly from: string;
  readonly to: string;
  readonly apiVersion: string;
  readonly direction: Direction;
  readonly parentCallSid: string | null;
  readonly callerName: string | null;
  readonly forwardedFrom: string | null;
  /** Geographic parameters (spec 9.1), built once by {@link geoParams}; absent when unknown. */
  readonly geo?: Readonly<Record<string, string>> | null;
  readonly status: CallStatus;
  readonly answeredBy: AnsweredBy | null;
  readonly voicemailDetector: 'person_found' | 'voicemail' | null;
}

/** The parameters of section 2 for the call as it is now. */
export function callParams(call: CallIdentity): Record<string, string> {
  const params: Record<string, string> = {
    CallSid: call.sid,
    AccountSid: call.accountSid,
    From: call.from,
    To: call.to,
    CallStatus: call.status,
    ApiVersion: call.apiVersion,
    Direction: call.direction,
    Caller: call.from,
    Called: call.to,
  };
  if (call.callerName !== null) params.CallerName = call.callerName;
  if (call.forwardedFrom !== null) params.ForwardedFrom = call.forwardedFrom;
  if (call.parentCallSid !== null) params.ParentCallSid = call.parentCallSid;
  const geo = call.geo;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: `for...in` over undefined or null iterates nothing (no TypeError), so the guard only spares a no-op loop.
  if (geo !== undefined && geo !== null) for (const key in geo) params[key] = geo[key]!;
  if (call.answeredBy !== null) {
    params.AnsweredBy = call.answeredBy;
    // Only `DetectVoicemail` has a VoicemailDetector; `MachineDetection` sends AnsweredBy alone (spec 9.3).
    if (call.voicemailDetector !== null) params.VoicemailDetector = call.voicemailDetector;
  }
  return params;
}

const GEO_FIELDS = [
  ['city', 'City'],
  ['state', 'State'],
  ['zip', 'Zip'],
  ['country', 'Country'],
] as const;

/**
 * The geographic request parameters of spec 9.1 from what is known about each side:
 * `FromCity`… and `CallerCity`… from `from`, `ToCity`… and `CalledCity`… from `to`. Empty or
 * missing values are left out (never invented, never `null`); null when nothing is known.
 */
export function geoParams(
  from: NumberGeography | undefined,
  to: NumberGeography | undefined,
): Readonly<Record<string, string>> | null {
  const params: Record<string, string> = {};
  let any = false;
  for (const [side, alias, info] of [
    ['From', 'Caller', from],
    ['To', 'Called', to],
  ] as const) {
    if (info === undefined) continue;
    for (const [field, suffix] of GEO_FIELDS) {
      const value = info[field]?.trim();
      if (value === undefined || value === '' || value === 'null') continue;
      params[`${side}${suffix}`] = value;
      params[`${alias}${suffix}`] = value;
      any = true;
    }
  }
  return any ? params : null;
}

/** Geographic data given as request-style parameters (`FromCity`, `ToState`, …) by an embedder. */
export function geographyOf(params: object, side: 'From' | 'To'): NumberGeography | undefined {
  const info: Record<string, string> = {};
  let any = false;
  for (const [field, suffix] of GEO_FIELDS) {
    const value = (params as Readonly<Record<string, unknown>>)[`${side}${suffix}`];
    if (typeof value === 'string' && value.trim() !== '') {
      info[field] = value;
      any = true;
    }
  }
  return any ? info : undefined;
}
