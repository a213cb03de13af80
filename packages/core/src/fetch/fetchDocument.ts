/**
 * Fetch one RCML document (spec section 2): one `http.send` per hop, redirects followed by
 * the engine, a fetch timeout on the injected clock, the body cap, and classification of the
 * body. Failures come back as values with their spec-7 code; only abandonment (the caller's
 * signal fired) throws.
 */

import { ABORTED, isAborted, untilAborted } from '../call/abort.js';
import type { DocumentIssue, HttpMethod, RcmlDocument } from '../document/ast.js';
import type { ParseOptions } from '../document/index.js';
import { cutSayText, MAX_SAY_CHARS } from '../document/verbs/say.js';
import { type ErrorCode, isRcmlError } from '../errors.js';
import type { Clock, HttpPort, HttpResponse } from '../ports.js';
import { bodyLine } from './bodyLine.js';
import type { DocumentCache } from './documentCache.js';
import { resolveUrl } from './url.js';

/** What a document fetch needs from the engine. */
export interface FetchContext {
  readonly http: HttpPort;
  readonly clock: Clock;
  /** Whole document request, all hops included. */
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly maxDocumentBytes: number;
  readonly parseOptions: ParseOptions;
  /** Shared parsed documents (one per engine). */
  readonly cache: DocumentCache;
}

/** One document request: the URL asked for (before redirects) and its parameters. */
export interface DocumentRequest {
  readonly url: string;
  readonly method: HttpMethod;
  readonly params: Readonly<Record<string, string>>;
  readonly callSid: string;
  readonly accountSid: string;
}

export type FetchResult =
  | {
      readonly ok: true;
      readonly document: RcmlDocument;
      /** The URL the document came from, after redirects: relative URLs resolve against it. */
      readonly url: string;
      readonly warnings: readonly DocumentIssue[];
    }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

const REPEAT = new Set([301, 302, 307, 308]);

/**
 * Fetch, follow redirects, classify. `controller` is the caller's: aborting it abandons the
 * fetch (rejects with `ABORTED`); the fetch timeout aborts it too (a failure, 11205).
 */
export async function fetchDocument(
  ctx: FetchContext,
  request: DocumentRequest,
  controller: AbortController,
): Promise<FetchResult> {
  if (controller.signal.aborted) throw ABORTED;
  let timedOut = false;
  const timer = ctx.clock.setTimeout(() => {
    timedOut = true;
    controller.abort(ABORTED);
  }, ctx.timeoutMs);
  try {
    let url = request.url;
    let method = request.method;
    let params = request.params;
    let redirects = 0;
    for (;;) {
      let response: HttpResponse;
      try {
        response = await untilAborted(
          ctx.http.send({
            method,
            url,
            params,
            kind: 'fetch',
            callSid: request.callSid,
            accountSid: request.accountSid,
            signal: controller.signal,
          }),
          controller.signal,
        );
      } catch (error) {
        // Stryker disable next-line LogicalOperator: untilAborted rejects with the abandonment marker exactly when this signal fired, so the two are never apart
        if (isAborted(error) || controller.signal.aborted) {
          if (timedOut) {
            return fail(11205, `no complete response from ${url} within ${ctx.timeoutMs / 1000} s`);
          }
          throw ABORTED;
        }
        if (isRcmlError(error)) return fail(error.code, `${url}: ${error.message}`);
        return fail(11205, `${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const status = response.status;
      if (REPEAT.has(status) || status === 303) {
        if (redirects >= ctx.maxRedirects) {
          return fail(11215, `more than ${ctx.maxRedirects} HTTP redirects fetching ${request.url}`);
        }
        const next = response.location === null ? null : resolveUrl(response.location, url);
        if (next === null) {
          return fail(11200, `HTTP ${status} from ${url} without a usable http(s) Location`);
        }
        redirects++;
        url = next;
        if (status === 303) {
          method = 'GET';
          params = {};
        }
        continue;
      }
      if (status < 200 || status > 299) {
        // The body's first line says why the app refused (a signature check, an error page).
        const why = bodyLine(response.body);
        return fail(11200, `HTTP ${status} from ${url}${why === '' ? '' : `: ${why}`}`);
      }
      if (byteLength(response.body) > ctx.maxDocumentBytes) {
        return fail(11750, `response from ${url} is over ${ctx.maxDocumentBytes} bytes`);
      }
      return classify(ctx, response, url);
    }
  } finally {
    ctx.clock.clearTimeout(timer);
  }
}

function classify(ctx: FetchContext, response: HttpResponse, url: string): FetchResult {
  const decision = ctx.cache.classify(response.contentType, response.body, ctx.parseOptions);
  switch (decision.kind) {
    case 'rcml':
      if (decision.result.ok) {
        return { ok: true, document: decision.result.document, url, warnings: decision.result.warnings };
      }
      return fail(decision.result.error.code, `${url}: ${decision.result.error.message}`);
    case 'say': {
      // Stryker disable next-line MethodExpression: the classification of the content (say) already trimmed the text
      const trimmed = decision.text.trim();
      const text = cutSayText(trimmed);
      const path = 'Response/Say[1]';
      const verbs: RcmlDocument['verbs'] =
        text === ''
          ? []
          : [{ kind: 'Say', text, voice: 'man', language: 'en-US', loop: 1, position: { path } }];
      const warnings: DocumentIssue[] =
        text === trimmed
          ? []
          : [
              {
                code: 13521,
                message: `text/plain body over ${MAX_SAY_CHARS} characters; cut to ${MAX_SAY_CHARS}`,
                path,
              },
            ];
      return { ok: true, document: { verbs }, url, warnings };
    }
    case 'play':
      return {
        ok: true,
        document: {
          verbs: [{ kind: 'Play', url, digits: null, loop: 1, position: { path: 'Response/Play[1]' } }],
        },
        url,
        warnings: [],
      };
    case 'failure':
      return fail(12300, `${url}: ${decision.message}`);
  }
}

function fail(code: ErrorCode, message: string): FetchResult {
  return { ok: false, code, message };
}

/** UTF-8 length without allocating unless the text could be near the cap. */
function byteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
