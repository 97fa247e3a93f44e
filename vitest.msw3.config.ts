/**
 * The in-process mock suites again, under msw 3 (installed in tools/node22 beside Node 22) on Node 22
 * (msw 3 needs Node >= 22.12): `npm run test:msw3`. Every `msw` import, the mock's own
 * (mocks/handlers.ts) and the tests' (`msw/node`), resolves to msw 3 here.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// msw 3 lives in tools/node22: resolve every `msw` import as if it were made from there.
const importer = fileURLToPath(new URL('./tools/node22/package.json', import.meta.url))

export default defineConfig({
  plugins: [
    {
      name: 'msw-3',
      enforce: 'pre',
      resolveId(source) {
        return /^msw(\/.*)?$/.test(source) ? this.resolve(source, importer, { skipSelf: true }) : null
      },
    },
  ],
  test: {
    // AuthClient against every surface in-process, the control API, the README's example and the
    // msw-backed adapter tests: the paths msw carries. (The full integration and security suites
    // pass too, but would double the time of `npm test`.)
    include: [
      'test/integration/auth-client/*.test.ts',
      'test/integration/mock-control/control-api.test.ts',
      'test/integration/readme/*.test.ts',
      'test/unit/adapters/*.test.ts',
      'test/unit/mock-server/msw-major.test.ts',
    ],
    env: { PORTCULLIS_EXPECT_MSW_MAJOR: '3' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: '.vitest/results-msw3.json' }]] : ['default'],
  },
})
