/**
 * The limits of a refresh: a timeout, the caller's AbortSignal on every wait, dispose(), a
 * session that cannot be refreshed, answers that are malformed or not definitive.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { TokenSet } from '../../../src/core/adapter'
import { AuthError } from '../../../src/core/errors'
import { deferred, fakeAdapter, fakeClock, fakeFetch, makeClient, PASSWORD, recordEvents, settle, type ClientSetup } from './fakes'

const LIFETIME = 10 * 60_000
const disposers: Array<() => void> = []
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()))

async function signedIn(setup: ClientSetup = {}) {
  const env = makeClient(setup)
  disposers.push(() => env.auth.dispose())
  await env.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
  return env
}

describe('refresh timeout', () => {
  it('callers of a stalled refresh get a transient timeout after refreshTimeoutMs; the request goes on and its answer is kept', async () => {
    const { auth, clock, backend, storage } = await signedIn({ options: { refreshTimeoutMs: 20 } })
    const events = recordEvents(auth)
    const gate = deferred()
    backend.refreshPlan.push(gate)
    clock.advance(LIFETIME + 1)
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'timeout', kind: 'network', retryable: true })
    await expect(auth.fetch('/orders')).rejects.toMatchObject({ code: 'timeout' })
    // No second refresh with the same refresh token while the first one is out.
    expect(backend.calls.refresh).toBe(1)
    expect(await auth.getSession()).not.toBeNull()
    expect(JSON.parse([...storage.items.values()][0]!).tokens.refreshToken).toBe('refresh-secret-1')
    gate.resolve()
    await settle()
    expect(events.map((e) => e.name)).toEqual(['tokenRefreshed'])
    expect(await auth.getAccessToken()).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(1)
  })
})

describe('AbortSignal', () => {
  it('getAccessToken({ signal }) stops waiting for a stalled refresh; the shared refresh goes on for the others', async () => {
    const { auth, clock, backend } = await signedIn()
    const gate = deferred()
    backend.refreshPlan.push(gate)
    clock.advance(LIFETIME + 1)
    const controller = new AbortController()
    const mine = auth.getAccessToken({ signal: controller.signal })
    const other = auth.getAccessToken()
    await settle()
    controller.abort(new DOMException('gone', 'AbortError'))
    await expect(mine).rejects.toMatchObject({ name: 'AbortError' })
    gate.resolve()
    expect(await other).toBe('access-secret-2')
    expect(backend.calls.refresh).toBe(1)
  })

  it('auth.fetch honours init.signal while it waits for a refresh', async () => {
    const { fetch, requests } = fakeFetch(() => new Response('ok'))
    const { auth, clock, backend } = await signedIn({ options: { fetch } })
    backend.refreshPlan.push(deferred())
    clock.advance(LIFETIME + 1)
    const controller = new AbortController()
    const call = auth.fetch('/orders', { signal: controller.signal })
    await settle()
    controller.abort(new DOMException('gone', 'AbortError'))
    await expect(call).rejects.toMatchObject({ name: 'AbortError' })
    expect(requests).toEqual([])
  })

  it('auth.fetch honours the signal of a Request while a step-up is being detected', async () => {
    const { fetch } = fakeFetch(() => new Response('no', { status: 401, headers: { 'x-needs-otp': '1' } }))
    const clock = fakeClock()
    const backend = fakeAdapter({ serverNow: clock.now })
    backend.adapter.detectStepUp = () => deferred<null>().promise // reading the answer takes forever
    const { auth } = await signedIn({ clock, backend, options: { fetch } })
    const controller = new AbortController()
    const call = auth.fetch(new Request('https://auth.test/orders', { signal: controller.signal }))
    await settle()
    controller.abort(new DOMException('gone', 'AbortError'))
    await expect(call).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('dispose()', () => {
  it('stops a refresh in flight (its requests are aborted): nothing is written, and the disposed client refuses every call', async () => {
    const { fetch } = fakeFetch(() => new Response('ok'))
    const { auth, clock, backend, storage } = await signedIn({ options: { fetch } })
    const events = recordEvents(auth)
    const gate = deferred()
    backend.refreshPlan.push(gate)
    const refresh = backend.adapter.refresh
    let signal: AbortSignal | undefined
    backend.adapter.refresh = async (context, tokens) => {
      await context.fetch('https://auth.test/refresh')
      signal = (fetch.mock.calls.at(-1)![1] as RequestInit).signal!
      return refresh(context, tokens)
    }
    clock.advance(LIFETIME + 1)
    const pending = auth.getAccessToken()
    await settle()
    const stored = [...storage.items.values()]
    expect(signal?.aborted).toBe(false)
    auth.dispose()
    expect(signal?.aborted).toBe(true)
    await expect(pending).rejects.toMatchObject({ code: 'client_disposed' })
    gate.resolve()
    await settle()
    expect([...storage.items.values()]).toEqual(stored)
    expect(events).toEqual([])
    for (const call of [auth.getAccessToken(), auth.signIn({ email: 'ada@example.com', password: PASSWORD }), auth.signOut(), auth.fetch('/orders')]) {
      await expect(call).rejects.toMatchObject({ code: 'client_disposed' })
    }
  })
})

describe('a session without a refresh token', () => {
  it('lasts until its access token expires, not refreshMarginMs before; then it ends as session_expired', async () => {
    const { auth, clock, backend } = makeClient()
    disposers.push(() => auth.dispose())
    const signIn = backend.adapter.signIn
    backend.adapter.signIn = async (context, credentials) => {
      const result = await signIn(context, credentials)
      return result.type === 'session' ? { ...result, tokens: { ...result.tokens, refreshToken: null } } : result
    }
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    const events = recordEvents(auth)
    clock.advance(LIFETIME - 30_000) // inside the 60 s margin, still valid
    expect(await auth.getAccessToken()).toBe('access-secret-1')
    expect(events).toEqual([])
    clock.advance(30_000)
    expect(await auth.getAccessToken()).toBeNull()
    expect(events).toEqual([{ name: 'signedOut', payload: { reason: 'session_expired' } }])
    expect(backend.calls.refresh).toBe(0)
  })
})

describe('what the adapter answers', () => {
  it.each([
    ['no token', {}, 'accessToken is missing'],
    ['a numeric token', { accessToken: 42, refreshToken: 'r', expiresAt: null }, 'accessToken must be a non-empty string'],
    ['an array', [], 'accessToken is missing'],
    ['no tokens at all', null, 'accessToken is missing'],
    ['an expiry that is not a number', { accessToken: 'a', refreshToken: 'r', expiresAt: 'soon' }, 'expiresAt must be a number or null'],
    ['an infinite expiry', { accessToken: 'a', refreshToken: 'r', expiresAt: Infinity }, 'expiresAt must be a number or null'],
    ['a refresh token object', { accessToken: 'a', refreshToken: { value: 'refresh-secret-x' }, expiresAt: null }, 'refreshToken must be a string or null'],
    ['a refresh expiry that is a string', { accessToken: 'a', refreshToken: 'r', expiresAt: null, refreshExpiresAt: '1700000000' }, 'refreshExpiresAt must be a number or null'],
    ['an issue time that is a string', { accessToken: 'a', refreshToken: 'r', expiresAt: null, issuedAt: 'now' }, 'issuedAt must be a number or null'],
  ])('a refresh answer with %s is a transient bad_response naming the member and rule: the session and its refresh token are kept', async (_name, tokens, problem) => {
    const { auth, clock, backend, storage } = await signedIn({ options: { refreshAttempts: 1 } })
    const events = recordEvents(auth)
    const original = backend.adapter.refresh
    backend.adapter.refresh = async () => tokens as unknown as TokenSet
    clock.advance(LIFETIME + 1)
    // The member and the rule, never the value found (`refresh-secret-x`, `soon` …).
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'bad_response', kind: 'server', message: `The backend's answer is unusable: ${problem}.` })
    expect(events.map((e) => [e.name, (e.payload as { signedOut?: boolean }).signedOut])).toEqual([['refreshFailed', false]])
    expect(JSON.parse([...storage.items.values()][0]!).tokens.refreshToken).toBe('refresh-secret-1')
    backend.adapter.refresh = original
    expect(await auth.getAccessToken()).toBe('access-secret-2')
  })

  it('a sign-in answer without a usable token commits nothing', async () => {
    const { auth, backend, storage } = makeClient()
    disposers.push(() => auth.dispose())
    const events = recordEvents(auth)
    backend.adapter.signIn = async () => ({ type: 'session', tokens: { accessToken: '' } as TokenSet, user: { id: 'u' } })
    await expect(auth.signIn({ email: 'ada@example.com', password: PASSWORD })).rejects.toMatchObject({
      code: 'bad_response',
      message: "The backend's answer is unusable: accessToken must be a non-empty string.",
    })
    expect(await auth.getSession()).toBeNull()
    expect(storage.items.size).toBe(0)
    expect(events).toEqual([])
  })

  it('a sign-in the adapter ends without a session or a challenge is a bad_response saying so', async () => {
    const { auth, backend, storage } = makeClient()
    disposers.push(() => auth.dispose())
    backend.adapter.signIn = async () => ({ type: 'done' })
    await expect(auth.signIn({ email: 'ada@example.com', password: PASSWORD })).rejects.toMatchObject({
      code: 'bad_response',
      message: "The backend's answer is unusable: no session.",
    })
    expect(storage.items.size).toBe(0)
  })

  it.each([
    ['a 400', new AuthError('x', { code: 'http_400', kind: 'validation', status: 400 })],
    ['a 404', new AuthError('x', { code: 'http_404', kind: 'validation', status: 404 })],
    ['a 408', new AuthError('x', { code: 'http_408', kind: 'validation', status: 408 })],
    ['an unknown GraphQL error', new AuthError('x', { code: 'graphql_error', kind: 'validation', status: 200 })],
  ])('%s on refresh is not definitive: the session is kept', async (_name, error) => {
    const { auth, clock, backend } = await signedIn()
    const events = recordEvents(auth)
    backend.refreshPlan.push(error)
    clock.advance(LIFETIME + 1)
    await expect(auth.getAccessToken()).rejects.toBe(error)
    expect(events.map((e) => e.name)).toEqual(['refreshFailed'])
    expect(await auth.getAccessToken()).toBe('access-secret-2')
  })

  it('a refused refresh after the refresh token expired ends the session as session_expired', async () => {
    const { auth, clock, backend } = makeClient()
    disposers.push(() => auth.dispose())
    const signIn = backend.adapter.signIn
    backend.adapter.signIn = async (context, credentials) => {
      const result = await signIn(context, credentials)
      return result.type === 'session' ? { ...result, tokens: { ...result.tokens, refreshExpiresAt: clock.now() + 2 * LIFETIME } } : result
    }
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    const events = recordEvents(auth)
    clock.advance(2 * LIFETIME)
    expect(await auth.getAccessToken()).toBeNull()
    expect(events).toEqual([{ name: 'signedOut', payload: { reason: 'session_expired' } }])
    expect(backend.calls.refresh).toBe(0)
  })
})
