import { describe, expect, it, vi } from 'vitest'
import { createBackend, peekOperationName, redact } from '../../../mocks/backend'
import { demoUsers } from '../../../mocks/demo-users'
import type { RequestContext, Surface } from '../../../mocks/state/types'
import { otpSurface } from '../../../mocks/surfaces/otp'
import { platformSurface } from '../../../mocks/surfaces/platform'

/** A surface that echoes what it received, so tests see the body survived fault matching. */
const echo: Surface = {
  name: 'echo',
  owns: (url) => url.pathname.startsWith('/echo'),
  async handle(context: RequestContext) {
    const text = await context.request.text()
    context.operationName = text.includes('Login') ? 'Login' : null
    return Response.json({ path: context.url.pathname, body: text })
  },
}

const boom: Surface = {
  name: 'boom',
  owns: (url) => url.pathname === '/boom',
  handle: () => Promise.reject(new Error('secret detail eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.sig')),
}

function setup() {
  const onError = vi.fn()
  const backend = createBackend({ surfaces: [echo, boom], seed: false, onError })
  const post = (path: string, body: unknown) =>
    backend.handle(new Request(`http://mock.test${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))
  return { backend, onError, post }
}

describe('backend.handle', () => {
  it('dispatches to the owning surface and ignores other paths', async () => {
    const { backend, post } = setup()
    const response = await post('/echo/x', { a: 1 })
    expect(await response?.json()).toEqual({ path: '/echo/x', body: '{"a":1}' })
    expect(await backend.handle(new Request('http://mock.test/elsewhere'))).toBeUndefined()
    expect(backend.owns(new URL('http://x/echo'))).toBe(true)
    expect(backend.owns(new URL('http://x/__mock/outbox'))).toBe(true)
    expect(backend.owns(new URL('http://x/elsewhere'))).toBe(false)
  })

  it('turns a thrown error into a JSON 500 without leaking details', async () => {
    const { backend, onError } = setup()
    const response = await backend.handle(new Request('http://mock.test/boom'))
    expect(response?.status).toBe(500)
    const text = await response!.text()
    expect(JSON.parse(text)).toEqual({ code: 'internal_error', message: 'The mock backend failed to handle this request.' })
    expect(text).not.toContain('secret')
    expect(onError).toHaveBeenCalledOnce()
    expect(onError.mock.calls[0]?.[1]).toEqual({ method: 'GET', path: '/boom', surface: 'boom' })
  })

  it('the default error printer redacts tokens', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    const backend = createBackend({ surfaces: [boom], seed: false })
    await backend.handle(new Request('http://mock.test/boom'))
    const printed = spy.mock.calls.map((c) => String(c[0])).join('\n')
    spy.mockRestore()
    expect(printed).toContain('internal error in boom GET /boom')
    expect(printed).not.toContain('eyJhbGciOiJFUzI1NiJ9')
    expect(redact('a'.repeat(43))).toBe('[redacted]')
  })

  it('exceptions the platform and otp surfaces catch themselves go to onError too (never straight to the console)', async () => {
    const onError = vi.fn()
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {})
    const backend = createBackend({ surfaces: [platformSurface, otpSurface], onError })
    await backend.ready()
    const fail = vi.spyOn(backend.state.users, 'findByEmail').mockImplementation(() => {
      throw new Error('db down')
    })
    try {
      const json = { 'content-type': 'application/json' }
      const graphql = await backend.handle(
        new Request('http://mock.test/api/graphql', { method: 'POST', headers: json, body: JSON.stringify({ query: 'mutation { login(credentials: { email: "alice@example.com", password: "x" }) { token } }' }) }),
      )
      expect((await graphql!.json()).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR')
      const rest = await backend.handle(new Request('http://mock.test/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ email: 'alice@example.com', password: 'x' }) }))
      expect(rest!.status).toBe(500)
      expect(onError.mock.calls.map(([error, site]) => [(error as Error).message, site])).toEqual([
        ['db down', { method: 'POST', path: '/api/graphql', surface: 'platform' }],
        ['db down', { method: 'POST', path: '/auth/login', surface: 'otp' }],
      ])
      expect(printed).not.toHaveBeenCalled()
    } finally {
      fail.mockRestore()
      printed.mockRestore()
    }
  })

  it('logs every request but the control API, with status and operation name', async () => {
    const { backend, post } = setup()
    await post('/echo', { query: 'mutation Login { x }' })
    await backend.handle(new Request('http://mock.test/boom'))
    await backend.handle(new Request('http://mock.test/__mock/outbox'))
    await backend.handle(new Request('http://mock.test/.well-known/jwks.json'))
    expect(backend.state.requests.list().map(({ method, path, operationName, status }) => [method, path, operationName, status])).toEqual([
      ['POST', '/echo', 'Login', 200],
      ['GET', '/boom', null, 500],
      ['GET', '/.well-known/jwks.json', null, 200],
    ])
  })

  it('serves the JWKS on GET only', async () => {
    const { backend } = setup()
    const response = await backend.handle(new Request('http://mock.test/.well-known/jwks.json'))
    expect((await response!.json()).keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256' })
    expect((await backend.handle(new Request('http://mock.test/.well-known/jwks.json', { method: 'POST' })))?.status).toBe(405)
  })
})

describe('backend faults', () => {
  it('answers status and body, then recovers', async () => {
    const { backend, post } = setup()
    backend.state.faults.add({ path: '/echo', status: 503, body: { message: 'down' } })
    const failed = await post('/echo', {})
    expect(failed?.status).toBe(503)
    expect(await failed?.json()).toEqual({ message: 'down' })
    expect((await post('/echo', {}))?.status).toBe(200)
    expect(backend.state.requests.list().map((e) => e.status)).toEqual([503, 200])
  })

  it('has a default body, and a string body is sent as text', async () => {
    const { backend, post } = setup()
    backend.state.faults.add({ path: '/echo', status: 500 })
    backend.state.faults.add({ path: '/echo', status: 502, body: 'Bad gateway' })
    expect(await (await post('/echo', {}))!.json()).toMatchObject({ code: 'mock_fault' })
    expect(await (await post('/echo', {}))!.text()).toBe('Bad gateway')
  })

  it('network error → Response.error(), logged with status 0', async () => {
    const { backend, post } = setup()
    backend.state.faults.add({ path: '/echo*', networkError: true, times: 2 })
    expect((await post('/echo/a', {}))?.type).toBe('error')
    expect((await post('/echo/b', {}))?.type).toBe('error')
    expect((await post('/echo/c', {}))?.status).toBe(200)
    expect(backend.state.requests.list()[0]).toMatchObject({ path: '/echo/a', status: 0 })
  })

  it('delays (real time) and then serves normally when only delayMs is set', async () => {
    const { backend, post } = setup()
    backend.state.faults.add({ path: '/echo', delayMs: 60 })
    const started = performance.now()
    const response = await post('/echo', { a: 1 })
    expect(performance.now() - started).toBeGreaterThanOrEqual(50)
    expect(response?.status).toBe(200)
  })

  it('a delay ends early when the client aborts', async () => {
    const { backend } = setup()
    backend.state.faults.add({ path: '/echo', delayMs: 10_000, status: 500 })
    const controller = new AbortController()
    const started = performance.now()
    const pending = backend.handle(new Request('http://mock.test/echo', { signal: controller.signal }))
    setTimeout(() => controller.abort(), 20)
    await pending
    expect(performance.now() - started).toBeLessThan(5_000)
  })

  it('matches a GraphQL operation name without consuming the body', async () => {
    const { backend, post } = setup()
    backend.state.faults.add({ path: '/echo', operationName: 'Refresh', status: 500 })
    const other = await post('/echo', { query: 'mutation Login($e: String) { login }' })
    expect(await other?.json()).toMatchObject({ body: expect.stringContaining('Login') })
    expect((await post('/echo', { operationName: 'Refresh', query: '{ x }' }))?.status).toBe(500)
    expect(backend.state.requests.list().at(-1)).toMatchObject({ operationName: 'Refresh', status: 500 })
  })

  it('reads operation names from bodies and GET queries', async () => {
    const get = (qs: string) => new Request(`http://x/g?${qs}`)
    expect(await peekOperationName(get('operationName=A'), new URL(get('operationName=A').url))).toBe('A')
    const q = new URL('http://x/g?query=query%20B%20%7B%20x%20%7D')
    expect(await peekOperationName(new Request(q), q)).toBe('B')
    const bad = new Request('http://x/g', { method: 'POST', body: 'not json' })
    expect(await peekOperationName(bad, new URL(bad.url))).toBeNull()
  })

  it('never faults the control API', async () => {
    const { backend } = setup()
    backend.state.faults.add({ path: '/*', networkError: true })
    expect((await backend.handle(new Request('http://mock.test/__mock/outbox')))?.status).toBe(200)
  })
})

describe('backend seeding', () => {
  it('seeds the demo users by default', async () => {
    const backend = createBackend({ surfaces: [] })
    await backend.ready()
    expect(backend.state.users.all().map((u) => u.username)).toEqual(demoUsers.map((u) => u.username))
  })

  it('an invalid seed answers 500 instead of hanging or crashing', async () => {
    const onError = vi.fn()
    const backend = createBackend({ surfaces: [echo], seed: [{ email: 'bad' }], onError })
    expect((await backend.handle(new Request('http://mock.test/echo')))?.status).toBe(500)
    expect(onError).toHaveBeenCalled()
  })
})
