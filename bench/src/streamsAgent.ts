/**
 * The echo agent of the streams benchmark, in a worker thread so that its work does not share
 * the engine's event loop: a `ws` server on 127.0.0.1 that sends every inbound frame back,
 * closes each socket `seconds` after its `start`, and measures each frame's lateness: its
 * arrival time less its `timestamp`, less the smallest such offset of its stream (the frame
 * that arrived earliest for its timestamp is on time).
 */

import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocketServer } from 'ws';

interface Settings {
  readonly seconds: number;
}

const { seconds } = workerData as Settings;
const lateness: number[] = [];
let streams = 0;
/** Streams whose lateness is not counted yet (their socket may still be closing). */
const pending = new Set<() => void>();
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (socket) => {
  let sid = '';
  const offsets: number[] = [];
  const flush = () => {
    if (!pending.delete(flush)) return;
    const best = Math.min(...offsets);
    for (const offset of offsets) lateness.push(offset - best);
  };
  pending.add(flush);
  socket.on('close', flush);
  socket.on('message', (data) => {
    const at = performance.now();
    const message = JSON.parse(data.toString()) as {
      event: string;
      streamSid?: string;
      media?: { timestamp: string; payload: string };
    };
    if (message.event === 'start') {
      sid = message.streamSid ?? '';
      streams++;
      setTimeout(() => socket.close(1000), seconds * 1000);
      return;
    }
    if (message.event !== 'media' || message.media === undefined) return;
    offsets.push(at - Number(message.media.timestamp));
    socket.send(
      JSON.stringify({ event: 'media', streamSid: sid, media: { payload: message.media.payload } }),
    );
  });
});
server.on('listening', () => {
  parentPort?.postMessage({ port: (server.address() as AddressInfo).port });
});
parentPort?.on('message', (message: { done?: boolean }) => {
  if (!message.done) return;
  for (const flush of [...pending]) flush();
  parentPort?.postMessage({ lateness, streams });
  server.close();
});
