/**
 * The standalone server and CLI have no msw in their path: bundling them pulls in no msw module
 * at all (so `portcullis-mock` also runs where msw, an optional peer, is not installed). The
 * in-process entry registers one catch-all msw handler rather than one per route.
 */
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { createMockBackend, MOCK_ROUTE_PATTERNS } from '../../../mocks/index'

async function bundledModules(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  })
  return Object.keys(result.metafile.inputs)
}

describe('msw stays out of the standalone server', () => {
  it.each(['mocks/node.ts', 'mocks/cli.ts'])('%s bundles without any msw module', async (entry) => {
    const inputs = await bundledModules(entry)
    expect(inputs).toContain('mocks/backend.ts')
    expect(inputs.filter((input) => /node_modules\/(msw|@mswjs)\//.test(input))).toEqual([])
  })

  it('the msw entry does use msw (the check above can see it)', async () => {
    const inputs = await bundledModules('mocks/index.ts')
    expect(inputs.some((input) => input.includes('node_modules/msw/'))).toBe(true)
  })

  it('createMockBackend registers one handler covering every route', () => {
    const { handlers } = createMockBackend({ seed: false })
    expect(handlers).toHaveLength(1)
    expect(MOCK_ROUTE_PATTERNS.length).toBeGreaterThan(1)
  })
})
