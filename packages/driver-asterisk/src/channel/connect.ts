/**
 * `Channel.connect` (`<Dial><Queue>`: an agent and the caller it took off a queue): a mixing
 * bridge of its own holding both channels (`POST /bridges?type=mixing`, then one
 * `addChannel` with both ids), kept until the engine aborts the connection or either call
 * leaves it. The bridge is destroyed before either channel's next command (the caller goes on
 * to its `<Enqueue action>`, the agent to its `<Dial action>`), as for a `<Dial>` bridge.
 */
import type { Channel } from '@rcml/core';
import { RcmlError } from '@rcml/core';
import { segment } from '../ari/query.js';
import type { AriBridgeJson } from '../ari/types.js';
import type { AriChannel } from './ariChannel.js';

/** Leaving events of a bridged channel: the far end hung up or the channel left Stasis. */
function endsBridge(type: string, soft: boolean | undefined): boolean {
  return (
    (type === 'ChannelHangupRequest' && soft !== true) || type === 'StasisEnd' || type === 'ChannelDestroyed'
  );
}

/**
 * Connect `self` with `other` (another channel of the same driver) until `signal` aborts;
 * resolves once both are in the bridge. Rejects with 14103 when `other` is not a channel of
 * this Asterisk or either call has already hung up.
 */
export async function connectChannels(self: AriChannel, other: Channel, signal: AbortSignal): Promise<void> {
  const peer = other as Partial<AriChannel>;
  if (peer.ctx !== self.ctx || typeof peer.ready !== 'function') {
    throw new RcmlError(14103, 'connect: the other call is not a channel of this Asterisk driver');
  }
  const them = other as AriChannel;
  const [ownId, otherId] = await Promise.all([self.ready(), them.ready()]);
  if (ownId === null || otherId === null) {
    throw new RcmlError(14103, 'connect: the call has hung up');
  }
  if (signal.aborted) return;
  // A prompt still playing to either party would be heard over the other's voice: it ends
  // first (or the engine gives up on the connection meanwhile).
  const aborted = new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await Promise.race([Promise.all([self.mediaIdle(), them.mediaIdle()]), aborted]);
  if (signal.aborted) return;
  const { ctx } = self;
  const response = await ctx.rest.request('POST', '/bridges', { query: { type: 'mixing' } });
  const bridgeId = (response.body as AriBridgeJson).id;
  const bridge = `/bridges/${segment(bridgeId)}`;
  let torn = false;
  const untaps: (() => void)[] = [];
  const teardown = () => {
    if (torn) return;
    torn = true;
    signal.removeEventListener('abort', teardown);
    for (const untap of untaps) untap();
    const work = ctx.rest
      .request('DELETE', bridge)
      .then(() => undefined)
      .catch(() => undefined);
    // Each party's next command waits for the bridge to be gone.
    self.addCleanup(work);
    them.addCleanup(work);
  };
  for (const party of [self, them]) {
    untaps.push(
      party.tap((event) => {
        if (endsBridge(event.type, event.soft)) teardown();
      }),
    );
    party.onLocalHangup(teardown);
    void party.whenGone.then(teardown);
  }
  signal.addEventListener('abort', teardown, { once: true });
  try {
    await ctx.rest.request('POST', `${bridge}/addChannel`, { query: { channel: `${ownId},${otherId}` } });
  } catch (error) {
    teardown();
    throw error;
  }
  if (signal.aborted) teardown();
}
