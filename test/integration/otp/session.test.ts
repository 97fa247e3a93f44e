import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  advanceClock,
  BASE,
  call,
  createUser,
  expectError,
  login,
  mockNow,
  PASSWORD,
  signedInUser,
  UA,
  useOtpMock,
} from './helpers'

const mock = useOtpMock()

describe('POST /auth/login', () => {
  it('returns an id token signed by the JWKS keys and a refresh token, and records the login', async () => {
    const user = await createUser(mock)
    const before = await mockNow()
    const r = await call('POST', '/auth/login', { json: { email: user.email, password: PASSWORD } })
    expect(r.status).toBe(200)
    expect(r.headers.get('cache-control')).toBe('no-store')
    expect(typeof r.body.idToken).toBe('string')
    expect(typeof r.body.refreshToken).toBe('string')

    const jwks = createRemoteJWKSet(new URL(`${BASE}/.well-known/jwks.json`))
    const { payload } = await jwtVerify(r.body.idToken, jwks, { currentDate: new Date(await mockNow()) })
    expect(payload.sub).toBe(user.id)
    expect(payload['email']).toBe(user.email)
    expect(payload.exp! - payload.iat!).toBe(mock.config().otp.accessTokenTtlSeconds)

    const stored = mock.users.get(user.id)!
    expect(stored.lastLoginDevice).toBe(UA)
    expect(stored.lastLoginAt).toBeGreaterThanOrEqual(before)

    // The login shows up in the security summary.
    const summary = await call('POST', '/auth/otp/methods/totp', { token: r.body.idToken })
    expect(summary.body.lastLoggedDevice).toBe(UA)
    expect(summary.body.lastLoggedDate).toBe(new Date(stored.lastLoginAt!).toISOString())
  })

  it('matches the email case-insensitively', async () => {
    const user = await createUser(mock)
    const r = await call('POST', '/auth/login', { json: { email: user.email!.toUpperCase(), password: PASSWORD } })
    expect(r.status).toBe(200)
  })

  it('ignores an unusable bearer token (security is optional on login)', async () => {
    const user = await createUser(mock)
    const r = await call('POST', '/auth/login', { json: { email: user.email, password: PASSWORD }, token: 'not-a-token' })
    expect(r.status).toBe(200)
  })

  it('403 Authentication error for a wrong password', async () => {
    const user = await createUser(mock)
    const r = await call('POST', '/auth/login', { json: { email: user.email, password: 'wrong password' } })
    expectError(r, 403, 'authentication_error', 'Authentication error')
  })

  it('403 Authentication error for an unknown email (same answer)', async () => {
    const r = await call('POST', '/auth/login', { json: { email: 'nobody@example.com', password: PASSWORD } })
    expectError(r, 403, 'authentication_error', 'Authentication error')
  })

  it('403 for a user without a password', async () => {
    const user = await createUser(mock, { password: null })
    const r = await call('POST', '/auth/login', { json: { email: user.email, password: '' } })
    expectError(r, 403, 'authentication_error', 'Authentication error')
  })

  it.each([
    ['BLOCKED status', { status: 'BLOCKED' as const }],
    ['DISABLED status', { status: 'DISABLED' as const }],
    ['suspended', { suspended: true }],
    ['inactive', { isActive: false }],
  ])('403 for a %s account even with the right password', async (_label, patch) => {
    const user = await createUser(mock)
    mock.users.update(user.id, patch)
    const r = await call('POST', '/auth/login', { json: { email: user.email, password: PASSWORD } })
    expectError(r, 403, 'authentication_error', 'Authentication error')
  })

  it('does not record a failed login', async () => {
    const user = await createUser(mock)
    await call('POST', '/auth/login', { json: { email: user.email, password: 'nope' } })
    expect(mock.users.get(user.id)!.lastLoginAt).toBeNull()
  })
})

