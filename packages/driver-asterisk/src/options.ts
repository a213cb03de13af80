/**
 * The options of the Asterisk driver and their defaults.
 */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, Logger } from '@rcml/core';
import { systemClock } from '@rcml/core';
import type { BackoffOptions } from './ari/eventSocket.js';
import { DEFAULT_DETECTION, type DetectionThresholds } from './channel/detection.js';
import type { AudioConverter } from './media/converter.js';
import type { MediaCache, MediaFetcher } from './media/mediaCache.js';
import type { RecordingStore } from './media/recordingStore.js';
import type { TtsPort } from './media/tts.js';

/** Dial strings per target type. `{to}` is replaced by the target (a SIP URI without `sip:`). */
export interface EndpointTemplates {
  /** Phone numbers (default `PJSIP/{to}@trunk`). */
  readonly number: string;
  /** `client:` names (default `PJSIP/{to}`). */
  readonly client: string;
  /** SIP URIs (default `PJSIP/trunk/sip:{to}`). */
  readonly sip: string;
}

/** Voice activity detection during `<Record>` (Asterisk's `TALK_DETECT` function). */
export interface TalkDetectOptions {
  /** Milliseconds under the threshold before talking counts as stopped (Asterisk default 2500). */
  readonly silenceMs: number;
  /** Average sample magnitude that counts as talking (Asterisk default 256). */
  readonly talkingThreshold: number;
}

/**
 * Options of {@link createAsteriskDriver}. Only the ARI location and credentials are required.
 *
 * Paths: the driver writes synthesised speech and downloaded media into local directories and
 * asks Asterisk to play them by absolute path (`sound:/dir/file`, no extension). When Asterisk
 * sees those directories under another path (a container, a shared volume), set the
 * `asterisk…Dir` twin of each directory.
 */
