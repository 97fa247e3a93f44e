import { createRemoteJWKSet, jwtVerify } from 'jose'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMockBackend, DEMO_PASSWORD } from '../../../mocks/index'
import { demoUsers } from '../../../mocks/demo-users'

const BASE = 'http://mock.test'
const mock = createMockBackend({ now: Date.UTC(2030, 0, 1), frozenClock: true })
const server = setupServer(...mock.handlers)

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mock.reset())
afterAll(() => server.close())

async function call(method: string, path: string, body?: unknown, raw?: BodyInit) {
  const init: RequestInit = { method }
  if (body !== undefined || raw !== undefined) {
    init.headers = { 'content-type': 'application/json' }
    init.body = raw ?? JSON.stringify(body)
  }
  const response = await fetch(`${BASE}${path}`, init)
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined }
}

describe('/__mock/outbox', () => {
  it('lists messages, filters by to and channel, and empties', async () => {
    mock.outbox.send({ channel: 'email', to: 'alice@example.com', purpose: 'p', subject: 'Code', body: 'Your code is 123456', code: '123456', token: null })
    mock.outbox.send({ channel: 'sms', to: '+34600000003', purpose: 'p', subject: '', body: '654321', code: '654321', token: null })
    const all = await call('GET', '/__mock/outbox')
    expect(all.status).toBe(200)
    expect(all.body?.messages).toHaveLength(2)
    expect(all.body?.messages[0]).toMatchObject({ id: expect.any(String), channel: 'email', to: 'alice@example.com', purpose: 'p', subject: 'Code', body: 'Your code is 123456', code: '123456', token: null, createdAt: '2030-01-01T00:00:00.000Z' })
    expect((await call('GET', '/__mock/outbox?to=ALICE@example.com')).body?.messages).toHaveLength(1)
    expect((await call('GET', '/__mock/outbox?channel=sms')).body?.messages[0].code).toBe('654321')
    expect((await call('GET', '/__mock/outbox?channel=fax')).status).toBe(400)
    expect((await call('DELETE', '/__mock/outbox')).status).toBe(200)
    expect((await call('GET', '/__mock/outbox')).body?.messages).toEqual([])
  })

  it('shows the code a surface sent (platform 2FA login of bob)', async () => {
    const response = await fetch(`${BASE}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(credentials: { email: "bob@example.com", password: "${DEMO_PASSWORD}" }) { promptTwoFactorAuth sessionId } }` }),
    })
    expect((await response.json()).data.login.promptTwoFactorAuth).toBe(true)
    const { body } = await call('GET', '/__mock/outbox?to=bob@example.com&channel=email')
    expect(body?.messages).toHaveLength(1)
    expect(body?.messages[0].code).toMatch(/^\d{6}$/)
  })
})

describe('/__mock/users', () => {
  it('creates a user: 201 with public fields, never the hash', async () => {
    const created = await call('POST', '/__mock/users', { email: 'erin@example.com', username: 'erin', password: 'erin-password', twoFactor: true, phone: '+34600000009' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), pk: demoUsers.length + 1, email: 'erin@example.com', username: 'erin', verified: true, twoFactor: true, hasPassword: true, phone: '+34600000009' })
    expect(JSON.stringify(created.body)).not.toMatch(/pbkdf2|passwordHash|erin-password/)
    const user = mock.users.findByEmail('erin@example.com')!
    expect(await mock.users.checkPassword(user, 'erin-password')).toBe(true)
    const list = await call('GET', '/__mock/users')
    expect(list.body?.users.map((u: { username: string }) => u.username)).toEqual([...demoUsers.map((u) => u.username), 'erin'])
  })

  it('accepts password null for a user without one', async () => {
    const created = await call('POST', '/__mock/users', { email: 'nopw@example.com', password: null })
    expect(created.status).toBe(201)
    expect(created.body?.hasPassword).toBe(false)
  })

  it('409 on a duplicate email or username, and nothing is added', async () => {
    const email = await call('POST', '/__mock/users', { email: 'ALICE@example.com', password: 'x' })
    expect(email.status).toBe(409)
    expect(email.body).toMatchObject({ code: 'email_in_use', message: expect.any(String) })
    const username = await call('POST', '/__mock/users', { email: 'new@example.com', username: 'alice', password: 'x' })
    expect(username.status).toBe(409)
    expect(username.body?.code).toBe('username_in_use')
    expect(mock.users.all()).toHaveLength(demoUsers.length)
  })

  it.each([
    ['malformed JSON', undefined, '{"email": '],
    ['an array', [], undefined],
    ['no password', { email: 'x@example.com' }, undefined],
    ['an empty password', { email: 'x@example.com', password: '' }, undefined],
    ['a wrong type', { email: 'x@example.com', password: 'x', verified: 'yes' }, undefined],
    ['an unknown field', { email: 'x@example.com', password: 'x', twoFA: true }, undefined],
    ['an invalid email', { email: 'not-an-email', password: 'x' }, undefined],
    ['no identifier', { password: 'x' }, undefined],
    ['a bad profile', { email: 'x@example.com', password: 'x', profile: { a: 1 } }, undefined],
  ])('400 for %s', async (_name, body, raw) => {
    const response = await call('POST', '/__mock/users', body, raw)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ code: expect.any(String), message: expect.any(String) })
    expect(mock.users.all()).toHaveLength(demoUsers.length)
  })
})

