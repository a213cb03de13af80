import { defineConfig } from 'vitest/config';

// Tests import the workspace packages from their TypeScript sources (the `@rcml/source`
// export condition), so a test run never depends on a stale `dist/`.
export default defineConfig({
  resolve: { conditions: ['@rcml/source'] },
  ssr: { resolve: { conditions: ['@rcml/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup/fastCheck.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
