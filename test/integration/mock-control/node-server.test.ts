import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend } from '../../../mocks/backend'
import { MAX_BODY_BYTES, startMockServer, type MockServer } from '../../../mocks/node'
import type { Surface } from '../../../mocks/state/types'
import { rawRequest as raw } from '../../support/raw-http'

const echoBody = (text: string) => (text.length > 100 ? { bodyLength: text.length } : { body: text })

/** Echoes the request and sets two cookies, to check what the adapter carries both ways. */
const echo: Surface = {
  name: 'echo',
  owns: (url) => url.pathname.startsWith('/auth/echo'),
  async handle({ request, url }) {
    const headers = new Headers({ 'content-type': 'application/json', 'x-mock': 'yes' })
    headers.append('set-cookie', 'a=1; Path=/; HttpOnly')
    headers.append('set-cookie', 'b=2; Path=/')
    const body = { method: request.method, path: url.pathname, search: url.search, cookie: request.headers.get('cookie'), ...echoBody(await request.text()), length: request.headers.get('content-length') }
    return new Response(JSON.stringify(body), { status: 201, headers })
  },
}

let server: MockServer

beforeAll(async () => {
  server = await startMockServer({ backend: createBackend({ surfaces: [echo], seed: false }) })
})
afterAll(() => server.close())

const rawRequest = (path: string, options: Parameters<typeof raw>[1]) => raw(`${server.url}${path}`, options)

describe('startMockServer', () => {
  it('listens on 127.0.0.1 on a free port by default', () => {
    expect(server.host).toBe('127.0.0.1')
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
  })

  it('carries method, path, query, headers and body in; status, headers and every Set-Cookie out', async () => {
    const response = await fetch(`${server.url}/auth/echo?x=1`, { method: 'POST', headers: { cookie: 'sid=abc', 'content-type': 'text/plain' }, body: 'hello' })
    expect(response.status).toBe(201)
    expect(response.headers.get('x-mock')).toBe('yes')
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Path=/'])
    expect(await response.json()).toEqual({ method: 'POST', path: '/auth/echo', search: '?x=1', cookie: 'sid=abc', body: 'hello', length: null })
  })

  it('answers HEAD without a body', async () => {
    const response = await fetch(`${server.url}/.well-known/jwks.json`, { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
  })

  it('404 JSON for unknown routes (logged), control API included', async () => {
    const response = await fetch(`${server.url}/nowhere`)
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ code: 'not_found' })
    const log = await (await fetch(`${server.url}/__mock/requests?path=/nowhere`)).json()
    expect(log.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/nowhere', status: 404 })])
    // Paths an msw pattern matches but no surface owns fall through to the same 404.
    expect((await fetch(`${server.url}/auth/unknown`)).status).toBe(404)
  })

  it('a body over 1 MiB (declared by content-length): the backend answers its own 413, and logs it', async () => {
    const response = await fetch(`${server.url}/__mock/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(MAX_BODY_BYTES * 2) })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ code: 'payload_too_large' })
    // A surface sees at most MAX + 1 bytes, and a content-length telling it the body is larger.
    const echoed = await fetch(`${server.url}/auth/echo`, { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES * 2) })
    const seen = (await echoed.json()) as { bodyLength: number; length: string }
    expect(seen.bodyLength).toBe(MAX_BODY_BYTES + 1)
    expect(Number(seen.length)).toBe(MAX_BODY_BYTES * 2)
    expect(echoed.headers.get('connection')).toBe('close')
  })

  it('a chunked body that grows past 1 MiB gets the same 413', async () => {
    const chunk = Buffer.alloc(256 * 1024, 'x')
    const result = await rawRequest('/__mock/faults', { method: 'POST', headers: { 'transfer-encoding': 'chunked' }, chunks: [chunk, chunk, chunk, chunk, chunk] })
    // The server stops reading; the client either reads the 413 or sees its upload cut off.
    if ('status' in result) {
      expect(result.status).toBe(413)
      expect(JSON.parse(result.body)).toMatchObject({ code: 'payload_too_large' })
    } else expect(result.error).toMatch(/EPIPE|ECONNRESET/)
    expect((await fetch(`${server.url}/auth/echo`, { method: 'POST', body: 'still fine' })).status).toBe(201)
  })

  it('a network-error fault drops the connection', async () => {
    await fetch(`${server.url}/__mock/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/auth/echo', networkError: true }) })
    const result = await rawRequest('/auth/echo', {})
    expect(result).toEqual({ error: 'ECONNRESET' })
    expect((await fetch(`${server.url}/auth/echo`)).status).toBe(201)
  })

  it('answers CORS preflights and reflects the Origin with credentials', async () => {
    const preflight = await fetch(`${server.url}/auth/echo`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true')
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,authorization')
    const response = await fetch(`${server.url}/auth/echo`, { headers: { origin: 'http://localhost:5173' } })
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(response.headers.get('access-control-expose-headers')).toContain('x-mock')
  })

  it("Date follows the mock clock, not the host's: a backend answer and the server's own 404", async () => {
    const hour = 3_600_000
    const ahead = (response: Response) => Date.parse(response.headers.get('date')!) - Date.now()
    try {
      const advanced = await fetch(`${server.url}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: hour }) })
      expect(advanced.status).toBe(200)
      // HTTP dates have one-second resolution, hence the slack.
      for (const response of [advanced, await fetch(`${server.url}/auth/echo`), await fetch(`${server.url}/nowhere`)]) {
        expect(response.headers.get('date')).toMatch(/GMT$/)
        expect(Math.abs(ahead(response) - hour)).toBeLessThan(2_000)
      }
      // A browser app on another origin can only read Date when it is exposed.
      const cors = await fetch(`${server.url}/auth/echo`, { headers: { origin: 'http://localhost:5173' } })
      expect(cors.headers.get('access-control-expose-headers')).toContain('date')
    } finally {
      server.mock.clock.restore()
    }
  })

  it('close() stops listening', async () => {
    const other = await startMockServer({ seed: false })
    await other.close()
    await expect(fetch(`${other.url}/__mock/outbox`)).rejects.toThrow()
  })

  it('rejects when the seed is invalid, before listening', async () => {
    await expect(startMockServer({ seed: [{ email: 'a@example.com' }, { email: 'A@example.com' }] })).rejects.toMatchObject({ code: 'email_in_use' })
  })
})
