/**
 * AuthClient + platformApi() against the in-process mock backend (msw): sign-in with and without
 * the emailed 2FA code, challenge resume, sign-out with logout, the password-change step-up, and
 * the typed client on `auth`. Refresh, storms, faults, reuse, sign-out races, storage and tabs
 * run for both adapters in flows.test.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import { AuthClient, AuthError, memoryStorage, type AuthClientOptions, type Challenge } from '../../../src/index'
import { changePassword, createPlatformClient, platformApi, UserProfileDocument, type PlatformAdapter } from '../../../src/platform'
import {
  advanceClock,
  BASE,
  createUser,
  latestCode,
  refreshCount,
  useMockBackend,
  wrongCode,
} from './support'

const mock = useMockBackend()
const HOUR = 3_600_000
const LOGIN_2FA = 'platform.login_2fa'

/** A client whose clock is the mock's, so `POST /__mock/clock` moves both. */
function client(options: Partial<AuthClientOptions<PlatformAdapter>> = {}): AuthClient<PlatformAdapter> {
  return new AuthClient({ baseUrl: BASE, api: platformApi(), now: () => mock.clock.now(), sleep: async () => {}, ...options })
}

/** An authenticated call that proves the token works: the userProfile query through auth.fetch. */
async function profile(auth: AuthClient): Promise<{ username: string } | null> {
  const response = await auth.fetch('/api/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: String(UserProfileDocument) }),
  })
  const body = (await response.json()) as { data?: { userProfile: { username: string } | null }; errors?: Array<{ extensions?: { code?: string } }> }
  if (body.errors?.length) throw new Error(`userProfile failed: ${body.errors[0]?.extensions?.code}`)
  return body.data?.userProfile ?? null
}

async function signedIn(auth: AuthClient, extra: Record<string, unknown> = {}) {
  const user = await createUser(extra)
  const result = await auth.signIn({ email: user.email, password: user.password })
  expect(result.status).toBe('signedIn')
  return user
}

describe('AuthClient + platformApi: sign-in', () => {
  it('signs in without 2FA and calls the API with the bearer token', async () => {
    const auth = client()
    const signedInEvents = vi.fn()
    auth.on('signedIn', signedInEvents)
    const user = await createUser()
    const result = await auth.signIn({ email: user.email, password: user.password })
    expect(result).toMatchObject({ status: 'signedIn', session: { user: { id: user.id, email: user.email } } })
    if (result.status !== 'signedIn') return
    expect(result.session.expiresAt).toBeGreaterThan(mock.clock.now() + HOUR - 10_000)
    expect(signedInEvents).toHaveBeenCalledTimes(1)
    expect(await profile(auth)).toMatchObject({ username: user.username })
  })

  it('rejects wrong credentials with kind auth and no password in the error', async () => {
    const auth = client()
    const user = await createUser()
    const error = await auth.signIn({ email: user.email, password: 'wrong-password-77' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ kind: 'auth', code: 'invalid_credentials' })
    expect(JSON.stringify(error) + (error as Error).message).not.toContain('wrong-password-77')
    expect(await auth.getSession()).toBeNull()
  })

  it('signs in with the emailed 2FA code: a wrong code first, then the right one', async () => {
    const auth = client()
    const challenges = vi.fn()
    auth.on('challenge', challenges)
    const user = await createUser({ twoFactor: true })
    const result = await auth.signIn({ email: user.email, password: user.password })
    expect(result.status).toBe('challenge')
    if (result.status !== 'challenge') return
    const { challenge } = result
    expect(challenges).toHaveBeenCalledWith({ challenge })
    expect(challenge).toMatchObject({ kind: 'sign_in_2fa', methods: ['email_code'] })
    expect(JSON.stringify(challenge)).not.toContain(user.password)
    expect(await auth.getSession()).toBeNull()

    const code = await latestCode(user.email, LOGIN_2FA)
    const wrong = await challenge.verify(wrongCode(code)).catch((e: unknown) => e)
    expect(wrong).toMatchObject({ name: 'AuthError', kind: 'challenge', code: 'invalid_code', attemptsLeft: 4 })
    expect(challenge.attemptsLeft).toBe(4)
    expect(JSON.stringify(wrong) + (wrong as Error).message).not.toContain(wrongCode(code))

    const done = await challenge.verify(code)
    expect(done).toMatchObject({ status: 'signedIn', session: { user: { id: user.id, email: user.email } } })
    expect(await profile(auth)).toMatchObject({ username: user.username })
  })

  it('exhausts the attempts: the challenge is dead even for the right code', async () => {
    const auth = client()
    const user = await createUser({ twoFactor: true })
    const result = await auth.signIn({ email: user.email, password: user.password })
    if (result.status !== 'challenge') throw new Error('expected a challenge')
    const code = await latestCode(user.email, LOGIN_2FA)
    let last: unknown
    for (let i = 0; i < 5; i++) last = await result.challenge.verify(wrongCode(code)).catch((e: unknown) => e)
    expect(last).toMatchObject({ kind: 'challenge', code: 'code_attempts_exhausted', retryable: false })
    await expect(result.challenge.verify(code)).rejects.toMatchObject({ kind: 'challenge' })
  })

  it('resends the code: the old code is dead, the new one works', async () => {
    const auth = client()
    const user = await createUser({ twoFactor: true })
    const result = await auth.signIn({ email: user.email, password: user.password })
    if (result.status !== 'challenge') throw new Error('expected a challenge')
    const first = await latestCode(user.email, LOGIN_2FA)
    await result.challenge.resend()
    const second = await latestCode(user.email, LOGIN_2FA)
    if (first !== second) await expect(result.challenge.verify(first)).rejects.toMatchObject({ kind: 'challenge', code: 'invalid_code' })
    await expect(result.challenge.verify(second)).resolves.toMatchObject({ status: 'signedIn' })
  })

  it('resumes a serialized challenge in a new AuthClient (a page reload)', async () => {
    const user = await createUser({ twoFactor: true })
    const storage = memoryStorage()
    const before = client({ storage })
    const result = await before.signIn({ email: user.email, password: user.password })
    if (result.status !== 'challenge') throw new Error('expected a challenge')
    const saved = JSON.stringify(result.challenge)
    expect(saved).not.toContain(user.password)
    before.dispose()

    const after = client({ storage })
    const resumed: Challenge = after.resumeChallenge(saved)
    expect(resumed).toMatchObject({ kind: 'sign_in_2fa', methods: ['email_code'] })
    await expect(resumed.verify(await latestCode(user.email, LOGIN_2FA))).resolves.toMatchObject({ status: 'signedIn' })
    expect(await profile(after)).toMatchObject({ username: user.username })
    expect(() => after.resumeChallenge('{"adapter":"otp"}')).toThrow(AuthError)
  })

  it('finishes a username sign-in with 2FA when the email is given with the code', async () => {
    const auth = client()
    const user = await createUser({ twoFactor: true })
    const result = await auth.signIn({ username: user.username, password: user.password })
    if (result.status !== 'challenge') throw new Error('expected a challenge')
    const code = await latestCode(user.email, LOGIN_2FA)
    await expect(result.challenge.verify(code)).rejects.toMatchObject({ kind: 'validation', code: 'email_required' })
    await expect(result.challenge.verify({ code, email: user.email })).resolves.toMatchObject({ status: 'signedIn' })
  })
})

