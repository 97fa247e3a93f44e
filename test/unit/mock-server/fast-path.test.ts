/**
 * The standalone server's shortcuts around WHATWG Request/Response objects: a route that never
 * reads the request builds none, a body the server already holds is handed over instead of read
 * back from a stream, and a string body is written without reading the stream.
 */
import { describe, expect, it } from 'vitest'
import { createBackend } from '../../../mocks/backend'
import { knownBody, textResponse } from '../../../mocks/known-body'
import { readBodyText, withBufferedBody } from '../../../mocks/validation/body'

describe('backend.handleCall', () => {
  it('answers the JWKS without building the request, and builds it once for a surface', async () => {
    const backend = createBackend({ seed: false, onError: () => {} })
    let built = 0
    const call = (path: string, init: RequestInit = {}) => {
      const url = new URL(path, 'http://127.0.0.1:4010')
      let request: Request | undefined
      return {
        method: (init.method ?? 'GET').toUpperCase(),
        url,
        request: () => {
          if (!request) {
            built++
            request = new Request(url, init)
          }
          return request
        },
      }
    }
    const jwks = await backend.handleCall(call('/.well-known/jwks.json'))
    expect(jwks?.status).toBe(200)
    expect(knownBody(jwks!)).toContain('"keys"')
    expect(built).toBe(0)

    const login = await backend.handleCall(call('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong-password' }) }))
    expect(login?.status).toBe(403)
    expect(built).toBe(1)
    expect(backend.state.requests.list().map((entry) => [entry.path, entry.status])).toEqual([
      ['/.well-known/jwks.json', 200],
      ['/auth/login', 403],
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
  it('keeps the body text beside the response until someone reads the stream', async () => {
    const response = textResponse('{"a":1}', { status: 201 })
    expect(knownBody(response)).toBe('{"a":1}')
    expect(await response.text()).toBe('{"a":1}')
    expect(knownBody(response)).toBeUndefined()
    expect(knownBody(new Response('{"a":1}'))).toBeUndefined()
  })
})