describe('POST /auth/login/refresh', () => {
  it('returns a new id token and the rotated refresh token', async () => {
    const { idToken, refreshToken } = await signedInUser(mock)
    const r = await call('POST', '/auth/login/refresh', { json: { refreshToken } })
    expect(r.status).toBe(200)
    expect(r.body.idToken).not.toBe(idToken)
    expect(typeof r.body.refreshToken).toBe('string')
    expect(r.body.refreshToken).not.toBe(refreshToken)
    expect(decodeJwt(r.body.idToken).sid).toBe(decodeJwt(idToken).sid)
    // The new id token works, and so does the successor refresh token.
    expect((await call('POST', '/auth/otp/methods/totp', { token: r.body.idToken })).status).toBe(200)
    const next = await call('POST', '/auth/login/refresh', { json: { refreshToken: r.body.refreshToken } })
    expect(next.status).toBe(200)
  })

  it('presenting a spent refresh token → 403 refresh_token_reused and revokes the whole session family', async () => {
    const { refreshToken } = await signedInUser(mock)
    const first = await call('POST', '/auth/login/refresh', { json: { refreshToken } })
    expect(first.status).toBe(200)

    // Same published message as any invalid token; the code says it was a replay.
    const reuse = await call('POST', '/auth/login/refresh', { json: { refreshToken } })
    expectError(reuse, 403, 'refresh_token_reused', 'Invalid refresh token')
    // Replayed again, it belongs to a family already revoked: just invalid now.
    expectError(await call('POST', '/auth/login/refresh', { json: { refreshToken } }), 403, 'invalid_refresh_token', 'Invalid refresh token')

    // The access token minted after the rotation belongs to the revoked session.
    const denied = await call('POST', '/auth/otp/methods/totp', { token: first.body.idToken })
    expectError(denied, 401, 'unauthenticated')
    // And the successor refresh token is dead too.
    const successor = await call('POST', '/auth/login/refresh', { json: { refreshToken: first.body.refreshToken } })
    expectError(successor, 403, 'invalid_refresh_token', 'Invalid refresh token')
  })

  it('403 for an unknown refresh token', async () => {
    const r = await call('POST', '/auth/login/refresh', { json: { refreshToken: 'rt_made_up' } })
    expectError(r, 403, 'invalid_refresh_token', 'Invalid refresh token')
  })

  it('403 for an expired refresh token', async () => {
    const { refreshToken } = await signedInUser(mock)
    await advanceClock(mock.config().otp.refreshTokenTtlSeconds * 1000 + 1000)
    const r = await call('POST', '/auth/login/refresh', { json: { refreshToken } })
    expectError(r, 403, 'invalid_refresh_token', 'Invalid refresh token')
  })

  it('403 and the session is ended when the account was blocked since login', async () => {
    const { user, refreshToken } = await signedInUser(mock)
    mock.users.update(user.id, { status: 'BLOCKED' })
    const r = await call('POST', '/auth/login/refresh', { json: { refreshToken } })
    expectError(r, 403, 'invalid_refresh_token', 'Invalid refresh token')
    mock.users.update(user.id, { status: 'ACTIVE' })
    const again = await call('POST', '/auth/login/refresh', { json: { refreshToken } })
    expectError(again, 403, 'invalid_refresh_token')
  })

  it("403 for another surface's refresh token, which stays usable there", async () => {
    const user = await createUser(mock)
    const session = mock.state.tokens.startSession({ userId: user.id, surface: 'platform', amr: ['pwd'] })
    const { token } = mock.state.tokens.issueRefreshToken(session, 3600)
    const r = await call('POST', '/auth/login/refresh', { json: { refreshToken: token } })
    expectError(r, 403, 'invalid_refresh_token', 'Invalid refresh token')
    expect(mock.state.tokens.inspectRefreshToken(token, 'platform').ok).toBe(true)
  })
})

describe('bearer authentication', () => {
  it('401 unauthenticated without a token, with a Bearer challenge', async () => {
    const r = await call('POST', '/auth/otp/methods/totp')
    expectError(r, 401, 'unauthenticated')
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/)
  })

  it('401 for a malformed token or a non-bearer scheme', async () => {
    expectError(await call('POST', '/auth/otp/methods/totp', { token: 'abc.def.ghi' }), 401, 'unauthenticated')
    expectError(await call('POST', '/auth/otp/methods/totp', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'unauthenticated')
  })

  it('401 once the mock clock passes the token expiry', async () => {
    const { idToken } = await signedInUser(mock)
    expect((await call('GET', '/auth/otp/code?method=EMAIL', { token: idToken })).status).toBe(200)
    await advanceClock(mock.config().otp.accessTokenTtlSeconds * 1000 + 1000)
    const r = await call('GET', '/auth/otp/code?method=EMAIL', { token: idToken })
    expectError(r, 401, 'unauthenticated', 'Access token expired')
    expect(r.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  it('401 for a token of a platform session (same signer, other API)', async () => {
    const user = await createUser(mock)
    const session = mock.state.tokens.startSession({ userId: user.id, surface: 'platform', amr: ['pwd'] })
    const token = await mock.state.tokens.signAccessToken(session, 300)
    expectError(await call('POST', '/auth/otp/methods/totp', { token }), 401, 'unauthenticated')
  })

  it('401 once the session is revoked', async () => {
    const { user, idToken } = await signedInUser(mock)
    mock.state.tokens.revokeUserSessions(user.id)
    expectError(await call('POST', '/auth/otp/methods/totp', { token: idToken }), 401, 'unauthenticated', 'Access token revoked')
  })

  it('403 Authentication error when the account is no longer ACTIVE', async () => {
    const { user, idToken } = await signedInUser(mock)
    mock.users.update(user.id, { status: 'BLOCKED' })
    expectError(await call('POST', '/auth/otp/methods/totp', { token: idToken }), 403, 'authentication_error', 'Authentication error')
  })

  it('the demo user carol can sign in with the demo password', async () => {
    const tokens = await login('carol@example.com', 'portcullis-demo')
    expect(tokens.idToken).toBeTruthy()
  })
})
