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

/** `contended`: every lock grant says another holder had it first; `settled`: the refresher's storage-wait hook. */
function setup(options: { contended?: boolean; settled?: () => Promise<void> } = {}) {
  const clock = fakeClock()
  const storage = memoryStorage()
  const store = createSessionStore(storage, 'k')
  let serial = 0
  const tokens = (): TokenSet => ({ accessToken: `a-${++serial}`, refreshToken: `r-${serial}`, expiresAt: clock.now() + LIFETIME, issuedAt: clock.now() })
  let held = false
  const lock: Lock = async (task) => {
    expect(held, 'the lock is exclusive').toBe(false)
    held = true
    try {
      return await task(options.contended ?? false)
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
    ...(options.settled && { settled: options.settled }),
  })
  return { clock, storage, store, tokens, refresh, calls, gates, announced, setOnAnnounce: (fn: () => void) => void (onAnnounce = fn) }
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
    let settledCalls = 0
    let rotated = ''
    const { clock, storage, store, tokens, refresh, calls } = setup({
      contended: true, // another tab held the lock first
      async settled() {
        settledCalls += 1
        await storage.setItem('k', rotated) // the other tab's write arrives
      },
    })
    await store.set({ tokens: tokens(), user: { id: 'u' } })
    const raw = (await storage.getItem('k'))!
    rotated = raw.replace('"a-1"', '"a-2"').replace('"r-1"', '"r-2"').replace(/"expiresAt":\d+/, `"expiresAt":${clock.now() + 2 * LIFETIME}`)
    expect(rotated).not.toBe(raw)
    clock.advance(LIFETIME)
    const result = await refresh()
    expect(settledCalls).toBe(1)
    expect(calls, 'the spent refresh token r-1 must not be sent').toEqual([])
    expect(result?.accessToken).toBe('a-2')
  })
})
