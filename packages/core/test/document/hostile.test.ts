/**
 * Hostile documents are refused by the cheap checks that run before the XML parser (size,
 * DOCTYPE, depth), and nothing is fetched. How fast that is, is measured by the parse
 * benchmark (`bench/src/parse.ts`, "hostile"), not asserted here: tests carry no timings.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseDocument } from '@rcml/core';
import { describe, expect, it } from 'vitest';

function refusal(
  xml: string,
  options?: Parameters<typeof parseDocument>[1],
): { code: number | null; message: string } {
  const result = parseDocument(xml, options);
  return result.ok ? { code: null, message: '' } : { code: result.error.code, message: result.error.message };
}

const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "${'&lol;'.repeat(10)}"><!ENTITY lol2 "${'&lol1;'.repeat(10)}"><!ENTITY lol3 "${'&lol2;'.repeat(10)}"><!ENTITY lol4 "${'&lol3;'.repeat(10)}"><!ENTITY lol5 "${'&lol4;'.repeat(10)}"><!ENTITY lol6 "${'&lol5;'.repeat(10)}"><!ENTITY lol7 "${'&lol6;'.repeat(10)}"><!ENTITY lol8 "${'&lol7;'.repeat(10)}"><!ENTITY lol9 "${'&lol8;'.repeat(10)}">]>
<Response><Say>&lol9;</Say></Response>`;

describe('hostile documents', () => {
  it('refuses a billion-laughs document with 12100 at its DOCTYPE, before any entity is expanded', () => {
    expect(refusal(laughs)).toEqual({ code: 12100, message: 'a DOCTYPE is not allowed in RCML documents' });
  });

  it('refuses an external entity without fetching it', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('secret');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const xml = `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "http://127.0.0.1:${port}/secret">]>\n<Response><Say>&xxe;</Say></Response>`;
      const result = parseDocument(xml);
      expect(result).toMatchObject({ ok: false, error: { code: 12100, line: 2 } });
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses entities that are not the five XML ones', () => {
    expect(refusal('<Response><Say>&nbsp;&copy;</Say></Response>').code).toBe(12100);
  });

  it('refuses a 10 MB body with 12400 by its size, before parsing', () => {
    const body = `<Response>${'<Say>filler text</Say>'.repeat(500_000)}</Response>`;
    expect(body.length).toBeGreaterThan(10_000_000);
    expect(refusal(body)).toEqual({ code: 12400, message: 'the document is larger than 65536 bytes' });
  });

  it('refuses 10,000-deep nesting with 12400 at depth 17, even when the size limit allows it', () => {
    const deep = `<Response>${'<Gather>'.repeat(10_000)}${'</Gather>'.repeat(10_000)}</Response>`;
    expect(refusal(deep, { maxBytes: 1_000_000 })).toEqual({
      code: 12400,
      message: 'elements are nested deeper than 16',
    });
  });

  it('refuses 10,000-deep unclosed nesting by its depth', () => {
    expect(refusal(`<Response>${'<p>'.repeat(10_000)}`)).toEqual({
      code: 12400,
      message: 'elements are nested deeper than 16',
    });
  });

  it('counts bytes, not characters, against the 64 KiB limit', () => {
    const text = 'é'.repeat(33_000); // 33,000 characters, 66,000 bytes
    expect(refusal(`<Response><Say>${text}</Say></Response>`).code).toBe(12400);
    expect(refusal(`<Response><Say>${'e'.repeat(33_000)}</Say></Response>`).code).toBeNull();
  });
});
