import { afterEach, describe, expect, it } from 'vitest'
import { AuthError, type AuthErrorCode } from '../../../src/core/errors'
import { deferred, fakeClock, type Deferred, fakeFetch, makeClient, PASSWORD, recordEvents, transient } from './fakes'

const LIFETIME = 10 * 60_000
const disposers: Array<() => void> = []
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()))

async function signedIn(setup: Parameters<typeof makeClient>[0] = {}) {
  const env = makeClient(setup)
  disposers.push(() => env.auth.dispose())
  const result = await env.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
  expect(result.status).toBe('signedIn')
  return env
}

describe('refresh: single flight', () => {
  it('serves a fresh token without refreshing', async () => {
    const { auth, backend } = await signedIn()
    expect(await auth.getAccessToken()).toBe('access-secret-1')
    expect(backend.calls.refresh).toBe(0)
  })

  it('200 concurrent getAccessToken() calls share one refresh', async () => {
    const { auth, clock, backend } = await signedIn()
    clock.advance(LIFETIME + 1)
    const tokens = await Promise.all(Array.from({ length: 200 }, () => auth.getAccessToken()))
    expect(backend.calls.refresh).toBe(1)
    expect(new Set(tokens)).toEqual(new Set(['access-secret-2']))
  })

  it('concurrent requests and token reads share that refresh too', async () => {
    const { fetch, requests } = fakeFetch(() => new Response('ok'))
    const { auth, clock, backend } = await signedIn({ options: { fetch } })
    clock.advance(LIFETIME + 1)
    await Promise.all([...Array.from({ length: 50 }, () => auth.fetch('/x')), ...Array.from({ length: 50 }, () => auth.getAccessToken())])
    expect(backend.calls.refresh).toBe(1)
    expect(new Set(requests.map((r) => r.authorization))).toEqual(new Set(['Bearer access-secret-2']))
  })

  it('refreshes refreshMarginMs before expiry, not before', async () => {
    const { auth, clock, backend } = await signedIn({ options: { refreshMarginMs: 60_000 } })
    clock.advance(LIFETIME - 60_001)
    await auth.getAccessToken()
    expect(backend.calls.refresh).toBe(0)
    clock.advance(1)
    expect(await auth.getAccessToken()).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(1)
  })

  it('caps the margin at half the lifetime, so a short-lived token is not refreshed on arrival', async () => {
    const { auth, clock, backend } = await signedIn({ adapter: { lifetimeMs: 30_000 } })
    await auth.getAccessToken()
    expect(backend.calls.refresh).toBe(0)
    clock.advance(15_000)
    await auth.getAccessToken()
    expect(backend.calls.refresh).toBe(1)
  })
})

describe('refresh: failures', () => {
  it('retries a transient failure with backoff, then rejects but keeps the session', async () => {
    const { auth, clock, backend, sleeps, storage } = await signedIn()
    const events = recordEvents(auth)
    clock.advance(LIFETIME + 1)
    backend.refreshPlan.push(transient(), transient(), transient())
    await expect(auth.getAccessToken()).rejects.toMatchObject({ kind: 'server', code: 'http_503', retryable: true })
    expect(backend.calls.refresh).toBe(3)
    expect(sleeps).toHaveLength(2)
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]! / 2)
    expect(await auth.getSession()).not.toBeNull()
    expect(storage.items.size).toBe(1)
    expect(events.map((e) => e.name)).toEqual(['refreshFailed'])
    expect(events[0]!.payload).toMatchObject({ signedOut: false })
    // The service is back: the same session refreshes (its refresh token was never spent).
    expect(await auth.getAccessToken()).toBe('access-secret-2')
  })

  it('recovers within the retries', async () => {
    const { auth, clock, backend } = await signedIn()
    clock.advance(LIFETIME + 1)
    backend.refreshPlan.push(transient())
    expect(await auth.getAccessToken()).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(2)
  })

  it('still hands out a token that is due but not yet expired when the refresh fails transiently', async () => {
    const { auth, clock, backend } = await signedIn()
    clock.advance(LIFETIME - 10_000)
    backend.refreshPlan.push(transient(), transient(), transient())
    expect(await auth.getAccessToken()).toBe('access-secret-1')
  })

  it.each([
    ['invalid_refresh_token', 'refresh_failed'],
    ['refresh_token_reused', 'token_reused'],
  ])('a definitive failure (%s) signs out with reason %s', async (code, reason) => {
    const { auth, clock, backend, storage } = await signedIn()
    const events = recordEvents(auth)
    clock.advance(LIFETIME + 1)
    backend.refreshPlan.push(new AuthError('Refresh token rejected.', { code: code as AuthErrorCode, kind: 'auth', status: 401 }))
    expect(await auth.getAccessToken()).toBeNull()
    expect(backend.calls.refresh).toBe(1)
    expect(await auth.getSession()).toBeNull()
    expect(storage.items.size).toBe(0)
    expect(events.map((e) => e.name)).toEqual(['refreshFailed', 'signedOut'])
    expect(events[1]!.payload).toMatchObject({ reason, error: { code } })
  })

  it('signs out with session_expired when there is no refresh token to use', async () => {
    const { auth, clock, backend } = makeClient()
    disposers.push(() => auth.dispose())
    const original = backend.adapter.signIn
    backend.adapter.signIn = async (context, credentials) => {
      const result = await original(context, credentials)
      return result.type === 'session' ? { ...result, tokens: { ...result.tokens, refreshToken: null } } : result
    }
    const events = recordEvents(auth)
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    clock.advance(LIFETIME + 1)
    expect(await auth.getAccessToken()).toBeNull()
    expect(backend.calls.refresh).toBe(0)
    expect(events.at(-1)).toMatchObject({ name: 'signedOut', payload: { reason: 'session_expired' } })
  })
})

