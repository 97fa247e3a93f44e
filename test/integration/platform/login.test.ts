/** Platform surface: login, emailed 2FA (confirm2Fa, resend2Fa) and userProfile. */
import { describe, expect, it, vi } from 'vitest'
import {
  Confirm2FaDocument,
  LoginDocument,
  Resend2FaDocument,
  UserProfileDocument,
} from '../../../src/generated/platform/graphql'
import {
  advanceClock,
  createUser,
  expectFieldError,
  expectRequestError,
  gql,
  latestCode,
  login,
  outbox,
  setConfig,
  startTwoFactorLogin,
  wrongCode,
  usePlatformMock,
} from './helpers'

usePlatformMock()

describe('login', () => {
  it('signs a non-2FA user in with the full LoginResult', async () => {
    const user = await createUser({ firstName: 'Ada', lastName: 'Lovelace' })
    const reply = await gql(LoginDocument, {
      credentials: { email: user.email, password: user.password, deviceInfo: { deviceId: 'device-1' } },
    })
    expect(reply.status).toBe(200)
    expect(reply.body.errors).toBeUndefined()
    const result = reply.body.data!.login!
    expect(result).toMatchObject({
      status: 200,
      promptTwoFactorAuth: false,
      promptTncAcceptance: false,
      userId: user.id,
      deviceId: 'device-1',
      lastLoginAt: null,
      userStatus: 'ACTIVE',
    })
    expect(result.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(result.refreshToken).toBeTruthy()
    expect(result.sessionId).toBeTruthy()
    expect(result.userUid).toMatch(/^\d+$/)
    expect(Date.parse(result.currentLoginAt!)).not.toBeNaN()
    expect(result.userProfile).toMatchObject({ id: user.id, firstName: 'Ada', lastName: 'Lovelace', username: user.username, twoFactorAuth: false })

    // The access token lives config.platform.accessTokenTtlSeconds (60 min).
    const claims = JSON.parse(Buffer.from(result.token!.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number; sub: string; sid: string }
    expect(claims.exp - claims.iat).toBe(3600)
    expect(claims.sub).toBe(user.id)
    expect(claims.sid).toBe(result.sessionId)

    // A second login reports the first one as lastLoginAt.
    const second = await login(user)
    expect(second.lastLoginAt).toBe(result.currentLoginAt)
    expect(second.sessionId).not.toBe(result.sessionId)
  })

  it('signs in by username, and generates a deviceId when none is given', async () => {
    const user = await createUser()
    const reply = await gql(LoginDocument, { credentials: { username: user.username, password: user.password } })
    const result = reply.body.data!.login!
    expect(result.userId).toBe(user.id)
    expect(result.token).toBeTruthy()
    expect(result.deviceId).toBeTruthy()
    // A username in the (String-typed) email field works too.
    const viaEmailField = await gql(LoginDocument, { credentials: { email: user.username, password: user.password } })
    expect(viaEmailField.body.data?.login?.userId).toBe(user.id)
  })

  it('gives one answer for an unknown user and a wrong password', async () => {
    const user = await createUser()
    const wrong = expectFieldError(
      await gql(LoginDocument, { credentials: { email: user.email, password: 'not-the-password' } }),
      'login',
      'INVALID_CREDENTIALS',
    )
    const unknown = expectFieldError(
      await gql(LoginDocument, { credentials: { email: 'nobody-here@example.com', password: 'whatever-1' } }),
      'login',
      'INVALID_CREDENTIALS',
    )
    const unknownName = expectFieldError(
      await gql(LoginDocument, { credentials: { username: 'nobody-here', password: 'whatever-1' } }),
      'login',
      'INVALID_CREDENTIALS',
    )
    expect(unknown).toEqual(wrong)
    expect(unknownName).toEqual(wrong)
  })

  it('pays the same PBKDF2 work for an unknown user as for a wrong password (no timing enumeration)', async () => {
    const user = await createUser()
    const derive = vi.spyOn(globalThis.crypto.subtle, 'deriveBits')
    try {
      await gql(LoginDocument, { credentials: { email: user.email, password: 'not-the-password' } })
      const forWrongPassword = derive.mock.calls.length
      expect(forWrongPassword).toBe(1)
      derive.mockClear()
      // A first dummy check may also create the dummy hash (one more derivation), once per process.
      await gql(LoginDocument, { credentials: { email: 'nobody-here@example.com', password: 'whatever-1' } })
      derive.mockClear()
      await gql(LoginDocument, { credentials: { username: 'nobody-here', password: 'whatever-1' } })
      expect(derive.mock.calls.length).toBe(forWrongPassword)
    } finally {
      derive.mockRestore()
    }
  })

  it('needs an email or a username', async () => {
    const error = expectFieldError(await gql(LoginDocument, { credentials: { password: 'whatever-1' } }), 'login', 'BAD_USER_INPUT')
    expect(error.extensions?.field).toBe('credentials')
  })

  it('refuses a disabled account once the password is right', async () => {
    const user = await createUser({ isActive: false })
    expectFieldError(await gql(LoginDocument, { credentials: { email: user.email, password: user.password } }), 'login', 'ACCOUNT_DISABLED')
    expectFieldError(await gql(LoginDocument, { credentials: { email: user.email, password: 'wrong-password' } }), 'login', 'INVALID_CREDENTIALS')
  })

  it('prompts for 2FA and emails a 6-digit code for a 2FA user', async () => {
    const user = await createUser({ twoFactor: true })
    const reply = await gql(LoginDocument, { credentials: { email: user.email, password: user.password } })
    expect(reply.body.errors).toBeUndefined()
    const result = reply.body.data!.login!
    expect(result).toMatchObject({ promptTwoFactorAuth: true, userId: user.id, token: null, refreshToken: null, status: 200 })
    expect(result.sessionId).toBeTruthy()
    const messages = await outbox(user.email)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ channel: 'email', to: user.email, purpose: 'platform.login_2fa' })
    expect(messages[0]!.code).toMatch(/^\d{6}$/)
    expect(messages[0]!.body).toContain(messages[0]!.code)
  })

  it('refuses to start a 2FA login when mail is off', async () => {
    const user = await createUser({ twoFactor: true })
    await setConfig({ mailEnabled: false })
    expectFieldError(await gql(LoginDocument, { credentials: { email: user.email, password: user.password } }), 'login', 'EMAIL_DELIVERY_FAILED')
    expect(await outbox(user.email)).toHaveLength(0)
  })
})

