/**
 * Point 6: any website could drive the control API (CORS echoed any origin, `text/plain` bodies
 * were parsed, no `Host` check, `--host 0.0.0.0` printed nothing). Against the standalone server
 * over real HTTP: foreign origins get no grant and are refused, non-JSON bodies are 415, a foreign
 * `Host` (DNS rebinding) is 403, loopback origins still work, and exposing the server warns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, createMockBackend } from '../../mocks'
import { startMockServer, type MockServer } from '../../mocks/node'
import { rawRequest } from '../support/raw-http'
import { spawnMock } from '../support/spawn-mock'

let server: MockServer
const errors: unknown[] = []

beforeAll(async () => {
  const mock = createMockBackend({ backend: createBackend({ passwordIterations: 1000, corsOrigins: ['https://app.example.test'], onError: (e) => errors.push(e) }) })
  server = await startMockServer({ mock, corsOrigins: ['https://app.example.test'], bodyTimeoutMs: 300 })
})
afterAll(async () => {
  expect(errors).toEqual([])
  expect(server.mock.requests.list().filter((r) => r.status >= 500)).toEqual([])
  await server.close()
})

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers })

describe('the control API is for the local developer (point 6)', () => {
  it('a foreign origin (or null) gets no CORS grant and no answer; its preflight is refused', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://192.168.1.20:3000', 'file://']) {
      const reply = await get('/__mock/outbox', { origin })
      expect(reply.status).toBe(403)
      expect(reply.headers.get('access-control-allow-origin')).toBeNull()
      expect(await reply.json()).toMatchObject({ code: 'forbidden_origin' })
    }
    const preflight = await fetch(`${server.url}/__mock/reset`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(preflight.status).toBe(403)
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('a cross-site "simple" request cannot carry a command: text/plain and form bodies are 415, and nothing changes', async () => {
    const before = (await (await get('/__mock/users')).json()) as { users: unknown[] }
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const reply = await fetch(`${server.url}/__mock/users`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify({ email: 'planted@example.com', password: 'planted-password' }) })
      expect(reply.status).toBe(415)
    }
    // A body without any content type is not JSON either.
    const bare = await rawRequest(`${server.url}/__mock/faults`, { method: 'POST', chunks: [Buffer.from('{"path":"/auth/login"}')] })
    expect('status' in bare && bare.status).toBe(415)
    expect(((await (await get('/__mock/users')).json()) as { users: unknown[] }).users).toHaveLength(before.users.length)
    expect(((await (await get('/__mock/faults')).json()) as { faults: unknown[] }).faults).toEqual([])
  })

  it('a foreign Host (DNS rebinding) is refused on every path', async () => {
    for (const path of ['/__mock/', '/__mock/outbox', '/__mock/sessions', '/auth/login', '/.well-known/jwks.json']) {
      const reply = await rawRequest(`${server.url}${path}`, { headers: { host: 'rebind.evil.example:4010' } })
      expect('status' in reply && reply.status).toBe(403)
      expect('body' in reply && JSON.parse(reply.body)).toMatchObject({ code: 'forbidden_host' })
    }
    const local = await rawRequest(`${server.url}/__mock/clock`, { headers: { host: `localhost:${server.port}` } })
    expect('status' in local && local.status).toBe(200)
  })

  it('a loopback Host with an impossible port gets a 400, and the server keeps serving', async () => {
    const reply = await rawRequest(`${server.url}/.well-known/jwks.json`, { headers: { host: 'localhost:99999' } })
    expect('status' in reply && reply.status).toBe(400)
    expect('body' in reply && JSON.parse(reply.body)).toMatchObject({ code: 'bad_request', message: 'The Host header is malformed.' })
    expect((await fetch(`${server.url}/.well-known/jwks.json`)).status).toBe(200)
  })

  it('loopback origins on any port, and --cors-origin ones, still work with credentials', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080', 'https://app.example.test']) {
      const reply = await get('/__mock/clock', { origin })
      expect(reply.status).toBe(200)
      expect(reply.headers.get('access-control-allow-origin')).toBe(origin)
      expect(reply.headers.get('access-control-allow-credentials')).toBe('true')
      const preflight = await fetch(`${server.url}/__mock/reset`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
      expect(preflight.status).toBe(204)
    }
    const json = await fetch(`${server.url}/__mock/clock`, { method: 'POST', headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' }, body: '{"advanceMs":0}' })
    expect(json.status).toBe(200)
  })

  it('binding to a non-loopback address warns that the control API exposes codes and secrets', async () => {
    const warnings: string[] = []
    const exposed = await startMockServer({ host: '0.0.0.0', seed: false, warn: (message) => warnings.push(message) })
    await exposed.close()
    const local = await startMockServer({ host: '127.0.0.1', seed: false, warn: (message) => warnings.push(message) })
    await local.close()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/control API .* codes, link tokens and TOTP secrets/)

    const cli = await spawnMock(['--host', '0.0.0.0'])
    try {
      expect(cli.output()).toContain('Warning: the Portcullis mock listens on a non-loopback address')
    } finally {
      await cli.stop()
    }
  })
})

describe('throttles over real HTTP', () => {
  it('the client is the TCP peer: a spoofed x-portcullis-client header does not buy a fresh budget', async () => {
    const put = await fetch(`${server.url}/__mock/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ limits: { passwordFailures: { perClient: { max: 5, windowSeconds: 900 } } } }) })
    expect(put.status).toBe(200)
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) {
      const reply = await fetch(`${server.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-portcullis-client': `203.0.113.${i}`, 'x-forwarded-for': `198.51.100.${i}` },
        body: JSON.stringify({ email: `spray-${i}@example.com`, password: 'Summer2031!' }),
      })
      statuses.push(reply.status)
      if (reply.status === 429) expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429, 429, 429])
    await fetch(`${server.url}/__mock/reset`, { method: 'POST' })
  })
})

describe('a body shorter than its Content-Length (point 9)', () => {
  it('is answered 408 once the body timeout passes, instead of holding the connection open', async () => {
    const reply = await rawRequest(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '100' },
      chunks: [Buffer.from('{"email":')],
    })
    expect('status' in reply && reply.status).toBe(408)
    expect((await get('/__mock/clock')).status).toBe(200)
  })
})
