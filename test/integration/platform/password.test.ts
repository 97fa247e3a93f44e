/**
 * Platform surface: register, forgotPassword/confirmPasswordReset, changePassword with and without
 * 2FA (confirmChangePassword2Fa, resendChangePassword2Fa).
 */
import { describe, expect, it } from 'vitest'
import {
  ChangePasswordDocument,
  Confirm2FaDocument,
  ConfirmChangePassword2FaDocument,
  ConfirmPasswordResetDocument,
  ForgotPasswordDocument,
  LoginDocument,
  NewTokenDocument,
  RegisterDocument,
  ResendChangePassword2FaDocument,
  UserProfileDocument,
} from '../../../src/generated/platform/graphql'
import {
  advanceClock,
  BASE,
  createUser,
  expectFieldError,
  expectRequestError,
  gql,
  latestCode,
  login,
  outbox,
  setConfig,
  wrongCode,
  usePlatformMock,
  type TestUser,
} from './helpers'

const mock = usePlatformMock()

async function profileId(token: string | null | undefined): Promise<string | null> {
  return (await gql(UserProfileDocument, undefined, { token })).body.data?.userProfile?.id ?? null
}

async function canLogin(email: string, password: string): Promise<boolean> {
  const reply = await gql(LoginDocument, { credentials: { email, password } })
  return !!reply.body.data?.login
}

function registration(overrides: Record<string, unknown> = {}) {
  const tag = Math.random().toString(36).slice(2, 10)
  return {
    email: `new-${tag}@example.com`,
    password: 'a-good-password',
    firstName: 'Nova',
    lastName: 'Newcomer',
    username: `nova-${tag}`,
    ...overrides,
  }
}