describe('confirm2Fa', () => {
  it('finishes the login with tokens', async () => {
    const user = await createUser({ twoFactor: true })
    const { sessionId, code } = await startTwoFactorLogin(user)
    const reply = await gql(Confirm2FaDocument, { code, sessionId, email: user.email, timestamp: 1700000000 })
    expect(reply.body.errors).toBeUndefined()
    const result = reply.body.data!.confirm2Fa!
    expect(result).toMatchObject({ status: 200, promptTwoFactorAuth: false, userId: user.id })
    expect(result.token).toBeTruthy()
    expect(result.refreshToken).toBeTruthy()
    expect(result.sessionId).not.toBe(sessionId)
    expect(result.userProfile?.twoFactorAuth).toBe(true)

    const profile = await gql(UserProfileDocument, undefined, { token: result.token })
    expect(profile.body.data?.userProfile?.id).toBe(user.id)

    // The pending login is spent.
    expectFieldError(await gql(Confirm2FaDocument, { code, sessionId, email: user.email }), 'confirm2Fa', 'INVALID_SESSION')
  })

  it('matches the email case-insensitively', async () => {
    const user = await createUser({ twoFactor: true })
    const { sessionId, code } = await startTwoFactorLogin(user)
    const reply = await gql(Confirm2FaDocument, { code, sessionId, email: user.email.toUpperCase() })
    expect(reply.body.data?.confirm2Fa?.token).toBeTruthy()
  })

  it('rejects a wrong code and reports the attempts left', async () => {
    const user = await createUser({ twoFactor: true })
    const { sessionId, code } = await startTwoFactorLogin(user)
    const error = expectFieldError(
      await gql(Confirm2FaDocument, { code: wrongCode(code), sessionId, email: user.email }),
      'confirm2Fa',
      'INVALID_CODE',
    )
    expect(error.extensions?.attemptsLeft).toBe(4)
    // Still usable with the right code.
    const ok = await gql(Confirm2FaDocument, { code, sessionId, email: user.email })
    expect(ok.body.data?.confirm2Fa?.token).toBeTruthy()
  })

  it('rejects an expired code (mock clock)', async () => {
    const user = await createUser({ twoFactor: true })
    const { sessionId, code } = await startTwoFactorLogin(user)
    await advanceClock(10 * 60 * 1000 + 1000)
    expectFieldError(await gql(Confirm2FaDocument, { code, sessionId, email: user.email }), 'confirm2Fa', 'CODE_EXPIRED')
  })

  it('kills the pending login once the attempts are exhausted', async () => {
    const user = await createUser({ twoFactor: true })
    const { sessionId, code } = await startTwoFactorLogin(user)
    const bad = wrongCode(code)
    for (let left = 4; left >= 1; left -= 1) {
      const error = expectFieldError(await gql(Confirm2FaDocument, { code: bad, sessionId, email: user.email }), 'confirm2Fa', 'INVALID_CODE')
      expect(error.extensions?.attemptsLeft).toBe(left)
    }
    expectFieldError(await gql(Confirm2FaDocument, { code: bad, sessionId, email: user.email }), 'confirm2Fa', 'CODE_ATTEMPTS_EXHAUSTED')
    // Even the right code fails now, and a resend does not revive it.
    expectFieldError(await gql(Confirm2FaDocument, { code, sessionId, email: user.email }), 'confirm2Fa', 'CODE_ATTEMPTS_EXHAUSTED')
    expectFieldError(await gql(Resend2FaDocument, { sessionId, email: user.email }), 'resend2Fa', 'CODE_ATTEMPTS_EXHAUSTED')
    // A fresh login works.
    const fresh = await startTwoFactorLogin(user)
    const ok = await gql(Confirm2FaDocument, { code: fresh.code, sessionId: fresh.sessionId, email: user.email })
    expect(ok.body.data?.confirm2Fa?.token).toBeTruthy()
  })

  it('rejects an unknown sessionId or an email that does not match', async () => {
    const user = await createUser({ twoFactor: true })
    const other = await createUser()
    const { sessionId, code } = await startTwoFactorLogin(user)
    expectFieldError(
      await gql(Confirm2FaDocument, { code, sessionId: '00000000-0000-4000-8000-000000000000', email: user.email }),
      'confirm2Fa',
      'INVALID_SESSION',
    )
    expectFieldError(await gql(Confirm2FaDocument, { code, sessionId, email: other.email }), 'confirm2Fa', 'INVALID_SESSION')
    // Neither cost an attempt.
    const ok = await gql(Confirm2FaDocument, { code, sessionId, email: user.email })
    expect(ok.body.data?.confirm2Fa?.token).toBeTruthy()
  })

  it('rejects an invalid EmailAddress as a request error', async () => {
    const user = await createUser({ twoFactor: true })
    const { sessionId, code } = await startTwoFactorLogin(user)
    const errors = expectRequestError(await gql(Confirm2FaDocument, { code, sessionId, email: 'not-an-email' }))
    expect(errors[0]!.extensions?.code).toBe('BAD_USER_INPUT')
  })
})

