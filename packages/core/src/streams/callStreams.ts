/**
 * The media streams of one call: the one `<Connect><Stream>` being run and the forked
 * `<Start><Stream>`s (at most {@link MAX_FORKED_STREAMS} at once; a further one is ignored
 * with notice 14106). `<Stop><Stream name>` stops forked streams by name; the session calls
 * `stopAll` when the call ends, so no stream outlives its call.
 */
import type { HttpMethod, StreamNoun } from '../document/ast.js';
import type { ErrorCode } from '../errors.js';
import type { Channel, Clock, StreamPort } from '../ports.js';
import { MediaStream } from './mediaStream.js';

/** Forked streams one call may run at once (TwiML's limit). */
export const MAX_FORKED_STREAMS = 4;

/** What a call's streams need from the call. */
export interface CallStreamsDeps {
  readonly port: StreamPort | undefined;
  readonly channel: Channel;
  readonly clock: Clock;
  readonly callSid: string;
  readonly accountSid: string;
  nextSid(): string;
  notice(code: ErrorCode, message: string, level: 'warning' | 'error'): void;
  notify(url: string, method: HttpMethod, params: Readonly<Record<string, string>>): void;
}

/** What a verb asks for: the noun, its URLs resolved against the document. */
export interface StreamStart {
  readonly noun: StreamNoun;
  readonly url: string | null;
  readonly statusCallback: string | null;
}

/** The streams of one call. */
export class CallStreams {
  private readonly forked = new Set<MediaStream>();
  private readonly all = new Set<MediaStream>();

  constructor(private readonly deps: CallStreamsDeps) {}

  /** `<Connect><Stream>`: a bidirectional stream; the verb waits for `ended`. */
  connect(start: StreamStart): MediaStream {
    return this.open(start, true);
  }

  /** `<Start><Stream>`: a one-way fork that runs until stopped or the call ends; null when refused. */
  fork(start: StreamStart): MediaStream | null {
    if (this.forked.size >= MAX_FORKED_STREAMS) {
      const name = start.noun.name === null ? '' : ` "${start.noun.name}"`;
      this.deps.notice(
        14106,
        `<Start><Stream>${name}: the call already runs ${MAX_FORKED_STREAMS} forked streams; this one is ignored`,
        'warning',
      );
      return null;
    }
    const stream = this.open(start, false);
    this.forked.add(stream);
    void stream.ended.then(() => this.forked.delete(stream));
    return stream;
  }

  /** `<Stop><Stream name>`: stop the forked streams of that name or SID (every one when null). */
  stop(name: string | null): void {
    for (const stream of [...this.forked]) {
      if (name !== null && stream.name !== name && stream.sid !== name) continue;
      stream.stop();
    }
  }

  /**
   * The call ended: stop every stream still running. None starts afterwards: streams are
   * opened by a running verb, and the call is finalized only once its step has settled.
   */
  stopAll(): void {
    for (const stream of [...this.all]) stream.stop();
  }

  private open(start: StreamStart, bidirectional: boolean): MediaStream {
    const { deps } = this;
    const stream = new MediaStream(
      {
        port: deps.port,
        channel: deps.channel,
        clock: deps.clock,
        callSid: deps.callSid,
        accountSid: deps.accountSid,
        notice: (code, message, level) => deps.notice(code, message, level),
        notify: (url, method, params) => deps.notify(url, method, params),
      },
      { sid: deps.nextSid(), ...start, bidirectional },
    );
    this.all.add(stream);
    // Stryker disable next-line ArrowFunction: the set is only read by stopAll, and stop() of an ended stream does nothing; keeping ended streams in it changes nothing but memory
    void stream.ended.then(() => this.all.delete(stream));
    return stream;
  }
}
