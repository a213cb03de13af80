/**
 * `rcml serve --driver asterisk`: loads `@rcml/driver-asterisk` on demand (the simulated path
 * never loads it), reads its own flags with the driver package's `parseAsteriskArgs`, and
 * hands the calls arriving at Asterisk to the engine.
 */
import type { MediaDriver } from '@rcml/core';
import type { AsteriskDriver } from '@rcml/driver-asterisk';
import { UsageError } from '../args.js';
import type { Runtime } from '../runtime/createRuntime.js';

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

/** Create the driver from its flags (environment fallbacks `ARI_URL`, `ARI_USER`, `ARI_PASSWORD`). */
export async function loadAsteriskDriver(flags: readonly string[]): Promise<LoadedAsterisk> {
  const { createAsteriskDriver, parseAsteriskArgs } = await load();
  let driver: AsteriskDriver;
  try {
    driver = createAsteriskDriver(parseAsteriskArgs(flags, process.env));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
    driver,
    async start(runtime, inboundUrl) {
      await driver.start((call) => {
        if (inboundUrl === undefined) {
          void call.channel.reject('rejected');
          return;
        }
        runtime.engine.inbound(
          {
            From: call.from,
            To: call.to,
            Url: inboundUrl,
            ...(call.callerName === undefined ? {} : { CallerName: call.callerName }),
          },
          runtime.observe(call.channel),
        );
      });
    },
    async stop() {
      await driver.stop();
    },
  };
}
