import { request } from 'undici';
import { type CallsApiOptions, createCallsApiServer } from '../src/index.js';
import { createFakeEngine, type FakeEngine } from './fakeEngine.js';

export const ACCOUNT = `AC${'a'.repeat(32)}`;
export const TOKEN = 'secret-token-a';
export const OTHER = `AC${'b'.repeat(32)}`;
export const OTHER_TOKEN = 'secret-token-b';

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const AUTH = basic(ACCOUNT, TOKEN);

export interface Harness {
  readonly url: string;
  readonly engine: FakeEngine;
  close(): Promise<void>;
}

/** A real listening API server on loopback over a fake engine. */
export async function startApi(options: Partial<CallsApiOptions> = {}): Promise<Harness> {
  const engine = createFakeEngine();
  const tokens: Record<string, string> = { [ACCOUNT]: TOKEN, [OTHER]: OTHER_TOKEN };
  const api = createCallsApiServer({ engine, accounts: (sid) => tokens[sid], ...options });
  const url = await api.listen();
  return { url, engine, close: () => api.close() };
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): Record<string, unknown>;
}

/** Send one request and read the whole answer. */
export async function call(
  url: string,
  method: string,
  path: string,
  options: { body?: string; type?: string; auth?: string | null; accept?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? AUTH : options.auth;
  if (auth !== null) headers.authorization = auth;
  if (options.type !== undefined) headers['content-type'] = options.type;
  if (options.accept !== undefined) headers.accept = options.accept;
  const res = await request(`${url}${path}`, {
    method: method as 'GET',
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

export const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
export const FORM = 'application/x-www-form-urlencoded';
export const callsPath = (version = '2010-04-01', account = ACCOUNT) =>
  `/${version}/Accounts/${account}/Calls`;
export const NEW_CALL = { To: '+15550001111', From: '+15550002222', Url: 'http://app.test/voice' };
