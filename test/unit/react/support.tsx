/** A client over the core's in-memory fake backend, for the React hooks' tests. */
import { AuthClient, type AuthClientOptions } from '../../../src/index'
import { encodeSession } from '../../../src/core/session-codec'
import { fakeAdapter, fakeClock, type FakeAdapterOptions } from '../core/fakes'

export const LIFETIME = 10 * 60_000
export const KEY = 'portcullis.session'

/** A Storage-like map that counts every access. */
export function countingStorage() {
  const items = new Map<string, string>()
  const calls = { get: 0, set: 0, remove: 0 }
  return {
    items,
    calls,
    total: () => calls.get + calls.set + calls.remove,
    getItem: (key: string) => (calls.get++, items.get(key) ?? null),
    setItem: (key: string, value: string) => void (calls.set++, items.set(key, value)),
    removeItem: (key: string) => void (calls.remove++, items.delete(key)),
  }
}

export interface SetupOptions extends Partial<FakeAdapterOptions> {
  /** Storage already holds a session of the fake backend (as after an earlier visit); `due`: its token needs a refresh. */
  stored?: 'fresh' | 'due' | 'corrupt'
  client?: Partial<AuthClientOptions>
}

export function setup(options: SetupOptions = {}) {
  const clock = fakeClock()
  const fake = fakeAdapter({ serverNow: clock.now, lifetimeMs: LIFETIME, ...options })
  const storage = countingStorage()
  if (options.stored === 'corrupt') storage.items.set(KEY, '{not json')
  else if (options.stored) storage.items.set(KEY, encodeSession({ tokens: fake.issue(), user: { id: 'user-1', email: 'ada@example.com' } }))
  if (options.stored === 'due') clock.advance(LIFETIME - 1_000)
  const auth = new AuthClient({
    baseUrl: 'https://auth.test',
    api: fake.adapter,
    storage,
    now: clock.now,
    sleep: async () => {},
    // Explicit: under a DOM these would default to on.
    autoRefresh: false,
    crossTab: false,
    fetch: async () => new Response('{}'),
    ...options.client,
  })
  return { clock, fake, storage, auth }
}
