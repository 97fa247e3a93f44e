/**
 * The console page (`GET /__mock/`) and the sessions listing it shows (`GET /__mock/sessions`),
 * in process through msw. The page's behaviour in a browser is test/browser/mock-console.test.ts.
 */
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE_SCRIPT } from '../../../mocks/control/console/page'
import { createMockBackend, DEMO_PASSWORD } from '../../../mocks/index'

const BASE = 'http://localhost:4010'
const mock = createMockBackend({ now: Date.UTC(2030, 0, 1), frozenClock: true })
const server = setupServer(...mock.handlers)

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mock.reset())
afterAll(() => server.close())

const signIn = (email: string) =>
  fetch(`${BASE}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) })

async function sessions(query = ''): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${BASE}/__mock/sessions${query}`)
  expect(response.status).toBe(200)
  return ((await response.json()) as { sessions: Array<Record<string, unknown>> }).sessions
}

describe('GET /__mock/ (the console page)', () => {
  it('answers with and without the trailing slash: HTML with a nonce-only CSP that forbids framing', async () => {
    for (const path of ['/__mock/', '/__mock']) {
      const response = await fetch(`${BASE}${path}`)
      expect(response.status, path).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const csp = response.headers.get('content-security-policy') ?? ''
      const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1]
      expect(nonce, csp).toBeDefined()
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("connect-src 'self'")
      expect(csp).not.toContain('unsafe-inline')
      const html = await response.text()
      expect(html).toMatch(/^<!doctype html>/)
      // Self-contained: one inline script and style carrying the nonce, nothing loaded from elsewhere.
      expect(html).toContain(`<script nonce="${nonce}">`)
      expect(html).toContain(`<style nonce="${nonce}">`)
      expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="(?!data:)|https?:\/\/(?!\S*\]\+)/)
      for (const id of ['clock', 'users', 'sessions', 'outbox', 'faults', 'config', 'requests']) expect(html).toContain(`<section id="${id}">`)
    }
  })

  it('a new nonce for every page', async () => {
    const policies = await Promise.all([1, 2].map(async () => (await fetch(`${BASE}/__mock/`)).headers.get('content-security-policy')))
    expect(policies[0]).not.toBe(policies[1])
  })

  it('the inline script cannot end the script element early and is valid JavaScript', () => {
    expect(CONSOLE_SCRIPT).not.toMatch(/<\/script|<!--/i)
    expect(() => new Function(CONSOLE_SCRIPT)).not.toThrow()
  })

  it('HEAD answers without a body; other methods are 405', async () => {
    const head = await fetch(`${BASE}/__mock/`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    const post = await fetch(`${BASE}/__mock/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })

  it('refuses a page from another site like every control route', async () => {
    const response = await fetch(`${BASE}/__mock/`, { headers: { origin: 'https://evil.example' } })
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ code: 'forbidden_origin' })
  })
})

describe('GET /__mock/sessions', () => {
  it('lists each sign-in with its user, surface, methods and refresh expiry, and never a token', async () => {
    expect(await sessions()).toEqual([])
    const login = await signIn('alice@example.com')
    expect(login.status).toBe(200)
    const tokens = JSON.stringify(await login.json())
    const [session, ...rest] = await sessions()
    expect(rest).toEqual([])
    const alice = mock.users.findByEmail('alice@example.com')!
    expect(session).toMatchObject({
      id: expect.any(String),
      userId: alice.id,
      username: alice.username,
      email: 'alice@example.com',
      surface: 'otp',
      amr: expect.arrayContaining(['pwd']),
      createdAt: '2030-01-01T00:00:00.000Z',
      revokedAt: null,
      refreshExpiresAt: new Date(Date.UTC(2030, 0, 1) + mock.config().otp.refreshTokenTtlSeconds * 1000).toISOString(),
      live: true,
    })
    // No token of the sign-in appears in the listing.
    for (const token of tokens.match(/[\w-]{24,}(?:\.[\w-]+){0,2}/g) ?? []) expect(JSON.stringify(session)).not.toContain(token)
  })

  it('a session ends when the clock passes its refresh token; live and userId filter', async () => {
    await signIn('alice@example.com')
    await signIn('bob@example.com').catch(() => undefined)
    const alice = mock.users.findByEmail('alice@example.com')!
    expect((await sessions(`?userId=${alice.id}`)).map((s) => s['email'])).toEqual(['alice@example.com'])
    expect(await sessions('?live=false')).toEqual([])
    mock.clock.advance(mock.config().otp.refreshTokenTtlSeconds * 1000 + 1)
    const ended = await sessions(`?userId=${alice.id}`)
    expect(ended).toMatchObject([{ live: false }])
    expect(await sessions('?live=true')).toEqual([])
    expect((await sessions('?live=false')).length).toBeGreaterThan(0)
  })

  it('rejects a bad live filter with 400', async () => {
    const response = await fetch(`${BASE}/__mock/sessions?live=yes`)
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'invalid_query', field: 'live' })
  })
})
