/**
 * esbuild plugin (used by tsup.config.ts and scripts/size-budget.mjs): in graphql-request's own
 * modules, and only there, `import … from 'graphql'` reads src/transport/graphql-lite.ts. The mock,
 * which executes the schema with graphql-js, keeps the real package. (A rewrite on load, not an
 * onResolve hook: tsup marks `graphql` external before any plugin could resolve it.)
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const LITE = resolve(dirname(fileURLToPath(import.meta.url)), '../src/transport/graphql-lite.ts')
const IMPORT_GRAPHQL = /(\bfrom\s*|\brequire\(\s*)(['"])graphql\2/g

/** @type {import('esbuild').Plugin} */
export const graphqlLite = {
  name: 'graphql-lite',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]graphql-request[\\/].*\.c?js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8')
      return { contents: source.replace(IMPORT_GRAPHQL, (_, keyword) => `${keyword}${JSON.stringify(LITE)}`), loader: 'js', resolveDir: dirname(path) }
    })
  },
}
