/**
 * The standalone mock over real HTTP: `portcullis-mock` runs as a child process on a free port and
 * is driven with plain `fetch` (no SDK), codes read back from `/__mock/outbox`, TOTP codes computed
 * independently (test/support/totp.ts). Every otp response is checked against
 * schema/openapi/otp.yaml. Then hostile input, at the HTTP level too: each gets a 4xx, the process
 * never answers 5xx nor prints an internal error, and it keeps serving.
 */
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, demoUsers } from '../../mocks/demo-users'
import { controlClient, type ControlClient } from '../support/control'
import { assertMatchesSpec, type ApiResult } from '../support/otp-spec'
import { rawBody, rawExchange, rawRequest } from '../support/raw-http'
import { spawnMock, type SpawnedMock } from '../support/spawn-mock'
import { totp } from '../support/totp'

let mock: SpawnedMock
let control: ControlClient

beforeAll(async () => {
  mock = await spawnMock()
  control = controlClient(mock.url)
}, 30_000)

afterAll(async () => {
  // Nothing in this file may have made the server fail or print an internal error.
  expect(mock.output()).not.toContain('internal error')
  await mock.stop()
})

const GRAPHQL_ACCEPT = 'application/graphql-response+json, application/json'

interface GraphQLReply {
  status: number
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: Record<string, any> }> }
}

