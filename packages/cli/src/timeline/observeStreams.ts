/**
 * Media streams in the timeline: a {@link StreamPort} wrapper that logs when a stream's
 * WebSocket opens and when it closes (which side closed it, and what the application sent
 * back), so a `<Connect><Stream>` is not a silent gap between two prompts.
 */
import type { Clock, StreamOpenRequest, StreamPort, StreamSocket, StreamSocketHandler } from '@rcml/core';
import { shortSid } from './format.js';

/** What the application sent on one stream. */
interface AppTraffic {
  media: number;
  audioBytes: number;
  marks: number;
  clears: number;
  other: number;
}

/** `3 media (2.40 s of audio), 1 mark, 1 clear`, or `nothing`. */
export function describeTraffic(t: AppTraffic): string {
  const parts: string[] = [];
  if (t.media > 0) parts.push(`${t.media} media (${(t.audioBytes / 8000).toFixed(2)} s of audio)`);
  if (t.marks > 0) parts.push(`${t.marks} mark${t.marks === 1 ? '' : 's'}`);
  if (t.clears > 0) parts.push(`${t.clears} clear${t.clears === 1 ? '' : 's'}`);
  if (t.other > 0) parts.push(`${t.other} other`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

function count(t: AppTraffic, text: string): void {
  let message: { event?: unknown; media?: { payload?: unknown } };
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    t.other += 1;
    return;
  }
  if (message.event === 'media') {
    t.media += 1;
    const payload = message.media?.payload;
    if (typeof payload === 'string') t.audioBytes += Math.floor((payload.replace(/=+$/, '').length * 3) / 4);
  } else if (message.event === 'mark') t.marks += 1;
  else if (message.event === 'clear') t.clears += 1;
  else t.other += 1;
}

/**
 * Wrap `port` so that each stream adds a `stream` line to the log:
 * `connected ws://host/path (MZ…0002)` once the upgrade succeeded, and
 * `closed by the app (1000 "done") after 12.3 s; the app sent 5 media (5.00 s of audio), 5 marks`
 * (or `closed by the engine`) when the socket closes. Failures to connect are the engine's
 * notices (31920, 11210) and are not repeated here.
 */
export function observeStreams(
  port: StreamPort,
  clock: Clock,
  add: (entry: {
    kind: 'stream';
    at: number;
    callSid: string;
    event: 'connected' | 'closed';
    text: string;
  }) => void,
): StreamPort {
  return {
    async open(request: StreamOpenRequest, handler: StreamSocketHandler): Promise<StreamSocket> {
      const traffic: AppTraffic = { media: 0, audioBytes: 0, marks: 0, clears: 0, other: 0 };
      const sid = shortSid(request.streamSid);
      let closedByEngine = false;
      let ended = false;
      let openedAt: number | undefined;
      const logClosed = (who: string) => {
        const at = clock.now();
        const after = openedAt === undefined ? '' : ` after ${((at - openedAt) / 1000).toFixed(1)} s`;
        add({
          kind: 'stream',
          at,
          callSid: request.callSid,
          event: 'closed',
          text: `closed by ${who}${after}; the app sent ${describeTraffic(traffic)}  (${sid})`,
        });
      };
      const socket = await port.open(request, {
        message(text) {
          count(traffic, text);
          handler.message(text);
        },
        closed(code, reason) {
          // The engine's own closing was logged when it asked (the handshake ends later,
          // often after the call's `completed`).
          if (!closedByEngine && !ended) {
            const why = reason === '' ? `${code}` : `${code} "${reason}"`;
            logClosed(`the app (${why})`);
          }
          ended = true;
          handler.closed(code, reason);
        },
      });
      openedAt = clock.now();
      const name = request.name === null ? '' : ` name=${request.name}`;
      add({
        kind: 'stream',
        at: openedAt,
        callSid: request.callSid,
        event: 'connected',
        text: `connected ${request.url}${name}  (${sid})`,
      });
      return {
        send: (text) => socket.send(text),
        get bufferedBytes() {
          return socket.bufferedBytes ?? 0;
        },
        close() {
          if (!closedByEngine && !ended) logClosed('the engine');
          closedByEngine = true;
          socket.close();
        },
      };
    },
  };
}
