import { afterEach, describe, expect, it, vi } from 'vitest'
import { toRequest } from '../../../src/transport/authenticated-fetch'
import { createOtpClient } from '../../../src/otp/client'
import { AuthError } from '../../../src/core/errors'
import { fakeAdapter, fakeClock, fakeFetch, makeClient, PASSWORD } from './fakes'

const disposers: Array<() => void> = []
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()))

async function client(respond: Parameters<typeof fakeFetch>[0], options: Parameters<typeof makeClient>[0] = {}) {
  const { fetch, requests } = fakeFetch(respond)
  const env = makeClient({ ...options, options: { fetch, ...options.options } })
  disposers.push(() => env.auth.dispose())
  await env.auth.signIn({ email: 'ada@example.com', password: PASSWORD })
  return { ...env, requests, fetchMock: fetch }
}

/** 401 for any token but the one given. */
const acceptOnly = (token: string) => (request: Request) =>
  request.headers.get('authorization') === `Bearer ${token}` ? Response.json({ ok: true }) : new Response('{"code":"unauthenticated"}', { status: 401 })

describe('toRequest', () => {
  it('appends relative paths to baseUrl, keeping a path prefix', () => {
    expect(toRequest('/users?x=1', undefined, 'https://api.test/v1/').url).toBe('https://api.test/v1/users?x=1')
    expect(toRequest('users', undefined, 'https://api.test/v1').url).toBe('https://api.test/v1/users')
    expect(toRequest('/users', undefined, 'https://api.test').url).toBe('https://api.test/users')
  })

  it('leaves absolute URLs, URL objects and Requests alone', () => {
    expect(toRequest('https://other.test/x', undefined, 'https://api.test').url).toBe('https://other.test/x')
    expect(toRequest(new URL('https://other.test/y'), undefined, 'https://api.test').url).toBe('https://other.test/y')
    const request = toRequest(new Request('https://other.test/z', { method: 'PUT' }), { headers: { a: 'b' } }, 'https://api.test')
    expect([request.url, request.method, request.headers.get('a')]).toEqual(['https://other.test/z', 'PUT', 'b'])
  })
})

