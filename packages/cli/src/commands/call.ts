import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type CallRecording, createCallRecording } from '@rcml/replay';
import {
  eventsOption,
  httpMethodOption as httpMethod,
  httpUrlOption as httpUrl,
  numberOption,
  parseOptions,
  UsageError,
} from '../args.js';
import type { Command } from '../io.js';
import { inboundParams } from '../phone/inboundParams.js';
import { RESERVED_PARAMS, runPhone } from '../phone/runPhone.js';

const HELP = `usage: rcml call <url> [options]

An interactive terminal phone: calls the application at <url> (as an inbound call on the
simulated driver, real clock). What it says appears as it is spoken; <Play> shows a
progress bar. Keys: 0-9 * # A-D send DTMF; s starts a phrase: type words and press Enter
to say them (speech <Gather>), or Enter alone to talk for 2 s (for <Record>); h hangs up.
Piped input (not a terminal) is paced: each key or phrase waits until the app listens (a
<Gather> after its prompts, a <Record>); when the input is used up, the next time the app
listens the caller hangs up.

  --method GET|POST         how to fetch <url> (default POST)
  --from NUMBER             your number (default +15550001000)
  --to NUMBER               the number you dial (default +15550002000)
  --account-sid AC...       AccountSid of every request (default $TWILIO_ACCOUNT_SID, else
                            AC followed by 32 zeros)
  --auth-token TOKEN        sign every request with X-Twilio-Signature using this token
                            (default $TWILIO_AUTH_TOKEN; unsigned when neither is set)
  --param NAME=VALUE        an extra request parameter of the call, e.g. FromState=CA
                            (repeatable; sent on every request of the call)
  --fallback-url URL        fetched when <url> fails or its answer cannot be run
  --fallback-method GET|POST   (default POST)
  --status-callback URL     call-progress events go here
  --status-callback-method GET|POST   (default POST)
  --status-callback-event EVENTS   of initiated ringing answered completed, comma- or
                            space-separated (default completed)
  --say-char-seconds S      speaking time per character (default 0.05)
  --play-seconds S          length of every <Play> (default 2)
  --answer-after S          a <Dial>led party answers after S seconds (default 2)
  --hangup-after S          ... and hangs up S seconds after it is connected (default 10)
  --record FILE             write the call as a replay scenario: your keys, speech and
                            hang-up as party actions, the app's answers as its app section,
                            the replayed timeline as expect (rcml replay FILE, or live:
                            rcml replay --app URL FILE)
`;

/** `--param NAME=VALUE` occurrences as one record; names checked. */
function requestParams(raw: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const item of raw) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(`--param must be NAME=VALUE with a name of letters, digits and _, got "${item}"`);
    }
    if (RESERVED_PARAMS.has(name)) {
      throw new UsageError(
        `--param ${name}: the engine sets ${name} itself (use --from, --to or --account-sid)`,
      );
    }
    params[name] = item.slice(eq + 1);
  }
  return params;
}

