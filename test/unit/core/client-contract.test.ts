/** AuthClient's contract around its calls: the initial-session signal, and bugs that stay bugs. */
import { afterEach, describe, expect, it } from 'vitest'
import { AuthClient } from '../../../src/core/auth-client'
import { asyncStorage, fakeAdapter, fakeClock, makeClient, PASSWORD, uniqueKey } from './fakes'

const LIFETIME = 10 * 60_000
const disposers: Array<() => void> = []
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()))

describe('ready(): the initial session', () => {
  it('tells a listener attached after an await that stored data was unusable', async () => {
    const storageKey = uniqueKey()
    const storage = asyncStorage(new Map([[storageKey, '{"v":1,"tokens":']]))
    const clock = fakeClock()
    const auth = new AuthClient({ baseUrl: 'https://auth.test', api: fakeAdapter({ serverNow: clock.now }).adapter, storage, storageKey, crossTab: false, now: clock.now })
    disposers.push(() => auth.dispose())
    await new Promise((resolve) => setTimeout(resolve, 10)) // the signedOut event is long gone
    expect(await auth.ready()).toEqual({ session: null, reason: 'storage_corrupt' })
  })

  it('resolves with the stored session when there is one, and with null when there is none', async () => {
    const storageKey = uniqueKey()
    const storage = asyncStorage()
    const clock = fakeClock()
    const { adapter } = fakeAdapter({ serverNow: clock.now })
    const open = () => {
      const auth = new AuthClient({ baseUrl: 'https://auth.test', api: adapter, storage, storageKey, crossTab: false, now: clock.now })
      disposers.push(() => auth.dispose())
      return auth
    }
    const first = open()
    expect(await first.ready()).toEqual({ session: null })
    await first.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(await open().ready()).toEqual({ session: { user: { id: 'user-1', email: 'ada@example.com' }, expiresAt: clock.now() + LIFETIME } })
  })
})

describe('the adapter seam', () => {
  it('refuses an adapter with detectStepUp but without createStepUp at construction (its step-ups would be lost)', () => {
    const { adapter } = fakeAdapter({ serverNow: Date.now })
    const { createStepUp: _omitted, ...incomplete } = adapter
    expect(() => new AuthClient({ baseUrl: 'https://auth.test', api: incomplete, crossTab: false })).toThrow(TypeError)
  })
})

describe('exceptions that are not AuthErrors', () => {
  it('a RangeError from an adapter (a bug) reaches the caller as it is, not as a network_error', async () => {
    const { auth, backend } = makeClient()
    disposers.push(() => auth.dispose())
    const bug = new RangeError('Invalid time value')
    backend.adapter.signIn = async () => {
      throw bug
    }
    await expect(auth.signIn({ email: 'ada@example.com', password: PASSWORD })).rejects.toBe(bug)
  })

  it('a TypeError in a refresh is not retried as if the network had failed', async () => {
    const { auth, clock, backend } = makeClient()
    disposers.push(() => auth.dispose())
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    const bug = new TypeError("Cannot read properties of undefined (reading 'token')")
    let calls = 0
    backend.adapter.refresh = async () => {
      calls++
      throw bug
    }
    clock.advance(LIFETIME + 1)
    await expect(auth.getAccessToken()).rejects.toBe(bug)
    expect(calls).toBe(1)
    expect(await auth.getSession()).not.toBeNull()
  })

  it("an AbortError from the caller's signal stays an abort", async () => {
    const { auth, backend } = makeClient()
    disposers.push(() => auth.dispose())
    const abort = new DOMException('The user left.', 'AbortError')
    backend.adapter.signIn = async () => {
      throw abort
    }
    await expect(auth.signIn({ email: 'ada@example.com', password: PASSWORD })).rejects.toBe(abort)
  })
})
