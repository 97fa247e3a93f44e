/**
 * Which msw the in-process suites run on: msw 2 in the main run, msw 3 under
 * `npm run test:msw3` (vitest.msw3.config.ts aliases `msw` to tools/node22's msw 3 and sets the
 * expected major). Guards the alias: a job that silently ran msw 2 twice would prove nothing.
 */
import { setupServer } from 'msw/node'
import { expect, it } from 'vitest'
import { createMockBackend } from '../../../mocks/index'

const expected = Number(process.env['PORTCULLIS_EXPECT_MSW_MAJOR'] ?? '2')

it(`runs on msw ${expected} (and Node >= 22.12 for msw 3)`, async () => {
  const { default: pkg } = (await import('msw/package.json')) as { default: { version: string } }
  expect(Number(pkg.version.split('.')[0])).toBe(expected)
  if (expected >= 3) {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number]
    expect(major > 22 || (major === 22 && minor >= 12)).toBe(true)
  }
})

it('serves the backend through setupServer on this msw', async () => {
  const mock = createMockBackend({ seed: false })
  const server = setupServer(...mock.handlers)
  server.listen({ onUnhandledRequest: 'error' })
  try {
    const response = await fetch('http://app.test/.well-known/jwks.json')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { keys: Array<{ kty: string }> }
    expect(body.keys[0]?.kty).toBe('EC')
  } finally {
    server.close()
  }
})
