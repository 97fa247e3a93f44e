/**
 * The refresh, sign-out, storage and tab flows every adapter must get right, run for EVERY
 * adapter (platform, otp, accounts classic and relay) against the in-process mock backend (msw), with refreshes counted from
 * `/__mock/requests` filtered to the surface's refresh operation. Surface-specific flows
 * (2FA, step-up, password change, typed clients) are in platform.test.ts and otp.test.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import { AuthClient, type AuthAdapter, type AuthClientOptions, type AuthError, type SignOutReason } from '../../../src/index'
import { accountsApi } from '../../../src/accounts'
import { otpApi } from '../../../src/otp'
import { platformApi, UserProfileDocument } from '../../../src/platform'
import { advanceClock, BASE, createUser, injectFault, installWebLocks, refreshCount, refreshRequests, requests, sharedStorage, useMockBackend } from './support'

const mock = useMockBackend()

interface Surface {
  name: 'platform' | 'otp' | 'accounts' | 'accounts-relay'
  api(): AuthAdapter
  /** Access token lifetime on the mock. */
  lifetimeMs: number
  /** One protected call through auth.fetch; resolves true when the backend accepted the token. */
  call(auth: AuthClient): Promise<boolean>
  /** The fault rule that hits only the refresh operation. */
  refreshFault: { path: string; operationName?: string }
  /**
   * How a replayed (spent) refresh token ends the session, and whether the reuse also revokes the
   * honest holder's tokens (a rotating backend kills the whole family; the accounts API does not
   * rotate, its adapter revokes the replaced token after each refresh, so only the stale copy dies).
   */
  reuse: { reason: SignOutReason; code: string; revokesFamily: boolean }
}

/** `me` through auth.fetch (Authorization: JWT …); true when the backend knew the caller. */
const accountsCall = (path: string) => async (auth: AuthClient) => {
  const response = await auth.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { username } }' }) })
  const body = (await response.json()) as { data?: { me: { username: string } | null } | null; errors?: unknown[] }
  return !body.errors?.length && !!body.data?.me?.username
}

const surfaces: Surface[] = [
  {
    name: 'platform',
    api: () => platformApi(),
    lifetimeMs: 3_600_000,
    async call(auth) {
      const response = await auth.fetch('/api/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: String(UserProfileDocument) }),
      })
      const body = (await response.json()) as { data?: { userProfile: { username: string } | null } | null; errors?: unknown[] }
      return !body.errors?.length && !!body.data?.userProfile?.username
    },
    refreshFault: { path: '/api/graphql', operationName: 'NewToken' },
    reuse: { reason: 'token_reused', code: 'refresh_token_reused', revokesFamily: true },
  },
  {
    name: 'otp',
    api: () => otpApi(),
    lifetimeMs: 15 * 60_000,
    async call(auth) {
      // Creates a (pending) TOTP secret: no lasting effect for a user without a confirmed one.
      const response = await auth.fetch('/auth/otp/methods/totp', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      return response.status === 200
    },
    refreshFault: { path: '/auth/login/refresh' },
    // Same 'Invalid refresh token' message as any invalid token, but its own code.
    reuse: { reason: 'token_reused', code: 'refresh_token_reused', revokesFamily: true },
  },
  {
    name: 'accounts',
    api: () => accountsApi(),
    lifetimeMs: 5 * 60_000,
    call: accountsCall('/graphql'),
    refreshFault: { path: '/graphql', operationName: 'RefreshToken' },
    reuse: { reason: 'refresh_failed', code: 'invalid_token', revokesFamily: false },
  },
  {
    name: 'accounts-relay',
    api: () => accountsApi({ relay: true }),
    lifetimeMs: 5 * 60_000,
    call: accountsCall('/graphql/relay'),
    refreshFault: { path: '/graphql/relay', operationName: 'RefreshTokenRelay' },
    reuse: { reason: 'refresh_failed', code: 'invalid_token', revokesFamily: false },
  },
]

