/**
 * The parameters of the call you place with `rcml call`: what the engine is handed
 * (`engine.inbound`) and what `--record` writes as the scenario's `inbound`.
 */
import type { PhoneAppSettings } from './runPhone.js';

/** The number called, its application and the call's extra parameters (`--param`). */
export interface InboundCall extends PhoneAppSettings {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly from: string;
  readonly to: string;
  readonly params?: Readonly<Record<string, string>>;
}

/**
 * The extra parameters that describe the caller: TwiML's geographic parameters (spec 9.1),
 * `CallerName` and `ForwardedFrom`; the engine sends them (and the `Caller…`/`Called…`
 * aliases) on every request.
 */
const CALLER = /^(From|To)(City|State|Zip|Country)$|^CallerName$|^ForwardedFrom$/;

/** The inbound call's parameters (spec 1.3): the caller's extras, `From`, `To` and the application. */
export function inboundParams(
  call: InboundCall,
): Record<string, string> & { readonly From: string; readonly To: string; readonly Url: string } {
  const callerExtras = Object.fromEntries(
    Object.entries(call.params ?? {}).filter(([name]) => CALLER.test(name)),
  );
  return {
    ...callerExtras,
    From: call.from,
    To: call.to,
    Url: call.url,
    Method: call.method,
    ...(call.fallbackUrl === undefined ? {} : { FallbackUrl: call.fallbackUrl }),
    ...(call.fallbackMethod === undefined ? {} : { FallbackMethod: call.fallbackMethod }),
    ...(call.statusCallback === undefined ? {} : { StatusCallback: call.statusCallback }),
    ...(call.statusCallbackMethod === undefined ? {} : { StatusCallbackMethod: call.statusCallbackMethod }),
    ...(call.statusCallbackEvent === undefined ? {} : { StatusCallbackEvent: call.statusCallbackEvent }),
  };
}
