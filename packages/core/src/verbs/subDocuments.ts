/**
 * A verb's own documents, run on the call's channel while the verb holds the call: an
 * `<Enqueue>`'s `waitUrl` documents and a dequeued caller's `<Queue url>` document. Fetched
 * through `scope.load` with the verb's parameters, run verb by verb through the verb modules
 * with a scope of their own (their signal, their URL); only the verbs in `allowed` may stand
 * in them (any other fails that document, 12200). A `Redirect` or a `Gather` action fetches
 * the next one with the same parameters.
 */
import { ABORTED, childController } from '../call/abort.js';
import type { VerbKind } from '../document/ast.js';
import type { ErrorCode } from '../errors.js';
import { resolveUrl } from '../fetch/url.js';
import { executeVerb } from './index.js';
import type { DocumentLoad, MediaListener, VerbOutcome, VerbScope } from './types.js';

/** How a verb's documents ended. */
export type SubDocumentsEnd =
  /** The last document ran out. */
  | { readonly kind: 'ran-out' }
  /** A `<Leave>` ran. */
  | { readonly kind: 'leave' }
  /** A `<Hangup>` (or `<Reject>`) ran: the call is to end. */
  | { readonly kind: 'hangup' }
  /** A document could not be fetched or run (reported as a notice already). */
  | { readonly kind: 'failed'; readonly code: ErrorCode; readonly message: string };

/** What {@link runSubDocuments} runs. */
export interface SubDocuments {
  readonly first: DocumentLoad;
  /** Added to every request of these documents (computed at each fetch). */
  params(): Readonly<Record<string, string>>;
  readonly allowed: ReadonlySet<VerbKind>;
  /** For messages: what these documents are, e.g. `Enqueue waitUrl`. */
  readonly what: string;
  /** Stops the documents (rejects with the abandonment marker). */
  readonly signal: AbortSignal;
  /** The call's party hung up while one of their verbs listened. */
  onHangup(): void;
}

/** Run documents until they run out, `<Leave>`, `<Hangup>`, or fail; rejects when `signal` fires. */
export async function runSubDocuments(scope: VerbScope, run: SubDocuments): Promise<SubDocumentsEnd> {
  const load = scope.load;
  // Stryker disable next-line ConditionalExpression,StringLiteral: only a whisper leg's scope has no load, and a leg's document cannot hold <Enqueue> or <Dial> (WHISPER_VERBS), the only verbs with documents of their own
  if (load === undefined) return failed(scope, 12200, `${run.what}: documents cannot run here`);
  let target: DocumentLoad = run.first;
  for (;;) {
    if (run.signal.aborted) throw ABORTED;
    const loaded = await load.call(
      scope,
      { ...target, params: { ...run.params(), ...target.params } },
      run.signal,
    );
    if (!loaded.ok) return failed(scope, loaded.code, `${run.what}: ${loaded.message}`);
    for (const warning of loaded.warnings) scope.notice(warning.code, warning.message, 'warning');
    const refused = loaded.verbs.find((verb) => !run.allowed.has(verb.kind));
    if (refused !== undefined) {
      const line = refused.position.line === undefined ? '' : ` (line ${refused.position.line})`;
      return failed(
        scope,
        12200,
        `${run.what}: <${refused.kind}>${line} may not stand in this document (${loaded.url}); only ${[...run.allowed].join(', ')}`,
      );
    }
    let next: DocumentLoad | null = null;
    for (const verb of loaded.verbs) {
      // Stopped between two verbs (a hang-up): the next one never starts.
      if (run.signal.aborted) throw ABORTED;
      if (verb.kind === 'Leave') return { kind: 'leave' };
      const outcome = await runOne(scope, run, loaded.url, verb);
      if (outcome.kind === 'next') continue;
      if (outcome.kind === 'hangup') return { kind: 'hangup' };
      // Stryker disable next-line ConditionalExpression,StringLiteral,ObjectLiteral: <Reject> is in none of the allowed sets (WAIT_VERBS, DEQUEUE_VERBS, CONFERENCE_WAIT_VERBS), so no verb here ends 'rejected'
      if (outcome.kind === 'rejected') return { kind: 'hangup' };
      if (outcome.url === null) {
        return failed(scope, 11200, `${run.what}: "${outcome.written}" is not an http(s) URL`);
      }
      next = { url: outcome.url, method: outcome.method, params: outcome.params };
      break;
    }
    if (next === null) return { kind: 'ran-out' };
    target = next;
  }
}

function failed(scope: VerbScope, code: ErrorCode, message: string): SubDocumentsEnd {
  scope.notice(code, message, 'error');
  return { kind: 'failed', code, message };
}

/** One verb, in a scope whose signal is its own and whose documents resolve against `url`. */
async function runOne(
  scope: VerbScope,
  run: SubDocuments,
  url: string,
  verb: Parameters<typeof executeVerb>[0],
): Promise<VerbOutcome> {
  const step = childController(run.signal);
  const listen = (listener: MediaListener) => {
    // The party hanging up during one of these verbs ends the owning verb, not just this one.
    scope.listen({ ...listener, hangup: () => run.onHangup() });
  };
  const inner: VerbScope = Object.create(scope, {
    signal: { value: step.controller.signal },
    documentUrl: { value: url },
    listen: { value: listen },
    resolveUrl: { value: (reference: string) => resolveUrl(reference, url) },
  });
  try {
    return await executeVerb(verb, inner);
  } finally {
    step.dispose();
  }
}
