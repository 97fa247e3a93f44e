import { defineConfig } from 'tsup'
import { graphqlLite } from './scripts/esbuild-graphql-lite.mjs'

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
  'verify/index': 'src/verify/index.ts',
  'verify/cli': 'src/verify/cli.ts',
}

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  // @internal members (AuthClient's `[Symbol.dispose]`, typed through `Disposable` instead) stay out.
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  // Not published: half the package's installed size, and the code is not minified anyway.
  sourcemap: false,
  target: 'es2022',
  platform: 'neutral',
  splitting: true,
  treeshake: true,
  // Deno resolves Node built-ins only with their `node:` prefix.
  removeNodeProtocol: false,
  external: [/^node:/, 'graphql', 'openapi-fetch', 'msw', 'react'],
  // graphql-request is bundled so that its `graphql` import can be the tiny stand-in (the typed
  // clients send printed documents); a browser bundle then carries no graphql-js.
  noExternal: ['graphql-request'],
  esbuildPlugins: [graphqlLite],
})
