/**
 * Command-line options of `rcml serve --driver asterisk`.
 */
import { RcmlError } from '@rcml/core';
import type { AsteriskDriverOptions } from './options.js';

const FLAGS: Readonly<Record<string, string>> = {
  '--ari-url': 'ariUrl',
  '--ari-user': 'ariUser',
  '--ari-password': 'ariPassword',
  '--ari-app': 'ariApp',
  '--endpoint': 'endpoint',
  '--client-endpoint': 'clientEndpoint',
  '--sip-endpoint': 'sipEndpoint',
  '--on-reconnect': 'onReconnect',
  '--tts-cache-dir': 'ttsCacheDir',
  '--media-cache-dir': 'mediaCacheDir',
  '--recordings-dir': 'recordingsDir',
  '--recording-base-url': 'recordingBaseUrl',
  '--media-stream-host': 'mediaStreamHost',
};

/** The flags `parseAsteriskArgs` understands, for help texts. */
export const ASTERISK_FLAGS = Object.keys(FLAGS);

/**
 * Read the driver's flags (`--ari-url URL` or `--ari-url=URL`) from `argv`; other flags are
 * ignored so the caller can mix them with its own. `--ari-url`, `--ari-user` and
 * `--ari-password` are required (environment fallbacks: `ARI_URL`, `ARI_USER`, `ARI_PASSWORD`).
 */
export function parseAsteriskArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): AsteriskDriverOptions {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = FLAGS[flag];
    if (key === undefined) continue;
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') {
      throw new RcmlError(20001, `${flag} needs a value`, { field: flag });
    }
    values[key] = value;
  }
  const ariUrl = values.ariUrl ?? env.ARI_URL;
  const ariUser = values.ariUser ?? env.ARI_USER;
  const ariPassword = values.ariPassword ?? env.ARI_PASSWORD;
  for (const [flag, value] of [
    ['--ari-url', ariUrl],
    ['--ari-user', ariUser],
    ['--ari-password', ariPassword],
  ] as const) {
    if (value === undefined)
      throw new RcmlError(20001, `${flag} is required for --driver asterisk`, { field: flag });
  }
  const endpoints =
    values.endpoint === undefined && values.clientEndpoint === undefined && values.sipEndpoint === undefined
      ? undefined
      : {
          ...(values.endpoint === undefined ? {} : { number: values.endpoint }),
          ...(values.clientEndpoint === undefined ? {} : { client: values.clientEndpoint }),
          ...(values.sipEndpoint === undefined ? {} : { sip: values.sipEndpoint }),
        };
  return {
    ariUrl: ariUrl as string,
    ariUser: ariUser as string,
    ariPassword: ariPassword as string,
    ...(values.ariApp === undefined ? {} : { ariApp: values.ariApp }),
    ...(endpoints === undefined ? {} : { endpoints }),
    ...(values.onReconnect === undefined ? {} : { onReconnect: reconnectPolicy(values.onReconnect) }),
    ...(values.ttsCacheDir === undefined ? {} : { ttsCacheDir: values.ttsCacheDir }),
    ...(values.mediaCacheDir === undefined ? {} : { mediaCacheDir: values.mediaCacheDir }),
    ...(values.recordingsDir === undefined ? {} : { recordingsDir: values.recordingsDir }),
    ...(values.recordingBaseUrl === undefined ? {} : { recordingBaseUrl: values.recordingBaseUrl }),
    ...(values.mediaStreamHost === undefined ? {} : { mediaStreamHost: values.mediaStreamHost }),
  };
}

function reconnectPolicy(value: string): 'hangup' | 'resume' {
  if (value === 'hangup' || value === 'resume') return value;
  throw new RcmlError(20001, `--on-reconnect must be "hangup" or "resume", not "${value}"`, {
    field: '--on-reconnect',
  });
}
