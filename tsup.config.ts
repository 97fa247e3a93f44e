import { defineConfig } from 'tsup'

/** One bundle entry per public subpath, so an app imports only the surface it uses. */
export const entries = {
  index: 'src/index.ts',
  'platform/index': 'src/platform/index.ts',
  'accounts/index': 'src/accounts/index.ts',
  'experience/index': 'src/experience/index.ts',
  'experience/node': 'src/experience/node.ts',
  'otp/index': 'src/otp/index.ts',
  'server/index': 'src/server/index.ts',
  'react/index': 'src/react/index.ts',
  'mock/index': 'mocks/index.ts',
  'mock/browser': 'mocks/browser.ts',
  'mock/node': 'mocks/node.ts',
  'mock/cli': 'mocks/cli.ts',
}

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  splitting: true,
  treeshake: true,
  external: [/^node:/, 'graphql', 'graphql-request', 'openapi-fetch', 'msw', 'react'],
})
