/**
 * AuthClient against the standalone `portcullis-mock` process over real HTTP: the sign-in,
 * 2FA, refresh and sign-out flows of both adapters, scripted through the /__mock control API.
 */
import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { AuthClient, ChallengeRequiredError } from '../../src/index'
import { createOtpClient, otpApi } from '../../src/otp'
import { createPlatformClient, platformApi, UserProfileDocument } from '../../src/platform'
import { verifyAccessToken } from '../../src/server'
import { controlClient } from '../support/control'
import { spawnMock, type SpawnedMock } from '../support/spawn-mock'

let mock: SpawnedMock

beforeAll(async () => {
  mock = await spawnMock()
}, 30_000)
afterAll(async () => {
  await mock?.stop()
})
beforeEach(async () => {
  expect((await fetch(`${mock.url}/__mock/reset`, { method: 'POST' })).ok).toBe(true)
})

const control = <T>(method: string, path: string, body?: unknown): Promise<T> => controlClient(mock.url).call<T>(method, path, body)

const latestCode = async (to: string): Promise<string> => {
  const { messages } = await control<{ messages: Array<{ code: string | null }> }>('GET', `/outbox?to=${encodeURIComponent(to)}`)
  return messages.at(-1)!.code!
}
/** `{ now: ISO string, epochMs }` (the mock's clock). */
type ClockBody = { now: string; epochMs: number }
const advance = (advanceMs: number) => control<ClockBody>('POST', '/clock', { advanceMs })
const refreshes = async (match: (r: { method: string; path: string; operationName: string | null }) => boolean) =>
  (await control<{ requests: Array<{ method: string; path: string; operationName: string | null }> }>('GET', '/requests')).requests.filter(match).length
const wrong = (code: string) => (code === '000000' ? '111111' : '000000')
const DEMO_PASSWORD = 'portcullis-demo'

