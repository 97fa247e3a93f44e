/**
 * AuthClient + otpApi() against the in-process mock backend (msw): sign-in, refresh (on expiry,
 * on a rejected token, under a storm, under faults, on reuse), local sign-out, two tabs, the
 * `x-otp` step-up with TOTP and SMS codes, and createOtpClient(auth).
 */
import { Secret, TOTP } from 'otpauth'
import { describe, expect, it, vi } from 'vitest'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../../mocks/index'
import { AuthClient, AuthError, ChallengeRequiredError, type Challenge, type SignOutReason } from '../../../src/index'
import { createOtpClient, otpApi } from '../../../src/otp'
import {
  advanceClock,
  BASE,
  createUser,
  injectFault,
  installWebLocks,
  latestCode,
  refreshCount,
  requests,
  sharedStorage,
  useMockBackend,
} from './support'

const mock = useMockBackend()
const MINUTE = 60_000
const carol = { email: 'carol@example.com', password: DEMO_PASSWORD }

function client(options: Partial<ConstructorParameters<typeof AuthClient>[0]> = {}) {
  return new AuthClient({ baseUrl: BASE, api: otpApi(), now: () => mock.clock.now(), sleep: async () => {}, ...options })
}

/** The authenticator code of `secret` at the mock's current time. */
const totp = (secret: string, at = mock.clock.now()): string =>
  TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at })

/** A 6-digit code the mock will not accept at the current time (it allows one step either way). */
function wrongTotp(secret: string): string {
  const now = mock.clock.now()
  const valid = new Set([-30_000, 0, 30_000].map((d) => totp(secret, now + d)))
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0')
    if (!valid.has(candidate)) return candidate
  }
}

/** A protected call with no lasting effect for a user without a confirmed authenticator. */
const createSecret = (auth: AuthClient) =>
  auth.fetch('/auth/otp/methods/totp', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })

async function signedIn(auth: AuthClient, extra: Record<string, unknown> = {}) {
  const user = await createUser(extra)
  const result = await auth.signIn({ email: user.email, password: user.password })
  expect(result.status).toBe('signedIn')
  return user
}

const storedRefreshToken = (storage: ReturnType<typeof sharedStorage>, key = 'portcullis.session'): string | null =>
  (JSON.parse(storage.getItem(key) ?? 'null') as { tokens?: { refreshToken?: string } } | null)?.tokens?.refreshToken ?? null

describe('AuthClient + otpApi: sign-in and sign-out', () => {
  it('signs in (no second factor at sign-in on this API) and calls a protected endpoint', async () => {
    const auth = client()
    const user = await createUser()
    const result = await auth.signIn({ email: user.email, password: user.password })
    expect(result).toMatchObject({ status: 'signedIn', session: { user: { id: user.id, email: user.email } } })
    if (result.status !== 'signedIn') return
    expect(result.session.expiresAt).toBeGreaterThan(mock.clock.now() + 14 * MINUTE)
    const response = await createSecret(auth)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ hasValidatedSecret: false, secret: expect.stringMatching(/^[A-Z2-7]+$/) })
  })

  it('rejects wrong credentials as invalid_credentials (kind auth)', async () => {
    const auth = client()
    const error = await auth.signIn({ email: carol.email, password: 'not-carols-password' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ kind: 'auth', code: 'invalid_credentials', status: 403 })
    expect(JSON.stringify(error) + (error as Error).message).not.toContain('not-carols-password')
  })

  it('signs out locally: no request, storage emptied, the refresh token is not revoked by the API', async () => {
    const storage = sharedStorage()
    const auth = client({ storage })
    await signedIn(auth)
    const before = (await requests()).length
    const out = vi.fn()
    auth.on('signedOut', out)
    await auth.signOut()
    expect(out).toHaveBeenCalledWith({ reason: 'user' })
    expect(storage.items.size).toBe(0)
    expect(await auth.getAccessToken()).toBeNull()
    expect((await requests()).length).toBe(before)
  })
})

