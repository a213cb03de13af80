import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '@rcml/core';
import { describe, expect, it } from 'vitest';

const page = readFileSync(join(import.meta.dirname, '../../../docs/errors.md'), 'utf8');

/** Rows of the tables: code → meaning column (HTML entities decoded). */
function documented(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of page.split('\n')) {
    const match = /^\| (?:<a id="\d+"><\/a>)?(\d{5}) \| ([^|]+) \|/.exec(line);
    if (match === null) continue;
    const meaning = match[2]!.trim().replaceAll('&lt;', '<').replaceAll('&gt;', '>');
    expect(rows.has(match[1]!), `code ${match[1]} documented twice`).toBe(false);
    rows.set(match[1]!, meaning);
  }
  return rows;
}

describe('docs/errors.md and ERROR_CODES', () => {
  it('every code of the table is documented with the same meaning', () => {
    const rows = documented();
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), `code ${code} is missing from docs/errors.md`).toBe(meaning);
    }
  });

  it('every documented code is in the table', () => {
    for (const code of documented().keys()) {
      expect(Object.hasOwn(ERROR_CODES, code), `docs/errors.md lists ${code}, the table does not`).toBe(true);
    }
  });

  it('each row has an anchor the REST API can link to', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(page).toContain(`<a id="${code}"></a>${code}`);
  });
});
