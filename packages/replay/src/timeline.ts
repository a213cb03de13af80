/**
 * The engine's timeline as the replay format defines it: every request to the application
 * and every media operation, in issue order, each stamped with simulated seconds.
 */

export interface FetchEntry {
  readonly kind: 'fetch';
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly at: number;
}

/** A timeline entry for a notification whose answer does not steer the call (status callbacks, `recordingStatusCallback`); one per delivery attempt. */
export interface CallbackEntry {
  readonly kind: 'callback';
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly at: number;
}

/** The media operations a timeline records. */
export type MediaOp =
  | 'answer'
  | 'say'
  | 'play'
  | 'digits'
  | 'pause'
  | 'gather'
  | 'record'
  | 'dial'
  | 'hangup'
  | 'reject';

/** One media operation; the fields of `op` follow. */
export interface MediaEntry {
  readonly kind: 'media';
  readonly op: MediaOp;
  readonly at: number;
  readonly [field: string]: unknown;
}

/** What a `stream` entry records: the socket's opening and closing, and the messages exchanged. */
export type StreamEvent = 'connect' | 'start' | 'media' | 'dtmf' | 'mark' | 'clear' | 'stop' | 'close';

/**
 * One event of a media stream (`<Connect><Stream>`, `<Start><Stream>`): who sent it (`engine`
 * or `app`), the stream's SID and the event's fields (`connect`: `url`, `name`; `start`:
 * `tracks`, `customParameters`; `media` from the app: `bytes`; `dtmf`: `digit`; `mark`:
 * `name`; `close`: `frames`, the media messages the engine sent). The engine's own `media`
 * frames are not entries.
 */
export interface StreamEntry {
  readonly kind: 'stream';
  readonly from: 'engine' | 'app';
  readonly event: StreamEvent;
  readonly streamSid: string;
  readonly at: number;
  readonly [field: string]: unknown;
}

/** One entry of a timeline: a document request, a callback, a media operation or a stream event. */
export type TimelineEntry = FetchEntry | CallbackEntry | MediaEntry | StreamEntry;

/** A whole recorded call: its timeline and how it ended. */
export interface CallOutcome {
  readonly timeline: readonly TimelineEntry[];
  /** null when creation was refused. */
  readonly final: { readonly status: string; readonly duration: number } | null;
}