async function graphql(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLReply> {
  const response = await fetch(`${mock.url}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: GRAPHQL_ACCEPT, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  })
  return { status: response.status, body: (await response.json()) as GraphQLReply['body'] }
}

function errorCode(reply: GraphQLReply): string | undefined {
  return reply.body.errors?.[0]?.extensions?.['code']
}

/** An otp call over HTTP, its response checked against the spec. */
async function otp(method: string, path: string, options: { json?: unknown; token?: string; otp?: string; headers?: Record<string, string>; body?: BodyInit } = {}): Promise<ApiResult> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.json !== undefined) headers['content-type'] ??= 'application/json'
  if (options.token) headers['authorization'] = `Bearer ${options.token}`
  if (options.otp !== undefined) headers['x-otp'] = options.otp
  const url = `${mock.url}${path}`
  const response = await fetch(url, { method, headers, body: options.body ?? (options.json === undefined ? undefined : JSON.stringify(options.json)) })
  return assertMatchesSpec(method, url, response)
}

const LOGIN = `mutation Login($email: String, $password: String!) {
  login(credentials: { email: $email, password: $password }) { promptTwoFactorAuth sessionId userId token refreshToken }
}`
const CONFIRM = `mutation Confirm2Fa($code: String!, $sessionId: String!, $email: EmailAddress!) {
  confirm2Fa(code: $code, sessionId: $sessionId, email: $email) { token refreshToken sessionId userId }
}`
const RESEND = `mutation Resend2Fa($sessionId: String!, $email: EmailAddress!) { resend2Fa(sessionId: $sessionId, email: $email) { status sessionId } }`
const PROFILE = `query Profile { userProfile { id username twoFactorAuth } }`
const NEW_TOKEN = `mutation NewToken($refreshToken: String!) { newToken(refreshToken: $refreshToken) { token refreshToken } }`
const LOGOUT = `mutation Logout { logout { status } }`

const BOB = { id: '00000000-0000-4000-8000-000000000b0b', email: 'bob@example.com' }
const CAROL = { id: '00000000-0000-4000-8000-0000000ca201', email: 'carol@example.com' }

describe('platform: emailed 2FA login, tokens and logout over real HTTP', () => {
  beforeEach(() => control.reset())

  it('login → code from /__mock/outbox → confirm2Fa; wrong and resent-over codes fail; the token verifies against the JWKS', async () => {
    const started = await graphql(LOGIN, { email: BOB.email, password: DEMO_PASSWORD })
    expect(started.status).toBe(200)
    expect(started.body.data?.['login']).toMatchObject({ promptTwoFactorAuth: true, userId: BOB.id, token: null, refreshToken: null })
    const sessionId = started.body.data!['login'].sessionId as string

    const first = await control.lastMessage({ to: BOB.email, purpose: 'platform.login_2fa' })
    expect(first).toMatchObject({ channel: 'email', to: BOB.email, purpose: 'platform.login_2fa', code: expect.stringMatching(/^\d{6}$/), token: null })
    expect(first.body).toContain(first.code!)

    const wrong = await graphql(CONFIRM, { code: first.code === '000000' ? '111111' : '000000', sessionId, email: BOB.email })
    expect(errorCode(wrong)).toBe('INVALID_CODE')
    expect(wrong.body.errors![0]!.extensions!['attemptsLeft']).toBe(4)

    const resent = await graphql(RESEND, { sessionId, email: BOB.email })
    expect(resent.body.data?.['resend2Fa']).toEqual({ status: 200, sessionId })
    const second = await control.latestCode({ to: BOB.email, purpose: 'platform.login_2fa' })
    if (second !== first.code) expect(errorCode(await graphql(CONFIRM, { code: first.code, sessionId, email: BOB.email }))).toBe('INVALID_CODE')

    const confirmed = await graphql(CONFIRM, { code: second, sessionId, email: BOB.email })
    expect(confirmed.body.errors).toBeUndefined()
    const { token, refreshToken } = confirmed.body.data!['confirm2Fa'] as { token: string; refreshToken: string }
    expect(token).toMatch(/^eyJ/)
    expect(refreshToken).toBeTruthy()

    const profile = await graphql(PROFILE, undefined, token)
    expect(profile.body.data?.['userProfile']).toEqual({ id: BOB.id, username: 'bob', twoFactorAuth: true })

    const config = await (await fetch(`${mock.url}/__mock/config`)).json()
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${mock.url}/.well-known/jwks.json`)), {
      issuer: config.issuer,
      audience: 'portcullis:platform',
      currentDate: new Date(await control.now()),
    })
    expect(payload.sub).toBe(BOB.id)
    expect(payload.exp! - payload.iat!).toBe(config.platform.accessTokenTtlSeconds)

    // /__mock/requests names every operation the backend ran, over real HTTP too.
    const names = (await control.requests({ path: '/api/graphql' })).map((r) => r.operationName)
    expect(names).toEqual(['Login', 'Confirm2Fa', 'Resend2Fa', ...(second !== first.code ? ['Confirm2Fa'] : []), 'Confirm2Fa', 'Profile'])
  })

  it('expired and exhausted codes each give their own error', async () => {
    const start = async () => {
      const reply = await graphql(LOGIN, { email: BOB.email, password: DEMO_PASSWORD })
      return { sessionId: reply.body.data!['login'].sessionId as string, code: await control.latestCode({ to: BOB.email, purpose: 'platform.login_2fa' }) }
    }
    const expiring = await start()
    const { platform } = await control.setConfig({})
    await control.advanceClock(platform.twoFactorCodeTtlSeconds * 1000 + 1000)
    expect(errorCode(await graphql(CONFIRM, { ...expiring, email: BOB.email }))).toBe('CODE_EXPIRED')

    const exhausted = await start()
    const wrongCode = exhausted.code === '000000' ? '111111' : '000000'
    const codes: Array<string | undefined> = []
    for (let i = 0; i < platform.twoFactorMaxAttempts; i++) codes.push(errorCode(await graphql(CONFIRM, { ...exhausted, code: wrongCode, email: BOB.email })))
    expect(codes).toEqual([...Array(platform.twoFactorMaxAttempts - 1).fill('INVALID_CODE'), 'CODE_ATTEMPTS_EXHAUSTED'])
    expect(errorCode(await graphql(CONFIRM, { ...exhausted, email: BOB.email }))).toBe('CODE_ATTEMPTS_EXHAUSTED')
  })

  it('newToken rotates; reusing a spent refresh token revokes the family; the clock past exp rejects a token; logout kills tokens at once', async () => {
    const login = async () => (await graphql(LOGIN, { email: 'alice@example.com', password: DEMO_PASSWORD })).body.data!['login'] as { token: string; refreshToken: string }
    const first = await login()
    const rotated = (await graphql(NEW_TOKEN, { refreshToken: first.refreshToken })).body.data!['newToken'] as { token: string; refreshToken: string }
    expect(rotated.refreshToken).not.toBe(first.refreshToken)
    expect((await graphql(PROFILE, undefined, rotated.token)).body.data?.['userProfile']).toBeTruthy()

    expect(errorCode(await graphql(NEW_TOKEN, { refreshToken: first.refreshToken }))).toBe('REFRESH_TOKEN_REUSED')
    expect(errorCode(await graphql(NEW_TOKEN, { refreshToken: rotated.refreshToken }))).toBe('INVALID_REFRESH_TOKEN')
    expect(errorCode(await graphql(PROFILE, undefined, rotated.token))).toBe('UNAUTHENTICATED')

    const second = await login()
    const exp = decodeJwt(second.token).exp! * 1000
    await control.advanceClock(exp - (await control.now()) + 1000)
    const expired = await graphql(PROFILE, undefined, second.token)
    expect(errorCode(expired)).toBe('UNAUTHENTICATED')
    expect(expired.body.errors![0]!.extensions!['reason']).toBe('expired')

    const third = await login()
    expect((await graphql(LOGOUT, undefined, third.token)).body.data?.['logout']).toEqual({ status: 200 })
    expect(errorCode(await graphql(PROFILE, undefined, third.token))).toBe('UNAUTHENTICATED')
    expect(errorCode(await graphql(NEW_TOKEN, { refreshToken: third.refreshToken }))).toBe('INVALID_REFRESH_TOKEN')
  })
})

