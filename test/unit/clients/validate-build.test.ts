/**
 * The typed clients' contract check as an app bundler builds them: in production
 * (`process.env.NODE_ENV` replaced with "production", minified) and in development alike, zod and
 * the generated schemas are chunks loaded on first use, never part of the entry, and the build
 * question is answered at build time (no `process` left in the output to fail in a browser).
 * Which build turns the check on by default is contract-validation.test.ts's business.
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
  it.each(['production', 'development'] as const)('%s build: the schemas are lazy chunks, imported on first use only', async (nodeEnv) => {
    const { upFront, all, lazy, code } = await bundle(nodeEnv)
    expect(upFront.filter(zod)).toEqual([])
    expect(all).toEqual(
      expect.arrayContaining([expect.stringMatching(/src\/generated\/otp\/zod\.ts$/), expect.stringMatching(/src\/generated\/platform\/zod\.ts$/), expect.stringMatching(/node_modules\/zod\//)]),
    )
    expect(lazy.length).toBeGreaterThanOrEqual(2)
    expect(code).not.toMatch(/process\.env/)
    expect(upFront).toEqual(expect.arrayContaining([expect.stringMatching(/src\/otp\/client\.ts$/), expect.stringMatching(/src\/platform\/client\.ts$/)]))
  })
})
