/**
 * `rcml serve --driver asterisk`: loads `@rcml/driver-asterisk` on demand (the simulated path
 * never loads it), reads its own flags with the driver package's `parseAsteriskArgs`, and
 * hands the calls arriving at Asterisk to the engine.
 */
import type { Logger, MediaDriver } from '@rcml/core';
import type { AsteriskDriver } from '@rcml/driver-asterisk';
import type { UrlGuard } from '@rcml/webhook';
import { UsageError } from '../args.js';
import type { Runtime } from '../runtime/createRuntime.js';
import { createGuardedMediaFetcher } from './guardedMedia.js';

type AsteriskModule = typeof import('@rcml/driver-asterisk');

export interface LoadedAsterisk {
  readonly driver: MediaDriver;
  /** Connect to ARI; inbound calls go to `inboundUrl` (rejected without one). */
  start(runtime: Runtime, inboundUrl: string | undefined): Promise<void>;
  stop(): Promise<void>;
}

async function load(): Promise<AsteriskModule> {
  try {
    const module = (await import('@rcml/driver-asterisk')) as Partial<AsteriskModule>;
    if (typeof module.createAsteriskDriver !== 'function' || typeof module.parseAsteriskArgs !== 'function') {
      throw new Error('the package does not export createAsteriskDriver and parseAsteriskArgs');
    }
    return module as AsteriskModule;
  } catch (error) {
    throw new UsageError(
      `--driver asterisk is not available: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Take the Asterisk driver's flags (`--ari-url URL`, `--ari-user`, ... or `--flag=value`) out of
 * `args`; returns the driver's flags and the rest.
 */
export async function splitAsteriskArgs(args: readonly string[]): Promise<{ own: string[]; rest: string[] }> {
  const { ASTERISK_FLAGS } = await load();
  const own: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const flag = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (!ASTERISK_FLAGS.includes(flag)) rest.push(arg);
    else if (arg.includes('=')) own.push(arg);
    else own.push(arg, ...(i + 1 < args.length ? [args[++i] ?? ''] : []));
  }
  return { own, rest };
}

/** Where the driver's log lines go: `write` takes whole lines (`rcml serve` passes its stderr). */
export interface LogSink {
  write(text: string): unknown;
}

/**
 * The driver's logger: one line per message, `asterisk: LEVEL message key=value…`. Debug
 * lines (the everyday 404/409 answers about channels that just ended) are left out.
 */
export function sinkLogger(sink: LogSink): Logger {
  const line = (level: string, message: string, fields?: Record<string, unknown>) => {
    const parts = Object.entries(fields ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    sink.write(`asterisk: ${level} ${message}${parts.length === 0 ? '' : ` ${parts.join(' ')}`}\n`);
  };
  return {
    debug() {},
    info: (message, fields) => line('info', message, fields),
    warn: (message, fields) => line('warn', message, fields),
    error: (message, fields) => line('error', message, fields),
  };
}

/**
 * Create the driver from its flags (environment fallbacks `ARI_URL`, `ARI_USER`, `ARI_PASSWORD`);
 * its log lines (ARI lost and back, failed requests, refused calls) go to `log`.
 */
export async function loadAsteriskDriver(
  flags: readonly string[],
  log: LogSink = process.stderr,
  guard: UrlGuard | null = null,
): Promise<LoadedAsterisk> {
  const { createAsteriskDriver, parseAsteriskArgs } = await load();
  const logger = sinkLogger(log);
  // With the URL guard on, <Play> downloads go through it: every connection, every redirect hop.
  const media = guard === null ? null : createGuardedMediaFetcher(guard);
  let driver: AsteriskDriver;
  try {
    driver = createAsteriskDriver({
      ...parseAsteriskArgs(flags, process.env),
      logger,
      ...(media === null ? {} : { mediaFetcher: media.fetch }),
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  let warnedNoUrl = false;
  return {
    driver,
    async start(runtime, inboundUrl) {
      await driver.start((call) => {
        if (inboundUrl === undefined) {
          if (!warnedNoUrl) {
            warnedNoUrl = true;
            logger.warn('inbound calls are rejected: rcml serve was started without --inbound-url');
          }
          void call.channel.reject('rejected');
          return;
        }
        // Runs inside the driver's WebSocket message handler: a call the engine refuses must
        // be rejected and logged, never thrown (that would end the process and every call).
        try {
          runtime.engine.inbound(
            {
              From: call.from,
              To: call.to,
              Url: inboundUrl,
              ...(call.callerName === undefined ? {} : { CallerName: call.callerName }),
            },
            runtime.observe(call.channel),
          );
        } catch (error) {
          logger.error('inbound call refused by the engine; rejecting it', {
            from: call.from,
            to: call.to,
            error: error instanceof Error ? error.message : String(error),
          });
          void call.channel.reject('rejected').catch(() => undefined);
        }
      });
    },
    async stop() {
      await driver.stop();
      await media?.close();
    },
  };
}
