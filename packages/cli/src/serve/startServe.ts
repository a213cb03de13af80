/**
 * `rcml serve` without the command line around it: the Calls API server over the engine on
 * the simulated driver (or another driver) and the real HTTP transport, and its orderly stop.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuthLimitOptions, createCallsApiServer, createFolderRecordingStore } from '@rcml/api';
import type { EngineLimits, MediaDriver } from '@rcml/core';
import { createUrlGuard, type LookupFunction, type UrlGuard } from '@rcml/webhook';
import { createRuntime, type Runtime } from '../runtime/createRuntime.js';
import type { LogEntry } from '../timeline/callLog.js';
import { playParty, type ServeScript } from './farEndScriptFile.js';
import { resolveUrlPolicy, type UrlGuardSetting, type UrlPolicy } from './urlPolicy.js';

export interface ServeOptions {
  readonly port?: number;
  readonly host?: string;
  /** Generated when absent (`AC` + 32 hex). */
  readonly accountSid?: string;
  /** Generated when absent. */
  readonly authToken?: string;
  /** Unscripted outbound calls answer after this many seconds (default 1). */
  readonly answerAfter?: number;
  readonly script?: ServeScript;
  /**
   * Simulated: a dialled leg (`<Dial>`) that its `dialed` script does not cover hangs up this
   * many seconds after it was dialled (default {@link DEFAULT_FAR_END_HANGUP_AFTER}; 0: never),
   * so that calls end by themselves.
   */
  readonly farEndHangupAfter?: number;
  /** Another media driver instead of the simulated one. */
  readonly driver?: MediaDriver;
  /** The engine's protection limits (spec 8). */
  readonly limits?: Partial<EngineLimits>;
  /** Told of every log entry (the command prints them). */
  readonly onEntry?: (entry: LogEntry) => void;
  /**
   * The SSRF guard over every outgoing request and the Calls API's URL parameters: `auto`
   * (default) turns it on unless `host` is loopback; `true`/`false` force it; `{ allow }`
   * turns it on with an allow list (docs/cli.md, "Running it on a network").
   */
  readonly urlGuard?: UrlGuardSetting;
  /** Limit on failed authentications per client address (default: on); `false` turns it off. */
  readonly authLimit?: AuthLimitOptions | false;
  /** DNS lookup of outgoing requests (tests map names to 127.0.0.1). */
  readonly lookup?: LookupFunction;
  /**
   * The folder where recordings' audio is kept (`<RecordingSid>.wav`), served by the
   * Recordings resource; default `rcml-recordings` in the system's temporary folder.
   */
  readonly recordingsDir?: string;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly runtime: Runtime;
  /** The outgoing-URL policy in force (for the banner). */
  readonly urlPolicy: UrlPolicy;
  /**
   * The guard, when on, for code that opens connections of its own (media streams): call
   * `assert(url)` before connecting and connect with its `lookup` (docs/webhook.md).
   */
  readonly urlGuard: UrlGuard | null;
  /**
   * Stop accepting requests, let live calls finish for up to `drainMs` (default 10 s), hang
   * up the rest, deliver the callbacks still due (up to 5 s), and close the server.
   */
  stop(drainMs?: number): Promise<void>;
}

/** Seconds after which an unscripted dialled leg hangs up under `rcml serve`. */
export const DEFAULT_FAR_END_HANGUP_AFTER = 30;

/** Start the server; resolves once it listens. */
export async function startServe(options: ServeOptions = {}): Promise<RunningServer> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const party = options.script?.party;
  const hangupAfter = options.farEndHangupAfter ?? DEFAULT_FAR_END_HANGUP_AFTER;
  const urlPolicy = resolveUrlPolicy(options.host ?? '127.0.0.1', options.urlGuard);
  const guard = urlPolicy.guard
    ? createUrlGuard({
        allow: urlPolicy.allow,
        ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      })
    : null;
  // `RecordingUrl` is the Recordings resource of this server (its URL is known once it
  // listens) when the driver can hand over recordings' audio (the simulated and Asterisk
  // drivers can); a driver that cannot keeps its own URLs.
  let url = '';
  const serveRecordings = options.driver === undefined || options.driver.recordingAudio !== undefined;
  const runtime = createRuntime({
    recordingStore: createFolderRecordingStore(options.recordingsDir ?? join(tmpdir(), 'rcml-recordings')),
    ...(serveRecordings
      ? {
          recordingUrl: ({ sid, accountSid: account }: { sid: string; accountSid: string }) =>
            `${url}/2010-04-01/Accounts/${encodeURIComponent(account)}/Recordings/${sid}`,
        }
      : {}),
    ...(guard === null ? {} : { ssrfGuard: { allow: urlPolicy.allow } }),
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    ...(options.driver === undefined ? {} : { driver: options.driver }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    accountSid,
    authToken: (sid) => (sid === accountSid ? authToken : undefined),
    ...(options.script?.media === undefined ? {} : { media: options.script.media }),
    ...(options.script?.dialed === undefined ? {} : { dialed: options.script.dialed }),
    // A party script replaces the automatic answer; it is played against every outbound call.
    ...(party === undefined ? { autoAnswerAfter: options.answerAfter ?? 1 } : {}),
    onCall: (call) => {
      if (party !== undefined && call.kind === 'outbound') {
        playParty(call.farEnd, party, (fn, ms) => setTimeout(fn, ms).unref());
      }
      // Dialled parties hang up by themselves; a conference leg (the call's place in a room) does not.
      if (
        call.kind === 'leg' &&
        call.target !== 'conference' &&
        hangupAfter > 0 &&
        options.script?.dialed?.[call.to] === undefined
      ) {
        setTimeout(() => {
          if (call.channel.state === 'ended') return;
          runtime.log.add({
            kind: 'party',
            at: runtime.clock.now(),
            text: `${call.to} hangs up (dialled ${hangupAfter} s ago; --far-end-hangup-after)`,
          });
          void call.farEnd.hangup();
        }, hangupAfter * 1000).unref();
      }
    },
  });
  const stopLog = options.onEntry === undefined ? () => {} : runtime.log.listen(options.onEntry);
  const api = createCallsApiServer({
    engine: runtime.engine,
    accounts: (sid) => (sid === accountSid ? authToken : undefined),
    ...(guard === null ? {} : { urlCheck: guard.check }),
    ...(options.authLimit === false ? {} : { authLimit: options.authLimit ?? {} }),
  });
  try {
    url = await api.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    stopLog();
    await runtime.close({ deadlineMs: 0 });
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    accountSid,
    authToken,
    runtime,
    urlPolicy,
    urlGuard: guard,
    stop(drainMs = 10_000) {
      stopping ??= (async () => {
        // Refuse new connections first, so no call is created while draining.
        const closed = api.close();
        try {
          await runtime.close({ drainMs, deadlineMs: 5000 });
        } finally {
          stopLog();
          api.server.closeAllConnections();
          await closed;
        }
      })();
      return stopping;
    },
  };
}