describe('resend2Fa', () => {
  it('sends a new code and invalidates the old one', async () => {
    const user = await createUser({ twoFactor: true })
    const { sessionId, code: first } = await startTwoFactorLogin(user)
    const reply = await gql(Resend2FaDocument, { sessionId, email: user.email })
    expect(reply.body.errors).toBeUndefined()
    expect(reply.body.data?.resend2Fa).toEqual({ status: 200, sessionId, twoFactorAuth: true })
    const messages = (await outbox(user.email)).filter((m) => m.purpose === 'platform.login_2fa')
    expect(messages).toHaveLength(2)
    const second = messages[1]!.code!
    if (second !== first) {
      expectFieldError(await gql(Confirm2FaDocument, { code: first, sessionId, email: user.email }), 'confirm2Fa', 'INVALID_CODE')
    }
    const ok = await gql(Confirm2FaDocument, { code: second, sessionId, email: user.email })
    expect(ok.body.data?.confirm2Fa?.token).toBeTruthy()
  })

  it('replaces an expired code', async () => {
    const user = await createUser({ twoFactor: true })
    const { sessionId } = await startTwoFactorLogin(user)
    await advanceClock(11 * 60 * 1000)
    await gql(Resend2FaDocument, { sessionId, email: user.email })
    const code = await latestCode(user.email, 'platform.login_2fa')
    const ok = await gql(Confirm2FaDocument, { code, sessionId, email: user.email })
    expect(ok.body.data?.confirm2Fa?.token).toBeTruthy()
  })

  it('rejects an unknown session or a foreign email', async () => {
    const user = await createUser({ twoFactor: true })
    const { sessionId } = await startTwoFactorLogin(user)
    expectFieldError(await gql(Resend2FaDocument, { sessionId: 'nope', email: user.email }), 'resend2Fa', 'INVALID_SESSION')
    expectFieldError(await gql(Resend2FaDocument, { sessionId, email: 'someone@example.com' }), 'resend2Fa', 'INVALID_SESSION')
    expect((await outbox(user.email)).length).toBe(1)
  })
})

