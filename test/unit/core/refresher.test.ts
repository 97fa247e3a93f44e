/**
 * The refresher on its own (no AuthClient): single flight, and that outcomes are announced only
 * once the flight is over and the lock released, so whoever hears them may refresh again at once.
 */
import { describe, expect, it } from 'vitest'
import type { TokenSet } from '../../../src/core/adapter'
import type { Lock } from '../../../src/core/cross-tab'
import { createRefresher, type RefreshOutcome } from '../../../src/core/refresher'
import { createSessionStore } from '../../../src/core/session-store'
import { memoryStorage } from '../../../src/core/storage'
import { deferred, fakeClock } from './fakes'

const LIFETIME = 60_000

function setup() {
  const clock = fakeClock()
  const store = createSessionStore(memoryStorage(), 'k')
  let serial = 0
  const tokens = (): TokenSet => ({ accessToken: `a-${++serial}`, refreshToken: `r-${serial}`, expiresAt: clock.now() + LIFETIME, issuedAt: clock.now() })
  let held = false
  const lock: Lock = async (task) => {
    expect(held, 'the lock is exclusive').toBe(false)
    held = true
    try {
      return await task(false)
    } finally {
      held = false
    }
  }
  const calls: string[] = []
  const gates: Array<ReturnType<typeof deferred>> = []
  const announced: Array<{ outcomes: RefreshOutcome[]; heldDuringAnnounce: boolean }> = []
  let onAnnounce = (): void => {}
  const refresh = createRefresher({
    store,
    lock,
    now: clock.now,
    marginMs: 1_000,
    tries: 1,
    sleep: async () => {},
    async refresh(current) {
      calls.push(current.refreshToken!)
      const gate = gates.shift()
      if (gate) await gate.promise
      return tokens()
    },
    received: (t) => t,
    announce(outcomes) {
      announced.push({ outcomes, heldDuringAnnounce: held })
      onAnnounce()
    },
  })
  return { clock, store, tokens, refresh, calls, gates, announced, setOnAnnounce: (fn: () => void) => void (onAnnounce = fn) }
}

describe('refresher', () => {
  it('single flight: concurrent callers share one refresh and its result', async () => {
    const { clock, store, tokens, refresh, calls, gates } = setup()
    await store.set({ tokens: tokens(), user: { id: 'u' } })
    clock.advance(LIFETIME)
    const gate = deferred()
    gates.push(gate)
    const all = Array.from({ length: 50 }, () => refresh())
    gate.resolve()
    const results = await Promise.all(all)
    expect(calls).toEqual(['r-1'])
    expect(new Set(results.map((t) => t?.accessToken))).toEqual(new Set(['a-2']))
  })

  it('announces after the flight, outside the lock; a listener that refreshes again starts a new flight', async () => {
    const { clock, store, tokens, refresh, calls, announced, setOnAnnounce } = setup()
    await store.set({ tokens: tokens(), user: { id: 'u' } })
    clock.advance(LIFETIME)
    let nested: Promise<TokenSet | null> | undefined
    setOnAnnounce(() => {
      if (nested) return
      clock.advance(LIFETIME) // due again at once
      nested = refresh() // synchronously, from inside the announcement
    })
    expect((await refresh())?.accessToken).toBe('a-2')
    expect((await nested)?.accessToken).toBe('a-3')
    expect(calls).toEqual(['r-1', 'r-2'])
    expect(announced.map((a) => [a.outcomes.map((o) => o.type), a.heldDuringAnnounce])).toEqual([
      [['refreshed'], false],
      [['refreshed'], false],
    ])
  })

  it('after waiting for the lock, waits for another tab\'s write to arrive instead of replaying its spent refresh token', async () => {
    // Browsers deliver another tab's localStorage write separately from the lock grant: storage
    // can still show the old tokens when this tab gets the lock after the other one refreshed.
    const clock = fakeClock()
    const storage = memoryStorage()
    const store = createSessionStore(storage, 'k')
    const old: TokenSet = { accessToken: 'a-1', refreshToken: 'r-1', expiresAt: clock.now() + LIFETIME, issuedAt: clock.now() }
    await store.set({ tokens: old, user: { id: 'u' } })
    const raw = await storage.getItem('k')
    const rotated = raw!.replace('"a-1"', '"a-2"').replace('"r-1"', '"r-2"').replace(String(old.expiresAt), String(clock.now() + 2 * LIFETIME))
    clock.advance(LIFETIME)
    const calls: string[] = []
    let settledCalls = 0
    const refresh = createRefresher({
      store,
      lock: (task) => task(true), // contended: another tab held the lock first
      now: clock.now,
      marginMs: 1_000,
      tries: 1,
      sleep: async () => {},
      async refresh(current) {
        calls.push(current.refreshToken!)
        return { ...old, accessToken: 'replayed', refreshToken: 'replayed' }
      },
      received: (t) => t,
      announce: () => {},
      async settled() {
        settledCalls += 1
        await storage.setItem('k', rotated) // the other tab's write arrives
      },
    })
    const result = await refresh()
    expect(settledCalls).toBe(1)
    expect(calls, 'the spent refresh token r-1 must not be sent').toEqual([])
    expect(result?.accessToken).toBe('a-2')
  })
})
