/**
 * The Asterisk media driver: ARI REST over undici plus one event WebSocket for the Stasis
 * application. Inbound calls are channels that enter the application with the inbound
 * argument (`Stasis(rcml,inbound)`); everything else entering it (the `;1` half of a Local
 * channel pair, the driver's own outbound legs) is not a new call.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, DriverCapabilities, MediaDriver, OriginateRequest } from '@rcml/core';
import { RcmlError } from '@rcml/core';
import { EventRouter } from './ari/eventRouter.js';
import { createEventSocket, type EventSocket } from './ari/eventSocket.js';
import { encodeQueryValue, segment } from './ari/query.js';
import { type AriRestClient, ariStatus, createAriRestClient, locateAri } from './ari/restClient.js';
import type { AriEvent } from './ari/types.js';
import { AriChannel } from './channel/ariChannel.js';
import type { DriverContext } from './channel/context.js';
import { ConferenceRooms } from './dial/conference.js';
import { createSoxConverter } from './media/converter.js';
import { createMediaCache, createUndiciMediaFetcher } from './media/mediaCache.js';
import { recordingAudio } from './media/recordingAudio.js';
import { createFileRecordingStore } from './media/recordingStore.js';
import { createEspeakTts } from './media/tts.js';
import { type AsteriskDriverOptions, endpointFor, resolveOptions } from './options.js';

/** An inbound call handed to `start`'s callback. */
export interface InboundCall {
  readonly channel: Channel;
  /** The caller's number (`CALLERID(num)`); `anonymous` when the caller withheld it. */
  readonly from: string;
  /** The dialled number: the second Stasis argument when given, else the dialplan extension. */
  readonly to: string;
  /** The caller's name, when the network sent one. */
  readonly callerName?: string;
}

/** A media driver for Asterisk 22 over ARI. */
export interface AsteriskDriver extends MediaDriver {
  /** Connect the event WebSocket and start taking inbound calls. Rejects (14103) when ARI is unreachable. */
  start(onInbound: (call: InboundCall) => void): Promise<void>;
  /** Hang up the channels the driver owns and close the connections. */
  stop(): Promise<void>;
  /** Where finished recordings are copied (serve it under `recordingBaseUrl`). */
  readonly recordingsDir: string;
}

/** `From` of an inbound call whose caller withheld the number (`CALLERID(num)` empty). */
export const ANONYMOUS = 'anonymous';

