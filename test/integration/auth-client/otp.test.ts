/**
 * AuthClient + otpApi() against the in-process mock backend (msw): sign-in, local sign-out,
 * refresh-token rotation, the `x-otp` step-up with TOTP and SMS codes, and createOtpClient(auth).
 * Refresh, storms, faults, reuse, sign-out races, storage and tabs run for both adapters in
 * flows.test.ts.
 */
import { Secret, TOTP } from 'otpauth'
import { describe, expect, it, vi } from 'vitest'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../../mocks/index'
import { AuthClient, AuthError, ChallengeRequiredError, type Challenge } from '../../../src/index'
import { createOtpClient, otpApi } from '../../../src/otp'
import {
  advanceClock,
  BASE,
  createUser,
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
    // A step-up belongs to its call: after a reload there is nothing to replay, so it cannot be resumed.
    const reloaded = client()
    expect(() => reloaded.resumeChallenge(JSON.stringify(challenge))).toThrow(expect.objectContaining({ kind: 'validation', code: 'invalid_challenge' }))
    if (challenge.kind !== 'step_up') throw new Error('expected a step-up')
    const result = await challenge.verify(totp(DEMO_TOTP_SECRET))
    expect(result.status).toBe('verified')
    expect(result.response?.status).toBe(200)
  })

  it('createOtpClient(auth).DELETE without x-otp: the global prompt answers with a computed TOTP code and the typed call goes through', async () => {
    const auth = client()
    await auth.signIn(carol)
    const otp = createOtpClient(auth)
    const prompted = vi.fn()
    auth.on('challenge', async ({ challenge }) => {
      prompted(challenge.kind, challenge.methods)
      await challenge.verify(totp(DEMO_TOTP_SECRET))
    })
    const { data, error, response } = await otp.DELETE('/auth/otp/methods/totp')
    expect(error).toBeUndefined()
    expect(response.status).toBe(200)
    expect(data?.hasValidatedSecret).toBe(false)
    expect(prompted).toHaveBeenCalledExactlyOnceWith('step_up', ['totp'])
    // Sent once without the header (the step-up), then once with the code: no more.
    const deletes = (await requests()).filter((r) => r.method === 'DELETE' && r.path === '/auth/otp/methods/totp')
    expect(deletes.map((r) => r.status)).toEqual([400, 200])
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
    const confirmed = await otp.POST('/auth/otp/code', { body: { channel: 'TOTP' } })
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
    const confirmed = await otp.POST('/auth/otp/code', { body: { channel: 'SMS' } })
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
