/**
 * `<Dial>`: one outbound leg per target, created in the Stasis application and dialled from
 * there, exactly as the recorded traffic does it:
 *   `POST /channels/create?endpoint=…&app=…&appArgs=outbound&originator={caller}`, then, once
 *   the leg's `StasisStart` has arrived (before or after the 200: both happen on a real
 *   Asterisk), `POST /channels/{leg}/dial?caller={caller}&timeout=…`.
 * The engine listens to each leg, bridges the first to answer with `bridge(index)` (a mixing
 * bridge holding both channels) and hangs the others up. When either side leaves the bridge
 * the driver destroys it before the caller's next command, so the caller carries on.
 * `record(…)` (`<Dial record>`) records the bridge or, from ringing, the caller first
 * (`dialRecording.ts`).
 */
import type { Channel, DialRequest, DialSession, DialTarget, RecordingSession } from '@rcml/core';
import { segment } from '../ari/query.js';
import type { AriBridgeJson, AriChannelJson } from '../ari/types.js';
import { AriChannel } from '../channel/ariChannel.js';
import { deferred } from '../channel/context.js';
import { endpointFor } from '../options.js';
import { ConferenceLeg } from './conference.js';
import { DialRecorder, dialRecordingName, notRecordable } from './dialRecording.js';

export function startDial(parent: AriChannel, request: DialRequest, signal: AbortSignal): DialSession {
  const legs: Channel[] = request.targets.map((target) =>
    target.type === 'conference' ? new ConferenceLeg(parent, target) : createLeg(parent, target, request),
  );
  const bridged = new Set<number>();
  const cancelUnbridged = () => {
    legs.forEach((leg, index) => {
      if (!bridged.has(index)) void leg.hangup().catch(() => undefined);
    });
  };
  if (signal.aborted) queueMicrotask(cancelUnbridged);
  else signal.addEventListener('abort', cancelUnbridged, { once: true });
  /** The bridge of the answered leg (null: none was made), once `bridge` has run. */
  const bridgeMade = deferred<string | null>();
  /** A from-ringing recording, set synchronously by `record` so that `bridge` finds it. */
  let ringing: Promise<DialRecorder | null> | null = null;

  return {
    legs,
    async bridge(index: number): Promise<void> {
      const leg = legs[index];
      if (leg === undefined) return;
      bridged.add(index);
      if (leg instanceof ConferenceLeg) {
        bridgeMade.resolve(null);
        return;
      }
      // A channel in a bridge cannot be recorded: its part stops before it joins.
      const recorder = ringing === null ? null : await ringing;
      await recorder?.pause().catch(() => undefined);
      let bridgeId: string | null = null;
      try {
        bridgeId = await bridgeLegs(parent, leg as AriChannel, request.hangupOnStar);
      } finally {
        bridgeMade.resolve(bridgeId);
      }
      if (recorder !== null && bridgeId !== null) await recorder.add(`/bridges/${segment(bridgeId)}`);
    },
    record(recording, recordSignal): Promise<RecordingSession> {
      const recorder = new DialRecorder(parent.ctx, dialRecordingName(recording.recordingSid));
      const start = async (): Promise<RecordingSession> => {
        if (recording.fromRinging) {
          const parentId = await parent.ready();
          if (parentId === null) throw notRecordable('the caller has hung up');
          await recorder.add(`/channels/${segment(parentId)}`);
        } else {
          const bridgeId = await bridgeMade.promise;
          if (bridgeId === null) throw notRecordable('the answered leg was not bridged');
          await recorder.add(`/bridges/${segment(bridgeId)}`);
        }
        return recorder.session();
      };
      const started = start();
      if (recording.fromRinging)
        ringing = started.then(
          () => recorder,
          () => null,
        );
      if (recordSignal.aborted) recorder.discard();
      else recordSignal.addEventListener('abort', () => recorder.discard(), { once: true });
      return started;
    },
  };
}

function createLeg(parent: AriChannel, target: DialTarget, request: DialRequest): AriChannel {
  const { ctx } = parent;
  const leg = new AriChannel(ctx, 'leg', target.callSid);
  leg.callerNumber = request.callerId;
  const place = async () => {
    const parentId = await parent.ready();
    if (parentId === null || leg.localHangup) {
      leg.detachFailed();
      return;
    }
    const type = target.type === 'conference' ? 'number' : target.type;
    let created: AriChannelJson;
    try {
      const response = await ctx.rest.request('POST', '/channels/create', {
        query: {
          endpoint: endpointFor(ctx.options.endpoints, type, target.to),
          app: ctx.options.app,
          appArgs: 'outbound',
          originator: parentId,
        },
      });
      created = response.body as AriChannelJson;
    } catch (error) {
      ctx.logger.warn('Dial: could not create the leg', { to: target.to, error: (error as Error).message });
      leg.detachFailed();
      leg.emit((h) => h.failed('unreachable'));
      return;
    }
    leg.attach(created.id);
    // On an idle Asterisk the 200 usually beats the leg's StasisStart: wait for it, or ARI
    // answers 409 "Channel not in Stasis application" to the variable and the dial.
    if (!(await leg.inStasis()) || leg.localHangup) return;
    // `caller=` copies the caller's ID to the leg (the SIP From); another caller ID is set
    // on the leg's connected line instead.
    const sameCaller = request.callerId === '' || request.callerId === parent.callerNumber;
    if (!sameCaller) {
      await leg.ari('POST', leg.path('/variable'), {
        variable: 'CONNECTEDLINE(num,i)',
        value: request.callerId,
      });
    }
    await leg.ari('POST', leg.path('/dial'), {
      caller: sameCaller ? parentId : undefined,
      timeout: Math.max(1, Math.floor(request.timeout)) + ctx.options.ringTimeoutMarginSeconds,
    });
  };
  place().catch((error: unknown) => {
    ctx.logger.warn('Dial: placing the leg failed', { to: target.to, error: (error as Error).message });
    if (!leg.gone) {
      leg.emit((h) => h.failed('unreachable'));
      void leg.hangup().catch(() => undefined);
    }
  });
  return leg;
}

/**
 * `hangupOnStar` needs the caller's keys while bridged: `dtmf_events` keeps Asterisk from
 * bridging the media natively (where DTMF would bypass it and raise no events).
 */
async function bridgeLegs(parent: AriChannel, leg: AriChannel, keys: boolean): Promise<string | null> {
  const { ctx } = parent;
  const parentId = await parent.ready();
  const legId = leg.ariChannelId;
  if (parentId === null || legId === null || leg.gone) return null;
  const response = await ctx.rest.request('POST', '/bridges', {
    query: { type: keys ? 'mixing,dtmf_events' : 'mixing' },
  });
  const bridgeId = (response.body as AriBridgeJson).id;
  let torn = false;
  const teardown = () => {
    if (torn) return;
    torn = true;
    const work = ctx.rest
      .request('DELETE', `/bridges/${segment(bridgeId)}`)
      .then(() => undefined)
      .catch(() => undefined);
    parent.addCleanup(work);
  };
  const untap = leg.tap((event) => {
    if (
      (event.type === 'ChannelHangupRequest' && event.soft !== true) ||
      event.type === 'StasisEnd' ||
      event.type === 'ChannelDestroyed'
    ) {
      teardown();
    }
  });
  leg.onLocalHangup(teardown);
  void parent.whenGone.then(teardown);
  void leg.whenGone.then(() => {
    teardown();
    untap();
  });
  await ctx.rest.request('POST', `/bridges/${segment(bridgeId)}/addChannel`, {
    query: { channel: `${parentId},${legId}` },
  });
  return bridgeId;
}
