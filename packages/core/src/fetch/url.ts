/**
 * URL helpers for documents: resolving relative references and checking that only http(s)
 * is fetched (spec section 2).
 */

/** Whether `value` is an absolute `http:` or `https:` URL (the scheme in any case, RFC 3986 3.1). */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  return URL.canParse(value);
}

/**
 * Resolve `reference` (as written in a document or a `Location` header) against `base` (the
 * URL of the document that contains it, after redirects). Returns null when the result is
 * not an http(s) URL.
 */
export function resolveUrl(reference: string, base: string): string | null {
  let resolved: string;
  try {
    resolved = new URL(reference, base).href;
  } catch {
    return null;
  }
  return resolved.startsWith('http://') || resolved.startsWith('https://') ? resolved : null;
}
