/**
 * Media-stream applications in a replay (the scenario's `streams`): a `StreamPort` whose
 * sockets are scripted on the simulated clock, with every message exchanged written to the
 * timeline as a `stream` entry. The engine's `media` frames are not entries (50 a second per
 * track): the `close` entry counts them. A URL the scenario does not list refuses the
 * connection (notice 31920).
 */
import {
  RcmlError,
  type SimulatedClock,
  type StreamOpenRequest,
  type StreamPort,
  type StreamSocket,
  type StreamSocketHandler,
} from '@rcml/core';
import { SCRIPT_PRIORITY } from '@rcml/driver';
import type { TimelineRecorder } from './recorder.js';
import type { StreamAction } from './scenario.js';
import type { StreamEntry } from './timeline.js';

/** Bytes of μ-law per second of audio (8 kHz, one byte a sample). */
const BYTES_PER_SECOND = 8000;
/** The audio a scripted application sends: a constant non-silent μ-law byte. */
const APP_AUDIO_BYTE = 0x55;

/** A scripted stream port for `streams` (keyed by URL without its query). */
export function createScriptedStreams(
  scripts: Readonly<Record<string, readonly StreamAction[]>>,
  clock: SimulatedClock,
  recorder: TimelineRecorder,
): StreamPort {
  const record = (entry: Omit<StreamEntry, 'kind' | 'at'>) => {
    recorder.entries.push({ kind: 'stream', at: recorder.seconds(), ...entry } as StreamEntry);
  };
  return {
    open(request: StreamOpenRequest, handler: StreamSocketHandler): Promise<StreamSocket> {
      const key = request.url.split('?')[0] as string;
      record({
        from: 'engine',
        event: 'connect',
        streamSid: request.streamSid,
        url: request.url,
        ...(request.name === null ? {} : { name: request.name }),
      });
      const script = scripts[key];
      if (script === undefined) {
        return Promise.reject(new RcmlError(31920, `connection refused (no stream application at ${key})`));
      }
      return Promise.resolve(new ScriptedSocket(request.streamSid, script, clock, handler, record));
    },
  };
}

/** One socket of a scripted application. */
class ScriptedSocket implements StreamSocket {
  private open = true;
  private frames = 0;
  private readonly timers: unknown[] = [];

  constructor(
    private readonly streamSid: string,
    private readonly script: readonly StreamAction[],
    private readonly clock: SimulatedClock,
    private readonly handler: StreamSocketHandler,
    private readonly record: (entry: Omit<StreamEntry, 'kind' | 'at'>) => void,
  ) {}

  send(text: string): void {
    if (!this.open) return;
    const message = JSON.parse(text) as Record<string, unknown>;
    switch (message.event) {
      case 'connected':
        return;
      case 'media':
        this.frames++;
        return;
      case 'start': {
        const start = message.start as { tracks: string[]; customParameters: Record<string, string> };
        this.record({
          from: 'engine',
          event: 'start',
          streamSid: this.streamSid,
          tracks: start.tracks,
          customParameters: start.customParameters,
        });
        this.play();
        return;
      }
      case 'dtmf':
        this.record({
          from: 'engine',
          event: 'dtmf',
          streamSid: this.streamSid,
          digit: (message.dtmf as { digit: string }).digit,
        });
        return;
      case 'mark':
        this.record({
          from: 'engine',
          event: 'mark',
          streamSid: this.streamSid,
          name: (message.mark as { name: string }).name,
        });
        return;
      case 'stop':
        this.record({ from: 'engine', event: 'stop', streamSid: this.streamSid });
        return;
    }
  }

  close(): void {
    this.closed('engine');
  }

  /** The application's actions, `after` seconds from the `start` message. */
  private play(): void {
    const now = this.clock.now();
    for (const action of this.script) {
      this.timers.push(
        this.clock.schedule(
          now + Math.round(action.after * 1_000_000) / 1000,
          () => this.act(action),
          SCRIPT_PRIORITY,
        ),
      );
    }
  }

  private act(action: StreamAction): void {
    if (!this.open) return;
    const sid = this.streamSid;
    switch (action.do) {
      case 'media': {
        const bytes = Math.round(action.for * BYTES_PER_SECOND);
        this.record({ from: 'app', event: 'media', streamSid: sid, bytes });
        const payload = Buffer.alloc(bytes, APP_AUDIO_BYTE).toString('base64');
        this.handler.message(JSON.stringify({ event: 'media', streamSid: sid, media: { payload } }));
        return;
      }
      case 'mark':
        this.record({ from: 'app', event: 'mark', streamSid: sid, name: action.name });
        this.handler.message(JSON.stringify({ event: 'mark', streamSid: sid, mark: { name: action.name } }));
        return;
      case 'clear':
        this.record({ from: 'app', event: 'clear', streamSid: sid });
        this.handler.message(JSON.stringify({ event: 'clear', streamSid: sid }));
        return;
      case 'close':
        this.closed('app');
        return;
      case 'drop':
        this.closed('app', 1006);
        return;
    }
  }

  /** The socket closes: normally (1000), or dropped by the application without a close frame (1006). */
  private closed(by: 'engine' | 'app', code = 1000): void {
    if (!this.open) return;
    this.open = false;
    for (const id of this.timers) this.clock.clearTimeout(id);
    this.record({ from: by, event: 'close', streamSid: this.streamSid, frames: this.frames });
    this.handler.closed(code, '');
  }
}