describe('AuthClient + platformApi: sign-out', () => {
  it('signs out with logout: the server revokes the tokens', async () => {
    const auth = client()
    await signedIn(auth)
    const token = (await auth.getAccessToken())!
    await auth.signOut()
    expect(await auth.getSession()).toBeNull()
    const response = await fetch(`${BASE}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: String(UserProfileDocument) }),
    })
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> }
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })
})

describe('AuthClient + platformApi: typed client and password change', () => {
  it('createPlatformClient(auth) sends the bearer token and survives a token expiry', async () => {
    const auth = client()
    const user = await signedIn(auth)
    const api = createPlatformClient(auth)
    expect((await api.request(UserProfileDocument)).userProfile?.username).toBe(user.username)
    await advanceClock(2 * HOUR)
    expect((await api.request(UserProfileDocument)).userProfile?.username).toBe(user.username)
    expect(await refreshCount('platform')).toBe(1)
  })

  it('changes the password of a 2FA user through the change_password_2fa step-up', async () => {
    const auth = client()
    const user = await createUser({ twoFactor: true })
    const login = await auth.signIn({ email: user.email, password: user.password })
    if (login.status !== 'challenge') throw new Error('expected a challenge')
    await login.challenge.verify(await latestCode(user.email, LOGIN_2FA))
    const oldToken = await auth.getAccessToken()

    const started = await changePassword(auth, { oldPassword: user.password, newPassword: 'brand-new-pass-9' })
    expect(started.status).toBe('challenge')
    if (started.status !== 'challenge') return
    expect(started.challenge).toMatchObject({ kind: 'change_password_2fa', methods: ['email_code'] })
    expect(JSON.stringify(started.challenge)).not.toMatch(/brand-new-pass-9|correct-horse/)
    const purpose = 'platform.change_password_2fa'
    const first = await latestCode(user.email, purpose)
    await expect(started.challenge.verify(wrongCode(first))).rejects.toMatchObject({ kind: 'challenge', code: 'invalid_code' })
    await started.challenge.resend()
    const refreshed = vi.fn()
    auth.on('tokenRefreshed', refreshed)
    await expect(started.challenge.verify(await latestCode(user.email, purpose))).resolves.toEqual({ status: 'verified' })
    expect(refreshed).toHaveBeenCalledTimes(1)
    expect(await auth.getAccessToken()).not.toBe(oldToken)
    expect(await profile(auth)).toMatchObject({ username: user.username })

    const again = client()
    const relogin = await again.signIn({ email: user.email, password: 'brand-new-pass-9' })
    expect(relogin.status).toBe('challenge')
  })

  it('changes the password of a user without 2FA at once', async () => {
    const auth = client()
    const user = await signedIn(auth)
    await expect(changePassword(auth, { oldPassword: user.password, newPassword: 'brand-new-pass-9' })).resolves.toEqual({ status: 'verified' })
    expect(await profile(auth)).toMatchObject({ username: user.username })
    await expect(changePassword(auth, { oldPassword: 'not-the-password', newPassword: 'another-pass-99' })).rejects.toMatchObject({ kind: 'auth' })
  })
})