describe('userProfile', () => {
  it('returns the profile of the token owner', async () => {
    const user = await createUser({ firstName: 'Grace', lastName: 'Hopper' })
    const { token } = await login(user)
    const reply = await gql(UserProfileDocument, undefined, { token })
    expect(reply.status).toBe(200)
    expect(reply.body.data?.userProfile).toMatchObject({
      id: user.id,
      accountId: user.id,
      firstName: 'Grace',
      lastName: 'Hopper',
      username: user.username,
      twoFactorAuth: false,
      twoFactorAuthPerDevice: false,
    })
  })

  it('is UNAUTHENTICATED without a token, with a garbage token or a non-bearer scheme', async () => {
    const user = await createUser()
    const { token } = await login(user)
    const missing = expectFieldError(await gql(UserProfileDocument), 'userProfile', 'UNAUTHENTICATED')
    expect(missing.extensions?.reason).toBe('missing')
    expectFieldError(await gql(UserProfileDocument, undefined, { token: 'garbage' }), 'userProfile', 'UNAUTHENTICATED')
    expectFieldError(
      await gql(UserProfileDocument, undefined, { token: `${token!.slice(0, -4)}AAAA` }),
      'userProfile',
      'UNAUTHENTICATED',
    )
    expectFieldError(
      await gql(UserProfileDocument, undefined, { headers: { authorization: `JWT ${token}` } }),
      'userProfile',
      'UNAUTHENTICATED',
    )
  })

  it('rejects an access token once the mock clock passes its exp', async () => {
    const user = await createUser()
    const { token } = await login(user)
    await advanceClock(59 * 60 * 1000)
    expect((await gql(UserProfileDocument, undefined, { token })).body.data?.userProfile?.id).toBe(user.id)
    await advanceClock(60 * 1000 + 1000)
    const error = expectFieldError(await gql(UserProfileDocument, undefined, { token }), 'userProfile', 'UNAUTHENTICATED')
    expect(error.extensions?.reason).toBe('expired')
  })

  it('works over GET (queries only)', async () => {
    const user = await createUser()
    const { token } = await login(user)
    const url = new URL('http://mock.test/api/graphql')
    url.searchParams.set('query', String(UserProfileDocument))
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json' } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: { userProfile: { id: string } } }
    expect(body.data.userProfile.id).toBe(user.id)
  })
})
