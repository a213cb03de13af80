/**
 * A media driver with no media time: every operation completes on the next macrotask. The
 * far end answers outbound calls at once, presses the gather finish key as soon as input
 * collection starts (an empty result, so no action request), and dial targets answer at once
 * and hang up on the next macrotask. What remains is the engine's own cost.
 */
import type {
  Channel,
  ChannelHandler,
  DialRequest,
  DialSession,
  MediaDriver,
  OriginateRequest,
  RecordingSession,
} from '@rcml/core';

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function createChannel(id: string, outbound: boolean): Channel {
  let handler: ChannelHandler | undefined;
  let ended = false;
  const emit = (fn: (h: ChannelHandler) => void) => {
    if (handler !== undefined && !ended) fn(handler);
  };
  const op = async (signal: AbortSignal): Promise<void> => {
    if (!signal.aborted) await nextTick();
  };
  const channel: Channel = {
    id,
    listen(h) {
      handler = h;
      if (outbound) {
        setImmediate(() => {
          emit((x) => x.ringing());
          emit((x) => x.answered());
        });
      }
    },
    answer: op,
    say: (_r, s) => op(s),
    play: async (_r, s) => {
      await op(s);
      return { ok: true };
    },
    sendDigits: (_r, s) => op(s),
    pause: (_r, s) => op(s),
    async gather(request) {
      const key = request.finishOnKey === '' ? '#' : request.finishOnKey;
      setImmediate(() => emit((x) => x.dtmf(key)));
    },
    async record(request): Promise<RecordingSession> {
      return { stop: async () => ({ url: `http://127.0.0.1/recordings/${request.recordingSid}` }) };
    },
    dial(request: DialRequest): DialSession {
      const legs = request.targets.map((t) => createChannel(t.callSid, true));
      return {
        legs,
        async bridge(index) {
          const leg = legs[index];
          setImmediate(() => leg?.hangup());
        },
      };
    },
    async hangup() {
      if (ended) return;
      const h = handler;
      ended = true;
      // A dial leg that hangs up reports it to the engine, like a far end hanging up.
      if (outbound && h !== undefined) setImmediate(() => h.hangup());
    },
    async reject() {
      ended = true;
    },
  };
  return channel;
}

/** The zero-latency driver. */
export function createZeroLatencyDriver(): MediaDriver {
  return {
    capabilities: { ssml: true, speech: false, voicemailDetection: false },
    originate(request: OriginateRequest): Channel {
      return createChannel(request.callSid, true);
    },
  };
}