describe('/__mock/reset', () => {
  it('restores the seeded users and clears the rest', async () => {
    const before = mock.users.findByEmail('alice@example.com')!
    await call('POST', '/__mock/users', { email: 'temp@example.com', password: 'x' })
    mock.users.update(before.id, { firstName: 'Changed' })
    mock.outbox.send({ channel: 'email', to: 'a@b.co', purpose: 'p', subject: '', body: '', code: null, token: null })
    await call('POST', '/__mock/clock', { advanceMs: 5000 })
    await call('PUT', '/__mock/config', { mailEnabled: false })
    const reset = await call('POST', '/__mock/reset')
    expect(reset).toMatchObject({ status: 200, body: { ok: true } })
    expect(mock.users.findByEmail('temp@example.com')).toBeUndefined()
    expect(mock.users.findByEmail('alice@example.com')).toEqual(before)
    expect(mock.outbox.list()).toEqual([])
    expect(mock.clock.now()).toBe(Date.UTC(2030, 0, 1))
    expect(mock.config().mailEnabled).toBe(true)
  })
})

describe('/__mock/clock', () => {
  it('advances, sets from ms or ISO, and reads', async () => {
    expect((await call('POST', '/__mock/clock', { advanceMs: 60_000 })).body).toEqual({ now: '2030-01-01T00:01:00.000Z', epochMs: Date.UTC(2030, 0, 1, 0, 1) })
    expect((await call('POST', '/__mock/clock', { now: Date.UTC(2031, 5, 1) })).body?.now).toBe('2031-06-01T00:00:00.000Z')
    expect((await call('POST', '/__mock/clock', { now: '2032-02-29T12:00:00Z' })).body?.epochMs).toBe(Date.UTC(2032, 1, 29, 12))
    expect((await call('GET', '/__mock/clock')).body?.now).toBe('2032-02-29T12:00:00.000Z')
    expect(mock.clock.now()).toBe(Date.UTC(2032, 1, 29, 12))
  })

  it('every answer carries the mock clock as its Date header: control API, surfaces, JWKS, faults, errors', async () => {
    const hourLater = new Date(Date.UTC(2030, 0, 1, 1)).toUTCString()
    expect((await call('GET', '/__mock/clock')).headers.get('date')).toBe('Tue, 01 Jan 2030 00:00:00 GMT')
    // The clock route's own answer already reads the clock it set.
    expect((await call('POST', '/__mock/clock', { advanceMs: 3_600_000 })).headers.get('date')).toBe(hourLater)
    expect((await call('GET', '/.well-known/jwks.json')).headers.get('date')).toBe(hourLater)
    expect((await call('POST', '/auth/login', { email: 'alice@example.com', password: 'wrong-password' })).headers.get('date')).toBe(hourLater)
    expect((await call('POST', '/api/graphql', { query: '{ nope }' })).headers.get('date')).toBe(hourLater)
    expect((await call('GET', '/__mock/nowhere')).headers.get('date')).toBe(hourLater)
    await call('POST', '/__mock/faults', { path: '/auth/login', status: 503 })
    const faulted = await call('POST', '/auth/login', { email: 'alice@example.com', password: DEMO_PASSWORD })
    expect(faulted.status).toBe(503)
    expect(faulted.headers.get('date')).toBe(hourLater)
  })

  it.each([
    ['malformed JSON', undefined, '{'],
    ['an empty body', undefined, undefined],
    ['both keys', { advanceMs: 1, now: 1 }, undefined],
    ['a string advance', { advanceMs: '1000' }, undefined],
    ['a negative advance', { advanceMs: -1 }, undefined],
    ['an unparseable date', { now: 'tomorrow' }, undefined],
    ['an unknown key', { at: 1 }, undefined],
    ['a huge value', { now: 1e20 }, undefined],
  ])('400 for %s', async (_name, body, raw) => {
    const response = await call('POST', '/__mock/clock', body, raw)
    expect(response.status).toBe(400)
    expect(mock.clock.now()).toBe(Date.UTC(2030, 0, 1))
  })
})

