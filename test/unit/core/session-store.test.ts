import { describe, expect, it } from 'vitest'
import { CORRUPT, encodeSession } from '../../../src/core/session-codec'
import { createSessionStore } from '../../../src/core/session-store'
import type { StoredSession } from '../../../src/core/session'
import { asyncStorage, fakeWebStorage } from './fakes'
import { webStorage } from '../../../src/core/storage'

const session = (n: number): StoredSession => ({
  tokens: { accessToken: `a${n}`, refreshToken: `r${n}`, expiresAt: null },
  user: { id: 'u' },
})

describe('session store', () => {
  it('commits to memory at once and bumps the generation', () => {
    const store = createSessionStore(asyncStorage(), 'k')
    const before = store.generation
    void store.set(session(1))
    expect(store.current).toEqual(session(1))
    expect(store.generation).toBe(before + 1)
  })

  it('persists writes in commit order even with async storage', async () => {
    const storage = asyncStorage()
    const store = createSessionStore(storage, 'k')
    void store.set(session(1))
    void store.set(null)
    await store.set(session(2))
    expect(storage.items.get('k')).toBe(encodeSession(session(2)))
    void store.set(session(3))
    await store.set(null)
    expect(storage.items.has('k')).toBe(false)
  })

  it('reads what storage holds after its own pending writes', async () => {
    const storage = asyncStorage()
    const store = createSessionStore(storage, 'k')
    void store.set(session(1))
    expect(await store.read()).toEqual(session(1))
    storage.items.set('k', encodeSession(session(9)))
    expect(await store.read()).toEqual(session(9))
    expect(store.current).toEqual(session(1))
  })

  it('can adopt a session without writing it back', async () => {
    const storage = asyncStorage()
    const store = createSessionStore(storage, 'k')
    await store.set(session(1), false)
    expect(storage.items.has('k')).toBe(false)
  })

  it('reports unreadable storage as corrupt', async () => {
    const backing = fakeWebStorage()
    backing.knobs.failReads = true
    expect(await createSessionStore(webStorage(backing), 'k').read()).toBe(CORRUPT)
    backing.knobs.failReads = false
    backing.items.set('k', '{"v":1')
    expect(await createSessionStore(webStorage(backing), 'k').read()).toBe(CORRUPT)
  })

  it('keeps the session in memory when a write fails, and does not mistake stale storage for another tab', async () => {
    const backing = fakeWebStorage()
    const store = createSessionStore(webStorage(backing), 'k')
    backing.knobs.failWrites = true
    await expect(store.set(session(1))).resolves.toBeUndefined()
    expect(store.current).toEqual(session(1))
    expect(await store.read()).toEqual(session(1))
  })
})
