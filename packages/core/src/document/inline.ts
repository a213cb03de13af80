/**
 * Inline documents (`Twiml` on create and live change, spec 9.2): parsed and validated as a
 * fetched document, and checked for URLs that need a base. An inline document has no URL of
 * its own: its references resolve against the `Url` the call was created with when there is
 * one, and otherwise every reference must be absolute.
 */
import type { DocumentIssue, Position, RcmlDocument, Verb } from './ast.js';
import type { ParseOptions } from './index.js';
import { parseDocument } from './parse.js';

/** A validated inline document and what its relative references resolve against. */
export interface InlineDocument {
  readonly document: RcmlDocument;
  readonly warnings: readonly DocumentIssue[];
  /** The call's `Url` when it has one, else null (then every reference is absolute). */
  readonly baseUrl: string | null;
}

export type InlineResult =
  | { readonly ok: true; readonly inline: InlineDocument }
  | { readonly ok: false; readonly error: DocumentIssue };

/**
 * Parse `text` as an inline document. Fails with the document's own code (12100, 12102,
 * 12200, 12400), or 12200 for a reference that needs a URL when `baseUrl` is null: a relative
 * URL, or a `<Gather>`/`<Record>` without `action` (whose default is the document's own URL).
 */
export function parseInlineDocument(
  text: string,
  baseUrl: string | null,
  options?: ParseOptions,
): InlineResult {
  const result = parseDocument(text, options);
  if (!result.ok) return { ok: false, error: result.error };
  if (baseUrl === null) {
    const problem = firstUnresolvable(result.document.verbs);
    if (problem !== null) return { ok: false, error: problem };
  }
  return { ok: true, inline: { document: result.document, warnings: result.warnings, baseUrl } };
}

/** Whether a reference stands on its own (has a scheme), needing no base. */
function absolute(reference: string): boolean {
  return URL.canParse(reference);
}

function unresolvable(what: string, position: Position, reference: string | null): DocumentIssue {
  const shown =
    reference === null
      ? `has no ${what} (its default is the document's own URL)`
      : `has the relative ${what} "${reference.slice(0, 80)}"`;
  const issue: { -readonly [K in keyof DocumentIssue]: DocumentIssue[K] } = {
    code: 12200,
    message: `${position.path} ${shown}; an inline document has no URL to resolve it against: use an absolute URL`,
    path: position.path,
  };
  if (position.line !== undefined) issue.line = position.line;
  return issue;
}

/** The first reference of the verbs that needs the document's URL, or null. */
function firstUnresolvable(verbs: readonly Verb[]): DocumentIssue | null {
  for (const verb of verbs) {
    const found = checkVerb(verb);
    if (found !== null) return found;
  }
  return null;
}

function checkRef(what: string, position: Position, reference: string | null): DocumentIssue | null {
  if (reference === null || absolute(reference)) return null;
  return unresolvable(what, position, reference);
}

function checkVerb(verb: Verb): DocumentIssue | null {
  const at = verb.position;
  switch (verb.kind) {
    case 'Play':
      return verb.digits === null ? checkRef('URL', at, verb.url) : null;
    case 'Redirect':
      return checkRef('URL', at, verb.url);
    case 'Gather':
      if (verb.action === null) return unresolvable('action', at, null);
      return checkRef('action', at, verb.action) ?? firstUnresolvable(verb.children);
    case 'Record':
      if (verb.action === null) return unresolvable('action', at, null);
      return (
        checkRef('action', at, verb.action) ??
        checkRef('recordingStatusCallback', at, verb.recordingStatusCallback)
      );
    case 'Sms':
      return checkRef('action', at, verb.action) ?? checkRef('statusCallback', at, verb.statusCallback);
    case 'Dial': {
      const found = checkRef('action', at, verb.action);
      if (found !== null) return found;
      for (const noun of verb.nouns) {
        const np = noun.position;
        const nounProblem =
          noun.kind === 'Conference'
            ? checkRef('waitUrl', np, noun.waitUrl)
            : (checkRef('url', np, noun.url) ?? checkRef('statusCallback', np, noun.statusCallback));
        if (nounProblem !== null) return nounProblem;
      }
      return null;
    }
    case 'Connect':
      return (
        checkRef('action', at, verb.action) ??
        checkRef('url', verb.stream.position, verb.stream.url) ??
        checkRef('statusCallback', verb.stream.position, verb.stream.statusCallback)
      );
    case 'Start':
      return (
        checkRef('url', verb.stream.position, verb.stream.url) ??
        checkRef('statusCallback', verb.stream.position, verb.stream.statusCallback)
      );
    default:
      return null;
  }
}
