import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthClient } from '../../../src/core/auth-client'
import { decodeSession, encodeSession } from '../../../src/core/session-codec'
import { webStorage } from '../../../src/core/storage'
import { asyncStorage, deferred, fakeAdapter, fakeClock, fakeLocks, fakeWebStorage, makeClient, PASSWORD, recordEvents, transient, uniqueKey } from './fakes'

const LIFETIME = 10 * 60_000
const disposers: Array<() => void> = []
afterEach(() => {
  disposers.splice(0).forEach((dispose) => dispose())
  vi.unstubAllGlobals()
})

const within = <T>(promise: Promise<T>, ms = 2_000): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms: deadlock`)), ms))])

describe('events are emitted after the state is committed', () => {
  it('signedIn, tokenRefreshed and signedOut listeners see the new state, in memory and in storage', async () => {
    const { auth, clock, storage } = makeClient()
    disposers.push(() => auth.dispose())
    const seen: unknown[] = []
    auth.on('signedIn', async () => {
      seen.push(['signedIn', decodeSession(storage.items.values().next().value ?? null), await auth.getAccessToken()])
    })
    auth.on('tokenRefreshed', async () => {
      seen.push(['tokenRefreshed', (decodeSession(storage.items.values().next().value ?? null) as { tokens: { accessToken: string } }).tokens.accessToken, await auth.getAccessToken()])
    })
    auth.on('signedOut', async () => {
      seen.push(['signedOut', storage.items.size, await auth.getSession()])
    })
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    clock.advance(LIFETIME + 1)
    await auth.getAccessToken()
    await auth.signOut()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(seen).toEqual([
      ['signedIn', expect.objectContaining({ tokens: expect.objectContaining({ accessToken: 'access-secret-1' }) }), 'access-secret-1'],
      ['tokenRefreshed', 'access-secret-2', 'access-secret-2'],
      ['signedOut', 0, null],
    ])
  })

  it('no deadlock: a tokenRefreshed listener runs outside the lock and can await a refresh of its own', async () => {
    const locks = fakeLocks()
    vi.stubGlobal('navigator', { locks })
    const { auth, clock, backend } = makeClient({ options: { crossTab: true } })
    disposers.push(() => auth.dispose())
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    const nested = deferred<{ heldDuringEvent: number; token: string | null }>()
    let first = true
    auth.on('tokenRefreshed', async () => {
      if (!first) return
      first = false
      const heldDuringEvent = locks.held.size
      clock.advance(LIFETIME + 1) // due again: this needs the lock and a second refresh
      nested.resolve({ heldDuringEvent, token: await auth.getAccessToken() })
    })
    clock.advance(LIFETIME + 1)
    expect(await within(auth.getAccessToken())).toBe('access-secret-2')
    expect(await within(nested.promise)).toEqual({ heldDuringEvent: 0, token: 'access-secret-3' })
    expect(backend.calls.refresh).toBe(2)
    expect(locks.requests).toBe(2)
  })

  it('no deadlock: a refreshFailed listener that asks again starts a new refresh instead of joining the failed one', async () => {
    const { auth, clock, backend } = makeClient()
    disposers.push(() => auth.dispose())
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    backend.refreshPlan.push(transient(), transient(), transient())
    const retried = deferred<string | null>()
    auth.on('refreshFailed', async () => retried.resolve(await auth.getAccessToken()))
    clock.advance(LIFETIME + 1)
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'http_503' })
    expect(await within(retried.promise)).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(4)
  })

  it('a throwing listener does not break the client or the other listeners', async () => {
    const reported: unknown[] = []
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error))
    const { auth } = makeClient()
    disposers.push(() => auth.dispose())
    auth.on('signedIn', () => {
      throw new Error('listener bug')
    })
    auth.on('signedIn', async () => {
      throw new Error('async listener bug')
    })
    const log = recordEvents(auth)
    await expect(auth.signIn({ email: 'ada@example.com', password: PASSWORD })).resolves.toMatchObject({ status: 'signedIn' })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(log.map((e) => e.name)).toEqual(['signedIn'])
    expect(reported).toHaveLength(2)
    expect(await auth.getAccessToken()).toBe('access-secret-1')
  })

  it('on() returns an unsubscribe', async () => {
    const { auth } = makeClient()
    disposers.push(() => auth.dispose())
    const calls: string[] = []
    const off = auth.on('signedIn', () => void calls.push('x'))
    off()
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(calls).toEqual([])
  })
})

describe('start-up from storage', () => {
  const start = (storage: ConstructorParameters<typeof AuthClient>[0]['storage'], storageKey: string) => {
    const clock = fakeClock()
    const auth = new AuthClient({ baseUrl: 'https://auth.test', api: fakeAdapter({ serverNow: clock.now }).adapter, storage, storageKey, crossTab: false, now: clock.now })
    disposers.push(() => auth.dispose())
    return { auth, events: recordEvents(auth), clock }
  }

  it('restores a stored session without events', async () => {
    const key = uniqueKey()
    const clock = fakeClock()
    const storage = asyncStorage(new Map([[key, encodeSession({ tokens: { accessToken: 'stored-access', refreshToken: 'r', expiresAt: clock.now() + LIFETIME, issuedAt: clock.now() }, user: { id: 'u' } })]]))
    const { auth, events } = start(storage, key)
    expect(await auth.getAccessToken()).toBe('stored-access')
    expect(await auth.getSession()).toEqual({ user: { id: 'u' }, expiresAt: clock.now() + LIFETIME })
    expect(events).toEqual([])
  })

  it.each([
    ['garbage', () => 'not json at all'],
    ['a future version', () => JSON.stringify({ v: 2, tokens: { accessToken: 'a' }, user: { id: 'u' } })],
  ])('treats %s as signed out (reason storage_corrupt), clears it, never throws', async (_label, raw) => {
    const key = uniqueKey()
    const storage = asyncStorage(new Map([[key, raw()]]))
    const { auth, events } = start(storage, key)
    expect(await auth.getSession()).toBeNull()
    expect(await auth.getAccessToken()).toBeNull()
    expect(events).toEqual([{ name: 'signedOut', payload: { reason: 'storage_corrupt' } }])
    expect(storage.items.has(key)).toBe(false)
  })

  it('treats a storage that throws on read as corrupt', async () => {
    const local = fakeWebStorage()
    local.knobs.failReads = true
    const { auth, events } = start(webStorage(local), uniqueKey())
    expect(await auth.getSession()).toBeNull()
    expect(events.map((e) => e.name)).toEqual(['signedOut'])
  })

  it('keeps working in memory when storage cannot be written', async () => {
    const local = fakeWebStorage()
    local.knobs.failWrites = true
    const { auth } = start(webStorage(local), uniqueKey())
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(await auth.getAccessToken()).toBe('access-secret-1')
  })
})
