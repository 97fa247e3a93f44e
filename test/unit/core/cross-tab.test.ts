import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthClient } from '../../../src/core/auth-client'
import { webStorage } from '../../../src/core/storage'
import { deferred, fakeAdapter, fakeClock, fakeLocks, fakeWebStorage, PASSWORD, recordEvents, settle, uniqueKey } from './fakes'

const LIFETIME = 10 * 60_000
const disposers: Array<() => void> = []
afterEach(() => {
  disposers.splice(0).forEach((dispose) => dispose())
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

/** Two "tabs": two clients over one localStorage-like storage, one backend, one lock manager. */
function twoTabs() {
  const locks = fakeLocks()
  vi.stubGlobal('navigator', { locks })
  const clock = fakeClock()
  const backend = fakeAdapter({ serverNow: clock.now })
  const local = fakeWebStorage()
  const storageKey = uniqueKey()
  const tab = () => {
    const auth = new AuthClient({ baseUrl: 'https://auth.test', api: backend.adapter, storage: webStorage(local), storageKey, crossTab: true, now: clock.now, sleep: async () => {} })
    disposers.push(() => auth.dispose())
    return auth
  }
  return { a: tab(), b: tab(), tab, clock, backend, local, locks, storageKey }
}

describe('cross-tab', () => {
  it('a sign-in in one tab signs the other in', async () => {
    const { a, b } = twoTabs()
    const seen = recordEvents(b)
    await a.signIn({ email: 'ada@example.com', password: PASSWORD })
    await settle()
    expect(seen.map((e) => e.name)).toEqual(['signedIn'])
    expect(await b.getAccessToken()).toBe('access-secret-1')
  })

  it('two tabs due at once: one refresh, both updated, no refresh token replayed', async () => {
    const { a, b, clock, backend, locks } = twoTabs()
    await a.signIn({ email: 'ada@example.com', password: PASSWORD })
    await settle()
    clock.advance(LIFETIME + 1)
    const [ta, tb] = await Promise.all([a.getAccessToken(), b.getAccessToken()])
    expect(backend.calls.refresh).toBe(1)
    expect(ta).toBe('access-secret-2')
    expect(tb).toBe('access-secret-2')
    expect(locks.requests).toBe(2)
    expect(locks.held.size).toBe(0)
  })

  it('adopts a token another tab rotated, re-reading storage under the lock (no BroadcastChannel)', async () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const { a, tab, clock, backend } = twoTabs()
    await a.signIn({ email: 'ada@example.com', password: PASSWORD })
    const c = tab() // opened after the sign-in: loads it from storage
    expect(await c.getAccessToken()).toBe('access-secret-1')
    clock.advance(LIFETIME + 1)
    expect(await a.getAccessToken()).toBe('access-secret-2')
    // c still holds the spent refresh token in memory; replaying it would be "reuse".
    const events = recordEvents(c)
    expect(await c.getAccessToken()).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(1)
    expect(events.map((e) => e.name)).toEqual(['tokenRefreshed'])
  })

  it('a sign-out in one tab signs the other out (reason remote)', async () => {
    const { a, b, local } = twoTabs()
    await a.signIn({ email: 'ada@example.com', password: PASSWORD })
    await settle()
    const seen = recordEvents(b)
    await a.signOut()
    await settle()
    expect(seen).toEqual([{ name: 'signedOut', payload: { reason: 'remote' } }])
    expect(await b.getAccessToken()).toBeNull()
    expect(local.items.size).toBe(0)
  })

  it('a sign-out in another tab while this one refreshes wins: the late result is dropped', async () => {
    const { a, b, clock, backend, local } = twoTabs()
    await a.signIn({ email: 'ada@example.com', password: PASSWORD })
    await settle()
    clock.advance(LIFETIME + 1)
    const gate = deferred()
    backend.refreshPlan.push(gate)
    const pending = a.getAccessToken()
    await settle()
    expect(backend.calls.refresh).toBe(1)
    await b.signOut()
    gate.resolve()
    expect(await pending).toBeNull()
    await settle()
    expect(local.items.size).toBe(0)
    expect(await a.getSession()).toBeNull()
    expect(await b.getSession()).toBeNull()
  })

  it('a tab that waits too long for the lock gives up with a transient timeout; it never refreshes without the lock', async () => {
    const { a, b, clock, backend, local } = twoTabs()
    // The lock wait's deadline, under the test's control.
    const deadline = new AbortController()
    vi.spyOn(AbortSignal, 'timeout').mockReturnValue(deadline.signal)
    await a.signIn({ email: 'ada@example.com', password: PASSWORD })
    await settle()
    clock.advance(LIFETIME + 1)
    const gate = deferred()
    backend.refreshPlan.push(gate) // tab A's refresh is slow (a slow network, a Retry-After slept through)
    const holder = a.getAccessToken()
    await settle()
    const waiter = b.getAccessToken()
    await settle()
    deadline.abort(new DOMException('timed out', 'TimeoutError'))
    await expect(waiter).rejects.toMatchObject({ code: 'timeout', kind: 'network', retryable: true })
    // B did not send the refresh token A is rotating.
    expect(backend.calls.refresh).toBe(1)
    gate.resolve()
    expect(await holder).toBe('access-secret-2')
    await settle()
    expect(await b.getAccessToken()).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(1)
    expect(JSON.parse(local.items.values().next().value!).tokens.accessToken).toBe('access-secret-2')
  })

  it('derives the channel name from the storage key and sends no tokens over it', async () => {
    const { a, storageKey } = twoTabs()
    const spy = new BroadcastChannel(`portcullis:${storageKey}`)
    const messages: unknown[] = []
    spy.onmessage = (event) => void messages.push(event.data)
    disposers.push(() => spy.close())
    await a.signIn({ email: 'ada@example.com', password: PASSWORD })
    await a.signOut()
    await settle()
    expect(messages).toEqual(['signedIn', 'signedOut'])
  })
})