describe('auth.fetch', () => {
  it('adds the bearer token and resolves relative URLs against baseUrl', async () => {
    const { auth, requests } = await client(() => new Response('ok'))
    await auth.fetch('/me')
    expect(requests[0]).toMatchObject({ url: 'https://auth.test/me', authorization: 'Bearer access-secret-1' })
  })

  it('sends no Authorization when signed out', async () => {
    const { auth, requests } = await client(() => new Response('ok'))
    await auth.signOut()
    await auth.fetch('/public')
    expect(requests[0]!.authorization).toBeNull()
  })

  it('is bound: it can be passed around detached', async () => {
    const { auth, requests } = await client(() => new Response('ok'))
    const detached = auth.fetch
    await detached('/me')
    expect(requests).toHaveLength(1)
  })

  it('on 401 refreshes once and retries once, replaying the POST body from a clone', async () => {
    const { auth, requests, backend } = await client(acceptOnly('access-secret-2'))
    const response = await auth.fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'tea', qty: 2 }) })
    expect(response.status).toBe(200)
    expect(backend.calls.refresh).toBe(1)
    expect(requests.map((r) => [r.method, r.authorization, r.body])).toEqual([
      ['POST', 'Bearer access-secret-1', '{"item":"tea","qty":2}'],
      ['POST', 'Bearer access-secret-2', '{"item":"tea","qty":2}'],
    ])
    expect(requests[1]!.headers.get('content-type')).toBe('application/json')
  })

  it('replays a stream body too', async () => {
    const { auth, requests } = await client(acceptOnly('access-secret-2'))
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'))
        controller.close()
      },
    })
    await auth.fetch('/upload', { method: 'PUT', body, duplex: 'half' } as RequestInit)
    expect(requests.map((r) => r.body)).toEqual(['streamed', 'streamed'])
  })

  const stream = (text: string) =>
    new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text))
        controller.close()
      },
    })
  it.each([
    ['a string', () => ['/r', { method: 'POST', body: 'a=1&b=2' }]],
    ['URLSearchParams', () => ['/r', { method: 'POST', body: new URLSearchParams({ a: '1', b: '2' }) }]],
    ['a Blob', () => ['/r', { method: 'POST', body: new Blob(['a=1&b=2']) }]],
    ['bytes', () => ['/r', { method: 'POST', body: new TextEncoder().encode('a=1&b=2') }]],
    ['a stream', () => ['/r', { method: 'POST', body: stream('a=1&b=2'), duplex: 'half' }]],
    ['a Request', () => [new Request('https://auth.test/r', { method: 'POST', body: 'a=1&b=2' })]],
    ['a Request with a stream', () => [new Request('https://auth.test/r', { method: 'POST', body: stream('a=1&b=2'), duplex: 'half' } as RequestInit)]],
    ['a URL object', () => [new URL('https://auth.test/r'), { method: 'POST', body: 'a=1&b=2' }]],
  ])('replays %s body intact on the retry, with the caller\'s method and headers', async (_label, args) => {
    const { auth, requests } = await client(acceptOnly('access-secret-2'))
    const [input, init] = args() as [Request | string | URL, RequestInit | undefined]
    const withHeaders = input instanceof Request ? new Request(input, { headers: { 'x-trace': 't-1' } }) : input
    const response = await auth.fetch(withHeaders, init && { ...init, headers: { 'x-trace': 't-1' } })
    expect(response.status).toBe(200)
    expect(requests.map((r) => [r.method, r.url, r.authorization, r.body, r.headers.get('x-trace')])).toEqual([
      ['POST', 'https://auth.test/r', 'Bearer access-secret-1', 'a=1&b=2', 't-1'],
      ['POST', 'https://auth.test/r', 'Bearer access-secret-2', 'a=1&b=2', 't-1'],
    ])
  })

  it('does not loop: a second 401 is returned as is', async () => {
    const { auth, requests, backend } = await client(() => new Response('no', { status: 401 }))
    const response = await auth.fetch('/orders', { method: 'POST', body: 'x' })
    expect(response.status).toBe(401)
    expect(requests).toHaveLength(2)
    expect(backend.calls.refresh).toBe(1)
  })

  it('many concurrent 401s share one refresh and each retries once', async () => {
    const { auth, requests, backend } = await client(acceptOnly('access-secret-2'))
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => auth.fetch(`/r/${i}`)))
    expect(responses.every((r) => r.status === 200)).toBe(true)
    expect(backend.calls.refresh).toBe(1)
    expect(requests).toHaveLength(20)
  })

  it('asks the adapter whether a response means "token rejected" (GraphQL UNAUTHENTICATED in a 200)', async () => {
    const respond = (request: Request) =>
      request.headers.get('authorization') === 'Bearer access-secret-2'
        ? Response.json({ data: { me: { id: 1 } } })
        : Response.json({ errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] })
    const clock = fakeClock()
    const backend = fakeAdapter({ serverNow: clock.now })
    backend.adapter.isUnauthorized = async (response) =>
      ((await response.clone().json()) as { errors?: Array<{ extensions: { code: string } }> }).errors?.[0]?.extensions.code === 'UNAUTHENTICATED'
    const { auth, requests } = await client(respond, { clock, backend })
    const response = await auth.fetch('/graphql', { method: 'POST', body: '{"query":"{ me { id } }"}' })
    expect(await response.json()).toEqual({ data: { me: { id: 1 } } })
    expect(requests.map((r) => r.body)).toEqual(['{"query":"{ me { id } }"}', '{"query":"{ me { id } }"}'])
  })

  it('hands the caller the copy a check that read the body passed on (the body is read once)', async () => {
    const respond = (request: Request) =>
      request.headers.get('authorization') === 'Bearer access-secret-2'
        ? Response.json({ data: { me: { id: 2 } } })
        : Response.json({ errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] })
    const clock = fakeClock()
    const backend = fakeAdapter({ serverNow: clock.now })
    const read: Response[] = []
    backend.adapter.isUnauthorized = async (response, handOn) => {
      read.push(response)
      const text = await response.text()
      handOn(new Response(text, response))
      return text.includes('UNAUTHENTICATED')
    }
    const { auth } = await client(respond, { clock, backend })
    const response = await auth.fetch('/graphql', { method: 'POST', body: '{"query":"{ me { id } }"}' })
    // Rejected (its body read by the verdict), refreshed, retried once: the retry reaches the caller.
    expect(read).toHaveLength(1)
    expect(read[0]!.bodyUsed).toBe(true)
    expect(await response.json()).toEqual({ data: { me: { id: 2 } } })
    // Not rejected: the caller gets the verdict's unread copy, not the original it read.
    const next = await auth.fetch('/graphql', { method: 'POST', body: '{"query":"{ me { id } }"}' })
    expect(read).toHaveLength(2)
    expect(read[1]!.bodyUsed).toBe(true)
    expect(next).not.toBe(read[1])
    expect(next.bodyUsed).toBe(false)
    expect(await next.json()).toEqual({ data: { me: { id: 2 } } })
  })

  it('leaves a request that carries its own Authorization alone', async () => {
    const { auth, requests, backend } = await client(() => new Response('no', { status: 401 }))
    const response = await auth.fetch('/x', { headers: { authorization: 'Basic abc' } })
    expect(response.status).toBe(401)
    expect(requests).toHaveLength(1)
    expect(requests[0]!.authorization).toBe('Basic abc')
    expect(backend.calls.refresh).toBe(0)
  })

  it('returns the 401 when the refresh ends the session', async () => {
    const { auth, backend, requests } = await client(() => new Response('no', { status: 401 }))
    backend.refreshPlan.push(new AuthError('gone', { code: 'invalid_refresh_token', kind: 'auth' }))
    const response = await auth.fetch('/x')
    expect(response.status).toBe(401)
    expect(requests).toHaveLength(1)
    expect(await auth.getSession()).toBeNull()
  })

  it('works as the fetch of a typed client: createOtpClient(auth)', async () => {
    const { auth, requests } = await client(acceptOnly('access-secret-2'))
    // The fake backend's answers are not the otp API's (this is about the transport): unchecked.
    const otp = createOtpClient(auth, { validate: false })
    const { response } = await otp.POST('/auth/otp/code', { params: { header: { 'x-otp': '000000' } }, body: { channel: 'TOTP' } })
    expect(response.status).toBe(200)
    expect(requests.map((r) => [r.url, r.authorization, r.body, r.headers.get('x-otp')])).toEqual([
      ['https://auth.test/auth/otp/code', 'Bearer access-secret-1', '{"channel":"TOTP"}', '000000'],
      ['https://auth.test/auth/otp/code', 'Bearer access-secret-2', '{"channel":"TOTP"}', '000000'],
    ])
  })
})

