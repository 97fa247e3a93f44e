/**
 * AuthClient against the real mock backend where the backend's answer matters: server-side
 * sign-out, malformed 200s, non-definitive refresh failures, a stalled refresh, the refresh
 * token's expiry, and forged tokens at a resource server.
 */
import { describe, expect, it } from 'vitest'
import { AuthClient, type AuthAdapter, type AuthClientOptions } from '../../../src/index'
import { otpApi } from '../../../src/otp'
import { platformApi } from '../../../src/platform'
import { advanceClock, BASE, createUser, eventually, injectFault, refreshCount, sharedStorage, useMockBackend } from './support'

const mock = useMockBackend()

interface Surface {
  name: 'platform' | 'otp'
  api(): AuthAdapter
  lifetimeMs: number
  refreshFault: { path: string; operationName?: string }
  /** A 200 refresh answer whose token is a number. */
  numericToken: unknown
  /** Trades a refresh token directly (plain fetch): the new access token, or null when refused. */
  mint(refreshToken: string): Promise<string | null>
}

const post = (path: string, body: unknown) =>
  fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

const surfaces: Surface[] = [
  {
    name: 'platform',
    api: () => platformApi(),
    lifetimeMs: 3_600_000,
    refreshFault: { path: '/api/graphql', operationName: 'NewToken' },
    numericToken: { data: { newToken: { token: 12345, refreshToken: 'r' } } },
    async mint(refreshToken) {
      const response = await post('/api/graphql', {
        query: 'mutation NewToken($refreshToken:String!){newToken(refreshToken:$refreshToken){token}}',
        variables: { refreshToken },
      })
      const body = (await response.json()) as { data?: { newToken?: { token?: string } | null } | null }
      return body.data?.newToken?.token ?? null
    },
  },
  {
    name: 'otp',
    api: () => otpApi(),
    lifetimeMs: 15 * 60_000,
    refreshFault: { path: '/auth/login/refresh' },
    numericToken: { idToken: 12345 },
    async mint(refreshToken) {
      const response = await post('/auth/login/refresh', { refreshToken })
      return response.ok ? ((await response.json()) as { idToken: string }).idToken : null
    },
  },
]