describe('register', () => {
  it('creates a user that can log in and see the profile', async () => {
    const input = registration({ city: 'Lisbon', country: 'PT', optInMarketing: true, dateOfBirth: '1990-01-02', phoneNumber: '+351900000000' })
    const reply = await gql(RegisterDocument, { input })
    expect(reply.body.errors).toBeUndefined()
    const result = reply.body.data!.register!
    expect(result.status).toBe(200)
    expect(result.userId).toMatch(/^[0-9a-f-]{36}$/)
    expect(result.userUid).toMatch(/^\d+$/)

    const session = await login({ email: input.email, password: input.password })
    expect(session.userId).toBe(result.userId)
    const profile = (await gql(UserProfileDocument, undefined, { token: session.token })).body.data!.userProfile!
    expect(profile).toMatchObject({
      id: result.userId,
      firstName: 'Nova',
      lastName: 'Newcomer',
      username: input.username,
      city: 'Lisbon',
      country: 'PT',
      optInMarketing: true,
      dateOfBirth: '1990-01-02',
      phoneNumber: '+351900000000',
      twoFactorAuth: false,
    })
  })

  it('rejects an invalid EmailAddress as a request error and creates nothing', async () => {
    const input = registration({ email: 'not-an-email' })
    const errors = expectRequestError(await gql(RegisterDocument, { input }))
    expect(errors[0]!.message).toContain('EmailAddress')
    // Inline literal: a validation error, still no data.
    const literal = await gql(`mutation { register(input: { email: "bad@", password: "a-good-password", firstName: "A", lastName: "B" }) { status } }`)
    expectRequestError(literal)
    expect(literal.body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('enforces the password policy and creates nothing', async () => {
    const input = registration({ password: 'short' })
    const error = expectFieldError(await gql(RegisterDocument, { input }), 'register', 'WEAK_PASSWORD')
    expect(error.extensions?.minLength).toBe(8)
    expect(await canLogin(input.email, 'short')).toBe(false)
    // The address is still free.
    const ok = await gql(RegisterDocument, { input: { ...input, password: 'long-enough-now' } })
    expect(ok.body.data?.register?.status).toBe(200)
  })

  it('follows the password policy from /__mock/config', async () => {
    await setConfig({ password: { minLength: 20 } })
    expectFieldError(await gql(RegisterDocument, { input: registration({ password: 'only-15-chars!!' }) }), 'register', 'WEAK_PASSWORD')
  })

  it('rejects a taken email (any case) or username and creates nothing', async () => {
    const existing = await createUser()
    const byEmail = registration({ email: existing.email.toUpperCase() })
    expectFieldError(await gql(RegisterDocument, { input: byEmail }), 'register', 'EMAIL_IN_USE')
    const byName = registration({ username: existing.username })
    expectFieldError(await gql(RegisterDocument, { input: byName }), 'register', 'USERNAME_IN_USE')
    expect(await canLogin(byName.email, byName.password)).toBe(false)
  })

  it('rejects blank names', async () => {
    expectFieldError(await gql(RegisterDocument, { input: registration({ firstName: '  ' }) }), 'register', 'BAD_USER_INPUT')
  })
})

describe('forgotPassword', () => {
  it('answers the same for known and unknown emails and mails only a known user', async () => {
    const user = await createUser()
    const known = await gql(ForgotPasswordDocument, { email: user.email })
    const unknown = await gql(ForgotPasswordDocument, { email: 'ghost@example.com' })
    expect(known.status).toBe(unknown.status)
    expect(known.body).toEqual(unknown.body)
    expect(known.body).toEqual({ data: { forgotPassword: { status: 200 } } })

    expect(await outbox('ghost@example.com')).toHaveLength(0)
    const all = await outbox()
    expect(all).toHaveLength(1)
    expect(all[0]).toMatchObject({ to: user.email, purpose: 'platform.password_reset', channel: 'email' })
    expect(all[0]!.code).toMatch(/^\d{6}$/)
  })

  it('rejects an invalid EmailAddress', async () => {
    expectRequestError(await gql(ForgotPasswordDocument, { email: 'nope' }))
  })
})

describe('confirmPasswordReset', () => {
  async function requestReset(user: TestUser): Promise<string> {
    await gql(ForgotPasswordDocument, { email: user.email })
    return latestCode(user.email, 'platform.password_reset')
  }

  it('sets the new password and revokes the platform sessions', async () => {
    const user = await createUser()
    const session = await login(user)
    const code = await requestReset(user)
    const reply = await gql(ConfirmPasswordResetDocument, {
      passwordResetParams: { email: user.email, code, newPassword: 'brand-new-secret' },
    })
    expect(reply.body.errors).toBeUndefined()
    expect(reply.body.data?.confirmPasswordReset).toEqual({ status: 200 })
    expect(await canLogin(user.email, 'brand-new-secret')).toBe(true)
    expect(await canLogin(user.email, user.password)).toBe(false)
    expect(await profileId(session.token)).toBeNull()
    expectFieldError(await gql(NewTokenDocument, { refreshToken: session.refreshToken! }), 'newToken', 'INVALID_REFRESH_TOKEN')
    // The code is spent.
    expectFieldError(
      await gql(ConfirmPasswordResetDocument, { passwordResetParams: { email: user.email, code, newPassword: 'another-secret-1' } }),
      'confirmPasswordReset',
      'INVALID_CODE',
    )
  })

  it('checks the password policy first, without spending the code', async () => {
    const user = await createUser()
    const code = await requestReset(user)
    expectFieldError(
      await gql(ConfirmPasswordResetDocument, { passwordResetParams: { email: user.email, code, newPassword: 'short' } }),
      'confirmPasswordReset',
      'WEAK_PASSWORD',
    )
    const ok = await gql(ConfirmPasswordResetDocument, { passwordResetParams: { email: user.email, code, newPassword: 'long-enough-1' } })
    expect(ok.body.data?.confirmPasswordReset?.status).toBe(200)
  })

  it('rejects a wrong code with attempts left, then exhausts', async () => {
    const user = await createUser()
    const code = await requestReset(user)
    const params = { email: user.email, code: wrongCode(code), newPassword: 'brand-new-secret' }
    for (let left = 4; left >= 1; left -= 1) {
      const error = expectFieldError(await gql(ConfirmPasswordResetDocument, { passwordResetParams: params }), 'confirmPasswordReset', 'INVALID_CODE')
      expect(error.extensions?.attemptsLeft).toBe(left)
    }
    expectFieldError(await gql(ConfirmPasswordResetDocument, { passwordResetParams: params }), 'confirmPasswordReset', 'CODE_ATTEMPTS_EXHAUSTED')
    expectFieldError(
      await gql(ConfirmPasswordResetDocument, { passwordResetParams: { ...params, code } }),
      'confirmPasswordReset',
      'CODE_ATTEMPTS_EXHAUSTED',
    )
    expect(await canLogin(user.email, user.password)).toBe(true)
    // Asking again within the flow mails nothing: a resend buys no guesses.
    const mailed = (mock.outbox.list({ to: user.email, purpose: 'platform.password_reset' })).length
    await gql(ForgotPasswordDocument, { email: user.email })
    expect(mock.outbox.list({ to: user.email, purpose: 'platform.password_reset' })).toHaveLength(mailed)
    // Once the flow is over (1 hour), a new request starts over.
    await advanceClock(60 * 60 * 1000)
    const fresh = await requestReset(user)
    const ok = await gql(ConfirmPasswordResetDocument, { passwordResetParams: { ...params, code: fresh } })
    expect(ok.body.data?.confirmPasswordReset?.status).toBe(200)
  })

  it('rejects an expired code (mock clock)', async () => {
    const user = await createUser()
    const code = await requestReset(user)
    await advanceClock(60 * 60 * 1000 + 1000)
    expectFieldError(
      await gql(ConfirmPasswordResetDocument, { passwordResetParams: { email: user.email, code, newPassword: 'brand-new-secret' } }),
      'confirmPasswordReset',
      'CODE_EXPIRED',
    )
  })

  it('answers an unknown email like a wrong code', async () => {
    const user = await createUser()
    await requestReset(user)
    const known = expectFieldError(
      await gql(ConfirmPasswordResetDocument, { passwordResetParams: { email: user.email, code: '123456x', newPassword: 'brand-new-secret' } }),
      'confirmPasswordReset',
      'INVALID_CODE',
    )
    const unknown = expectFieldError(
      await gql(ConfirmPasswordResetDocument, { passwordResetParams: { email: 'ghost@example.com', code: '123456', newPassword: 'brand-new-secret' } }),
      'confirmPasswordReset',
      'INVALID_CODE',
    )
    expect(unknown).toEqual(known)
  })
})

describe('changePassword (no 2FA)', () => {
  it('changes the password and returns a fresh token pair; every older session is revoked', async () => {
    const user = await createUser()
    const current = await login(user, 'laptop')
    const other = await login(user, 'phone')
    const reply = await gql(ChangePasswordDocument, { oldPassword: user.password, newPassword: 'changed-secret-1' }, { token: current.token })
    expect(reply.body.errors).toBeUndefined()
    const result = reply.body.data!.changePassword!
    expect(result).toMatchObject({ status: 200, promptTwoFactorAuth: false, userId: user.id, deviceId: 'laptop' })
    expect(result.token).toBeTruthy()
    expect(result.refreshToken).toBeTruthy()
    expect(result.token).not.toBe(current.token)

    expect(await profileId(result.token)).toBe(user.id)
    expect(await profileId(current.token)).toBeNull()
    expect(await profileId(other.token)).toBeNull()
    expect(await canLogin(user.email, 'changed-secret-1')).toBe(true)
    expect(await canLogin(user.email, user.password)).toBe(false)
  })

  it('rejects a wrong old password, a weak new one, and an anonymous caller', async () => {
    const user = await createUser()
    const { token } = await login(user)
    expectFieldError(
      await gql(ChangePasswordDocument, { oldPassword: 'wrong-old-password', newPassword: 'changed-secret-1' }, { token }),
      'changePassword',
      'INVALID_CREDENTIALS',
    )
    expectFieldError(await gql(ChangePasswordDocument, { oldPassword: user.password, newPassword: 'short' }, { token }), 'changePassword', 'WEAK_PASSWORD')
    expectFieldError(await gql(ChangePasswordDocument, { oldPassword: user.password, newPassword: 'changed-secret-1' }), 'changePassword', 'UNAUTHENTICATED')
    expect(await canLogin(user.email, user.password)).toBe(true)
  })
})

describe('changePassword with 2FA', () => {
  /** A 2FA user signed in through confirm2Fa. */
  async function twoFactorSession(): Promise<{ user: TestUser; token: string }> {
    const user = await createUser({ twoFactor: true })
    const started = await gql(LoginDocument, { credentials: { email: user.email, password: user.password } })
    const sessionId = started.body.data!.login!.sessionId!
    const code = await latestCode(user.email, 'platform.login_2fa')
    const done = await gql(Confirm2FaDocument, { code, sessionId, email: user.email })
    return { user, token: done.body.data!.confirm2Fa!.token! }
  }

  async function startChange(token: string, user: TestUser, newPassword = 'changed-secret-1'): Promise<string> {
    const reply = await gql(ChangePasswordDocument, { oldPassword: user.password, newPassword }, { token })
    expect(reply.body.errors).toBeUndefined()
    expect(reply.body.data?.changePassword).toMatchObject({ promptTwoFactorAuth: true, token: null, refreshToken: null, status: 200, userId: user.id })
    return latestCode(user.email, 'platform.change_password_2fa')
  }

  it('changes nothing until confirmChangePassword2Fa gets the emailed code', async () => {
    const { user, token } = await twoFactorSession()
    const code = await startChange(token, user)
    // Nothing changed yet: the old password still opens a (2FA) login, the token still works.
    expect((await gql(LoginDocument, { credentials: { email: user.email, password: user.password } })).body.data?.login?.promptTwoFactorAuth).toBe(true)
    expect(await profileId(token)).toBe(user.id)

    const reply = await gql(ConfirmChangePassword2FaDocument, { code }, { token })
    expect(reply.body.errors).toBeUndefined()
    const result = reply.body.data!.confirmChangePassword2Fa!
    expect(result).toMatchObject({ status: 200, promptTwoFactorAuth: false, userId: user.id })
    expect(result.token).toBeTruthy()
    expect(await profileId(result.token)).toBe(user.id)
    expect(await profileId(token)).toBeNull()
    expectFieldError(
      await gql(LoginDocument, { credentials: { email: user.email, password: user.password } }),
      'login',
      'INVALID_CREDENTIALS',
    )
    expect((await gql(LoginDocument, { credentials: { email: user.email, password: 'changed-secret-1' } })).body.data?.login?.promptTwoFactorAuth).toBe(true)
  })

  it('confirmChangePassword2Fa: NO_PENDING_CHALLENGE, INVALID_CODE, CODE_EXPIRED, UNAUTHENTICATED', async () => {
    const { user, token } = await twoFactorSession()
    expectFieldError(await gql(ConfirmChangePassword2FaDocument, { code: '123456' }, { token }), 'confirmChangePassword2Fa', 'NO_PENDING_CHALLENGE')
    const code = await startChange(token, user)
    expectFieldError(await gql(ConfirmChangePassword2FaDocument, { code }), 'confirmChangePassword2Fa', 'UNAUTHENTICATED')
    const wrong = expectFieldError(
      await gql(ConfirmChangePassword2FaDocument, { code: wrongCode(code) }, { token }),
      'confirmChangePassword2Fa',
      'INVALID_CODE',
    )
    expect(wrong.extensions?.attemptsLeft).toBe(4)
    await advanceClock(10 * 60 * 1000 + 1000)
    expectFieldError(await gql(ConfirmChangePassword2FaDocument, { code }, { token }), 'confirmChangePassword2Fa', 'CODE_EXPIRED')
  })

  it('confirmChangePassword2Fa: exhausting the attempts kills the pending change', async () => {
    const { user, token } = await twoFactorSession()
    const code = await startChange(token, user)
    for (let left = 4; left >= 1; left -= 1) {
      expectFieldError(await gql(ConfirmChangePassword2FaDocument, { code: wrongCode(code) }, { token }), 'confirmChangePassword2Fa', 'INVALID_CODE')
    }
    expectFieldError(await gql(ConfirmChangePassword2FaDocument, { code: wrongCode(code) }, { token }), 'confirmChangePassword2Fa', 'CODE_ATTEMPTS_EXHAUSTED')
    expectFieldError(await gql(ConfirmChangePassword2FaDocument, { code }, { token }), 'confirmChangePassword2Fa', 'CODE_ATTEMPTS_EXHAUSTED')
    expectFieldError(await gql(ResendChangePassword2FaDocument, {}, { token }), 'resendChangePassword2Fa', 'CODE_ATTEMPTS_EXHAUSTED')
    // The password did not change.
    expect((await gql(LoginDocument, { credentials: { email: user.email, password: user.password } })).body.data?.login?.promptTwoFactorAuth).toBe(true)
  })

  it('resendChangePassword2Fa sends a new code and invalidates the old one', async () => {
    const { user, token } = await twoFactorSession()
    expectFieldError(await gql(ResendChangePassword2FaDocument, {}, { token }), 'resendChangePassword2Fa', 'NO_PENDING_CHALLENGE')
    expectFieldError(await gql(ResendChangePassword2FaDocument, {}), 'resendChangePassword2Fa', 'UNAUTHENTICATED')
    const first = await startChange(token, user)
    const reply = await gql(ResendChangePassword2FaDocument, {}, { token })
    expect(reply.body.errors).toBeUndefined()
    expect(reply.body.data?.resendChangePassword2Fa).toMatchObject({ status: 200, twoFactorAuth: true })
    const messages = (await outbox(user.email)).filter((m) => m.purpose === 'platform.change_password_2fa')
    expect(messages).toHaveLength(2)
    const second = messages[1]!.code!
    if (second !== first) {
      expectFieldError(await gql(ConfirmChangePassword2FaDocument, { code: first }, { token }), 'confirmChangePassword2Fa', 'INVALID_CODE')
    }
    const ok = await gql(ConfirmChangePassword2FaDocument, { code: second }, { token })
    expect(ok.body.data?.confirmChangePassword2Fa?.token).toBeTruthy()
  })
})

describe('request log', () => {
  it('records the operation name of platform requests', async () => {
    const user = await createUser()
    await login(user)
    const res = await fetch(`${BASE}/__mock/requests`)
    const { requests } = (await res.json()) as { requests: Array<{ path: string; operationName: string | null; status: number }> }
    expect(requests).toContainEqual(expect.objectContaining({ path: '/api/graphql', operationName: 'Login', status: 200 }))
  })
})
