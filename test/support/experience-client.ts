/**
 * A sign-in page's view of the experience API for tests: it starts an authorization request
 * (PKCE S256), keeps the interaction cookies it is given (name=value only, like the contract's
 * client), calls `/api/experience*` with them, follows `redirectTo` and exchanges the code.
 * Every response is checked against experience.yaml. Works against any base URL (msw or a
 * spawned server).
 */
import { parse as parseCookie } from 'cookie'
import { expect } from 'vitest'
import { assertMatchesExperienceSpec, type ApiResult } from './experience-spec'

export const CLIENT_ID = 'portcullis-demo'
export const REDIRECT_URI = 'http://localhost:5173/callback'

const encoder = new TextEncoder()

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url')
}

export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)))
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(verifier))))
  return { verifier, challenge }
}

export interface ExperienceSession {
  base: string
  verifier: string
  state: string
  cookies: Map<string, string>
  /** `Cookie` header value from the jar. */
  cookieHeader(): string
  call(method: string, path: string, json?: unknown, options?: { cookie?: string | null; headers?: Record<string, string> }): Promise<ApiResult>
  /** Follows `redirectTo` with the cookies; resolves with the callback URL. */
  resume(redirectTo: string): Promise<URL>
  /** The code exchange at `/oidc/token`. */
  exchange(callback: URL): Promise<ApiResult>
}

export function storeCookies(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';')
    for (const [name, value] of Object.entries(parseCookie(pair ?? ''))) {
      if (value) jar.set(name, value)
      else jar.delete(name)
    }
  }
}

export async function formPost(base: string, path: string, form: Record<string, string>): Promise<ApiResult> {
  const url = `${base}${path}`
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) })
  return assertMatchesExperienceSpec('POST', url, response)
}

/** `GET /oidc/auth` for the demo client; the session holds the four cookies it set. */
export async function startSession(base: string, extra: Record<string, string> = {}): Promise<ExperienceSession> {
  const { verifier, challenge } = await pkcePair()
  const state = base64url(crypto.getRandomValues(new Uint8Array(12)))
  const params = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid offline_access profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  })
  return pageSession(base, `${base}/oidc/auth?${params}`, { verifier, state })
}

/** Follows an authorization URL (built by any client) and keeps the cookies it sets, as the sign-in page would have them. */
export async function pageSession(base: string, authorizationUrl: string, pkce: { verifier: string; state: string }): Promise<ExperienceSession> {
  const { verifier, state } = pkce
  const response = await fetch(authorizationUrl, { redirect: 'manual' })
  const jar = new Map<string, string>()
  storeCookies(jar, response)
  const started = await assertMatchesExperienceSpec('GET', authorizationUrl, response)
  expect(started.status).toBe(303)
  const session: ExperienceSession = {
    base,
    verifier,
    state,
    cookies: jar,
    cookieHeader: () => [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
    async call(method, path, json, options = {}) {
      const headers = new Headers(options.headers)
      const cookie = options.cookie === undefined ? session.cookieHeader() : options.cookie
      if (cookie) headers.set('cookie', cookie)
      if (json !== undefined) headers.set('content-type', 'application/json')
      const target = `${base}${path}`
      const res = await fetch(target, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) })
      storeCookies(jar, res)
      return assertMatchesExperienceSpec(method, target, res)
    },
    async resume(redirectTo) {
      let next = new URL(redirectTo)
      // Hops on the mock's origin are followed; the first foreign location is the callback.
      for (let hops = 0; hops < 5 && next.origin === new URL(base).origin; hops++) {
        const res = await fetch(next, { redirect: 'manual', headers: { cookie: session.cookieHeader() } })
        storeCookies(jar, res)
        const checked = await assertMatchesExperienceSpec('GET', next.toString(), res)
        expect(checked.status, JSON.stringify(checked.body)).toBe(303)
        next = new URL(res.headers.get('location')!, next)
      }
      return next
    },
    async exchange(callback) {
      expect(callback.origin + callback.pathname).toBe(REDIRECT_URI)
      expect(callback.searchParams.get('state')).toBe(state)
      return formPost(base, '/oidc/token', {
        grant_type: 'authorization_code',
        client_id: CLIENT_ID,
        code: callback.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      })
    },
  }
  return session
}
