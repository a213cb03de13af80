/**
 * The XML shape of every answer: a resource's fields as PascalCase elements, a list's paging
 * envelope as attributes, all under the `<TwilioResponse>` root TwiML REST clients parse.
 */

/** Escape text for an XML element or a quoted attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `parent_call_sid` → `ParentCallSid`. */
function pascal(name: string): string {
  return name
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * Each field of a resource as an element named in PascalCase; null fields are empty elements
 * and nested objects (`subresource_uris`) nest their fields the same way.
 */
export function fieldsXml(record: object): string {
  return Object.entries(record)
    .map(([k, v]: [string, unknown]) => {
      const tag = pascal(k);
      if (v === null || v === undefined) return `<${tag}/>`;
      if (typeof v === 'object') return `<${tag}>${fieldsXml(v)}</${tag}>`;
      return `<${tag}>${escapeXml(String(v))}</${tag}>`;
    })
    .join('');
}

/** A list's paging envelope as attributes (`page_size` → `pagesize="…"`; null is empty). */
export function envelopeAttrs(envelope: object): string {
  return Object.entries(envelope)
    .map(([k, v]: [string, unknown]) => `${k.replace(/_/g, '')}="${escapeXml(v === null ? '' : String(v))}"`)
    .join(' ');
}

/** A whole XML answer: the declaration and `inner` under `<TwilioResponse>`. */
export function wrapXml(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse>${inner}</TwilioResponse>\n`;
}