/** `rcml call <url>`: exits 0 when the call ended. */
export const command: Command = {
  summary: 'an interactive terminal phone: place a call to an application',
  async run(args, io) {
    let parsed: Parameters<typeof runPhone>[0] | undefined;
    let recording: { file: string; recorder: CallRecording } | undefined;
    const env = io.env ?? process.env;
    try {
      const { values, positionals } = parseOptions(
        args,
        {
          method: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          'account-sid': { type: 'string' },
          'auth-token': { type: 'string' },
          param: { type: 'string', multiple: true },
          'fallback-url': { type: 'string' },
          'fallback-method': { type: 'string' },
          'status-callback': { type: 'string' },
          'status-callback-method': { type: 'string' },
          'status-callback-event': { type: 'string' },
          'say-char-seconds': { type: 'string' },
          'play-seconds': { type: 'string' },
          'answer-after': { type: 'string' },
          'hangup-after': { type: 'string' },
          record: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        true,
      );
      if (values.help === true) {
        io.stdout.write(HELP);
        return 0;
      }
      const [url, ...extra] = positionals;
      if (url === undefined) throw new UsageError('the application URL is missing');
      if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
      let parsedUrl: URL;
      try {
        parsedUrl = new URL(url);
      } catch {
        throw new UsageError(`"${url}" is not an absolute URL`);
      }
      if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') {
        throw new UsageError(`"${url}" must be an http or https URL`);
      }
      const method = httpMethod('--method', typeof values.method === 'string' ? values.method : 'POST');
      const text = (name: string) =>
        typeof values[name] === 'string' ? (values[name] as string) : undefined;
      const num = (name: string, fallback: number, min: number, max: number) =>
        numberOption(name, text(name), fallback, min, max);
      const accountSid = text('account-sid') ?? (env.TWILIO_ACCOUNT_SID || undefined);
      if (accountSid !== undefined && !/^AC[0-9A-Za-z]{1,64}$/.test(accountSid)) {
        throw new UsageError(
          `--account-sid (or TWILIO_ACCOUNT_SID) must be AC followed by letters or digits, got "${accountSid}"`,
        );
      }
      const authToken = text('auth-token') ?? (env.TWILIO_AUTH_TOKEN || undefined);
      if (authToken === '') throw new UsageError('--auth-token must not be empty');
      const events = eventsOption('--status-callback-event', text('status-callback-event'));
      const fallbackUrl = text('fallback-url');
      const statusCallback = text('status-callback');
      const fallbackMethod = httpMethod('--fallback-method', text('fallback-method'));
      const statusCallbackMethod = httpMethod('--status-callback-method', text('status-callback-method'));
      const paramList = values.param as unknown as string[] | undefined;
      parsed = {
        url,
        method: method ?? 'POST',
        from: text('from') ?? '+15550001000',
        to: text('to') ?? '+15550002000',
        ...(accountSid === undefined ? {} : { accountSid }),
        ...(authToken === undefined ? {} : { authToken }),
        params: requestParams(paramList ?? []),
        ...(fallbackUrl === undefined ? {} : { fallbackUrl: httpUrl('--fallback-url', fallbackUrl) }),
        ...(fallbackMethod === undefined ? {} : { fallbackMethod }),
        ...(statusCallback === undefined
          ? {}
          : { statusCallback: httpUrl('--status-callback', statusCallback) }),
        ...(statusCallbackMethod === undefined ? {} : { statusCallbackMethod }),
        ...(events === undefined ? {} : { statusCallbackEvent: events }),
        sayCharSeconds: num('say-char-seconds', 0.05, 0, 1),
        playSeconds: num('play-seconds', 2, 0, 600),
        legAnswerAfter: num('answer-after', 2, 0, 600),
        legHangupAfter: num('hangup-after', 10, 0, 14400),
        terminal: { input: io.stdin ?? process.stdin, output: io.stdout },
      };
      const recordTo = text('record');
      if (recordTo === '') throw new UsageError('--record needs a file name');
      if (recordTo !== undefined) {
        recording = { file: resolve(io.cwd, recordTo), recorder: recorderFor(parsed) };
        parsed = { ...parsed, recorder: recording.recorder };
      }
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`rcml call: ${error.message}\n\n${HELP}`);
      return 2;
    }
    const status = await runPhone(parsed);
    io.stdout.write(`Call ended: ${status}\n`);
    if (recording !== undefined) {
      const { scenario, differences } = await recording.recorder.toScenario();
      await writeFile(recording.file, `${JSON.stringify(scenario, null, 2)}\n`);
      io.stdout.write(
        `Recorded: ${recording.file} (rcml replay, or rcml replay --app <base URL> for the live app)\n`,
      );
      for (const d of differences)
        io.stderr.write(`warning: the recording does not replay like the call: ${d}\n`);
    }
    return 0;
  },
};

/** A recorder for `--record`: the call's settings as the scenario's `inbound`, `media`, `dialed`. */
function recorderFor(options: Parameters<typeof runPhone>[0]): CallRecording {
  return createCallRecording({
    inbound: inboundParams(options),
    ...(options.accountSid === undefined ? {} : { accountSid: options.accountSid }),
    media: { sayCharSeconds: options.sayCharSeconds, defaultPlaySeconds: options.playSeconds },
    dialedDefault: { answerAfter: options.legAnswerAfter, hangupAfter: options.legHangupAfter },
  });
}