describe('e2e: AuthClient + platformApi over HTTP', () => {
  it('signOut() after the access token expired still revokes the session on the server, and a stalled refresh holds no caller', async () => {
    const storage = new Map<string, string>()
    const auth = new AuthClient({
      baseUrl: mock.url,
      api: platformApi(),
      storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) },
      refreshTimeoutMs: 300,
    })
    await auth.signIn({ email: 'alice@example.com', password: DEMO_PASSWORD })
    const refreshToken = (JSON.parse(storage.get('portcullis.session')!) as { tokens: { refreshToken: string } }).tokens.refreshToken
    const epochMs = (await advance(2 * 3_600_000)).epochMs
    // The client runs on the real clock: it learns the server's from the next answer. A slow
    // refresh first: the caller gets a transient timeout, the session stays.
    await control('POST', '/faults', { path: '/api/graphql', operationName: 'NewToken', delayMs: 1_000 })
    await auth.fetch('/api/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: String(UserProfileDocument) }) })
    expect(await auth.getSession()).not.toBeNull()
    // Signed out with the (now known to be) expired token: the server session ends all the same.
    expect(await auth.signOut()).toEqual({ revoked: true })
    const minted = await fetch(`${mock.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation NewToken($r:String!){newToken(refreshToken:$r){token}}', variables: { r: refreshToken } }),
    })
    const body = (await minted.json()) as { data?: { newToken: { token: string } | null } | null }
    expect(body.data?.newToken ?? null).toBeNull()
    expect(epochMs).toBeGreaterThan(0)
    // The slow refresh is answered before the next test resets the mock (the log shows it then).
    await vi.waitFor(async () => expect(await refreshes((r) => r.operationName === 'NewToken')).toBeGreaterThanOrEqual(3), { timeout: 5_000, interval: 100 })
  })

  it('signs in, refreshes once after expiry, calls the typed client, signs out', async () => {
    const auth = new AuthClient({ baseUrl: mock.url, api: platformApi() })
    const result = await auth.signIn({ email: 'alice@example.com', password: DEMO_PASSWORD })
    expect(result).toMatchObject({ status: 'signedIn', session: { user: { email: 'alice@example.com' } } })
    const api = createPlatformClient(auth)
    expect((await api.request(UserProfileDocument)).userProfile?.username).toBe('alice')

    const before = await auth.getAccessToken()
    await advance(2 * 3_600_000)
    const profiles = await Promise.all(Array.from({ length: 20 }, () => api.request(UserProfileDocument)))
    expect(profiles.every((p) => p.userProfile?.username === 'alice')).toBe(true)
    expect(await auth.getAccessToken()).not.toBe(before)
    expect(await refreshes((r) => r.operationName === 'NewToken')).toBe(1)

    await auth.signOut()
    expect(await auth.getSession()).toBeNull()
    expect(await refreshes((r) => r.operationName === 'Logout')).toBe(1)
  })

  it('signs in with the emailed 2FA code (wrong, resend, right, resumed in a new client), refreshes once, signs out', async () => {
    const first = new AuthClient({ baseUrl: mock.url, api: platformApi() })
    const result = await first.signIn({ email: 'bob@example.com', password: DEMO_PASSWORD })
    if (result.status !== 'challenge') throw new Error('expected a challenge')
    expect(result.challenge).toMatchObject({ kind: 'sign_in_2fa', methods: ['email_code'] })
    const code = await latestCode('bob@example.com')
    await expect(result.challenge.verify(wrong(code))).rejects.toMatchObject({ kind: 'challenge', code: 'invalid_code', attemptsLeft: 4 })
    await result.challenge.resend()
    const saved = JSON.stringify(result.challenge)
    first.dispose()

    const second = new AuthClient({ baseUrl: mock.url, api: platformApi() })
    const resumed = second.resumeChallenge(saved)
    await expect(resumed.verify(await latestCode('bob@example.com'))).resolves.toMatchObject({ status: 'signedIn' })
    const token = (await second.getAccessToken())!
    const { issuer } = await control<{ issuer: string }>('GET', '/config')
    const { epochMs } = await control<ClockBody>('GET', '/clock')
    const claims = await verifyAccessToken(token, { jwksUrl: `${mock.url}/.well-known/jwks.json`, issuer, audience: 'portcullis:platform', currentDate: new Date(epochMs) })
    expect(claims.sub).toBe('00000000-0000-4000-8000-000000000b0b')

    // Refresh: the token expires on the mock's clock; 20 concurrent calls share one NewToken.
    const api = createPlatformClient(second)
    await advance(2 * 3_600_000)
    const profiles = await Promise.all(Array.from({ length: 20 }, () => api.request(UserProfileDocument)))
    expect(profiles.every((p) => p.userProfile?.username === 'bob')).toBe(true)
    expect(await refreshes((r) => r.operationName === 'NewToken')).toBe(1)
    const refreshed = (await second.getAccessToken())!
    expect(refreshed).not.toBe(token)

    // Sign-out: logout revokes the session on the server, so the last token no longer works.
    await second.signOut()
    expect(await second.getSession()).toBeNull()
    expect(await refreshes((r) => r.operationName === 'Logout')).toBe(1)
    const after = await fetch(`${mock.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${refreshed}` },
      body: JSON.stringify({ query: String(UserProfileDocument) }),
    })
    expect(((await after.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })
})

describe('e2e: AuthClient + otpApi over HTTP', () => {
  it('signs in, refreshes once after expiry, steps up with a TOTP code, signs out locally', async () => {
    const auth = new AuthClient({ baseUrl: mock.url, api: otpApi() })
    await auth.signIn({ email: 'carol@example.com', password: DEMO_PASSWORD })
    const otp = createOtpClient(auth)
    await advance(20 * 60_000)
    const codes = await Promise.all(Array.from({ length: 5 }, () => otp.GET('/auth/otp/code', { params: { query: { method: 'EMAIL' } } })))
    expect(codes.every((c) => c.response.status === 200)).toBe(true)
    expect(await refreshes((r) => r.path === '/auth/login/refresh')).toBe(1)

    const totp = async (secret: string) => {
      const { epochMs } = await control<ClockBody>('GET', '/clock')
      return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: epochMs })
    }
    // Without a listener: the call rejects with the challenge; answering it replays the call.
    const error = await auth.fetch('/auth/otp/methods/totp', { method: 'DELETE' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChallengeRequiredError)
    const verified = await (error as ChallengeRequiredError).challenge.verify(await totp('PORTCULLISDEMOTOTPSECRETKEY23456'))
    expect(verified.status === 'verified' && verified.response?.status).toBe(200)

    // With one global prompt, typed calls that need x-otp leave it out and wait for the code:
    // enrol a new authenticator, confirm it, then delete it again.
    const created = await otp.POST('/auth/otp/methods/totp', { body: {} })
    const secret = (created.data as { secret?: string } | undefined)?.secret
    expect(secret).toMatch(/^[A-Z2-7]+$/)
    const prompts: string[] = []
    auth.on('challenge', async ({ challenge }) => {
      prompts.push(challenge.methods.join())
      await challenge.verify(await totp(secret!))
    })
    const confirmed = await otp.POST('/auth/otp/code', { body: { channel: 'TOTP' } })
    expect(confirmed.data?.hasValidatedSecret).toBe(true)
    const deleted = await otp.DELETE('/auth/otp/methods/totp')
    expect(deleted.data?.hasValidatedSecret).toBe(false)
    expect(prompts).toEqual(['totp', 'totp'])

    await auth.signOut()
    expect(await auth.getAccessToken()).toBeNull()
  })
})