describe('AuthClient + otpApi: refresh', () => {
  it('refreshes when due (mock clock advanced) and stores the rotated refresh token', async () => {
    const storage = sharedStorage()
    const auth = client({ storage })
    await signedIn(auth)
    const firstRefreshToken = storedRefreshToken(storage)
    await advanceClock(15 * MINUTE)
    expect((await createSecret(auth)).status).toBe(200)
    expect(await refreshCount('otp')).toBe(1)
    const rotated = storedRefreshToken(storage)
    expect(rotated).toBeTruthy()
    expect(rotated).not.toBe(firstRefreshToken)
    // The next refresh uses the rotated token (the spent one would be a reuse).
    await advanceClock(15 * MINUTE)
    expect((await createSecret(auth)).status).toBe(200)
    expect(await refreshCount('otp')).toBe(2)
    expect(await auth.getSession()).not.toBeNull()
  })

  it('refreshes and retries once on a 401 when the local clock does not know the token expired', async () => {
    const auth = new AuthClient({ baseUrl: BASE, api: otpApi() })
    await signedIn(auth)
    await advanceClock(20 * MINUTE)
    expect((await createSecret(auth)).status).toBe(200)
    expect(await refreshCount('otp')).toBe(1)
  })

  it('200 concurrent calls with an expired token make exactly 1 refresh request', async () => {
    const auth = client()
    await signedIn(auth)
    await advanceClock(20 * MINUTE)
    const statuses = await Promise.all(Array.from({ length: 200 }, async () => (await createSecret(auth)).status))
    expect(statuses.every((s) => s === 200)).toBe(true)
    expect(await refreshCount('otp')).toBe(1)
  })

  it('200 concurrent calls answered 401 (local clock unaware) make exactly 1 refresh request', async () => {
    const auth = new AuthClient({ baseUrl: BASE, api: otpApi() })
    await signedIn(auth)
    await advanceClock(20 * MINUTE)
    const statuses = await Promise.all(Array.from({ length: 200 }, async () => (await createSecret(auth)).status))
    expect(statuses.every((s) => s === 200)).toBe(true)
    expect(await refreshCount('otp')).toBe(1)
  })

  it('refresh-token reuse signs the stale client out (the otp API reports it as an invalid refresh token)', async () => {
    const storage = sharedStorage()
    const auth = client({ storage })
    await signedIn(auth)
    const staleStorage = sharedStorage()
    for (const [k, v] of storage.items) staleStorage.setItem(k, v)
    await advanceClock(20 * MINUTE)
    expect(await auth.getAccessToken()).toBeTruthy()

    const stale = client({ storage: staleStorage })
    const signedOut = vi.fn<(event: { reason: SignOutReason; error?: AuthError }) => void>()
    stale.on('signedOut', signedOut)
    expect(await stale.getAccessToken()).toBeNull()
    expect(signedOut).toHaveBeenCalledTimes(1)
    expect(signedOut.mock.calls[0]![0]).toMatchObject({ reason: 'refresh_failed', error: { kind: 'auth', code: 'invalid_refresh_token' } })
    expect(staleStorage.items.size).toBe(0)

    // The reuse revoked the whole family: the honest client is signed out at its next refresh.
    const honestOut = vi.fn()
    auth.on('signedOut', honestOut)
    await advanceClock(20 * MINUTE)
    expect(await auth.getAccessToken()).toBeNull()
    expect(honestOut).toHaveBeenCalledWith(expect.objectContaining({ reason: 'refresh_failed' }))
  })

  it('a network failure during refresh keeps the session; a later call succeeds', async () => {
    const auth = client({ refreshAttempts: 3 })
    await signedIn(auth)
    await advanceClock(20 * MINUTE)
    await injectFault({ path: '/auth/login/refresh', networkError: true, times: 3 })
    const failed = vi.fn()
    const out = vi.fn()
    auth.on('refreshFailed', failed)
    auth.on('signedOut', out)
    await expect(createSecret(auth)).rejects.toMatchObject({ kind: 'network' })
    expect(failed).toHaveBeenCalledWith(expect.objectContaining({ signedOut: false, error: expect.objectContaining({ code: 'network_error' }) }))
    expect(out).not.toHaveBeenCalled()
    expect(await auth.getSession()).not.toBeNull()
    expect((await createSecret(auth)).status).toBe(200)
  })

  it('signing out while a refresh is in flight leaves no session behind', async () => {
    const storage = sharedStorage()
    const auth = client({ storage })
    await signedIn(auth)
    await advanceClock(20 * MINUTE)
    await injectFault({ path: '/auth/login/refresh', delayMs: 150 })
    const call = createSecret(auth)
    await new Promise((resolve) => setTimeout(resolve, 30))
    await auth.signOut()
    const response = await call
    expect(response.status).toBe(401)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await auth.getSession()).toBeNull()
    expect(storage.items.size).toBe(0)
  })

  it('corrupt storage means signed out, without a throw', async () => {
    const storage = sharedStorage()
    storage.setItem('portcullis.session', 'not json at all')
    const auth = client({ storage })
    expect(await auth.getSession()).toBeNull()
    expect(await auth.getAccessToken()).toBeNull()
    expect(storage.items.size).toBe(0)
  })
})

