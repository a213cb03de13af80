/**
 * Fuzzing the API over a real listening server: arbitrary methods, paths, headers and bodies
 * (well-framed HTTP), and arbitrary raw bytes. Every answer must be a well-formed success or
 * error, and the server must keep serving.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  AUTH,
  basic,
  call,
  callsPath,
  FORM,
  form,
  type Harness,
  NEW_CALL,
  startApi,
} from './helpers.js';

let api: Harness;
let port: number;
beforeAll(async () => {
  api = await startApi({ maxBodyBytes: 2048 });
  port = Number(new URL(api.url).port);
  await call(api.url, 'POST', `${callsPath()}.json`, { body: form(NEW_CALL), type: FORM });
});
afterAll(async () => {
  await api.close();
});

interface RawAnswer {
  readonly status: number | null;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Write bytes on a fresh connection, half-close, and read everything the server says. */
function exchange(bytes: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e),
    );
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(statusLine);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: match ? Number(match[1]) : null, headers, body: rest.join('\r\n\r\n') });
    });
    socket.end(bytes);
  });
}

const SUCCESS = new Set([200, 201]);
const ERRORS = new Set([400, 401, 404, 405, 409, 413, 415, 429]);

function assertWellFormed(answer: RawAnswer): void {
  expect(answer.status).not.toBeNull();
  const status = answer.status as number;
  expect([...SUCCESS, ...ERRORS]).toContain(status);
  const type = answer.headers['content-type'] ?? '';
  // Malformed HTTP framing is refused by the HTTP parser itself with an empty 400.
  if (status === 400 && type === '') {
    expect(answer.body).toBe('');
    return;
  }
  if (type.startsWith('application/json')) {
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    if (SUCCESS.has(status)) expect(typeof body.sid === 'string' || Array.isArray(body.calls)).toBe(true);
    else {
      expect(body.status).toBe(status);
      expect(typeof body.code).toBe('number');
      expect(typeof body.message).toBe('string');
    }
  } else {
    expect(type).toMatch(/^application\/xml/);
    expect(answer.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<TwilioResponse>.*<\/TwilioResponse>\n$/s,
    );
    if (ERRORS.has(status)) expect(answer.body).toContain(`<Status>${status}</Status>`);
  }
}

const noBreak = (s: string) => s.replace(/[\r\n]/g, ' ');
const segment = fc.oneof(
  fc.constantFrom(
    'Calls',
    'Accounts',
    ACCOUNT,
    'CA00000000000000000000000000000001',
    '2010-04-01',
    '2012-04-24',
    '%',
    '..',
  ),
  fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
  fc
    .string({ maxLength: 8 })
    .map(noBreak)
    .map((s) => s.replace(/ /g, '')),
);
const toPath = ([v, a, c, suffix, q]: [string, string, string | undefined, string, string]) =>
  `/${v}/Accounts/${a}/Calls${c === undefined ? '' : `/${c}`}${suffix}?${encodeURI(q).replace(/#/g, '%23')}`;
const validRoute = fc
  .tuple(
    fc.constantFrom('2010-04-01', '2012-04-24'),
    fc.constant(ACCOUNT),
    fc.option(fc.constant('CA00000000000000000000000000000001'), { nil: undefined }),
    fc.constantFrom('.json', '.xml', ''),
    fc.constantFrom(
      '',
      'PageSize=2',
      'Page=1&PageSize=1',
      'PageSize=0',
      'Status=queued',
      'Status=x',
      'To=%2B1',
    ),
  )
  .map(toPath);
const path = fc.oneof(
  { weight: 4, arbitrary: validRoute },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('2010-04-01', '2012-04-24', '2010-04-01', '2011-01-01'),
        fc.constantFrom(ACCOUNT, ACCOUNT, ACCOUNT, 'ACnope', ''),
        fc.option(fc.constantFrom('CA00000000000000000000000000000001', 'CAmissing', '%zz'), {
          nil: undefined,
        }),
        fc.constantFrom('.json', '.xml', '', '.JSON', '/'),
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom(
            'PageSize=2',
            'Page=1&PageSize=1',
            'PageSize=0',
            'Status=queued',
            'Status=x',
            'To=%2B1',
          ),
        ),
      )
      .map(toPath),
  },
  { weight: 1, arbitrary: fc.array(segment, { maxLength: 7 }).map((parts) => `/${parts.join('/')}`) },
);
const header = (values: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...values) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(noBreak) },
  );
const body = fc.oneof(
  fc
    .dictionary(
      fc.constantFrom('To', 'From', 'Url', 'Status', 'Method', 'Timeout', 'StatusCallbackEvent', 'x'),
      fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('+15550001111', 'http://app.test/a', 'completed'),
      ),
    )
    .map(form),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.nat({ max: 6000 }).map((n) => 'a'.repeat(n)),
);

describe('the API under fuzzing', () => {
  it('answers every well-framed request with a well-formed success or error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        path,
        header([AUTH, AUTH, AUTH, AUTH, basic(ACCOUNT, 'wrong'), 'Basic', 'Bearer x', '']),
        header([
          FORM,
          FORM,
          'application/json',
          'application/json',
          'text/plain',
          'multipart/form-data; boundary=x',
          '',
        ]),
        header(['application/json', 'application/xml', '*/*', 'text/html;q=0.9, application/json;q=x', '']),
        body,
        async (method, p, auth, type, accept, text) => {
          const payload = Buffer.from(text, 'utf8');
          const head =
            `${method} ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
            `Authorization: ${auth}\r\nContent-Type: ${type}\r\nAccept: ${accept}\r\n` +
            `Content-Length: ${payload.length}\r\n\r\n`;
          const answer = await exchange(Buffer.concat([Buffer.from(head, 'utf8'), payload]));
          if (method === 'HEAD') {
            expect(answer.status).not.toBeNull();
            return;
          }
          assertWellFormed(answer);
        },
      ),
      { numRuns: 300 },
    );
    const health = await call(api.url, 'GET', `${callsPath()}.json`);
    expect(health.status).toBe(200);
  });

  it('survives arbitrary bytes on the socket and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
          fc.string({ maxLength: 300 }).map((s) => Buffer.from(`POST ${callsPath()}.json HTTP/1.1\r\n${s}`)),
        ),
        async (bytes) => {
          const answer = await exchange(bytes);
          if (answer.status !== null) expect(answer.status).toBeGreaterThanOrEqual(200);
        },
      ),
      { numRuns: 200 },
    );
    // Still serving, and still holding the call made before the fuzzing (well-framed requests
    // of the test above may have created more).
    const health = await call(api.url, 'GET', `${callsPath()}.json`);
    expect(health.status).toBe(200);
    expect((health.json().calls as unknown[]).length).toBeGreaterThanOrEqual(1);
  });
});
