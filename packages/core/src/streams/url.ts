/**
 * Where a `<Stream url>` points: a `ws://`/`wss://` URL as written, or a relative reference
 * resolved against the document's URL with its scheme mapped (`http` → `ws`, `https` → `wss`).
 */

/** The absolute WebSocket URL of a `<Stream url>`, or null when it cannot be one. */
export function resolveStreamUrl(reference: string, documentUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(reference, documentUrl);
  } catch {
    return null;
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
  return url.href;
}
