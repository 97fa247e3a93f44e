import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AuthError } from '../../../src/core/errors'
import { appStateVisibility, type AppStateLike } from '../../../src/core/visibility'
import { fakeDocument, makeClient, PASSWORD, transient } from './fakes'

const LIFETIME = 10 * 60_000
const MARGIN = 60_000
const disposers: Array<() => void> = []

beforeEach(() => {
  // setImmediate stays real so promise chains can drain between timer steps.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.UTC(2030, 0, 1) })
})
afterEach(() => {
  disposers.splice(0).forEach((dispose) => dispose())
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

/** A client on the faked Date.now, so its clock and its timers agree. */
function client(options: NonNullable<Parameters<typeof makeClient>[0]>['options'] = {}) {
  const env = makeClient({ adapter: { serverNow: Date.now }, options: { now: Date.now, refreshMarginMs: MARGIN, ...options } })
  disposers.push(() => env.auth.dispose())
  return env
}
const drain = async () => {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

describe('proactive refresh timer', () => {
  it('in a browser page, fires refreshMarginMs before expiry and re-arms for the new token', async () => {
    vi.stubGlobal('document', fakeDocument())
    const { auth, backend } = client()
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(LIFETIME - MARGIN - 1)
    expect(backend.calls.refresh).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    await drain()
    expect(backend.calls.refresh).toBe(1)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(LIFETIME - MARGIN)
    await drain()
    expect(backend.calls.refresh).toBe(2)
  })

  it('pauses while the page is hidden and catches up when it is shown again', async () => {
    const doc = fakeDocument()
    vi.stubGlobal('document', doc)
    const { auth, backend } = client()
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    doc.setVisibility('hidden')
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(2 * LIFETIME)
    expect(backend.calls.refresh).toBe(0)
    doc.setVisibility('visible')
    await vi.advanceTimersByTimeAsync(0)
    await drain()
    expect(backend.calls.refresh).toBe(1)
  })

  it('starts no timer outside a browser unless autoRefresh is set', async () => {
    const { auth, backend } = client()
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(2 * LIFETIME)
    expect(backend.calls.refresh).toBe(0)
    // On demand it still refreshes.
    await auth.getAccessToken()
    expect(backend.calls.refresh).toBe(1)
  })

  it('autoRefresh: false turns it off in a browser too', async () => {
    vi.stubGlobal('document', fakeDocument())
    const { auth } = client({ autoRefresh: false })
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('runs on a server with autoRefresh: true', async () => {
    const { auth, backend } = client({ autoRefresh: true })
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(LIFETIME - MARGIN)
    await drain()
    expect(backend.calls.refresh).toBe(1)
  })

  it.each([
    ['a transient failure (after its 3 tries)', () => [transient(), transient(), transient()], 3, 30_000],
    // A 2-minute Retry-After is not sat out inside the refresh call: one try, then the timer waits it out.
    ['a rate limit with Retry-After: 120', () => [new AuthError('Too many requests.', { code: 'rate_limited', kind: 'rate_limit', status: 429, retryAfterMs: 120_000 })], 1, 120_000],
  ])('after %s, tries again later (not before the server asked) instead of spinning', async (_label, failures, tries, waitMs) => {
    const { auth, backend } = client({ autoRefresh: true })
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    backend.refreshPlan.push(...failures())
    await vi.advanceTimersByTimeAsync(LIFETIME - MARGIN)
    await drain()
    expect(backend.calls.refresh).toBe(tries)
    await vi.advanceTimersByTimeAsync(waitMs - 1_000)
    await drain()
    expect(backend.calls.refresh).toBe(tries)
    await vi.advanceTimersByTimeAsync(1_000)
    await drain()
    expect(backend.calls.refresh).toBe(tries + 1)
    expect(await auth.getSession()).not.toBeNull()
  })

  it('stops on sign-out and on dispose(), which also drops the visibility listener', async () => {
    const doc = fakeDocument()
    vi.stubGlobal('document', doc)
    const { auth } = client()
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    await auth.signOut()
    expect(vi.getTimerCount()).toBe(0)
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(vi.getTimerCount()).toBe(1)
    expect(doc.listeners.size).toBe(1)
    auth.dispose()
    expect(vi.getTimerCount()).toBe(0)
    expect(doc.listeners.size).toBe(0)
  })

  it('supports `using` through Symbol.dispose', async () => {
    const { auth } = client({ autoRefresh: true })
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(vi.getTimerCount()).toBe(1)
    auth[Symbol.dispose]()
    expect(vi.getTimerCount()).toBe(0)
  })
})

/** Just enough of React Native's AppState. */
function fakeAppState(initial = 'active') {
  const listeners = new Set<(state: string) => void>()
  const appState = {
    currentState: initial,
    addEventListener: (_type: 'change', listener: (state: string) => void) => {
      listeners.add(listener)
      return { remove: () => void listeners.delete(listener) }
    },
    listeners,
    set(state: string) {
      appState.currentState = state
      for (const listener of [...listeners]) listener(state)
    },
  }
  return appState satisfies AppStateLike
}

describe('appStateVisibility (React Native)', () => {
  it('is hidden only in the background', () => {
    const appState = fakeAppState()
    const visibility = appStateVisibility(appState)
    expect(visibility.hidden()).toBe(false)
    for (const [state, hidden] of [['background', true], ['inactive', false], ['active', false], ['unknown', false]] as const) {
      appState.currentState = state
      expect(visibility.hidden()).toBe(hidden)
    }
  })

  it('pauses the refresh timer in the background and catches up when the app is active again', async () => {
    const appState = fakeAppState()
    const { auth, backend } = client({ autoRefresh: true, visibility: appStateVisibility(appState) })
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(vi.getTimerCount()).toBe(1)

    appState.set('background')
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(2 * LIFETIME)
    await drain()
    expect(backend.calls.refresh).toBe(0)

    appState.set('active')
    await vi.advanceTimersByTimeAsync(0)
    await drain()
    expect(backend.calls.refresh).toBe(1)
    expect(vi.getTimerCount()).toBe(1)

    expect(appState.listeners.size).toBe(1)
    auth.dispose()
    expect(appState.listeners.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