describe.each(surfaces)('AuthClient + $name adapter: shared flows', (surface) => {
  const expired = () => advanceClock(surface.lifetimeMs + 60_000)

  /** A client on the mock's clock (so `POST /__mock/clock` moves both), backoff without waiting. */
  const client = (options: Partial<AuthClientOptions> = {}) =>
    new AuthClient({ baseUrl: BASE, api: surface.api(), now: () => mock.clock.now(), sleep: async () => {}, ...options })
  /**
   * A client on the local clock: it only learns that its token expired from the server's answers
   * (a 401, or the mock clock's time in their `Date` header).
   */
  const localClockClient = () => new AuthClient({ baseUrl: BASE, api: surface.api() })

  async function signedIn(auth: AuthClient) {
    const user = await createUser()
    expect((await auth.signIn({ email: user.email, password: user.password })).status).toBe('signedIn')
    expect(await surface.call(auth)).toBe(true)
    return user
  }

  it('refreshes once the token is due on the mock clock, and the call goes through', async () => {
    const auth = client()
    await signedIn(auth)
    const before = await auth.getAccessToken()
    const refreshed = vi.fn()
    auth.on('tokenRefreshed', refreshed)
    await expired()
    expect(await surface.call(auth)).toBe(true)
    expect(await auth.getAccessToken()).not.toBe(before)
    expect(refreshed).toHaveBeenCalledTimes(1)
    expect(await refreshCount(surface.name)).toBe(1)
  })

  it('200 concurrent calls with an expired token make exactly 1 refresh request', async () => {
    const auth = client()
    await signedIn(auth)
    await expired()
    const results = await Promise.all(Array.from({ length: 200 }, () => surface.call(auth)))
    expect(results.every(Boolean)).toBe(true)
    expect(await refreshCount(surface.name)).toBe(1)
  })

  it('200 concurrent calls rejected by the server (local clock unaware of the expiry) make exactly 1 refresh request', async () => {
    const auth = localClockClient()
    await signedIn(auth)
    await expired()
    const results = await Promise.all(Array.from({ length: 200 }, () => surface.call(auth)))
    expect(results.every(Boolean)).toBe(true)
    expect(await refreshCount(surface.name)).toBe(1)
  })

  it("learns the server time from the backend's own answers, not from other responses", async () => {
    const auth = localClockClient()
    await signedIn(auth)
    const before = await auth.getAccessToken()
    await expired()
    // A response that is not the adapter's own (here the JWKS, through auth.fetch) moves no clock:
    // it may be cached or come from another server.
    expect((await auth.fetch('/.well-known/jwks.json')).status).toBe(200)
    expect(await auth.getAccessToken()).toBe(before)
    const refreshed = vi.fn()
    auth.on('tokenRefreshed', refreshed)
    // The backend refuses the expired token: one refresh, whose answer tells the server time.
    expect(await surface.call(auth)).toBe(true)
    expect(refreshed).toHaveBeenCalledTimes(1)
    expect(await refreshCount(surface.name)).toBe(1)
    // The session's expiry is given in local time: a full lifetime from the real now.
    const { expiresAt } = (await auth.getSession())!
    expect(Math.abs(expiresAt! - (Date.now() + surface.lifetimeMs))).toBeLessThan(5_000)
    expect(await surface.call(auth)).toBe(true)
    expect(await refreshCount(surface.name)).toBe(1)
  })

  it(`refresh-token reuse signs the stale client out with its reason, and revokes the whole family`, async () => {
    const storage = sharedStorage()
    const auth = client({ storage })
    await signedIn(auth)
    // A stale copy of the session (a restored backup, a second device with the same tokens).
    const staleStorage = sharedStorage()
    for (const [k, v] of storage.items) staleStorage.setItem(k, v)
    await expired()
    expect(await auth.getAccessToken()).toBeTruthy()

    const stale = client({ storage: staleStorage })
    const signedOut = vi.fn<(event: { reason: SignOutReason; error?: AuthError }) => void>()
    stale.on('signedOut', signedOut)
    expect(await stale.getAccessToken()).toBeNull()
    expect(signedOut).toHaveBeenCalledTimes(1)
    expect(signedOut.mock.calls[0]![0]).toMatchObject({ reason: surface.reuse.reason, error: { kind: 'auth', code: surface.reuse.code } })
    expect(await stale.getSession()).toBeNull()
    expect(staleStorage.items.size).toBe(0)

    const honestOut = vi.fn()
    auth.on('signedOut', honestOut)
    await expired()
    if (surface.reuse.revokesFamily) {
      // The reuse revoked the family: the honest client is signed out at its next refresh.
      expect(await auth.getAccessToken()).toBeNull()
      expect(honestOut).toHaveBeenCalledWith(expect.objectContaining({ reason: expect.stringMatching(/^(refresh_failed|token_reused)$/) }))
    } else {
      // Only the stale copy died: the honest client refreshes on.
      expect(await auth.getAccessToken()).toBeTruthy()
      expect(honestOut).not.toHaveBeenCalled()
      expect(await surface.call(auth)).toBe(true)
    }
    expect(await refreshCount(surface.name)).toBe(3)
  })

  it('a network failure during refresh keeps the session (retried with backoff); a later call succeeds', async () => {
    const auth = client({ refreshAttempts: 2 })
    await signedIn(auth)
    await expired()
    await injectFault({ ...surface.refreshFault, networkError: true, times: 4 })
    const failed = vi.fn()
    const signedOut = vi.fn()
    auth.on('refreshFailed', failed)
    auth.on('signedOut', signedOut)
    await expect(auth.getAccessToken()).rejects.toMatchObject({ kind: 'network', code: 'network_error', retryable: true })
    await expect(surface.call(auth)).rejects.toMatchObject({ kind: 'network' })
    expect(failed).toHaveBeenCalledTimes(2)
    expect(failed).toHaveBeenCalledWith(expect.objectContaining({ signedOut: false, error: expect.objectContaining({ code: 'network_error' }) }))
    expect(signedOut).not.toHaveBeenCalled()
    expect(await auth.getSession()).not.toBeNull()
    expect(await surface.call(auth)).toBe(true)
    // 2 calls × 2 tries (backoff between them) that failed at the network, then the 1 that went through.
    expect((await refreshRequests(surface.name)).map((r) => r.status)).toEqual([0, 0, 0, 0, 200])
  })

  it('signOut() while a refresh is in flight wins: no session, no late tokenRefreshed, storage stays empty', async () => {
    const storage = sharedStorage()
    const auth = client({ storage })
    await signedIn(auth)
    await expired()
    await injectFault({ ...surface.refreshFault, delayMs: 150 })
    const events: Array<[string, unknown]> = []
    auth.on('signedOut', ({ reason }) => void events.push(['signedOut', reason]))
    auth.on('tokenRefreshed', () => void events.push(['tokenRefreshed', null]))
    const pending = auth.getAccessToken()
    await new Promise((resolve) => setTimeout(resolve, 30))
    await auth.signOut()
    expect(await pending).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 200))
    // platform: the sign-out trades the expired token's refresh token for one it can log out with.
    expect(await refreshCount(surface.name)).toBe(surface.name === 'platform' ? 2 : 1)
    expect(await auth.getSession()).toBeNull()
    expect(await auth.getAccessToken()).toBeNull()
    expect(storage.items.size).toBe(0)
    expect(events).toEqual([['signedOut', 'user']])
  })

  it('corrupt storage means signed out (a signedOut event, reason storage_corrupt), never a throw', async () => {
    const storage = sharedStorage()
    storage.setItem('portcullis.session', '{"v":1,"tokens":')
    const auth = client({ storage })
    const signedOut = vi.fn()
    auth.on('signedOut', signedOut)
    expect(await auth.getSession()).toBeNull()
    expect(await auth.getAccessToken()).toBeNull()
    expect(signedOut).toHaveBeenCalledWith({ reason: 'storage_corrupt' })
    expect(storage.items.size).toBe(0)
    await signedIn(auth)
    expect(await auth.getSession()).not.toBeNull()
  })

  it('two clients sharing storage and a BroadcastChannel act as two tabs: sign-in, one refresh, sign-out', async () => {
    const storage = sharedStorage()
    const options = { storage, crossTab: true, storageKey: `${surface.name}-tabs-${Date.now()}` }
    const tabA = client(options)
    const tabB = client(options)
    try {
      const seenByB = vi.fn()
      tabB.on('signedIn', seenByB)
      await signedIn(tabA)
      await vi.waitFor(() => expect(seenByB).toHaveBeenCalledTimes(1))
      expect(await tabB.getAccessToken()).toBe(await tabA.getAccessToken())

      const refreshedB = vi.fn()
      tabB.on('tokenRefreshed', refreshedB)
      await expired()
      const fresh = await tabA.getAccessToken()
      await vi.waitFor(() => expect(refreshedB).toHaveBeenCalled())
      expect(await tabB.getAccessToken()).toBe(fresh)
      expect(await surface.call(tabB)).toBe(true)
      expect(await refreshCount(surface.name)).toBe(1)

      const outB = vi.fn()
      tabB.on('signedOut', outB)
      await tabA.signOut()
      await vi.waitFor(() => expect(outB).toHaveBeenCalledWith({ reason: 'remote' }))
      expect(await tabB.getSession()).toBeNull()
    } finally {
      tabA.dispose()
      tabB.dispose()
    }
  })

  it('listeners that await the client (calls, token reads, sign-out) cannot deadlock it, with Web Locks on', async () => {
    const uninstall = installWebLocks()
    const auth = client({ crossTab: true, storageKey: `${surface.name}-listeners-${Date.now()}` })
    try {
      await signedIn(auth)
      const seen: string[] = []
      let mainCall!: Promise<boolean>
      let signingOut!: Promise<unknown>
      const done = new Promise<void>((resolve) => {
        auth.on('tokenRefreshed', async () => {
          seen.push(`call:${await surface.call(auth)}`)
          seen.push(`token:${typeof (await auth.getAccessToken())}`)
          // Signing out revokes the tokens (platform): only once the call that refreshed is through.
          await mainCall
          await (signingOut = auth.signOut())
        })
        auth.on('signedOut', async ({ reason }) => {
          seen.push(`signedOut:${reason}:${await auth.getAccessToken()}`)
          resolve()
        })
      })
      await expired()
      mainCall = surface.call(auth)
      expect(await mainCall).toBe(true)
      await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('deadlock: listeners still pending')), 3_000))])
      expect(seen).toEqual(['call:true', 'token:string', 'signedOut:user:null'])
      // The server side of the sign-out finishes before the next test resets the mock.
      expect(await signingOut).toEqual({ revoked: surface.name !== 'otp' })
      expect(await refreshCount(surface.name)).toBe(1)
    } finally {
      auth.dispose()
      uninstall()
    }
  })

  it('two tabs due at the same moment, with Web Locks: one refresh, both end up with its token', async () => {
    const uninstall = installWebLocks()
    const storage = sharedStorage()
    const options = { storage, crossTab: true, storageKey: `${surface.name}-locks-${Date.now()}` }
    const tabA = client(options)
    const tabB = client(options)
    try {
      await signedIn(tabA)
      await vi.waitFor(async () => expect(await tabB.getSession()).not.toBeNull())
      await expired()
      const [a, b] = await Promise.all([surface.call(tabA), surface.call(tabB)])
      expect([a, b]).toEqual([true, true])
      expect(await tabA.getAccessToken()).toBe(await tabB.getAccessToken())
      expect(await refreshCount(surface.name)).toBe(1)
    } finally {
      tabA.dispose()
      tabB.dispose()
      uninstall()
    }
  })
})
