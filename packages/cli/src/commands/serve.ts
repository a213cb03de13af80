import { createUrlGuard } from '@rcml/webhook';
import {
  eventsOption,
  httpMethodOption,
  httpUrlOption,
  numberOption,
  parseOptions,
  UsageError,
} from '../args.js';
import type { CliIo, Command } from '../io.js';
import { type LoadedAsterisk, loadAsteriskDriver, splitAsteriskArgs } from '../serve/asterisk.js';
import { loadServeScript } from '../serve/farEndScriptFile.js';
import { type InboundSettings, withInboundSettings } from '../serve/inbound.js';
import { DEFAULT_FAR_END_HANGUP_AFTER, type ServeOptions, startServe } from '../serve/startServe.js';
import { checkConfiguredUrls, resolveUrlPolicy, urlGuardFromFlags } from '../serve/urlPolicy.js';
import { formatLine } from '../timeline/format.js';

const HELP = `usage: rcml serve [options]

Runs the Calls REST API (POST/GET /2012-04-24/Accounts/{AccountSid}/Calls, also under
/2010-04-01) with the engine, on the simulated media driver by default.

  --port N                 port (default 8080; 0 picks a free one)
  --host H                 address to listen on (default 127.0.0.1)
  --account-sid AC...      the account (default: generated and printed)
  --auth-token T           its auth token (default: generated and printed)
  --driver simulated|asterisk
  --answer-after S         simulated: seconds before an outbound call answers (default 1)
  --script FILE            simulated: far-end behaviour, JSON {party, dialed, media} as in
                           the replay format; party is played against every outbound call
  --ari-url URL --ari-user U --ari-password P [--ari-app NAME] [--endpoint TEMPLATE]
  [--tts-cache-dir D] [--media-cache-dir D] [--recordings-dir D] [--recording-base-url U]
                           asterisk: where ARI is, how to log in, where media goes
                           (docs/asterisk.md; ARI_URL, ARI_USER, ARI_PASSWORD also work)
  --far-end-hangup-after S simulated: a dialled leg (<Dial>) hangs up S seconds after it
                           was dialled, unless the script's dialed section covers it
                           (default ${DEFAULT_FAR_END_HANGUP_AFTER}; 0: never)
  --inbound-url URL        asterisk: the application for calls arriving at Asterisk
  --inbound-method GET|POST                  ... how to fetch it (default POST)
  --inbound-fallback-url URL                 ... its FallbackUrl
  --inbound-fallback-method GET|POST         ... (default POST)
  --inbound-status-callback URL              ... its StatusCallback
  --inbound-status-callback-method GET|POST  ... (default POST)
  --inbound-status-callback-event EVENTS     ... of initiated ringing answered completed
                           (default completed)
  --allow-private-urls     let the engine request internal addresses (loopback, private,
                           link-local) although --host is not loopback
  --allow-url-host LIST    keep the guard on but let these through: comma-separated CIDR
                           ranges, addresses or host names (10.1.0.0/16,app.internal)
                           (the guard is on by default unless --host is loopback;
                           docs/cli.md, "Running it on a network")
  --recording-store D      the folder where recordings' audio is kept and served from
                           (Recordings resource; default rcml-recordings in the temp folder)
  --drain-seconds S        on SIGINT/SIGTERM, let calls end on their own for up to S
                           seconds before hanging them up (default 10)
  --quiet                  do not print the calls' timeline
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'account-sid': { type: 'string' },
  'auth-token': { type: 'string' },
  driver: { type: 'string' },
  'answer-after': { type: 'string' },
  script: { type: 'string' },
  'inbound-url': { type: 'string' },
  'inbound-method': { type: 'string' },
  'inbound-fallback-url': { type: 'string' },
  'inbound-fallback-method': { type: 'string' },
  'inbound-status-callback': { type: 'string' },
  'inbound-status-callback-method': { type: 'string' },
  'inbound-status-callback-event': { type: 'string' },
  'far-end-hangup-after': { type: 'string' },
  'allow-private-urls': { type: 'boolean' },
  'allow-url-host': { type: 'string' },
  'drain-seconds': { type: 'string' },
  'recording-store': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Record<string, string | boolean | undefined>;
const str = (values: Values, name: string) =>
  typeof values[name] === 'string' ? (values[name] as string) : undefined;

interface Plan {
  readonly serve: ServeOptions;
  readonly drainMs: number;
  readonly asterisk?: LoadedAsterisk;
  readonly inboundUrl?: string;
  /** The application for arriving calls, with its settings (`--inbound-*`). */
  readonly inbound?: InboundSettings;
}

/** `--inbound-url` and the settings that go with it; undefined without `--inbound-url`. */
function inboundSettings(values: Values, driver: string): InboundSettings | undefined {
  const url = str(values, 'inbound-url');
  const others = Object.keys(values).filter((k) => k.startsWith('inbound-') && k !== 'inbound-url');
  if (url === undefined) {
    if (others[0] !== undefined) throw new UsageError(`--${others[0]} needs --inbound-url`);
    return undefined;
  }
  if (driver !== 'asterisk') {
    throw new UsageError(
      '--inbound-url is for calls arriving at Asterisk (--driver asterisk); the simulated driver ' +
        'has no arriving calls: call an application with "rcml call <url>" instead',
    );
  }
  const method = httpMethodOption('--inbound-method', str(values, 'inbound-method'));
  const fallbackUrl = str(values, 'inbound-fallback-url');
  const fallbackMethod = httpMethodOption(
    '--inbound-fallback-method',
    str(values, 'inbound-fallback-method'),
  );
  const statusCallback = str(values, 'inbound-status-callback');
  const statusCallbackMethod = httpMethodOption(
    '--inbound-status-callback-method',
    str(values, 'inbound-status-callback-method'),
  );
  const events = eventsOption(
    '--inbound-status-callback-event',
    str(values, 'inbound-status-callback-event'),
  );
  return {
    Url: httpUrlOption('--inbound-url', url),
    ...(method === undefined ? {} : { Method: method }),
    ...(fallbackUrl === undefined
      ? {}
      : { FallbackUrl: httpUrlOption('--inbound-fallback-url', fallbackUrl) }),
    ...(fallbackMethod === undefined ? {} : { FallbackMethod: fallbackMethod }),
    ...(statusCallback === undefined
      ? {}
      : { StatusCallback: httpUrlOption('--inbound-status-callback', statusCallback) }),
    ...(statusCallbackMethod === undefined ? {} : { StatusCallbackMethod: statusCallbackMethod }),
    ...(events === undefined ? {} : { StatusCallbackEvent: events }),
  };
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => on('SIGINT');
    const onTerm = () => on('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

async function plan(args: readonly string[], io: CliIo): Promise<Plan | 'help'> {
  const wantsAsterisk = args.some(
    (a, i) => a === '--driver=asterisk' || (a === '--driver' && args[i + 1] === 'asterisk'),
  );
  const { own, rest } = wantsAsterisk ? await splitAsteriskArgs(args) : { own: [], rest: [...args] };
  const { values } = parseOptions(rest, OPTIONS);
  if (values.help === true) return 'help';
  const accountSid = str(values, 'account-sid');
  if (accountSid !== undefined && !/^AC[0-9A-Za-z]{1,64}$/.test(accountSid)) {
    throw new UsageError(`--account-sid must be AC followed by letters or digits, got "${accountSid}"`);
  }
  const authToken = str(values, 'auth-token');
  if (authToken === '') throw new UsageError('--auth-token must not be empty');
  const driver = str(values, 'driver') ?? 'simulated';
  if (driver !== 'simulated' && driver !== 'asterisk') {
    throw new UsageError(`--driver must be simulated or asterisk, got "${driver}"`);
  }
  const scriptFile = str(values, 'script');
  const script = scriptFile === undefined ? undefined : await loadServeScript(scriptFile);
  const inbound = inboundSettings(values, driver);
  const inboundUrl = inbound?.Url;
  const host = str(values, 'host') ?? '127.0.0.1';
  const urlGuard = urlGuardFromFlags(values['allow-private-urls'] === true, str(values, 'allow-url-host'));
  const policy = resolveUrlPolicy(host, urlGuard);
  checkConfiguredUrls(policy, {
    '--inbound-url': inbound?.Url,
    '--inbound-fallback-url': inbound?.FallbackUrl,
    '--inbound-status-callback': inbound?.StatusCallback,
  });
  const mediaGuard = policy.guard ? createUrlGuard({ allow: policy.allow }) : null;
  const asterisk = driver === 'asterisk' ? await loadAsteriskDriver(own, io.stderr, mediaGuard) : undefined;
  const serve: ServeOptions = {
    port: numberOption('port', str(values, 'port'), 8080, 0, 65535),
    host,
    urlGuard,
    answerAfter: numberOption('answer-after', str(values, 'answer-after'), 1, 0, 600),
    farEndHangupAfter: numberOption(
      'far-end-hangup-after',
      str(values, 'far-end-hangup-after'),
      DEFAULT_FAR_END_HANGUP_AFTER,
      0,
      86_400,
    ),
    ...(accountSid === undefined ? {} : { accountSid }),
    ...(authToken === undefined ? {} : { authToken }),
    ...(script === undefined ? {} : { script }),
    ...(str(values, 'recording-store') === undefined
      ? {}
      : { recordingsDir: str(values, 'recording-store') as string }),
    ...(asterisk === undefined ? {} : { driver: asterisk.driver }),
    ...(values.quiet === true
      ? {}
      : {
          onEntry: (entry) => {
            const line = formatLine(entry, { color: io.stdout.isTTY === true, showCall: true });
            if (line !== undefined) io.stdout.write(`${line}\n`);
          },
        }),
  };
  return {
    serve,
    drainMs: numberOption('drain-seconds', str(values, 'drain-seconds'), 10, 0, 3600) * 1000,
    ...(asterisk === undefined ? {} : { asterisk }),
    ...(inboundUrl === undefined ? {} : { inboundUrl }),
    ...(inbound === undefined ? {} : { inbound }),
  };
}

/** `rcml serve`: runs until SIGINT or SIGTERM, then drains calls and callbacks and exits 0. */
export const command: Command = {
  summary: 'run the Calls REST API server with the engine',
  async run(args, io) {
    let options: Plan;
    try {
      const planned = await plan(args, io);
      if (planned === 'help') {
        io.stdout.write(HELP);
        return 0;
      }
      options = planned;
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`rcml serve: ${error.message}\n`);
      return 2;
    }
    const signal = waitForSignal();
    const server = await startServe(options.serve);
    const { asterisk } = options;
    if (asterisk !== undefined) {
      try {
        const runtime =
          options.inbound === undefined
            ? server.runtime
            : withInboundSettings(server.runtime, options.inbound);
        await asterisk.start(runtime, options.inboundUrl);
      } catch (error) {
        await server.stop(0);
        await asterisk.stop();
        throw error;
      }
    }
    const calls = `${server.url}/2012-04-24/Accounts/${server.accountSid}/Calls.json`;
    io.stdout.write(
      `RCML Calls API listening on ${server.url}\n` +
        `  AccountSid  ${server.accountSid}\n` +
        `  AuthToken   ${server.authToken}\n` +
        `  Calls       ${calls}\n` +
        `  Driver      ${asterisk === undefined ? 'simulated' : 'asterisk'}\n` +
        `  URL guard   ${server.urlPolicy.description}\n` +
        `Try: curl -u ${server.accountSid}:${server.authToken} ${calls} ` +
        '--data-urlencode To=+15550001111 --data-urlencode From=+15550002222 -d Url=http://127.0.0.1:3000/voice\n' +
        '  (the example app answers that Url: rcml-example-app 3000 from @rcml/example-app,\n' +
        '  or node examples/dist/main.js 3000 in a clone of the repository)\n' +
        'Stop with Ctrl-C (calls and callbacks are drained first).\n',
    );
    const received = await signal;
    io.stdout.write(`${received}: stopping (draining calls and callbacks)...\n`);
    const force = () => {
      io.stderr.write('rcml serve: second signal, exiting at once\n');
      process.exit(1);
    };
    process.once('SIGINT', force);
    process.once('SIGTERM', force);
    try {
      // Calls end while the driver still runs; then the driver lets go of Asterisk.
      await server.stop(options.drainMs);
      await asterisk?.stop();
    } finally {
      process.off('SIGINT', force);
      process.off('SIGTERM', force);
    }
    io.stdout.write('stopped\n');
    return 0;
  },
};
