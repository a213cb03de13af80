/**
 * Turning log entries into the readable lines of a live timeline:
 * `  1.23s  say       "Welcome to ..."`.
 */
import type { LogEntry } from './callLog.js';

/** Parameters worth showing beside a request, in this order. */
const SHOWN_PARAMS = [
  'CallStatus',
  'Digits',
  'SpeechResult',
  'Confidence',
  'FinishedOnKey',
  'RecordingDuration',
  'RecordingStatus',
  'DialCallStatus',
  'DialCallDuration',
  'QueueResult',
  'QueuePosition',
  'StatusCallbackEvent',
  'ErrorCode',
  'StreamEvent',
  'StreamError',
  'SequenceNumber',
  'CallDuration',
] as const;

const ANSI = {
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  cyan: '\u001b[36m',
  yellow: '\u001b[33m',
  green: '\u001b[32m',
  red: '\u001b[31m',
  magenta: '\u001b[35m',
  reset: '\u001b[0m',
};
type Tone = Exclude<keyof typeof ANSI, 'reset'>;

/** Shorten text for one line. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The path (and query) of a URL, or the URL when it cannot be parsed. */
export function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

/** A SID short enough for one log line: `CA…0002` (its prefix and last four characters). */
export function shortSid(sid: string): string {
  return sid.length <= 8 ? sid : `${sid.slice(0, 2)}…${sid.slice(-4)}`;
}

function shownParams(params: Readonly<Record<string, string>>): string {
  return SHOWN_PARAMS.filter((k) => params[k] !== undefined)
    .map((k) => (k === 'SpeechResult' ? `${k}="${clip(params[k]!, 60)}"` : `${k}=${params[k]}`))
    .join(' ');
}

/** One media operation in words: `say "Hello"`, `gather numDigits=1 timeout=4`, ... */
export function describeOperation(op: string, detail: Readonly<Record<string, unknown>>): string {
  switch (op) {
    case 'say':
      return `"${clip(String(detail.text ?? ''), 90)}"${Number(detail.loop) > 1 ? ` x${detail.loop}` : ''}`;
    case 'play':
      return `${String(detail.url)}${Number(detail.loop) > 1 ? ` x${detail.loop}` : ''}`;
    case 'digits':
      return `sends ${String(detail.digits)}`;
    case 'pause':
      return `${String(detail.length)} s`;
    case 'gather': {
      // Only the settings of what it listens for: speechTimeout means nothing to a keys-only
      // Gather, numDigits and finishOnKey nothing to a speech-only one.
      const input = String(detail.input ?? 'dtmf');
      const keys = input.includes('dtmf');
      const speech = input.includes('speech');
      const language =
        detail.language === undefined || detail.language === 'en-US' ? '' : ` language=${detail.language}`;
      const speechSettings = `speechTimeout=${String(detail.speechTimeout ?? 'auto')}${language}`;
      const keySettings = `numDigits=${detail.numDigits ?? 'any'} timeout=${detail.timeout}s finishOnKey="${detail.finishOnKey}"`;
      if (!keys) return `listens for speech (timeout=${detail.timeout}s ${speechSettings})`;
      if (!speech) return `waits for keys (${keySettings})`;
      return `waits for keys or speech (${keySettings} ${speechSettings})`;
    }
    case 'record':
      return `records (maxLength=${detail.maxLength}s silence=${detail.timeout}s finishOnKey="${detail.finishOnKey}")`;
    case 'dial': {
      const targets = (detail.targets as { to: string }[] | undefined)?.map((t) => t.to).join(', ') ?? '';
      return `dials ${targets} (timeout=${detail.timeout}s)`;
    }
    case 'bridge': {
      const sid = typeof detail.callSid === 'string' ? ` (leg ${shortSid(detail.callSid)})` : '';
      return `connected with ${String(detail.to ?? 'the dialled party')}${sid}`;
    }
    case 'reject':
      return `rejects (${String(detail.reason)})`;
    default:
      return '';
  }
}

/** `  (leg CA…0002)` for an entry of another call than the timeline's main call, else `''`. */
function legOf(callSid: string, mainCall: string | undefined): string {
  return mainCall !== undefined && callSid !== mainCall ? `  (leg ${shortSid(callSid)})` : '';
}