describe('AuthClient + otpApi: two tabs', () => {
  it('share one refresh under a Web Lock and both end up with the new token', async () => {
    const uninstall = installWebLocks()
    const storage = sharedStorage()
    const options = { storage, crossTab: true, storageKey: `otp-tabs-${Date.now()}` }
    const tabA = client(options)
    const tabB = client(options)
    try {
      const heard = vi.fn()
      tabB.on('signedIn', heard)
      await signedIn(tabA)
      await vi.waitFor(() => expect(heard).toHaveBeenCalled())
      await advanceClock(20 * MINUTE)
      const [a, b] = await Promise.all([tabA.getAccessToken(), tabB.getAccessToken()])
      expect(a).toBeTruthy()
      expect(b).toBe(a)
      expect(await refreshCount('otp')).toBe(1)
      expect((await createSecret(tabB)).status).toBe(200)
    } finally {
      tabA.dispose()
      tabB.dispose()
      uninstall()
    }
  })
})

describe('AuthClient + otpApi: x-otp step-up', () => {
  it('deleting a TOTP secret asks for the authenticator code; a wrong one first, then the right one', async () => {
    const auth = client()
    await auth.signIn(carol)
    const challenges: Challenge[] = []
    auth.on('challenge', ({ challenge }) => void challenges.push(challenge))
    const call = auth.fetch('/auth/otp/methods/totp', { method: 'DELETE' })
    await vi.waitFor(() => expect(challenges).toHaveLength(1))
    const challenge = challenges[0]!
    expect(challenge).toMatchObject({ kind: 'step_up', methods: ['totp'] })

    const bad = wrongTotp(DEMO_TOTP_SECRET)
    const wrong = await challenge.verify(bad).catch((e: unknown) => e)
    expect(wrong).toMatchObject({ kind: 'challenge', code: 'invalid_code' })
    expect(JSON.stringify(wrong) + (wrong as Error).message).not.toContain(bad)

    await expect(challenge.verify(totp(DEMO_TOTP_SECRET))).resolves.toEqual({ status: 'verified' })
    const response = await call
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ hasValidatedSecret: false })
    const deletes = (await requests()).filter((r) => r.method === 'DELETE' && r.path === '/auth/otp/methods/totp')
    expect(deletes.map((r) => r.status)).toEqual([400, 401, 200])
  })

  it('without a challenge listener the call rejects with ChallengeRequiredError, answered by the caller', async () => {
    const auth = client()
    await auth.signIn(carol)
    const error = await auth.fetch('/auth/otp/methods/totp', { method: 'DELETE' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChallengeRequiredError)
    const { challenge } = error as ChallengeRequiredError
    expect(challenge.methods).toEqual(['totp'])
    const result = await challenge.verify(totp(DEMO_TOTP_SECRET))
    expect(result.status).toBe('verified')
    expect(result.status === 'verified' && result.response?.status).toBe(200)
  })

  it('confirms a new authenticator: createOtpClient(auth) enrols, the step-up takes a code computed from the secret', async () => {
    const auth = client()
    await signedIn(auth)
    const otp = createOtpClient(auth)
    const created = await otp.POST('/auth/otp/methods/totp', { body: {} })
    expect(created.response.status).toBe(200)
    const secret = created.data!.secret!
    auth.on('challenge', ({ challenge }) => {
      expect(challenge.methods).toEqual(['totp'])
      void challenge.verify(totp(secret))
    })
    const confirmed = await otp.POST('/auth/otp/code', { body: { channel: 'TOTP' }, params: { header: {} as { 'x-otp': string } } })
    expect(confirmed.response.status).toBe(200)
    expect(confirmed.data).toMatchObject({ hasValidatedSecret: true })
  })

  it('confirms a phone with the texted code (sms_code step-up)', async () => {
    const auth = client()
    await signedIn(auth)
    const otp = createOtpClient(auth)
    const added = await otp.POST('/auth/otp/methods/sms', { body: { phone: '612345678', country: 'ES' } })
    expect(added.response.status).toBe(200)
    const code = await latestCode('+34612345678', 'otp.sms_verification')
    auth.on('challenge', ({ challenge }) => {
      expect(challenge.methods).toEqual(['sms_code'])
      void challenge.verify(code)
    })
    const confirmed = await otp.POST('/auth/otp/code', { body: { channel: 'SMS' }, params: { header: {} as { 'x-otp': string } } })
    expect(confirmed.data).toMatchObject({ hasValidatedPhone: true })
  })
})

describe('createOtpClient(auth)', () => {
  it('sends the bearer token and refreshes transparently', async () => {
    const auth = client()
    const user = await signedIn(auth)
    const otp = createOtpClient(auth)
    const first = await otp.GET('/auth/otp/code', { params: { query: { method: 'EMAIL' } } })
    expect(first.data).toMatchObject({ channel: 'EMAIL', validated: false })
    expect(await latestCode(user.email)).toMatch(/^\d{6}$/)
    await advanceClock(20 * MINUTE)
    const second = await otp.POST('/auth/otp/methods/totp', { body: {} })
    expect(second.response.status).toBe(200)
    expect(await refreshCount('otp')).toBe(1)
  })
})
