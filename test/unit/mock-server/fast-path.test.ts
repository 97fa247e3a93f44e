/**
 * The standalone server's shortcuts around WHATWG Request/Response objects: the JWKS, the otp
 * surface and the GraphQL surfaces build no request (they read the call's headers and held body),
 * a body the server already holds is handed over instead of read back from a stream, and the
 * backend's answers keep their text beside a bodiless response until they leave it.
 */
import { describe, expect, it } from 'vitest'
import { createBackend, type IncomingCall } from '../../../mocks/backend'
import { DEMO_PASSWORD } from '../../../mocks/demo-users'
import { knownBody, responseText, textResponse, withKnownBody } from '../../../mocks/known-body'
import { heldBodyText, readBodyText, withBufferedBody } from '../../../mocks/validation/body'

/** A call as the standalone server makes one, counting the WHATWG requests built from it. */
function caller() {
  const counter = { built: 0 }
  const call = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): IncomingCall => {
    const url = new URL(path, 'http://127.0.0.1:4010')
    const headers = new Headers(init.headers)
    const bytes = init.body === undefined ? undefined : new TextEncoder().encode(init.body)
    if (bytes) headers.set('content-length', String(bytes.byteLength))
    let request: Request | undefined
    let read = false
    return {
      method: (init.method ?? 'GET').toUpperCase(),
      url,
      headers,
      readText: async (limit) => (read ? { ok: false, status: 400, reason: 'unreadable' } : ((read = true), heldBodyText(bytes, headers.get('content-length'), limit))),
      request: () => {
        if (!request) {
          counter.built++
          request = new Request(url, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: init.body }) })
        }
        return request
      },
    }
  }
  return { call, counter }
}

describe('backend.handleCall', () => {
  it('answers the JWKS, the otp surface and GraphQL without building a request, and builds one once where a surface reads it', async () => {
    const backend = createBackend({ onError: () => {} })
    const { call, counter } = caller()
    const jwks = await backend.handleCall(call('/.well-known/jwks.json'))
    expect(jwks?.status).toBe(200)
    expect(knownBody(jwks!)).toContain('"keys"')

    const json = { 'content-type': 'application/json' }
    const login = await backend.handleCall(call('/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }) }))
    expect(login?.status).toBe(200)
    const { idToken } = JSON.parse(knownBody(login!)!) as { idToken: string }
    const code = await backend.handleCall(call('/auth/otp/code?method=EMAIL', { headers: { authorization: `Bearer ${idToken}` } }))
    expect(code?.status).toBe(200)
    expect(JSON.parse(knownBody(code!)!)).toMatchObject({ channel: 'EMAIL' })
    const wrong = await backend.handleCall(call('/auth/otp/code?method=EMAIL', { headers: { authorization: 'Bearer not.a.token' } }))
    expect(wrong?.status).toBe(401)

    const gqlLogin = await backend.handleCall(
      call('/api/graphql', { method: 'POST', headers: json, body: JSON.stringify({ query: `mutation { login(credentials: { email: "alice@example.com", password: "${DEMO_PASSWORD}" }) { token } }` }) }),
    )
    const token = (JSON.parse(knownBody(gqlLogin!)!) as { data: { login: { token: string } } }).data.login.token
    const profile = await backend.handleCall(
      call('/api/graphql', { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ query: 'query UserProfile { userProfile { username } }', operationName: 'UserProfile' }) }),
    )
    expect(JSON.parse(knownBody(profile!)!)).toEqual({ data: { userProfile: { username: 'alice' } } })
    expect(counter.built).toBe(0)

    // The control API reads a WHATWG request: built once.
    const reset = await backend.handleCall(call('/__mock/requests', { method: 'DELETE' }))
    expect(reset?.status).toBeLessThan(300)
    expect(counter.built).toBe(1)
  })

  it('logs what it answered, faults included', async () => {
    const backend = createBackend({ seed: false, onError: () => {} })
    const { call } = caller()
    await backend.handleCall(call('/.well-known/jwks.json'))
    await backend.handleCall(call('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong-password' }) }))
    backend.state.faults.add({ path: '/auth/otp/code', status: 503 })
    const faulted = await backend.handleCall(call('/auth/otp/code'))
    expect(faulted?.status).toBe(503)
    expect(backend.state.requests.list().map((entry) => [entry.path, entry.status])).toEqual([
      ['/.well-known/jwks.json', 200],
      ['/auth/login', 403],
      ['/auth/otp/code', 503],
    ])
  })
})

describe('withBufferedBody', () => {
  it('hands the held bytes to readBodyText once, like a stream, and leaves the body itself unread', async () => {
    const bytes = new TextEncoder().encode('{"held":true}')
    const request = withBufferedBody(new Request('http://mock.test/x', { method: 'POST', body: 'a different stream' }), bytes)
    expect(await readBodyText(request)).toEqual({ ok: true, text: '{"held":true}', bytes: bytes.byteLength })
    expect(request.bodyUsed).toBe(false)
    expect(await readBodyText(request)).toEqual({ ok: false, status: 400, reason: 'unreadable' })
  })

  it('keeps the limit and the strict UTF-8 decoding', async () => {
    const big = withBufferedBody(new Request('http://mock.test/x', { method: 'POST', body: 'x' }), new Uint8Array(11))
    expect(await readBodyText(big, 10)).toEqual({ ok: false, status: 413, reason: 'too_large' })
    const invalid = withBufferedBody(new Request('http://mock.test/x', { method: 'POST', body: 'x' }), new Uint8Array([0xff, 0xfe]))
    expect(await readBodyText(invalid)).toEqual({ ok: false, status: 400, reason: 'invalid_encoding' })
  })
})

describe('textResponse', () => {
  it('keeps the text beside a bodiless response, and gives it its body when it leaves the backend', async () => {
    const response = textResponse('{"a":1}', { status: 201, headers: { 'content-type': 'application/json' } })
    expect(response.body).toBeNull()
    expect(knownBody(response)).toBe('{"a":1}')
    expect(await responseText(response)).toBe('{"a":1}')
    const whole = withKnownBody(response)
    expect(whole.status).toBe(201)
    expect(whole.headers.get('content-type')).toBe('application/json')
    expect(await whole.json()).toEqual({ a: 1 })
    expect(knownBody(new Response('{"a":1}'))).toBeUndefined()
    expect(await responseText(new Response('plain'))).toBe('plain')
    // A status that may carry no body keeps none.
    expect(withKnownBody(textResponse('', { status: 204 })).body).toBeNull()
  })

  it('backend.handle answers with whole responses, as msw and callers read them', async () => {
    const backend = createBackend({ seed: false, onError: () => {} })
    const jwks = await backend.handle(new Request('http://127.0.0.1:4010/.well-known/jwks.json'))
    expect(((await jwks!.json()) as { keys: unknown[] }).keys).toHaveLength(1)
    const missing = await backend.handle(new Request('http://127.0.0.1:4010/auth/nowhere'))
    expect(missing?.status).toBe(404)
    expect(await missing!.json()).toMatchObject({ message: 'Not found' })
  })
})
