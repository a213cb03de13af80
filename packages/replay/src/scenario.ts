/**
 * A replay scenario, exactly as `docs/replay-format.md` (v1) defines the JSON file.
 * `validateScenario` (validate.ts) turns unknown JSON into this type or a clear error.
 */

export interface ScenarioOptions {
  readonly accountSid?: string;
  readonly authToken?: string;
  readonly apiVersion?: string;
  /** Seconds. */
  readonly fetchTimeout?: number;
  /** ISO-8601 instant for t = 0. */
  readonly epoch?: string;
}

export type PartyAction =
  | { readonly at: number; readonly do: 'ring' | 'busy' | 'fail' | 'hangup' }
  | { readonly at: number; readonly do: 'answer'; readonly by?: 'human' | 'machine' }
  | { readonly at: number; readonly do: 'dtmf'; readonly digits: string; readonly gap?: number }
  | { readonly at: number; readonly do: 'speak'; readonly for: number };

export type DialedAction =
  | { readonly after: number; readonly do: 'ring' | 'answer' | 'busy' | 'fail' | 'hangup' }
  | { readonly after: number; readonly do: 'dtmf'; readonly digits: string; readonly gap?: number };

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

export interface ScenarioMedia {
  readonly sayCharSeconds?: number;
  readonly playSeconds?: Readonly<Record<string, number>>;
  readonly defaultPlaySeconds?: number;
  readonly digitSeconds?: number;
  readonly recordingBaseUrl?: string;
  readonly failUrls?: readonly string[];
}

export type ModifyEntry = { readonly at: number } & Readonly<Record<string, string | number>>;

export interface ScenarioExpect {
  readonly create?: { readonly ok: boolean; readonly field?: string };
  readonly timeline?: readonly Readonly<Record<string, unknown>>[];
  readonly final?: { readonly status?: string; readonly duration?: number };
}

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
}
