/**
 * A replay scenario, exactly as `docs/replay-format.md` (v1) defines the JSON file.
 * `validateScenario` (validate.ts) turns unknown JSON into this type or a clear error.
 */

/** The scenario's `options`: account, signing, API version, fetch timeout and the epoch of t = 0. */
export interface ScenarioOptions {
  readonly accountSid?: string;
  readonly authToken?: string;
  readonly apiVersion?: string;
  /** Seconds. */
  readonly fetchTimeout?: number;
  /** ISO-8601 instant for t = 0. */
  readonly epoch?: string;
  /** Play `<Conference waitUrl>` documents to a participant waiting for its room (default false). */
  readonly conferenceWaitUrl?: boolean;
}

/** One action of the far end under `party`, at `at` seconds. */
export type PartyAction =
  | { readonly at: number; readonly do: 'ring' | 'busy' | 'fail' | 'hangup' }
  | {
      readonly at: number;
      readonly do: 'answer';
      /** The truth detection should find: `human` (default), `machine`, or a TwiML `AnsweredBy` value. */
      readonly by?: AnswerBy;
      /** Seconds until a machine's greeting ends (default 0). */
      readonly greeting?: number;
    }
  | { readonly at: number; readonly do: 'dtmf'; readonly digits: string; readonly gap?: number }
  | ({ readonly at: number } & SpeakAction);

/** `answer` `by` values. */
export type AnswerBy =
  | 'human'
  | 'machine'
  | 'machine_start'
  | 'machine_end_beep'
  | 'machine_end_silence'
  | 'machine_end_other'
  | 'fax';

/** `speak`: voice for `for` seconds; `text` is what a speech `<Gather>` recognises. */
export interface SpeakAction {
  readonly do: 'speak';
  readonly for: number;
  readonly text?: string;
  /** 0 to 1, default 0.9. */
  readonly confidence?: number;
}

/** One action of a `<Dial>` target under `dialed`, `after` seconds from when that leg was dialled. */
export type DialedAction =
  | { readonly after: number; readonly do: 'ring' | 'answer' | 'busy' | 'fail' | 'hangup' }
  | { readonly after: number; readonly do: 'dtmf'; readonly digits: string; readonly gap?: number }
  | ({ readonly after: number } & SpeakAction);

/** One answer of the simulated application under `app`: a response, or a refused / never-answered connection. */
export type AppResponse =
  | {
      readonly status?: number;
      readonly type?: string;
      readonly body?: string;
      /** Seconds before the response starts. */
      readonly delay?: number;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly error: 'connect' | 'hang' };

/** The scenario's `media`: how long simulated speech, media and DTMF take, and which media URLs fail. */
export interface ScenarioMedia {
  readonly sayCharSeconds?: number;
  readonly playSeconds?: Readonly<Record<string, number>>;
  readonly defaultPlaySeconds?: number;
  readonly digitSeconds?: number;
  readonly recordingBaseUrl?: string;
  readonly failUrls?: readonly string[];
}

/**
 * One action of a media-stream application under `streams`, `after` seconds from the stream's
 * `start` message: send `for` seconds of audio, a mark, a clear, close the socket, or drop it
 * (gone without a close frame: code 1006).
 */
export type StreamAction =
  | { readonly after: number; readonly do: 'media'; readonly for: number }
  | { readonly after: number; readonly do: 'mark'; readonly name: string }
  | { readonly after: number; readonly do: 'clear' | 'close' | 'drop' };

/** One live change under `modify`: Calls API parameters applied at `at` seconds. */
export type ModifyEntry = { readonly at: number } & Readonly<Record<string, string | number>>;

/** The scenario's `expect`: creation, timeline and final state to match. */
export interface ScenarioExpect {
  readonly create?: { readonly ok: boolean; readonly field?: string };
  readonly timeline?: readonly Readonly<Record<string, unknown>>[];
  readonly final?: { readonly status?: string; readonly duration?: number };
}

/** A whole replay scenario (`docs/replay-format.md`). */
export interface Scenario {
  readonly name: string;
  readonly source?: string;
  readonly options?: ScenarioOptions;
  /** Outbound: Calls API POST parameters (strings). Exactly one of `call` and `inbound`. */
  readonly call?: Readonly<Record<string, string>>;
  readonly inbound?: Readonly<Record<string, string>>;
  readonly party?: readonly PartyAction[];
  readonly dialed?: Readonly<Record<string, readonly DialedAction[]>>;
  /** Keyed by `"<METHOD> <absolute URL without query>"`; a response or a list served in turn. */
  readonly app?: Readonly<Record<string, AppResponse | readonly AppResponse[]>>;
  readonly media?: ScenarioMedia;
  readonly modify?: readonly ModifyEntry[];
  readonly expect?: ScenarioExpect;
  /**
   * What the embedding server's number look-up knows (geographic parameters, spec 9.1):
   * number → `{ city, state, zip, country }`, each optional. Asked for `From` and `To` of an
   * outbound call; an inbound call carries `FromCity`… in `inbound` instead.
   */
  readonly numbers?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Media-stream applications by WebSocket URL (without its query): what each does once its
   * stream started. A stream to a URL not listed is refused (31920).
   */
  readonly streams?: Readonly<Record<string, readonly StreamAction[]>>;
}
