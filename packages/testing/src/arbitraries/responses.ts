/**
 * Application behaviours: what the web application answers to a request. Documents with
 * the content types the spec accepts, small delays, failures of every kind the engine must
 * survive (error statuses, refused connections, hangs, wrong content types, late answers),
 * HTTP redirects with a `Location`, and lists of answers served in turn.
 */
import type { AppResponse } from '@rcml/replay';
import fc from 'fast-check';
import { seconds } from './common.js';

/** Content types under which a document is served, weighted toward `text/xml`. */
export function documentContentType(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant('text/xml') },
    { weight: 2, arbitrary: fc.constant('application/xml') },
    { weight: 1, arbitrary: fc.constant('text/xml; charset=utf-8') },
    { weight: 1, arbitrary: fc.constant('application/rcml+xml') },
    { weight: 1, arbitrary: fc.constant('text/plain') },
  );
}

/** A 2xx answer carrying `body`, sometimes after a short delay. */
export function documentResponse(body: string): fc.Arbitrary<AppResponse> {
  return fc
    .record({
      status: fc.oneof(
        { weight: 9, arbitrary: fc.constant(200) },
        { weight: 1, arbitrary: fc.constantFrom(201, 204) },
      ),
      type: documentContentType(),
      delay: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: seconds(0.1, 3) }),
    })
    .map(({ status, type, delay }) => (delay === 0 ? { status, type, body } : { status, type, body, delay }));
}

/** Answers that make a document fetch fail (spec 2): statuses, transport errors, content. */
export function failingResponse(): fc.Arbitrary<AppResponse> {
  return fc.oneof(
    fc
      .constantFrom(400, 403, 404, 500, 502, 503)
      .map((status): AppResponse => ({ status, type: 'text/plain', body: 'error' })),
    fc.constant<AppResponse>({ error: 'connect' }),
    fc.constant<AppResponse>({ error: 'hang' }),
    fc.constant<AppResponse>({ status: 200, type: 'text/html', body: '<html><body>Oops</body></html>' }),
    fc.constant<AppResponse>({ status: 200, type: 'application/json', body: '{"ok":true}' }),
    fc.constant<AppResponse>({ status: 200, type: 'text/xml', body: '<Response><Say>cut off' }),
    fc.constant<AppResponse>({ status: 200, type: 'text/xml', body: '<Document><Say>hi</Say></Document>' }),
    fc.constant<AppResponse>({ status: 200, type: 'text/xml', body: '<Response><Dance/></Response>' }),
    fc.constant<AppResponse>({ status: 200, type: 'text/xml', body: '<Response><Redirect/></Response>' }),
    seconds(16, 20).map(
      (delay): AppResponse => ({ status: 200, type: 'text/xml', body: '<Response/>', delay }),
    ),
  );
}

/** A text/plain answer that is spoken, or audio that is played (spec 2, content types). */
export function nonXmlResponse(): fc.Arbitrary<AppResponse> {
  return fc.oneof(
    fc
      .constantFrom('Thanks for calling', '  Please hold  ')
      .map((body): AppResponse => ({ type: 'text/plain', body })),
    fc.constant<AppResponse>({ type: 'audio/mpeg', body: '' }),
    fc.constant<AppResponse>({ type: 'audio/wav', body: '' }),
  );
}

/** An HTTP redirect to `location` (relative or absolute), with any of the statuses followed. */
export function httpRedirect(location: fc.Arbitrary<string>): fc.Arbitrary<AppResponse> {
  return fc
    .record({ status: fc.constantFrom(301, 302, 303, 307, 308), location })
    .map(({ status, location: to }): AppResponse => ({ status, headers: { Location: to } }));
}

/** What a status-callback endpoint answers: mostly 200, sometimes errors that cause retries. */
export function callbackResponse(): fc.Arbitrary<AppResponse | readonly AppResponse[]> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<AppResponse>({ status: 200 }) },
    { weight: 1, arbitrary: fc.constant<AppResponse>({ status: 204 }) },
    {
      weight: 2,
      arbitrary: fc
        .array(
          fc.constantFrom<AppResponse>(
            { status: 500 },
            { status: 503 },
            { error: 'connect' },
            { status: 200 },
          ),
          {
            minLength: 1,
            maxLength: 3,
          },
        )
        .map((list) => [...list, { status: 200 }]),
    },
    { weight: 1, arbitrary: fc.constant<AppResponse>({ status: 404 }) },
  );
}

/**
 * What the application answers at one document URL: usually the document, sometimes a
 * failure, an HTTP redirect elsewhere, or a list served in turn (a flaky application).
 */
export function appBehaviour(
  body: string,
  elsewhere: fc.Arbitrary<string>,
): fc.Arbitrary<AppResponse | readonly AppResponse[]> {
  return fc.oneof(
    { weight: 20, arbitrary: documentResponse(body) },
    { weight: 2, arbitrary: failingResponse() },
    { weight: 2, arbitrary: httpRedirect(elsewhere) },
    { weight: 1, arbitrary: nonXmlResponse() },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.oneof(failingResponse(), documentResponse(body)), documentResponse(body))
        .map(([first, then]) => [first, then]),
    },
  );
}