describe('otp: TOTP step-up with x-otp over real HTTP', () => {
  beforeEach(async () => {
    await control.reset()
    // Well inside a 30-second step, so the code computed here is the mock's current one.
    await control.setClock('2031-05-04T10:00:05.000Z')
  })

  const login = async (email: string) => {
    const r = await otp('POST', '/auth/login', { json: { email, password: DEMO_PASSWORD }, headers: { 'user-agent': 'e2e/1.0' } })
    expect(r.status).toBe(200)
    return r.body as { idToken: string; refreshToken: string }
  }

  it('deleting a confirmed TOTP secret needs the current code in x-otp (computed independently)', async () => {
    const { idToken } = await login(CAROL.email)
    expect((await otp('DELETE', '/auth/otp/methods/totp', { token: idToken })).status).toBe(400)
    const now = await control.now()
    const wrong = await otp('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: totp(DEMO_TOTP_SECRET, now + 5 * 60_000) })
    expect(wrong).toMatchObject({ status: 401, body: { code: 'otp_invalid', message: 'OTP is not valid' } })

    const deleted = await otp('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: totp(DEMO_TOTP_SECRET, await control.now()) })
    expect(deleted.status).toBe(200)
    expect(deleted.body).toMatchObject({ email: 'c***l@example.com', hasValidatedSecret: false, lastLoggedDevice: 'e2e/1.0', status: 'ACTIVE' })
    expect(deleted.body).not.toHaveProperty('secretVerificationDate')
    expect((await otp('DELETE', '/auth/otp/methods/totp', { token: idToken, otp: '123456' })).body).toMatchObject({ code: 'totp_not_configured' })
  })

  it('enrols a new secret: create it, confirm it with a computed code; a code request is read from the outbox', async () => {
    const user = await control.createUser({ email: 'e2e-totp@example.com', password: DEMO_PASSWORD })
    const { idToken } = await login('e2e-totp@example.com')
    const created = await otp('POST', '/auth/otp/methods/totp', { token: idToken, json: {} })
    expect(created.status).toBe(200)
    const { secret, uri } = created.body as { secret: string; uri: string }
    expect(new URL(uri).searchParams.get('secret')).toBe(secret)

    expect((await otp('POST', '/auth/otp/code', { token: idToken, otp: '000000', json: { channel: 'TOTP' } })).status).toBe(totp(secret, await control.now()) === '000000' ? 200 : 401)
    const before = await control.now()
    const verified = await otp('POST', '/auth/otp/code', { token: idToken, otp: totp(secret, before), json: { channel: 'TOTP' } })
    expect(verified.status).toBe(200)
    expect(verified.body).toMatchObject({ hasValidatedSecret: true })
    // A real date from the mock clock (which ticks in the standalone server).
    const verifiedAt = Date.parse(verified.body.secretVerificationDate)
    expect(verifiedAt).toBeGreaterThanOrEqual(before)
    expect(verifiedAt).toBeLessThanOrEqual(await control.now())

    const requested = await otp('GET', '/auth/otp/code?method=EMAIL', { token: idToken })
    expect(requested.body).toMatchObject({ channel: 'EMAIL', validated: false })
    expect(await control.lastMessage({ to: user['email'], purpose: 'otp.code' })).toMatchObject({ channel: 'email', code: expect.stringMatching(/^\d{6}$/) })
  })

  it('an idToken is rejected once /__mock/clock passes its exp; refresh rotates and reuse kills the family', async () => {
    const { idToken, refreshToken } = await login(CAROL.email)
    const exp = decodeJwt(idToken).exp! * 1000
    await control.advanceClock(exp - (await control.now()) + 1000)
    expect(await otp('POST', '/auth/otp/methods/totp', { token: idToken, json: {} })).toMatchObject({ status: 401, body: { code: 'unauthenticated', message: 'Access token expired' } })

    const refreshed = await otp('POST', '/auth/login/refresh', { json: { refreshToken } })
    expect(refreshed.status).toBe(200)
    const next = refreshed.body as { idToken: string; refreshToken: string }
    expect(await otp('POST', '/auth/login/refresh', { json: { refreshToken } })).toMatchObject({ status: 403, body: { code: 'refresh_token_reused', message: 'Invalid refresh token' } })
    expect((await otp('POST', '/auth/login/refresh', { json: { refreshToken: next.refreshToken } })).status).toBe(403)
    expect((await otp('GET', '/auth/otp/code?method=EMAIL', { token: next.idToken })).status).toBe(401)
  })
})

describe('hostile input over real HTTP: always a 4xx, and the server keeps serving', () => {
  let token = ''
  beforeAll(async () => {
    await control.reset()
    token = ((await otp('POST', '/auth/login', { json: { email: 'alice@example.com', password: DEMO_PASSWORD } })).body as { idToken: string }).idToken
  })

  const TWO_MB = 2 * 1024 * 1024
  const encoder = new TextEncoder()
  const notUtf8 = (before: string, after: string) => new Uint8Array([...encoder.encode(before), 0xff, 0xfe, ...encoder.encode(after)])
  const json = { 'content-type': 'application/json' }
  const gqlHeaders = { ...json, accept: GRAPHQL_ACCEPT }

  async function expectStatus(path: string, init: RequestInit, status: number): Promise<Response> {
    const response = await fetch(`${mock.url}${path}`, init)
    expect(response.status, `${init.method ?? 'GET'} ${path}`).toBe(status)
    return response
  }

  async function expectGraphQLError(init: RequestInit, status: number, code: string, path = '/api/graphql'): Promise<void> {
    const response = await expectStatus(path, init, status)
    const body = (await response.json()) as GraphQLReply['body']
    expect(body).not.toHaveProperty('data')
    expect(body.errors?.[0]?.extensions?.['code']).toBe(code)
  }

  it('malformed JSON', async () => {
    expect((await otp('POST', '/auth/login', { body: '{"email": "a@example.com", "password": ', headers: json })).body).toMatchObject({ code: 'validation_error' })
    await expectGraphQLError({ method: 'POST', headers: gqlHeaders, body: '{"query": "mutation {' }, 400, 'BAD_REQUEST')
    expect(await (await expectStatus('/__mock/users', { method: 'POST', headers: json, body: '{"email":' }, 400)).json()).toMatchObject({ code: 'invalid_json' })
  })

  it('a 2 MB body, announced by content-length or streamed chunked', async () => {
    const big = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(TWO_MB) })
    // Each surface answers with its own documented 413 body (checked against the spec for otp).
    expect((await otp('POST', '/auth/login', { body: big, headers: json })).body).toMatchObject({ code: 'payload_too_large' })
    await expectGraphQLError({ method: 'POST', headers: gqlHeaders, body: big }, 413, 'PAYLOAD_TOO_LARGE')
    expect(await (await expectStatus('/__mock/users', { method: 'POST', headers: json, body: big }, 413)).json()).toMatchObject({ code: 'payload_too_large' })
    expect((await control.requests({ path: '/auth/login' })).at(-1)).toMatchObject({ method: 'POST', status: 413 })
    const chunk = Buffer.alloc(256 * 1024, 'x')
    const chunked = await rawRequest(`${mock.url}/auth/login`, { method: 'POST', headers: { ...json, 'transfer-encoding': 'chunked' }, chunks: Array(8).fill(chunk) })
    // The server stops reading at 1 MiB: the client reads the 413 or sees its upload cut off.
    if ('status' in chunked) {
      expect(chunked.status).toBe(413)
      expect(JSON.parse(chunked.body)).toMatchObject({ code: 'payload_too_large' })
    } else expect(chunked.error).toMatch(/EPIPE|ECONNRESET/)
  })

  it('bytes that are not UTF-8', async () => {
    expect((await otp('POST', '/auth/login', { body: notUtf8('{"email":"a@example.com","password":"', '"}'), headers: json })).body).toMatchObject({ code: 'validation_error', details: [{ path: 'body', message: 'must be valid UTF-8' }] })
    await expectGraphQLError({ method: 'POST', headers: gqlHeaders, body: notUtf8('{"query":"{ __typename }","variables":{"x":"', '"}}') }, 400, 'BAD_REQUEST')
    await expectStatus('/__mock/users', { method: 'POST', headers: json, body: notUtf8('{"email":"', '@x.co","password":"x"}') }, 400)
    expect((await control.outbox()).length + (await fetch(`${mock.url}/__mock/users`).then((r) => r.json())).users.length).toBe(demoUsers.length)
  })

  it('the wrong content type', async () => {
    const login = JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD })
    expect((await otp('POST', '/auth/login', { body: login, headers: { 'content-type': 'text/plain' } })).body).toMatchObject({ details: [{ path: 'header.content-type' }] })
    expect((await otp('POST', '/auth/login', { body: 'email=alice%40example.com', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(400)
    await expectGraphQLError({ method: 'POST', headers: { 'content-type': 'text/plain', accept: GRAPHQL_ACCEPT }, body: '{"query":"{ __typename }"}' }, 415, 'UNSUPPORTED_MEDIA_TYPE')
    await expectGraphQLError({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: GRAPHQL_ACCEPT }, body: 'query=%7B__typename%7D' }, 415, 'UNSUPPORTED_MEDIA_TYPE')
  })

  it('a 100 KB header is refused with 431 by the HTTP layer', async () => {
    const { status } = await rawExchange(Number(new URL(mock.url).port), `GET /__mock/outbox HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`)
    expect(status).toBe(431)
  })

  it('unknown paths, including malformed percent-escapes (once a dropped connection)', async () => {
    expect(await (await expectStatus('/nope', {}, 404)).json()).toMatchObject({ code: 'not_found' })
    for (const path of ['/auth/nope', '/auth/%ZZ', '/auth/otp/%E0%A4%A', '/auth/login/']) expect((await otp('POST', path, { json: {} })).status, path).toBe(404)
    await expectStatus('/__mock/nope', {}, 404)
    await expectStatus('/__mock/%ZZ', {}, 404)
    await expectStatus('/api/graphql%ZZ', {}, 404)
  })

  it('HEAD and OPTIONS', async () => {
    const head = await expectStatus('/.well-known/jwks.json', { method: 'HEAD' }, 200)
    expect(await head.text()).toBe('')
    expect(await (await expectStatus('/__mock/outbox', { method: 'HEAD' }, 200)).text()).toBe('')
    expect((await otp('HEAD', '/auth/login')).status).toBe(405)
    expect((await otp('OPTIONS', '/auth/login')).status).toBe(405)
    await expectGraphQLError({ method: 'OPTIONS' }, 405, 'METHOD_NOT_ALLOWED')
    const preflight = await expectStatus('/api/graphql', { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } }, 204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
  })

  it('query strings with odd encoding', async () => {
    for (const query of ['method=%ZZ', 'method=EMAIL%00', 'method=EMAIL&method=SMS', 'method=%E2%82', 'method=', '%FF=%00']) {
      const r = await otp('GET', `/auth/otp/code?${query}`, { token })
      expect(r.status, query).toBe(400)
      expect(r.body).toMatchObject({ code: 'validation_error', details: [expect.objectContaining({ path: 'query.method' })] })
    }
    await expectStatus('/__mock/outbox?channel=%ZZ', {}, 400)
    await expectStatus('/__mock/outbox?to=%E2%82%ZZ', {}, 200)
    await expectStatus('/__mock/requests?path=%ZZ*&method=%00', {}, 200)
    await expectGraphQLError({ headers: { accept: GRAPHQL_ACCEPT } }, 400, 'GRAPHQL_PARSE_FAILED', '/api/graphql?query=%ZZ%7B')
  })

  it('JSON and documents nested thousands deep', async () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n)
    expect((await otp('POST', '/auth/login', { body: deep(50_000), headers: json })).status).toBe(400)
    expect((await otp('POST', '/auth/otp/methods/totp', { body: `{"a":${deep(50_000)}}`, headers: json, token })).status).toBeLessThan(500)
    await expectStatus('/__mock/faults', { method: 'POST', headers: json, body: `{"path":"/x","status":500,"body":${deep(100_000)}}` }, 400)
    await expectGraphQLError({ method: 'POST', headers: gqlHeaders, body: JSON.stringify({ query: '{' + 'a{'.repeat(5000) + 'a' + '}'.repeat(5001) }) }, 400, 'GRAPHQL_PARSE_FAILED')
    await expectGraphQLError({ method: 'POST', headers: gqlHeaders, body: `{"query":"{ __typename }","variables":${deep(100_000)}}` }, 400, 'BAD_REQUEST')
  })

  it('GraphQL syntax errors, unknown operations and invalid EmailAddress values', async () => {
    await expectGraphQLError({ method: 'POST', headers: gqlHeaders, body: JSON.stringify({ query: 'mutation {' }) }, 400, 'GRAPHQL_PARSE_FAILED')
    await expectGraphQLError({ method: 'POST', headers: gqlHeaders, body: JSON.stringify({ query: LOGOUT, operationName: 'Nope' }) }, 400, 'GRAPHQL_VALIDATION_FAILED')
    await expectGraphQLError({ method: 'POST', headers: gqlHeaders, body: JSON.stringify({ query: RESEND, variables: { sessionId: 'x', email: 'not an email' } }) }, 400, 'BAD_USER_INPUT')
    await expectGraphQLError({ method: 'POST', headers: gqlHeaders, body: JSON.stringify({ query: 'mutation { forgotPassword(email: "nope") { status } }' }) }, 400, 'GRAPHQL_VALIDATION_FAILED')
  })

  it('requests that are not HTTP the server understands', async () => {
    const port = Number(new URL(mock.url).port)
    const connectReply = await rawExchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')
    expect(connectReply.status).toBe(405)
    expect(JSON.parse(rawBody(connectReply.text))).toMatchObject({ code: 'method_not_allowed' })
    expect((await rawExchange(port, 'TRACE /__mock/outbox HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')).status).toBe(400)
    expect((await rawExchange(port, '\x00\x01 not http\r\n\r\n')).status).toBe(400)
    expect((await rawExchange(port, 'POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n{}')).status).toBe(400)
    expect((await rawExchange(port, Buffer.from('GET /auth/\xff HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 'latin1'))).status).toBe(400)
  })

  it('200 concurrent requests, good and bad mixed: none is a 5xx, the good ones all succeed', async () => {
    const requests = Array.from({ length: 200 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return fetch(`${mock.url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }) })
        case 1:
          return fetch(`${mock.url}/api/graphql`, { method: 'POST', headers: gqlHeaders, body: JSON.stringify({ query: LOGIN, variables: { email: 'alice@example.com', password: DEMO_PASSWORD } }) })
        case 2:
          return fetch(`${mock.url}/auth/login`, { method: 'POST', headers: json, body: '{bad' })
        default:
          return fetch(`${mock.url}/api/graphql`, { method: 'POST', headers: gqlHeaders, body: '{"query": "mutation {' })
      }
    })
    const statuses = (await Promise.all(requests)).map((r) => r.status)
    expect(statuses.filter((_, i) => i % 4 < 2).every((s) => s === 200)).toBe(true)
    expect(statuses.filter((_, i) => i % 4 >= 2).every((s) => s === 400)).toBe(true)
  })

  it('afterwards: the backend logged no 5xx for any of it, and still serves a normal login', async () => {
    const failures = (await control.requests()).filter((r) => r.status >= 500)
    expect(failures).toEqual([])
    expect((await graphql(LOGIN, { email: 'alice@example.com', password: DEMO_PASSWORD })).body.data?.['login'].token).toMatch(/^eyJ/)
  })
})
