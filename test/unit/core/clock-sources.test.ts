/**
 * Clock skew is measured only from the auth backend's own, fresh answers (the adapter's calls):
 * never from other APIs reached through auth.fetch (their own clocks), never from a cached answer.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { fakeFetch, makeClient, PASSWORD } from './fakes'

const LIFETIME = 10 * 60_000
const disposers: Array<() => void> = []
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()))

describe('clock skew sources', () => {
  it('an API in tokenOrigins with a clock an hour ahead causes no refresh, however often it is called', async () => {
    const env = makeClient({ options: { tokenOrigins: ['https://api.example.com'] } })
    const { fetch } = fakeFetch(() => new Response('ok', { headers: { date: new Date(env.clock.now() + 3_600_000).toUTCString() } }))
    const { auth, backend } = makeClient({ clock: env.clock, backend: env.backend, options: { fetch, tokenOrigins: ['https://api.example.com'] } })
    disposers.push(() => auth.dispose(), () => env.auth.dispose())
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    for (let i = 0; i < 5; i++) expect((await auth.fetch('https://api.example.com/orders')).status).toBe(200)
    expect(backend.calls.refresh).toBe(0)
    expect(await auth.getAccessToken()).toBe('access-secret-1')
  })

  it("responses of the backend's own origin through auth.fetch do not move the clock either (they may be cached)", async () => {
    const env = makeClient()
    const { fetch } = fakeFetch(() => new Response('ok', { headers: { date: new Date(env.clock.now() - 3_600_000).toUTCString(), age: '3600' } }))
    const { auth, clock, backend } = makeClient({ clock: env.clock, backend: env.backend, options: { fetch } })
    disposers.push(() => auth.dispose(), () => env.auth.dispose())
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    await auth.fetch('/profile')
    clock.advance(LIFETIME + 1)
    // Had the hour-old Date counted, the expired token would look valid for another hour.
    expect(await auth.getAccessToken()).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(1)
  })

  it("a cached answer (Age) to the adapter's own call is not a measurement; a fresh one is", async () => {
    const env = makeClient()
    let headers: Record<string, string> = {}
    const { fetch } = fakeFetch(() => new Response('{}', { headers }))
    const { auth, clock, backend } = makeClient({ clock: env.clock, backend: env.backend, options: { fetch } })
    disposers.push(() => auth.dispose(), () => env.auth.dispose())
    const call = () => auth.run(async (context) => ((await context.fetch('https://auth.test/ping')), { type: 'done' }))
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    headers = { date: new Date(clock.now() - 3_600_000).toUTCString(), age: '3600' }
    await call()
    clock.advance(LIFETIME + 1)
    expect(await auth.getAccessToken()).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(1)
    // Control: the same old Date without Age is believed (the server's clock is an hour behind).
    headers = { date: new Date(clock.now() - 3_600_000).toUTCString() }
    await call()
    clock.advance(LIFETIME + 1)
    expect(await auth.getAccessToken()).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(1)
  })
})
