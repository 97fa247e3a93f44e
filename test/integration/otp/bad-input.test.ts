/**
 * Hostile and sloppy input against every otp operation: each case must be answered with a 4xx
 * ErrorBody (validated against the spec by `call`), never a 5xx, and the server keeps serving.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { call, type CallOptions, expectError, login, signedInUser, useOtpMock } from './helpers'

const mock = useOtpMock()

const TWO_MB = 2 * 1024 * 1024
const bigString = (bytes: number) => 'x'.repeat(bytes)

let token = ''
let email = ''
beforeEach(async () => {
  const session = await signedInUser(mock)
  token = session.idToken
  email = session.user.email!
})

interface Case {
  name: string
  method: string
  path: string
  options: () => CallOptions
  /** Expected status (default 400) and the `details` path that must be reported. */
  status?: number
  detail?: string
}

/** Options for an authenticated call (the token is read when the case runs). */
const authed = (options: CallOptions = {}) => () => ({ token, ...options })
const anon = (options: CallOptions = {}) => () => options

const cases: Case[] = [
  // POST /auth/login
  { name: 'login: malformed JSON', method: 'POST', path: '/auth/login', options: anon({ raw: '{"email": "a@example.com", "password": ' }), detail: 'body' },
  { name: 'login: empty body', method: 'POST', path: '/auth/login', options: anon({ raw: '' }), detail: 'body' },
  { name: 'login: JSON null', method: 'POST', path: '/auth/login', options: anon({ json: null }), detail: 'body' },
  { name: 'login: array body', method: 'POST', path: '/auth/login', options: anon({ json: [] }), detail: 'body' },
  { name: 'login: wrong types', method: 'POST', path: '/auth/login', options: anon({ json: { email: 42, password: true } }), detail: 'body.email' },
  { name: 'login: invalid email format', method: 'POST', path: '/auth/login', options: anon({ json: { email: 'not-an-email', password: 'x' } }), detail: 'body.email' },
  { name: 'login: missing password', method: 'POST', path: '/auth/login', options: anon({ json: { email: 'a@example.com' } }), detail: 'body.password' },
  { name: 'login: extra property', method: 'POST', path: '/auth/login', options: anon({ json: { email: 'a@example.com', password: 'x', admin: true } }), detail: 'body.admin' },
  { name: 'login: __proto__ property', method: 'POST', path: '/auth/login', options: anon({ raw: '{"email":"a@example.com","password":"x","__proto__":{"admin":true}}' }), detail: 'body.__proto__' },
  { name: 'login: form-encoded body', method: 'POST', path: '/auth/login', options: anon({ raw: 'email=a%40example.com&password=x', contentType: 'application/x-www-form-urlencoded' }), detail: 'header.content-type' },
  { name: 'login: JSON sent as text/plain', method: 'POST', path: '/auth/login', options: anon({ raw: '{"email":"a@example.com","password":"x"}', contentType: 'text/plain' }), detail: 'header.content-type' },
  { name: 'login: JSON without content type', method: 'POST', path: '/auth/login', options: anon({ raw: new Blob(['{"email":"a@example.com","password":"x"}']), contentType: null }), detail: 'header.content-type' },
  { name: 'login: invalid UTF-8', method: 'POST', path: '/auth/login', options: anon({ raw: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }), detail: 'body' },
  { name: 'login: deeply nested JSON', method: 'POST', path: '/auth/login', options: anon({ raw: '['.repeat(50_000) + ']'.repeat(50_000) }), detail: 'body' },
  { name: 'login: 2 MB body', method: 'POST', path: '/auth/login', options: anon({ json: { email: 'a@example.com', password: bigString(TWO_MB) } }), status: 413 },
  // POST /auth/login/refresh
  { name: 'refresh: malformed JSON', method: 'POST', path: '/auth/login/refresh', options: anon({ raw: '{refreshToken: x}' }), detail: 'body' },
  { name: 'refresh: wrong type', method: 'POST', path: '/auth/login/refresh', options: anon({ json: { refreshToken: 123 } }), detail: 'body.refreshToken' },
  { name: 'refresh: missing field', method: 'POST', path: '/auth/login/refresh', options: anon({ json: {} }), detail: 'body.refreshToken' },
  { name: 'refresh: extra property', method: 'POST', path: '/auth/login/refresh', options: anon({ json: { refreshToken: 'x', idToken: 'y' } }), detail: 'body.idToken' },
  { name: 'refresh: 2 MB body', method: 'POST', path: '/auth/login/refresh', options: anon({ json: { refreshToken: bigString(TWO_MB) } }), status: 413 },
  // POST /auth/otp/methods/sms
  { name: 'sms: malformed JSON', method: 'POST', path: '/auth/otp/methods/sms', options: authed({ raw: '{"phone":"612345678",' }), detail: 'body' },
  { name: 'sms: wrong types', method: 'POST', path: '/auth/otp/methods/sms', options: authed({ json: { phone: 612345678, country: ['ES'] } }), detail: 'body.phone' },
  { name: 'sms: missing country', method: 'POST', path: '/auth/otp/methods/sms', options: authed({ json: { phone: '612345678' } }), detail: 'body.country' },
  { name: 'sms: empty phone', method: 'POST', path: '/auth/otp/methods/sms', options: authed({ json: { phone: '', country: 'ES' } }), detail: 'body.phone' },
  { name: 'sms: unknown country', method: 'POST', path: '/auth/otp/methods/sms', options: authed({ json: { phone: '612345678', country: 'XX' } }), detail: 'body.country' },
  { name: 'sms: lower-case country', method: 'POST', path: '/auth/otp/methods/sms', options: authed({ json: { phone: '612345678', country: 'es' } }), detail: 'body.country' },
  { name: 'sms: extra property', method: 'POST', path: '/auth/otp/methods/sms', options: authed({ json: { phone: '612345678', country: 'ES', verified: true } }), detail: 'body.verified' },
  { name: 'sms: missing body', method: 'POST', path: '/auth/otp/methods/sms', options: authed(), detail: 'body' },
  { name: 'sms: 2 MB body', method: 'POST', path: '/auth/otp/methods/sms', options: authed({ json: { phone: bigString(TWO_MB), country: 'ES' } }), status: 413 },
  // POST /auth/otp/methods/totp (body optional; any JSON object is accepted)
  { name: 'totp create: malformed JSON', method: 'POST', path: '/auth/otp/methods/totp', options: authed({ raw: '{' }), detail: 'body' },
  { name: 'totp create: wrong type (string)', method: 'POST', path: '/auth/otp/methods/totp', options: authed({ json: 'please' }), detail: 'body' },
  { name: 'totp create: wrong type (array)', method: 'POST', path: '/auth/otp/methods/totp', options: authed({ json: [1, 2] }), detail: 'body' },
  { name: 'totp create: 2 MB body', method: 'POST', path: '/auth/otp/methods/totp', options: authed({ json: { pad: bigString(TWO_MB) } }), status: 413 },
  // DELETE /auth/otp/methods/totp
  { name: 'totp delete: missing x-otp', method: 'DELETE', path: '/auth/otp/methods/totp', options: authed(), detail: 'header.x-otp' },
  { name: 'totp delete: 2 MB body', method: 'DELETE', path: '/auth/otp/methods/totp', options: authed({ otp: '123456', raw: bigString(TWO_MB) }), status: 413 },
  // GET /auth/otp/code
  { name: 'code request: missing method', method: 'GET', path: '/auth/otp/code', options: authed(), detail: 'query.method' },
  { name: 'code request: unknown method', method: 'GET', path: '/auth/otp/code?method=PIGEON', options: authed(), detail: 'query.method' },
  { name: 'code request: lower-case method', method: 'GET', path: '/auth/otp/code?method=email', options: authed(), detail: 'query.method' },
  { name: 'code request: repeated method', method: 'GET', path: '/auth/otp/code?method=EMAIL&method=SMS', options: authed(), detail: 'query.method' },
  { name: 'code request: empty method', method: 'GET', path: '/auth/otp/code?method=', options: authed(), detail: 'query.method' },
  { name: 'code request: 2 MB query', method: 'GET', path: `/auth/otp/code?method=${bigString(TWO_MB)}`, options: authed(), detail: 'query.method' },
  // POST /auth/otp/code
  { name: 'verify: malformed JSON', method: 'POST', path: '/auth/otp/code', options: authed({ otp: '123456', raw: '{"channel":SMS}' }), detail: 'body' },
  { name: 'verify: wrong type', method: 'POST', path: '/auth/otp/code', options: authed({ otp: '123456', json: { channel: 1 } }), detail: 'body.channel' },
  { name: 'verify: missing channel', method: 'POST', path: '/auth/otp/code', options: authed({ otp: '123456', json: {} }), detail: 'body.channel' },
  { name: 'verify: unknown channel', method: 'POST', path: '/auth/otp/code', options: authed({ otp: '123456', json: { channel: 'EMAIL' } }), detail: 'body.channel' },
  { name: 'verify: extra property', method: 'POST', path: '/auth/otp/code', options: authed({ otp: '123456', json: { channel: 'SMS', code: '123456' } }), detail: 'body.code' },
  { name: 'verify: missing x-otp', method: 'POST', path: '/auth/otp/code', options: authed({ json: { channel: 'SMS' } }), detail: 'header.x-otp' },
  { name: 'verify: missing body', method: 'POST', path: '/auth/otp/code', options: authed({ otp: '123456' }), detail: 'body' },
  { name: 'verify: 2 MB body', method: 'POST', path: '/auth/otp/code', options: authed({ otp: '123456', json: { channel: 'SMS', pad: bigString(TWO_MB) } }), status: 413 },
]

