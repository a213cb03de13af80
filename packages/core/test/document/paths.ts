/** Where the test inputs live, from this file: the repository's fixtures and `../shared` beside the clone. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (four levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** `fixtures/documents` of the repository. */
export const FIXTURES = join(REPO_ROOT, 'fixtures', 'documents');

/**
 * The third-party twiml-snippets corpus, `../shared/corpus/twiml-snippets` beside the clone (as
 * in CI), or `undefined` when it is absent: it may not be redistributed with this repository,
 * so a plain clone runs without it.
 */
export function snippetCorpus(): string | undefined {
  const dir = resolve(REPO_ROOT, '..', 'shared', 'corpus', 'twiml-snippets');
  return existsSync(join(dir, 'MANIFEST.tsv')) ? dir : undefined;
}
