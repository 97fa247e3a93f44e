/**
 * The in-process mock suites again, under msw 3 (installed as the `msw3` alias) on Node 22
 * (msw 3 needs Node >= 22.12): `npm run test:msw3`. Every `msw` import, the mock's own
 * (mocks/handlers.ts) and the tests' (`msw/node`), resolves to msw 3 here.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: [{ find: /^msw(\/.*)?$/, replacement: 'msw3$1' }],
  },
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