describe('/__mock/config', () => {
  it('deep-merges and returns the whole config', async () => {
    const response = await call('PUT', '/__mock/config', { otp: { codeTtlSeconds: 60 }, experience: { mfa: { policy: 'Mandatory' } } })
    expect(response.status).toBe(200)
    expect(response.body?.otp).toMatchObject({ codeTtlSeconds: 60, codeMaxAttempts: 5 })
    expect(response.body?.experience.mfa).toEqual({ policy: 'Mandatory', factors: ['Totp', 'WebAuthn'] })
    expect(mock.config().otp.codeTtlSeconds).toBe(60)
    expect((await call('GET', '/__mock/config')).body?.otp.codeTtlSeconds).toBe(60)
  })

  it.each([
    ['malformed JSON', undefined, '{"otp":'],
    ['an unknown key', { otpp: {} }, undefined],
    ['a wrong type', { otp: { codeTtlSeconds: 'sixty' } }, undefined],
    ['a bad enum', { experience: { signInMode: 'Both' } }, undefined],
    ['not an object', [1], undefined],
  ])('400 for %s, config unchanged', async (_name, body, raw) => {
    const response = await call('PUT', '/__mock/config', body, raw)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ code: expect.any(String), message: expect.any(String) })
    expect(mock.config().otp.codeTtlSeconds).toBe(300)
  })
})