/** The label, tone and text of an entry; undefined for entries not shown. */
function describe(
  entry: LogEntry,
  mainCall?: string,
): { label: string; tone: Tone; text: string } | undefined {
  switch (entry.kind) {
    case 'status':
      if (mainCall === undefined)
        return { label: 'status', tone: 'bold', text: `${entry.status}  (${entry.callSid})` };
      return entry.callSid === mainCall
        ? { label: 'status', tone: 'bold', text: entry.status }
        : { label: 'leg', tone: 'bold', text: `${entry.status}  (leg ${shortSid(entry.callSid)})` };
    case 'request': {
      // Status callbacks are shown by their `event` line; their answers still show.
      if (entry.params.CallbackSource === 'call-progress-events') return undefined;
      const arrow = entry.requestKind === 'fetch' ? 'fetch' : 'callback';
      return {
        label: arrow,
        tone: 'cyan',
        text: `${entry.method} ${shortUrl(entry.url)}  ${shownParams(entry.params)}${legOf(entry.callSid, mainCall)}`.trimEnd(),
      };
    }
    case 'response':
      return entry.status === null
        ? {
            label: 'failed',
            tone: 'red',
            text: `${entry.method} ${shortUrl(entry.url)}: ${entry.error ?? 'no answer'}`,
          }
        : {
            label: String(entry.status),
            tone: entry.status < 300 ? 'dim' : 'yellow',
            text: `${entry.method} ${shortUrl(entry.url)}${entry.contentType === null ? '' : `  (${entry.contentType})`}${entry.body === undefined ? '' : `  body: ${entry.body}`}`,
          };
    case 'media': {
      // A leg's operation (its whisper document) is marked as the leg's wherever it shows.
      const leg = entry.legSid === undefined ? '' : `  (leg ${shortSid(entry.legSid)})`;
      return { label: entry.op, tone: 'green', text: `${describeOperation(entry.op, entry.detail)}${leg}` };
    }
    case 'key':
      return { label: 'key', tone: 'magenta', text: `caller pressed ${entry.digit}` };
    case 'event': {
      const status = entry.params.CallStatus === undefined ? '' : `  CallStatus=${entry.params.CallStatus}`;
      return {
        label: 'event',
        tone: 'cyan',
        text: `${entry.event}${status}${legOf(entry.callSid, mainCall)}`,
      };
    }
    case 'notice':
      return {
        label: `notice`,
        tone: entry.level === 'error' ? 'red' : 'yellow',
        text: `${entry.code} ${entry.message}`,
      };
    case 'stream':
      return { label: 'stream', tone: 'green', text: `${entry.text}${legOf(entry.callSid, mainCall)}` };
    case 'party':
      return { label: 'caller', tone: 'magenta', text: entry.text };
    case 'phone':
      return { label: 'phone', tone: 'red', text: entry.text };
  }
}

/** How to show an entry's time and call. */
export interface LineStyle {
  /** Epoch ms of time zero: times print as seconds since it. Absent: wall-clock `HH:MM:SS.mmm` (UTC). */
  readonly t0?: number;
  readonly color?: boolean;
  /** Prefix the end of the CallSid, for logs of several calls at once. */
  readonly showCall?: boolean;
  /** The call a single-call timeline is about: its statuses omit the SID, other calls show as `leg`. */
  readonly mainCall?: string;
}

function callOf(entry: LogEntry): string {
  if (entry.kind === 'media') return (entry.legSid ?? entry.callSid)?.slice(-6) ?? '';
  if (entry.kind === 'party' || entry.kind === 'phone') return '';
  return entry.callSid === null ? '' : entry.callSid.slice(-6);
}

/** Format one entry as a log line (no newline); undefined for entries not shown. */
export function formatLine(entry: LogEntry, style: LineStyle = {}): string | undefined {
  const d = describe(entry, style.mainCall);
  if (d === undefined) return undefined;
  const time =
    style.t0 === undefined
      ? new Date(entry.at).toISOString().slice(11, 23)
      : `${((entry.at - style.t0) / 1000).toFixed(2)}s`.padStart(8);
  const call = style.showCall === true ? `${callOf(entry).padEnd(6)}  ` : '';
  const label = d.label.padEnd(9);
  if (style.color !== true) return `${time}  ${call}${label} ${d.text}`;
  return `${ANSI.dim}${time}  ${call}${ANSI.reset}${ANSI[d.tone]}${label}${ANSI.reset} ${d.text}`;
}

/** Format one entry as a timeline line (no newline), `t0` being the epoch ms of time zero. */
export function formatEntry(
  entry: LogEntry,
  t0: number,
  color = false,
  mainCall?: string,
): string | undefined {
  return formatLine(entry, { t0, color, ...(mainCall === undefined ? {} : { mainCall }) });
}
