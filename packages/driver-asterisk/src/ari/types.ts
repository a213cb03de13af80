/**
 * The parts of the ARI 22 JSON model the driver reads. Asterisk sends more fields; only the
 * ones used are typed, everything else passes through untouched.
 */

/** A caller or connected party. */
export interface AriCallerId {
  readonly name: string;
  readonly number: string;
}

/** `Channel` as ARI returns it. */
export interface AriChannelJson {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly caller?: AriCallerId;
  readonly connected?: AriCallerId;
  readonly dialplan?: { readonly context: string; readonly exten: string; readonly priority: number };
}

/** `Playback` as ARI returns it. */
export interface AriPlaybackJson {
  readonly id: string;
  readonly media_uri?: string;
  readonly target_uri?: string;
  /** queued, playing, continuing, done, failed. */
  readonly state: string;
}

/** `LiveRecording` as ARI returns it. */
export interface AriRecordingJson {
  readonly name: string;
  readonly format?: string;
  /** queued, recording, paused, done, failed, canceled. */
  readonly state: string;
  readonly duration?: number;
  readonly cause?: string;
}

/** `Bridge` as ARI returns it. */
export interface AriBridgeJson {
  readonly id: string;
  readonly channels?: readonly string[];
}

/** One WebSocket message. Fields depend on `type`. */
export interface AriEvent {
  readonly type: string;
  readonly application?: string;
  readonly channel?: AriChannelJson;
  readonly peer?: AriChannelJson;
  readonly playback?: AriPlaybackJson;
  readonly recording?: AriRecordingJson;
  readonly bridge?: AriBridgeJson;
  readonly args?: readonly string[];
  readonly digit?: string;
  readonly cause?: number;
  readonly cause_txt?: string;
  readonly soft?: boolean;
  readonly dialstatus?: string;
}