describe('/__mock/faults', () => {
  it('one rule fails the next matching request as told', async () => {
    const added = await call('POST', '/__mock/faults', { path: '/.well-known/jwks.json', status: 503, body: { message: 'maintenance' } })
    expect(added.status).toBe(201)
    expect(added.body?.faults[0]).toMatchObject({ path: '/.well-known/jwks.json', status: 503, remaining: 1 })
    const failed = await fetch(`${BASE}/.well-known/jwks.json`)
    expect(failed.status).toBe(503)
    expect(await failed.json()).toEqual({ message: 'maintenance' })
    expect((await fetch(`${BASE}/.well-known/jwks.json`)).status).toBe(200)
  })

  it('several rules at once; network errors reject fetch; DELETE clears', async () => {
    const added = await call('POST', '/__mock/faults', { faults: [{ path: '/.well-known/*', networkError: true }, { path: '/api/graphql', status: 500, times: 3 }] })
    expect(added.body?.faults).toHaveLength(2)
    await expect(fetch(`${BASE}/.well-known/jwks.json`)).rejects.toThrow(TypeError)
    expect((await call('GET', '/__mock/faults')).body?.faults).toHaveLength(1)
    expect((await call('DELETE', '/__mock/faults')).status).toBe(200)
    expect((await call('GET', '/__mock/faults')).body?.faults).toEqual([])
  })

  it('a rule with only a path (the table makes the rest optional) fails the next request with 500', async () => {
    const added = await call('POST', '/__mock/faults', { path: '/.well-known/jwks.json' })
    expect(added.status).toBe(201)
    expect(added.body?.faults[0]).toMatchObject({ path: '/.well-known/jwks.json', status: 500, remaining: 1 })
    expect((await fetch(`${BASE}/.well-known/jwks.json`)).status).toBe(500)
    expect((await fetch(`${BASE}/.well-known/jwks.json`)).status).toBe(200)
  })

  it.each([
    ['malformed JSON', undefined, '{"path"'],
    ['no path', { status: 500 }, undefined],
    ['a relative path', { path: 'auth', status: 500 }, undefined],
    ['a bad status', { path: '/x', status: 99 }, undefined],
    ['a string status', { path: '/x', status: '500' }, undefined],
    ['status with networkError', { path: '/x', status: 500, networkError: true }, undefined],
    ['a negative delay', { path: '/x', delayMs: -1 }, undefined],
    ['zero times', { path: '/x', status: 500, times: 0 }, undefined],
    ['an unknown field', { path: '/x', status: 500, count: 2 }, undefined],
    ['one bad rule in a list', { faults: [{ path: '/x', status: 500 }, { path: 'y' }] }, undefined],
    ['a body nested 100 000 deep', undefined, `{"path":"/x","status":500,"body":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['faults not a list', { faults: {} }, undefined],
  ])('400 for %s, nothing added', async (_name, body, raw) => {
    const response = await call('POST', '/__mock/faults', body, raw)
    expect(response.status).toBe(400)
    expect(mock.faults.list()).toEqual([])
  })
})

describe('control API bodies', () => {
  it('bytes that are not UTF-8 are a 400, never turned into U+FFFD and stored', async () => {
    // {"email":"\xff@x.co","password":"x"}
    const bytes = new Uint8Array([...new TextEncoder().encode('{"email":"'), 0xff, ...new TextEncoder().encode('@x.co","password":"x"}')])
    const response = await call('POST', '/__mock/users', undefined, bytes)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ code: 'invalid_body', message: expect.stringContaining('UTF-8') })
    expect(mock.users.all()).toHaveLength(demoUsers.length)
  })

  it.each([
    ['/__mock/users', 'POST'],
    ['/__mock/clock', 'POST'],
    ['/__mock/config', 'PUT'],
    ['/__mock/faults', 'POST'],
  ])('%s: JSON nested deeper than 64 levels is a 400', async (path, method) => {
    const response = await call(method, path, undefined, `{"a":${'['.repeat(65)}${']'.repeat(65)}}`)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ code: 'invalid_json' })
  })

  it('brackets inside strings do not count as nesting', async () => {
    const response = await call('POST', '/__mock/faults', { path: '/x', status: 500, body: { message: '['.repeat(200) + '\\"{' } })
    expect(response.status).toBe(201)
  })
})

describe('/__mock/requests', () => {
  it('records the operation name of GraphQL calls: named in the body, in the document only, over GET, and when faulted', async () => {
    const post = (body: unknown) => fetch(`${BASE}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    await post({ query: 'query Me { userProfile { id } }', operationName: 'Me' })
    await post({ query: 'mutation Out { logout { status } }' })
    await post({ query: '{ userProfile { id } }' })
    await fetch(`${BASE}/api/graphql?query=${encodeURIComponent('query ViaGet { userProfile { id } }')}`)
    await call('POST', '/__mock/faults', { path: '/api/graphql', status: 503 })
    await post({ query: 'mutation Refresh { newToken(refreshToken: "x") { token } }', operationName: 'Refresh' })
    const { body } = await call('GET', '/__mock/requests?path=/api/graphql')
    expect(body?.requests.map((r: { operationName: string | null; status: number }) => [r.operationName, r.status])).toEqual([
      ['Me', 200],
      ['Out', 200],
      [null, 200],
      ['ViaGet', 200],
      ['Refresh', 503],
    ])
  })


  it('lists what the backend received (not the control API), filters by path, clears', async () => {
    await fetch(`${BASE}/.well-known/jwks.json`)
    await fetch(`${BASE}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ userProfile { id } }' }) })
    const { body } = await call('GET', '/__mock/requests')
    expect(body?.requests).toEqual([
      { method: 'GET', path: '/.well-known/jwks.json', operationName: null, status: 200, at: '2030-01-01T00:00:00.000Z' },
      expect.objectContaining({ method: 'POST', path: '/api/graphql' }),
    ])
    expect((await call('GET', '/__mock/requests?path=/api/graphql')).body?.requests).toHaveLength(1)
    expect((await call('GET', '/__mock/requests?path=/api/*')).body?.requests).toHaveLength(1)
    expect((await call('DELETE', '/__mock/requests')).status).toBe(200)
    expect((await call('GET', '/__mock/requests')).body?.requests).toEqual([])
  })
})

describe('control API routing', () => {
  it('404 for unknown control routes, 405 with Allow for wrong methods', async () => {
    expect((await call('GET', '/__mock/nope')).status).toBe(404)
    const wrong = await call('PATCH', '/__mock/outbox')
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, DELETE, HEAD')
    expect((await call('GET', '/__mock/outbox/')).status).toBe(200)
  })

  it('HEAD answers like GET without a body', async () => {
    const response = await fetch(`${BASE}/__mock/outbox`, { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(await response.text()).toBe('')
    expect((await fetch(`${BASE}/__mock/reset`, { method: 'HEAD' })).status).toBe(405)
  })

  it('a malformed percent-escape in the path is a 404 from the backend, not an msw exception (500)', async () => {
    for (const path of ['/__mock/%ZZ', '/auth/%ZZ', '/auth/otp/%E0%A4%A']) {
      const response = await fetch(`${BASE}${path}`)
      expect(response.status, path).toBe(404)
      expect(await response.json()).toMatchObject({ message: expect.any(String) })
    }
  })
})

describe('/.well-known/jwks.json', () => {
  it('verifies tokens the backend signs, through jose createRemoteJWKSet', async () => {
    const session = mock.state.tokens.startSession({ userId: 'u1', surface: 'otp', amr: ['pwd'] })
    const token = await mock.state.tokens.signAccessToken(session, 900)
    const jwks = createRemoteJWKSet(new URL(`${BASE}/.well-known/jwks.json`))
    const { payload } = await jwtVerify(token, jwks, { issuer: mock.config().issuer, audience: 'portcullis:otp', currentDate: new Date(mock.clock.now()) })
    expect(payload).toMatchObject({ sub: 'u1', sid: session.id })
  })
})
