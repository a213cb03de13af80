/** What a call is configured with, and what a live change gives it (spec 1.2, 1.3, 1.5, 9). */
import type { HttpMethod, ProgressEvent } from '../document/ast.js';
import type { InlineDocument } from '../document/inline.js';
import type { CallRecordingSettings, MachineDetection } from '../engine/validateAnswerOptions.js';

/** How a call is configured (Calls API parameters or the number's application). */
export interface CallSettings {
  url: string;
  method: HttpMethod;
  fallbackUrl: string | null;
  fallbackMethod: HttpMethod;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvents: ReadonlySet<ProgressEvent>;
  /** Outbound: seconds it may ring. */
  readonly timeout: number;
  readonly detectVoicemail: boolean;
  /** `Twiml` (spec 9.2): the inline document run instead of fetching `url`; null or absent for none. */
  inline?: InlineDocument | null;
  /** The `Url` the call was created with (null for `Twiml`): what a live change's `Twiml` resolves against. */
  readonly createdUrl?: string | null;
  /** Outbound: `MachineDetection` (spec 9.3); absent or null for none. */
  readonly machineDetection?: MachineDetection | null;
  /** Seconds to wait for the `MachineDetection` result after the answer (default 30). */
  readonly machineDetectionTimeout?: number;
  /** Outbound: keys played to the far end after the answer, before `Url` (spec 1.2). */
  readonly sendDigits?: string | null;
  /** Outbound: `Record=true`, the whole call recorded (spec 9.4). */
  readonly record?: CallRecordingSettings | null;
}

/** A live-change target (spec 1.5). */
export interface RedirectTarget {
  readonly url: string;
  readonly method: HttpMethod;
  readonly fallbackUrl: string | null;
  readonly fallbackMethod: HttpMethod;
  /** `Twiml` (spec 9.2): run this inline document instead of fetching `url`. */
  readonly inline?: InlineDocument;
}
