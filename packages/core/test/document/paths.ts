/** Where the shared test inputs live, from this file: the repository root and `../shared`. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (four levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** `fixtures/documents` of the repository. */
export const FIXTURES = join(REPO_ROOT, 'fixtures', 'documents');

/**
 * The shared folder beside the clone (`../shared`, as in CI). Throws a clear error when it is
 * missing, so a test that needs it fails instead of skipping silently.
 */
export function sharedDir(): string {
  const dir = resolve(REPO_ROOT, '..', 'shared');
  if (!existsSync(dir)) {
    throw new Error(
      `the shared folder is missing: expected ${dir} (CI checks out shared/ beside the clone as ../shared)`,
    );
  }
  return dir;
}
