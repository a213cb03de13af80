/**
 * Validation of the Calls API parameters that decide what happens when an outbound call is
 * answered (spec 1.2, 9.3, 9.4): `MachineDetection` and `MachineDetectionTimeout`,
 * `SendDigits`, and `Record` with its `Recording…` parameters. Anything invalid throws
 * `RcmlError` 20001 naming the parameter.
 */
import type { HttpMethod } from '../document/ast.js';
import { RcmlError } from '../errors.js';
import { isHttpUrl } from '../fetch/url.js';

type Params = Readonly<Record<string, string | undefined>>;

/** `MachineDetection` mode (spec 9.3). */
export type MachineDetection = 'Enable' | 'DetectMessageEnd';

/** `Record=true` on create (spec 9.4). */
export interface CallRecordingSettings {
  readonly channels: 'mono' | 'dual';
  readonly statusCallback: string | null;
  readonly statusCallbackMethod: HttpMethod;
}

/** What the call does on answer, validated. */
export interface AnswerOptions {
  readonly machineDetection: MachineDetection | null;
  /** Seconds, 3 to 59 (default 30), counted from the answer. */
  readonly machineDetectionTimeout: number;
  /** Keys played to the far end once it answered; null for none. */
  readonly sendDigits: string | null;
  readonly record: CallRecordingSettings | null;
}

/** The `MachineDetectionTimeout` default (seconds). */
export const DEFAULT_MACHINE_DETECTION_TIMEOUT = 30;

function invalid(field: string, reason: string): RcmlError {
  return new RcmlError(20001, `${field}: ${reason}`, { field });
}

function present(params: Params, field: string): string | undefined {
  const value = params[field];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function method(params: Params, field: string): HttpMethod {
  const value = present(params, field);
  if (value === undefined) return 'POST';
  const upper = value.toUpperCase();
  if (upper === 'GET' || upper === 'POST') return upper;
  throw invalid(field, `"${value}" is not GET or POST`);
}

function machineDetection(params: Params): MachineDetection | null {
  const value = present(params, 'MachineDetection');
  if (value === undefined) return null;
  // TwiML's values; matched without regard to case, as REST clients spell them differently.
  const lower = value.toLowerCase();
  if (lower === 'enable') return 'Enable';
  if (lower === 'detectmessageend') return 'DetectMessageEnd';
  throw invalid('MachineDetection', `"${value}" is not Enable or DetectMessageEnd`);
}

function machineDetectionTimeout(params: Params): number {
  const value = present(params, 'MachineDetectionTimeout');
  if (value === undefined) return DEFAULT_MACHINE_DETECTION_TIMEOUT;
  if (!/^\d+$/.test(value))
    throw invalid('MachineDetectionTimeout', `"${value}" is not a whole number of seconds`);
  const n = Number(value);
  if (n < 3 || n > 59) throw invalid('MachineDetectionTimeout', `${n} is outside 3 to 59`);
  return n;
}

function sendDigits(params: Params): string | null {
  const value = present(params, 'SendDigits');
  if (value === undefined) return null;
  if (!/^[0-9*#w]+$/.test(value)) {
    throw invalid('SendDigits', `"${value}" may hold only the keys 0-9, *, # and w (a 0.5 s wait)`);
  }
  return value;
}

function record(params: Params): CallRecordingSettings | null {
  const value = present(params, 'Record');
  let on = false;
  if (value !== undefined) {
    const lower = value.toLowerCase();
    if (lower === 'true') on = true;
    else if (lower !== 'false') throw invalid('Record', `"${value}" is not true or false`);
  }
  // The recording parameters are checked even when Record is off: a typo is still refused.
  const rawChannels = present(params, 'RecordingChannels');
  let channels: 'mono' | 'dual' = 'mono';
  if (rawChannels !== undefined) {
    const lower = rawChannels.toLowerCase();
    if (lower !== 'mono' && lower !== 'dual') {
      throw invalid('RecordingChannels', `"${rawChannels}" is not mono or dual`);
    }
    channels = lower;
  }
  const callback = present(params, 'RecordingStatusCallback');
  if (callback !== undefined && !isHttpUrl(callback)) {
    throw invalid('RecordingStatusCallback', `"${callback}" is not an absolute http or https URL`);
  }
  const callbackMethod = method(params, 'RecordingStatusCallbackMethod');
  if (!on) return null;
  return { channels, statusCallback: callback ?? null, statusCallbackMethod: callbackMethod };
}

/**
 * Spec 1.2 / 9.3 / 9.4: `MachineDetection` (refused together with `DetectVoicemail`, which
 * asks for the other detection), `MachineDetectionTimeout`, `SendDigits`, `Record`.
 */
export function validateAnswerOptions(params: Params, detectVoicemail: boolean): AnswerOptions {
  const detection = machineDetection(params);
  if (detection !== null && detectVoicemail) {
    throw invalid('MachineDetection', 'not together with DetectVoicemail (choose one detection)');
  }
  return {
    machineDetection: detection,
    machineDetectionTimeout: machineDetectionTimeout(params),
    sendDigits: sendDigits(params),
    record: record(params),
  };
}