describe('bad input: always a 4xx ErrorBody, never a 5xx', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await call(c.method, c.path, c.options())
    const status = c.status ?? 400
    expect(r.status, JSON.stringify(r.body)).toBe(status)
    if (status === 413) {
      expectError(r, 413, 'payload_too_large', 'Request body too large')
    } else {
      expectError(r, 400, 'validation_error')
      expect(Array.isArray(r.body.details)).toBe(true)
      if (c.detail) expect(r.body.details.map((d: { path: string }) => d.path)).toContain(c.detail)
    }
  })

  it('a streamed body without Content-Length is cut off at 1 MiB (413)', async () => {
    const chunk = new TextEncoder().encode(bigString(64 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= TWO_MB) return controller.close()
        sent += chunk.byteLength
        controller.enqueue(chunk)
      },
    })
    const r = await call('POST', '/auth/login', { raw: stream })
    expectError(r, 413, 'payload_too_large')
    expect(sent).toBeLessThan(TWO_MB)
  })

  it('a body of exactly 1 MiB is still read (and then validated)', async () => {
    const prefix = '{"email":"a@example.com","password":"'
    const suffix = '"}'
    const r = await call('POST', '/auth/login', { raw: prefix + bigString(1024 * 1024 - prefix.length - suffix.length) + suffix })
    expectError(r, 403, 'authentication_error')
  })

  it('validation details are capped even for a body with thousands of problems', async () => {
    const body = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`extra${i}`, i]))
    const r = await call('POST', '/auth/login', { json: body })
    expectError(r, 400, 'validation_error')
    expect(r.body.details.length).toBeLessThanOrEqual(20)
  })

  it('bad input on an authenticated operation without a token is 401 first (auth before validation)', async () => {
    expectError(await call('POST', '/auth/otp/code', { json: { channel: 'NOPE' } }), 401, 'unauthenticated')
  })

  it('unknown paths under /auth/ answer 404, known paths with another method 405 + Allow', async () => {
    expectError(await call('GET', '/auth/nothing-here', { token }), 404, null, 'Not found')
    const r = await call('PUT', '/auth/login', { json: {} })
    expectError(r, 405, null, 'Method not allowed')
    expect(r.headers.get('allow')).toBe('POST')
    expect((await call('PATCH', '/auth/otp/methods/totp')).headers.get('allow')).toBe('POST, DELETE')
  })

  it('the server still serves normally after all of the above', async () => {
    for (const c of cases) await call(c.method, c.path, c.options())
    const tokens = await login(email)
    const r = await call('GET', '/auth/otp/code?method=EMAIL', { token: tokens.idToken })
    expect(r.status).toBe(200)
    expect((await call('POST', '/auth/otp/methods/totp', { token: tokens.idToken })).status).toBe(200)
  })
})