export interface AsteriskDriverOptions {
  /** ARI base URL, e.g. `http://127.0.0.1:8088` (a trailing `/ari` is accepted). */
  readonly ariUrl: string;
  /** ARI user (`ari.conf`). */
  readonly ariUser: string;
  /** ARI password (`ari.conf`). */
  readonly ariPassword: string;
  /** Stasis application name (default `rcml`); the dialplan runs `Stasis(rcml,inbound)`. */
  readonly ariApp?: string;
  /** First Stasis argument that marks an inbound call (default `inbound`). */
  readonly inboundArg?: string;
  /** Dial strings for outbound calls and `<Dial>` targets. */
  readonly endpoints?: Partial<EndpointTemplates>;
  /** Text to speech (default: espeak-ng + sox into `ttsCacheDir`). */
  readonly tts?: TtsPort;
  /** Where synthesised speech is cached (default `<tmp>/rcml-asterisk/tts`). */
  readonly ttsCacheDir?: string;
  /** `ttsCacheDir` as Asterisk sees it (default: the same path). */
  readonly asteriskTtsCacheDir?: string;
  /** Where downloaded `<Play>` media is cached (default `<tmp>/rcml-asterisk/media`). */
  readonly mediaCacheDir?: string;
  /** `mediaCacheDir` as Asterisk sees it (default: the same path). */
  readonly asteriskMediaCacheDir?: string;
  /** Downloads `<Play>` URLs (default: undici, 5 redirects, 30 s, 50 MB). */
  readonly mediaFetcher?: MediaFetcher;
  /** Replaces the whole `<Play>` download cache (then `mediaFetcher` is not used). */
  readonly mediaCache?: MediaCache;
  /** Converts audio to 8 kHz mono 16-bit wav (default: sox). */
  readonly converter?: AudioConverter;
  /** Where finished recordings are copied from Asterisk (default `<tmp>/rcml-asterisk/recordings`). */
  readonly recordingsDir?: string;
  /**
   * Base of the `RecordingUrl` given to the engine: `<base>/<name>.wav`. Serve `recordingsDir`
   * there. Default: a `file://` URL of the local copy.
   */
  readonly recordingBaseUrl?: string;
  /** Replaces the default store (`recordingsDir` + `recordingBaseUrl`), e.g. to upload elsewhere. */
  readonly recordingStore?: RecordingStore;
  /** Voice activity during `<Record>`; `false` turns it off (default 700 ms, threshold 256). */
  readonly talkDetect?: TalkDetectOptions | false;
  /**
   * Thresholds of who-answered detection on outbound calls (`DetectVoicemail`,
   * `MachineDetection`), judged from `TALK_DETECT` voice activity; TwiML's defaults
   * (speech 2400 ms, speech end 1200 ms, silence timeout 5000 ms). Needs `talkDetect`.
   */
  readonly detection?: Partial<DetectionThresholds>;
  /** DTMF tone and gap lengths for `<Play digits>` (default 100 ms each). */
  readonly dtmf?: { readonly durationMs: number; readonly betweenMs: number };
  /** WebSocket reconnection delays (default 500 ms doubling to 10 s). */
  readonly reconnect?: Partial<BackoffOptions>;
  /**
   * What to do with the channels the driver owns when the WebSocket comes back after a drop:
   * `hangup` (default) ends them, because events of the gap are lost for good; `resume`
   * keeps the calls whose channel still exists and ends the others.
   */
  readonly onReconnect?: 'hangup' | 'resume';
  /**
   * On `start`, hang up the channels and destroy the bridges an earlier run left in the
   * application (default true).
   */
  readonly cleanupOnStart?: boolean;
  /**
   * ARI hang-up reason for `<Reject reason="rejected">`: `normal` (default; SIP 603 Decline on
   * an unanswered PJSIP call) or `rejected` (cause 21, SIP 403).
   */
  readonly rejectedCause?: 'normal' | 'rejected';
  /**
   * Seconds added to the ring timeout given to Asterisk (default 1). The engine runs its own
   * ring timer and cancels the attempt itself (`no-answer`); the margin keeps Asterisk's
   * timeout (cause 19, reported as `failed('no-answer')`) from racing it.
   */
  readonly ringTimeoutMarginSeconds?: number;
  /**
   * Address of the UDP sockets the driver opens for media streams (`<Connect><Stream>`,
   * `<Start><Stream>`): Asterisk's external media channels send RTP there (default
   * `127.0.0.1`; set an address Asterisk can reach when it runs on another host).
   */
  readonly mediaStreamHost?: string;
  /** Time for pauses, DTMF pacing and reconnection (default: the system clock). */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Id source for playback ids (default: random UUIDs); tests make it deterministic. */
  readonly newId?: () => string;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly ariUrl: string;
  readonly auth: string;
  readonly app: string;
  readonly inboundArg: string;
  readonly endpoints: EndpointTemplates;
  readonly ttsCacheDir: string;
  readonly asteriskTtsCacheDir: string;
  readonly mediaCacheDir: string;
  readonly asteriskMediaCacheDir: string;
  readonly recordingsDir: string;
  readonly recordingBaseUrl: string | null;
  readonly talkDetect: TalkDetectOptions | false;
  readonly detection: DetectionThresholds;
  readonly dtmf: { readonly durationMs: number; readonly betweenMs: number };
  readonly reconnect: BackoffOptions;
  readonly onReconnect: 'hangup' | 'resume';
  readonly rejectedCause: 'normal' | 'rejected';
  readonly ringTimeoutMarginSeconds: number;
  readonly cleanupOnStart: boolean;
  readonly mediaStreamHost: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function resolveOptions(options: AsteriskDriverOptions): ResolvedOptions {
  const base = join(tmpdir(), 'rcml-asterisk');
  const ttsCacheDir = options.ttsCacheDir ?? join(base, 'tts');
  const mediaCacheDir = options.mediaCacheDir ?? join(base, 'media');
  return {
    ariUrl: options.ariUrl,
    auth: `${options.ariUser}:${options.ariPassword}`,
    app: options.ariApp ?? 'rcml',
    inboundArg: options.inboundArg ?? 'inbound',
    endpoints: {
      number: options.endpoints?.number ?? 'PJSIP/{to}@trunk',
      client: options.endpoints?.client ?? 'PJSIP/{to}',
      sip: options.endpoints?.sip ?? 'PJSIP/trunk/sip:{to}',
    },
    ttsCacheDir,
    asteriskTtsCacheDir: options.asteriskTtsCacheDir ?? ttsCacheDir,
    mediaCacheDir,
    asteriskMediaCacheDir: options.asteriskMediaCacheDir ?? mediaCacheDir,
    recordingsDir: options.recordingsDir ?? join(base, 'recordings'),
    recordingBaseUrl: options.recordingBaseUrl?.replace(/\/+$/, '') ?? null,
    talkDetect: options.talkDetect ?? { silenceMs: 700, talkingThreshold: 256 },
    detection: { ...DEFAULT_DETECTION, ...options.detection },
    dtmf: options.dtmf ?? { durationMs: 100, betweenMs: 100 },
    reconnect: { initialMs: options.reconnect?.initialMs ?? 500, maxMs: options.reconnect?.maxMs ?? 10_000 },
    onReconnect: options.onReconnect ?? 'hangup',
    rejectedCause: options.rejectedCause ?? 'normal',
    ringTimeoutMarginSeconds: Math.max(0, options.ringTimeoutMarginSeconds ?? 1),
    cleanupOnStart: options.cleanupOnStart ?? true,
    mediaStreamHost: options.mediaStreamHost ?? '127.0.0.1',
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
  };
}

/** Fill an endpoint template for a target. */
export function endpointFor(
  templates: EndpointTemplates,
  type: 'number' | 'client' | 'sip',
  to: string,
): string {
  const value = type === 'sip' ? to.replace(/^sips?:/i, '') : to;
  return templates[type].split('{to}').join(value);
}
