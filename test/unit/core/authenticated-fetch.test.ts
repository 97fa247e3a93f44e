import { afterEach, describe, expect, it } from 'vitest'
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
    const otp = createOtpClient(auth)
    const { response } = await otp.POST('/auth/otp/code', { params: { header: { 'x-otp': '000000' } }, body: { channel: 'TOTP' } })
    expect(response.status).toBe(200)
    expect(requests.map((r) => [r.url, r.authorization, r.body, r.headers.get('x-otp')])).toEqual([
      ['https://auth.test/auth/otp/code', 'Bearer access-secret-1', '{"channel":"TOTP"}', '000000'],
      ['https://auth.test/auth/otp/code', 'Bearer access-secret-2', '{"channel":"TOTP"}', '000000'],
    ])
  })
})
