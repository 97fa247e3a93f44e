/**
 * The typed clients' contract check belongs to development builds: bundled as an app bundler
 * builds for production (`process.env.NODE_ENV` replaced with "production", minified), the
 * clients carry no zod and no reference to a schema chunk; built for development, the schemas
 * are a chunk loaded on first use, never part of the entry.
 */
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { graphqlLite } from '../../../scripts/esbuild-graphql-lite.mjs'

const root = new URL('../../../', import.meta.url).pathname

async function bundle(nodeEnv: 'production' | 'development') {
  const result = await build({
    stdin: {
      contents: `export { createOtpClient } from './src/otp/index.ts'\nexport { createPlatformClient } from './src/platform/index.ts'`,
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    splitting: true,
    outdir: `${root}.validate-build-out`,
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': JSON.stringify(nodeEnv) },
    plugins: [graphqlLite],
  })
  const outputs = result.metafile.outputs
  const entryFile = Object.keys(outputs).find((file) => outputs[file]!.entryPoint)!
  /** The chunks that load with the entry: it and what it imports statically, transitively. */
  const upFront = new Set<string>()
  const visit = (file: string) => {
    if (upFront.has(file)) return
    upFront.add(file)
    for (const next of outputs[file]!.imports) if (next.kind === 'import-statement' && !next.external) visit(next.path)
  }
  visit(entryFile)
  const inputsOf = (files: Iterable<string>) => [...files].flatMap((file) => Object.keys(outputs[file]!.inputs))
  return {
    upFront: inputsOf(upFront),
    all: inputsOf(Object.keys(outputs)),
    /** What the entry loads with `import()`. */
    lazy: outputs[entryFile]!.imports.filter((next) => next.kind === 'dynamic-import').map((next) => next.path),
    code: result.outputFiles.map((file) => file.text).join('\n'),
  }
}

const zod = (file: string) => /node_modules\/zod\/|src\/generated\/[^/]+\/zod\.ts$/.test(file)

describe('typed clients bundled for an app', () => {
  it('production build: no zod, no generated schemas, no chunk to import them', async () => {
    const { upFront, all, lazy, code } = await bundle('production')
    expect(all.filter(zod)).toEqual([])
    expect(lazy).toEqual([])
    expect(code).not.toMatch(/import\(/)
    // What is left still builds the clients.
    expect(upFront).toEqual(expect.arrayContaining([expect.stringMatching(/src\/otp\/client\.ts$/), expect.stringMatching(/src\/platform\/client\.ts$/)]))
  })

  it('development build: the schemas are lazy chunks, imported on first use only', async () => {
    const { upFront, all, lazy } = await bundle('development')
    expect(upFront.filter(zod)).toEqual([])
    expect(all).toEqual(
      expect.arrayContaining([expect.stringMatching(/src\/generated\/otp\/zod\.ts$/), expect.stringMatching(/src\/generated\/platform\/zod\.ts$/), expect.stringMatching(/node_modules\/zod\//)]),
    )
    expect(lazy.length).toBeGreaterThanOrEqual(2)
  })
})