describe.each(surfaces)('AuthClient + $name adapter against the mock: hardening', (surface) => {
  const client = (options: Partial<AuthClientOptions> = {}) =>
    new AuthClient({ baseUrl: BASE, api: surface.api(), now: () => mock.clock.now(), sleep: async () => {}, ...options })
  const expired = () => advanceClock(surface.lifetimeMs + 60_000)

  async function signedIn(options: Partial<AuthClientOptions> = {}) {
    const storage = sharedStorage()
    const auth = client({ storage, ...options })
    const user = await createUser()
    expect((await auth.signIn({ email: user.email, password: user.password })).status).toBe('signedIn')
    const refreshToken = () => (JSON.parse(storage.items.get('portcullis.session')!) as { tokens: { refreshToken: string } }).tokens.refreshToken
    return { auth, storage, refreshToken }
  }

  it('signOut() with an expired access token (a laptop closed for an hour) still ends the session on the server where the API can', async () => {
    const { auth, refreshToken } = await signedIn()
    const old = refreshToken()
    await expired()
    const result = await auth.signOut()
    if (surface.name === 'platform') {
      expect(result).toEqual({ revoked: true })
      // The refresh token of the signed-out session mints nothing any more.
      expect(await surface.mint(old)).toBeNull()
    } else {
      // otp has no logout: the README says sign-out there is local, and the result says so.
      expect(result).toEqual({ revoked: false })
      expect(await surface.mint(old)).toMatch(/^ey/)
    }
    expect(await auth.getSession()).toBeNull()
  })

  it('signOut() with a valid access token revokes the refresh token where the API can', async () => {
    const { auth, refreshToken } = await signedIn()
    const old = refreshToken()
    expect(await auth.signOut()).toEqual({ revoked: surface.name === 'platform' })
    expect(await surface.mint(old)).toEqual(surface.name === 'platform' ? null : expect.stringMatching(/^ey/))
  })

  it.each([
    ['{"status":"ok"}', { status: 'ok' }],
    ['{}', {}],
    ['[]', []],
    ['a numeric token', null],
  ])('a 200 refresh answer of %s commits nothing: the session and its refresh token are kept', async (_label, body) => {
    const { auth, refreshToken } = await signedIn({ refreshAttempts: 1 })
    const before = refreshToken()
    await expired()
    await injectFault({ ...surface.refreshFault, status: 200, body: body ?? surface.numericToken })
    const failed: string[] = []
    auth.on('refreshFailed', ({ error, signedOut }) => void failed.push(`${error.code}:${signedOut}`))
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'bad_response' })
    expect(failed).toEqual(['bad_response:false'])
    expect(refreshToken()).toBe(before)
    expect(await auth.getSession()).not.toBeNull()
    // The next refresh goes through with the same refresh token.
    expect(await auth.getAccessToken()).toMatch(/^ey/)
    expect(refreshToken()).not.toBe(before)
  })

  it('a 200 sign-in answer without a token signs nobody in', async () => {
    const auth = client({ storage: sharedStorage() })
    const user = await createUser()
    const signedIn: unknown[] = []
    auth.on('signedIn', (event) => void signedIn.push(event))
    await injectFault({ path: surface.name === 'platform' ? '/api/graphql' : '/auth/login', status: 200, body: surface.name === 'platform' ? { data: { login: { token: null, promptTwoFactorAuth: false } } } : { refreshToken: 'x' } })
    await expect(auth.signIn({ email: user.email, password: user.password })).rejects.toMatchObject({ code: 'bad_response' })
    expect(await auth.getSession()).toBeNull()
    expect(signedIn).toEqual([])
  })

  it.each([
    ['400', { status: 400 }],
    ['404', { status: 404 }],
    ['408', { status: 408 }],
    ['an unknown GraphQL error', { status: 200, body: { data: null, errors: [{ message: 'Something new.', extensions: { code: 'SOMETHING_NEW' } }] } }],
  ])('a %s on refresh is transient: the session is kept and the next refresh works', async (_label, fault) => {
    const { auth } = await signedIn({ refreshAttempts: 1 })
    const signedOut: unknown[] = []
    auth.on('signedOut', (event) => void signedOut.push(event))
    await expired()
    await injectFault({ ...surface.refreshFault, ...fault })
    await expect(auth.getAccessToken()).rejects.toMatchObject({ retryable: expect.any(Boolean) })
    expect(signedOut).toEqual([])
    expect(await auth.getSession()).not.toBeNull()
    expect(await auth.getAccessToken()).toMatch(/^ey/)
  })

  it('callers of a stalled refresh give up after refreshTimeoutMs; the one refresh goes on and the session survives', async () => {
    const { auth } = await signedIn({ refreshTimeoutMs: 200 })
    const signedOut: unknown[] = []
    auth.on('signedOut', (event) => void signedOut.push(event))
    await expired()
    await injectFault({ ...surface.refreshFault, delayMs: 1_500 })
    const [token, call] = await Promise.allSettled([auth.getAccessToken(), auth.fetch('/anything')])
    expect(token).toMatchObject({ status: 'rejected', reason: { code: 'timeout', kind: 'network' } })
    expect(call).toMatchObject({ status: 'rejected', reason: { code: 'timeout' } })
    expect(await auth.getSession()).not.toBeNull()
    // Later callers join the refresh still out (never a second one with the same refresh token).
    await eventually(async () => expect(await auth.getAccessToken()).toMatch(/^ey/), 5_000)
    expect(await refreshCount(surface.name)).toBe(1)
    expect(signedOut).toEqual([])
  })

  it('a stalled refresh does not hold a caller whose AbortSignal fires', async () => {
    const { auth } = await signedIn()
    await expired()
    await injectFault({ ...surface.refreshFault, delayMs: 2_000 })
    const controller = new AbortController()
    const call = auth.fetch('/anything', { signal: controller.signal })
    setTimeout(() => controller.abort(new DOMException('The user left.', 'AbortError')), 50)
    await expect(call).rejects.toMatchObject({ name: 'AbortError' })
    // It gave up while the refresh was still out (the log records a request once it is answered).
    expect(await refreshCount(surface.name)).toBe(0)
    // The refresh itself went on, for everyone else.
    expect(await auth.getAccessToken()).toMatch(/^ey/)
    expect(await refreshCount(surface.name)).toBe(1)
  })
})

describe('the refresh token expiry (platform: 24 h, as published)', () => {
  it('ends the session as session_expired without sending a refresh that must fail', async () => {
    const auth = new AuthClient({ baseUrl: BASE, api: platformApi(), now: () => mock.clock.now(), storage: sharedStorage() })
    const user = await createUser()
    await auth.signIn({ email: user.email, password: user.password })
    const reasons: string[] = []
    auth.on('signedOut', ({ reason }) => void reasons.push(reason))
    await advanceClock(24 * 3_600_000 + 60_000)
    expect(await auth.getAccessToken()).toBeNull()
    expect(reasons).toEqual(['session_expired'])
    expect(await refreshCount('platform')).toBe(0)
  })

  it('otp takes the lifetime as an option (the API does not publish it)', async () => {
    const auth = new AuthClient({ baseUrl: BASE, api: otpApi({ refreshTtlMs: 7 * 86_400_000 }), now: () => mock.clock.now(), storage: sharedStorage() })
    const user = await createUser()
    await auth.signIn({ email: user.email, password: user.password })
    const reasons: string[] = []
    auth.on('signedOut', ({ reason }) => void reasons.push(reason))
    await advanceClock(7 * 86_400_000 + 60_000)
    expect(await auth.getAccessToken()).toBeNull()
    expect(reasons).toEqual(['session_expired'])
    expect(await refreshCount('otp')).toBe(0)
  })
})