describe('refresh: sign-out wins', () => {
  /** Signed in, token due, and a refresh request out that answers when `response` settles. */
  async function refreshInFlight(setup: Parameters<typeof makeClient>[0] = {}) {
    const env = await signedIn(setup)
    const events = recordEvents(env.auth)
    env.clock.advance(LIFETIME + 1)
    const response = deferred()
    env.backend.refreshPlan.push(response)
    const pending = env.auth.getAccessToken()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(env.backend.calls.refresh).toBe(1)
    return { ...env, events, response, pending }
  }
  const afterwards = () => new Promise((resolve) => setTimeout(resolve, 0))
  const names = (events: ReturnType<typeof recordEvents>) => events.map((e) => [e.name, (e.payload as { reason?: string }).reason])

  it('a refresh that returns after signOut() is discarded, never written back', async () => {
    const { auth, backend, storage, events, response, pending } = await refreshInFlight()
    await auth.signOut()
    expect(storage.items.size).toBe(0)
    response.resolve()
    expect(await pending).toBeNull()
    await afterwards()
    expect(storage.items.size).toBe(0)
    expect(await auth.getSession()).toBeNull()
    expect(names(events)).toEqual([['signedOut', 'user']])
    expect(backend.calls.signOut).toBe(1)
  })

  it('a sign-out while the refresh re-reads storage wins too, even when that read returns the old session', async () => {
    // An async storage whose reads can be held: a held read answers what storage had when asked.
    const items = new Map<string, string>()
    let hold: Deferred<void> | null = null
    const storage = {
      getItem: async (key: string) => {
        const value = items.get(key) ?? null
        if (hold) await hold.promise
        return value
      },
      setItem: async (key: string, value: string) => void items.set(key, value),
      removeItem: async (key: string) => void items.delete(key),
    }
    const { auth, events, response, pending } = await refreshInFlight({ options: { storage } })
    // The refresh answers; the refresher re-reads storage (another tab may have rotated) and that read hangs.
    const read = (hold = deferred())
    response.resolve()
    await afterwards()
    hold = null
    await auth.signOut()
    expect(items.size).toBe(0)
    read.resolve()
    expect(await pending).toBeNull()
    await afterwards()
    expect(items.size).toBe(0)
    expect(await auth.getSession()).toBeNull()
    expect(names(events)).toEqual([['signedOut', 'user']])
  })

  it('a transient failure that ends after signOut() does not resurrect or retry', async () => {
    const { auth, backend, events, response, pending } = await refreshInFlight()
    await auth.signOut()
    response.reject(transient())
    await expect(pending).resolves.toBeNull()
    expect(backend.calls.refresh).toBe(1)
    expect(names(events)).toEqual([['signedOut', 'user']])
  })

  it('a definitive failure that ends after signOut() is no second sign-out (the user already ended the session)', async () => {
    const { auth, backend, events, response, pending } = await refreshInFlight()
    await auth.signOut()
    response.reject(new AuthError('The refresh token was revoked.', { code: 'invalid_refresh_token', kind: 'auth', status: 401 }))
    await expect(pending).resolves.toBeNull()
    await afterwards()
    expect(backend.calls.refresh).toBe(1)
    expect(names(events)).toEqual([['signedOut', 'user']])
  })
})

describe('refresh: clock skew', () => {
  // The server runs 5 minutes ahead of this device: its token, valid 10 server minutes, is due
  // (60 s margin) 9 local minutes after sign-in. Read naively against the local clock it would
  // look valid until minute 14, and be sent expired for 5 minutes.
  const AHEAD = 5 * 60_000
  const withoutIat = (backend: ReturnType<typeof makeClient>['backend']) => {
    const original = backend.adapter.signIn
    backend.adapter.signIn = async (context, credentials) => {
      const result = await original(context, credentials)
      return result.type === 'session' ? { ...result, tokens: { ...result.tokens, issuedAt: null } } : result
    }
  }
  const skewed = ({ clock = fakeClock(), ...options }: Parameters<typeof makeClient>[0] = {}) => {
    const env = makeClient({ clock, adapter: { serverNow: () => clock.now() + AHEAD }, ...options })
    disposers.push(() => env.auth.dispose())
    return env
  }

  it('applies the skew measured from a Date header to every expiry check', async () => {
    const clock = fakeClock()
    const { fetch } = fakeFetch(() => new Response('ok', { headers: { date: new Date(clock.now() + AHEAD).toUTCString() } }))
    const { auth, backend } = skewed({ clock, options: { fetch } })
    withoutIat(backend)
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    await auth.run(async (context) => ((await context.fetch('https://auth.test/ping')), { type: 'done' })) // the adapter's call sees the Date header
    clock.advance(9 * 60_000 + 1_000)
    expect(await auth.getAccessToken()).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(1)
    // The public session reports expiry on the local clock: 10 minutes from the refresh.
    const session = await auth.getSession()
    expect(Math.abs(session!.expiresAt! - (clock.now() + LIFETIME))).toBeLessThan(2_000)
  })

  it('without a Date header, estimates skew from a fresh token iat', async () => {
    const { auth, clock, backend } = skewed()
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    clock.advance(9 * 60_000 + 1_000)
    await auth.getAccessToken()
    expect(backend.calls.refresh).toBe(1)
  })

  it('control: with neither, the token would have been sent late', async () => {
    const { auth, clock, backend } = skewed()
    withoutIat(backend)
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    clock.advance(9 * 60_000 + 1_000)
    await auth.getAccessToken()
    expect(backend.calls.refresh).toBe(0)
  })
})