describe('auth.fetch: where the token may go', () => {
  const ok = () => new Response('ok')

  it('sends the token to the origin of baseUrl, relative or absolute', async () => {
    const { auth, requests } = await client(ok)
    await auth.fetch('/a')
    await auth.fetch('https://auth.test/b?x=1')
    await auth.fetch(new Request('https://auth.test/c', { method: 'DELETE' }))
    expect(requests.map((r) => r.authorization)).toEqual(Array(3).fill('Bearer access-secret-1'))
  })

  it.each([
    ['another host', 'https://cdn.example.com/lib.js'],
    ['a look-alike host', 'https://auth.test.evil.example/steal'],
    ['another scheme', 'http://auth.test/a'],
    ['another port', 'https://auth.test:8443/a'],
    ['a URL object elsewhere', new URL('https://analytics.example/collect')],
    ['a Request elsewhere', new Request('https://analytics.example/collect', { method: 'POST', body: 'x' })],
  ])('never sends it to %s', async (_label, input) => {
    const { auth, requests } = await client(ok)
    await auth.fetch(input)
    expect(requests).toHaveLength(1)
    expect(requests[0]!.authorization).toBeNull()
  })

  it('takes a URL object from a polyfill or another realm (not instanceof URL) like any URL', async () => {
    /** What a URL polyfill gives: an object with href and toString, and no `url`. */
    class PolyfillURL {
      constructor(readonly href: string) {}
      toString(): string {
        return this.href
      }
    }
    const { auth, requests } = await client(ok)
    expect((await auth.fetch(new PolyfillURL('https://auth.test/me?x=1') as unknown as URL)).status).toBe(200)
    expect((await auth.fetch(new PolyfillURL('https://cdn.example.com/lib.js') as unknown as URL)).status).toBe(200)
    expect(requests.map((r) => [r.url, r.authorization])).toEqual([
      ['https://auth.test/me?x=1', 'Bearer access-secret-1'],
      ['https://cdn.example.com/lib.js', null],
    ])
  })

  it('does not refresh, retry or step up for a 401 from elsewhere, and ignores its Date header', async () => {
    const clock = fakeClock()
    const backend = fakeAdapter({ serverNow: clock.now })
    const farFuture = new Date(clock.now() + 24 * 3_600_000).toUTCString()
    const { auth, requests } = await client(() => new Response('no', { status: 401, headers: { 'x-needs-otp': '1', date: farFuture } }), { clock, backend })
    const response = await auth.fetch('https://other.example/api', { method: 'POST', body: 'x' })
    expect(response.status).toBe(401)
    expect(requests).toHaveLength(1)
    expect(backend.calls.refresh).toBe(0)
    expect(backend.calls.detect).toBe(0)
    // Had the foreign Date counted, the token would look a day old and be refreshed now.
    expect(await auth.getAccessToken()).toBe('access-secret-1')
    expect(backend.calls.refresh).toBe(0)
  })

  it('tokenOrigins adds origins (a URL counts as its origin); others stay excluded', async () => {
    const { auth, requests } = await client(ok, { options: { tokenOrigins: ['https://api.example.com/v2/ignored-path'] } })
    await auth.fetch('https://api.example.com/orders')
    await auth.fetch('https://auth.test/me')
    await auth.fetch('https://api.example.com.evil.example/orders')
    expect(requests.map((r) => r.authorization)).toEqual(['Bearer access-secret-1', 'Bearer access-secret-1', null])
  })

  it('tokenOrigins as a function decides per URL, besides the origin of baseUrl', async () => {
    const tokenOrigins = vi.fn((url: URL) => url.hostname.endsWith('.example.com') && url.protocol === 'https:')
    const { auth, requests } = await client(acceptOnly('access-secret-2'), { options: { tokenOrigins } })
    const response = await auth.fetch('https://billing.example.com/invoices')
    await auth.fetch('https://example.org/x')
    await auth.fetch('/me')
    expect(response.status).toBe(200)
    expect(requests.map((r) => [r.url, r.authorization])).toEqual([
      ['https://billing.example.com/invoices', 'Bearer access-secret-1'],
      ['https://billing.example.com/invoices', 'Bearer access-secret-2'],
      ['https://example.org/x', null],
      ['https://auth.test/me', 'Bearer access-secret-2'],
    ])
    expect(tokenOrigins.mock.calls.map(([url]) => url.hostname)).toEqual(['billing.example.com', 'example.org'])
  })
})