/** Create the driver. Nothing connects until `start`. */
export function createAsteriskDriver(options: AsteriskDriverOptions): AsteriskDriver {
  const resolved = resolveOptions(options);
  const location = locateAri(resolved.ariUrl);
  const raw: AriRestClient = createAriRestClient(location, resolved.auth);
  const converter = options.converter ?? createSoxConverter();
  const channels = new Map<string, AriChannel>();
  let onInbound: ((call: InboundCall) => void) | null = null;
  let socket: EventSocket | null = null;
  /** Why ARI cannot be reached (a request could not be sent), or null while it can. */
  let unreachable: string | null = null;
  let stopping = false;

  /**
   * Every ARI request goes through here: each failure is logged with its request, and one
   * that could not be sent at all (connection refused or reset: Asterisk stopped) puts the
   * driver in the unreachable state.
   */
  const rest: AriRestClient = {
    async request(method, path, requestOptions) {
      try {
        const response = await raw.request(method, path, requestOptions);
        // Back only with the event socket open too: calls placed before it reconnects would
        // never hear of their channels.
        if (unreachable !== null && !stopping && socket?.connected === true) back('an ARI request succeeded');
        return response;
      } catch (error) {
        logFailure(method, path, error);
        if (ariStatus(error) === 0 && !stopping) void confirmLost((error as Error).message);
        throw error;
      }
    },
    close: () => raw.close(),
  };

  function logFailure(method: string, path: string, error: unknown): void {
    const status = ariStatus(error);
    const fields = { method, path, status, error: (error as Error).message };
    // 404 and 409 are the everyday answers about channels and recordings that have just ended.
    if (status === 404 || status === 409) resolved.logger.debug('ARI request refused', fields);
    else if (status === 0 || (status !== undefined && status >= 500))
      resolved.logger.error('ARI request failed', fields);
    else resolved.logger.warn('ARI request failed', fields);
  }

  /**
   * ARI is unreachable: every live call ends now (an answered one as a hang-up, an attempt as
   * `failed`) rather than running on with a channel nobody can control, and new calls are
   * refused until ARI answers again.
   */
  function lost(reason: string): void {
    if (unreachable === null) {
      unreachable = reason;
      resolved.logger.error('ARI connection lost: ending the live calls, refusing new ones', {
        reason,
        calls: [...channels.values()].filter((c) => !c.gone).length,
      });
    }
    for (const channel of [...channels.values()]) channel.lost();
  }

  /**
   * A request could not be sent. One dead connection is not a dead Asterisk (the channel whose
   * operation failed ends on its own, see `AriChannel.ari`): ARI counts as lost when a fresh
   * ping cannot be sent either.
   */
  async function confirmLost(reason: string): Promise<void> {
    if (unreachable === null) {
      try {
        await raw.request('GET', '/asterisk/ping');
        return;
      } catch (error) {
        if (ariStatus(error) !== 0 || stopping) return;
      }
    }
    lost(reason);
  }

  function back(how: string): void {
    resolved.logger.info('ARI connection is back', { how, wasDown: unreachable });
    unreachable = null;
  }

  /** The event socket closed: is Asterisk gone, or only the socket? */
  async function probe(): Promise<void> {
    try {
      await rest.request('GET', '/asterisk/ping');
    } catch {
      // A transport failure has already ended the calls (see `rest`).
    }
  }

  const router = new EventRouter((event) => takeInbound(event));
  const ctx: DriverContext = {
    rest,
    router,
    options: resolved,
    logger: resolved.logger,
    tts:
      options.tts ??
      createEspeakTts({ dir: resolved.ttsCacheDir, asteriskDir: resolved.asteriskTtsCacheDir, converter }),
    media:
      options.mediaCache ??
      createMediaCache({
        dir: resolved.mediaCacheDir,
        asteriskDir: resolved.asteriskMediaCacheDir,
        fetcher: options.mediaFetcher ?? createUndiciMediaFetcher(),
        converter,
        logger: resolved.logger,
      }),
    conferences: new ConferenceRooms(),
    recordings:
      options.recordingStore ?? createFileRecordingStore(resolved.recordingsDir, resolved.recordingBaseUrl),
    newId: options.newId ?? (() => randomUUID()),
  };

  function track(channel: AriChannel): AriChannel {
    channels.set(channel.id, channel);
    void channel.whenGone.then(() => channels.delete(channel.id));
    return channel;
  }

  /** A StasisStart nobody owns: an inbound call when its first argument says so. */
  function takeInbound(event: AriEvent): boolean {
    const json = event.channel;
    if (json === undefined || onInbound === null) return false;
    const args = event.args ?? [];
    if (args[0] !== resolved.inboundArg) return false;
    const channel = track(new AriChannel(ctx, 'inbound', json.id));
    // A withheld number arrives empty: the call still runs, as `From=anonymous`.
    channel.callerNumber = json.caller?.number || ANONYMOUS;
    channel.attach(json.id);
    const to = args[1] !== undefined && args[1] !== '' ? args[1] : (json.dialplan?.exten ?? '');
    const name = json.caller?.name ?? '';
    onInbound({ channel, from: channel.callerNumber, to, ...(name === '' ? {} : { callerName: name }) });
    return true;
  }

  /**
   * Channels and bridges left in the application by an earlier run of the driver (a crash,
   * a restart) stay in Stasis for ever, silent: nobody else will end them.
   */
  async function removeOrphans(): Promise<void> {
    let app: { channel_ids?: string[]; bridge_ids?: string[] };
    try {
      app = (await rest.request('GET', `/applications/${segment(resolved.app)}`)).body as typeof app;
    } catch (error) {
      // 404: the application was never registered, so nothing can be left in it.
      if (ariStatus(error) !== 404) {
        resolved.logger.warn('could not list the application', { error: (error as Error).message });
      }
      return;
    }
    const mine = new Set(router.ownedChannels());
    const orphans = (app.channel_ids ?? []).filter((id) => !mine.has(id));
    if (orphans.length > 0 || (app.bridge_ids ?? []).length > 0) {
      resolved.logger.warn('hanging up channels left over from an earlier run', { channels: orphans });
    }
    await Promise.all([
      ...orphans.map((id) => rest.request('DELETE', `/channels/${segment(id)}`).catch(() => undefined)),
      ...(app.bridge_ids ?? []).map((id) =>
        rest.request('DELETE', `/bridges/${segment(id)}`).catch(() => undefined),
      ),
    ]);
  }

  async function afterReconnect(): Promise<void> {
    for (const channel of [...channels.values()]) {
      const id = channel.ariChannelId;
      if (id === null || channel.gone) continue;
      if (resolved.onReconnect === 'resume') {
        try {
          await rest.request('GET', `/channels/${segment(id)}`);
          await channel.resync();
          continue;
        } catch (error) {
          if (ariStatus(error) !== 404) resolved.logger.warn('checking a channel failed', { channel: id });
          channel.markGone(true);
          continue;
        }
      }
      // Events of the gap are lost for good: end the call rather than leave it half-known.
      channel.markGone(true);
      channel.localHangup = true;
      await rest.request('DELETE', `/channels/${segment(id)}`).catch(() => undefined);
    }
  }

  const capabilities: DriverCapabilities = {
    ssml: false,
    speech: false,
    // Judged from TALK_DETECT voice activity (channel/detection.ts).
    voicemailDetection: resolved.talkDetect !== false,
  };

  return {
    capabilities,
    recordingsDir: resolved.recordingsDir,

    recordingAudio: (recording) => recordingAudio(ctx, recording),

    async start(callback) {
      if (socket !== null) throw new RcmlError(14103, 'the Asterisk driver is already started');
      onInbound = callback;
      const scheme = location.origin.startsWith('https:') ? 'wss:' : 'ws:';
      const host = location.origin.replace(/^https?:/, scheme);
      socket = createEventSocket({
        url: `${host}${location.root}/events?app=${encodeQueryValue(resolved.app)}&subscribeAll=false`,
        auth: resolved.auth,
        clock: resolved.clock,
        backoff: resolved.reconnect,
        logger: resolved.logger,
        onEvent: (event) => router.dispatch(event),
        onOpen: (reconnected) => {
          if (!reconnected) return;
          if (unreachable !== null) back('the event WebSocket reconnected');
          else resolved.logger.info('ARI event WebSocket reconnected');
          void afterReconnect();
        },
        onClose: () => {
          resolved.logger.warn('ARI event WebSocket closed; reconnecting');
          void probe();
        },
      });
      // Before the socket: a channel already in the application then cannot be one of ours.
      if (resolved.cleanupOnStart) await removeOrphans();
      try {
        await socket.start();
      } catch (error) {
        socket = null;
        throw error;
      }
    },

    async stop() {
      onInbound = null;
      stopping = true;
      const open = [...channels.values()].filter((c) => !c.gone);
      await Promise.all(open.map((c) => c.hangup().catch(() => undefined)));
      await socket?.stop();
      socket = null;
      await rest.close();
    },

    originate(request: OriginateRequest): Channel {
      if (unreachable !== null) {
        throw new RcmlError(14103, `Asterisk is unreachable (${unreachable}); the call is not placed`, {
          retryable: true,
        });
      }
      const channel = track(new AriChannel(ctx, 'outbound', request.callSid));
      channel.callerNumber = request.from;
      const detection = request.detection ?? (request.detectVoicemail ? 'voicemail' : null);
      if (detection !== null) channel.detect(detection);
      const ariId = `rcml-${request.callSid}`;
      // The id is ours, so no event of the new channel can arrive before we listen.
      channel.attach(ariId);
      const type = request.to.startsWith('client:')
        ? 'client'
        : /@|^sips?:/.test(request.to)
          ? 'sip'
          : 'number';
      const to = type === 'client' ? request.to.slice('client:'.length) : request.to;
      const placing = rest
        .request('POST', '/channels', {
          query: {
            endpoint: endpointFor(resolved.endpoints, type, to),
            app: resolved.app,
            appArgs: 'outbound',
            callerId: request.from,
            timeout: Math.max(1, Math.floor(request.timeout)) + resolved.ringTimeoutMarginSeconds,
            channelId: ariId,
          },
        })
        .catch((error: unknown) => {
          resolved.logger.warn('originate failed', { to: request.to, error: (error as Error).message });
          if (!channel.gone && !channel.localHangup) {
            channel.emit((h) => h.failed('unreachable'));
            channel.markGone(false);
          }
        })
        .then(() => undefined);
      // A hang-up (cancel) waits for the originate, so it cannot overtake it and leave a call ringing.
      channel.addCleanup(placing);
      return channel;
    },
  };
}
