/**
 * The four interaction cookies. Each value is the interaction uid; each `.sig` cookie is an
 * HMAC-SHA256 of `name=value` under a key held by the backend state, so a cookie that was edited,
 * or mixed with another interaction's signature, is simply not recognised.
 */
import { parse as parseCookieHeader, serialize } from 'cookie'
import { timingSafeEqual } from '../../state/constant-time'
import { toBase64Url } from '../../state/bytes'
import { randomBytes } from '../../state/random'
import { requestCookieHeader } from '../../state/request-cookies'
import type { BackendState } from '../../state/types'

export const INTERACTION_COOKIE = '_interaction'
export const RESUME_COOKIE = '_interaction_resume'

const encoder = new TextEncoder()

interface CookieKey {
  key: Promise<CryptoKey>
}

/** One random key per backend state (dropped on reset, so older cookies stop working). */
function cookieKey(state: BackendState): Promise<CryptoKey> {
  return state.scratch<CookieKey>('experience:cookie-key', () => ({
    key: crypto.subtle.importKey('raw', randomBytes(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
  })).key
}

async function sign(state: BackendState, name: string, value: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await cookieKey(state), encoder.encode(`${name}=${value}`))
  return toBase64Url(new Uint8Array(mac))
}

/** The cookie `name`'s value when its `.sig` cookie matches; null when absent or tampered with. */
export async function readSignedCookie(state: BackendState, request: Request, name: string): Promise<string | null> {
  const header = requestCookieHeader(request)
  if (!header) return null
  let cookies: Record<string, string | undefined>
  try {
    cookies = parseCookieHeader(header)
  } catch {
    return null
  }
  const value = cookies[name]
  const signature = cookies[`${name}.sig`]
  if (!value || !signature) return null
  return timingSafeEqual(signature, await sign(state, name, value)) ? value : null
}

/**
 * `Set-Cookie` values for the interaction. Not `HttpOnly`: in a page the mock runs in a service
 * worker, and msw can only hand cookies to the page through `document.cookie`.
 */
export async function interactionCookies(state: BackendState, uid: string, maxAgeSeconds: number): Promise<string[]> {
  const out: string[] = []
  for (const name of [INTERACTION_COOKIE, RESUME_COOKIE]) {
    const options = { path: '/', sameSite: 'lax' as const, maxAge: maxAgeSeconds }
    out.push(serialize(name, uid, options), serialize(`${name}.sig`, await sign(state, name, uid), options))
  }
  return out
}

/** Expired copies of the four cookies, sent once the interaction is over. */
export function clearedInteractionCookies(): string[] {
  return [INTERACTION_COOKIE, `${INTERACTION_COOKIE}.sig`, RESUME_COOKIE, `${RESUME_COOKIE}.sig`].map((name) =>
    serialize(name, '', { path: '/', sameSite: 'lax', maxAge: 0, expires: new Date(0) }),
  )
}

/**
 * Adds `Set-Cookie` headers. In a page (the mock behind msw's `setupWorker` runs in the page's
 * own thread) a constructed Response drops `Set-Cookie`, as the Fetch standard says, so the
 * cookies are also written to `document.cookie`, where msw picks them up for the next request
 * sent with credentials: the same thing msw's own `HttpResponse` does in a browser.
 */
export function setCookies(headers: Headers, cookies: readonly string[]): Headers {
  for (const cookie of cookies) headers.append('set-cookie', cookie)
  const page = (globalThis as { document?: { cookie?: unknown } }).document
  if (page && typeof page.cookie === 'string') for (const cookie of cookies) page.cookie = cookie
  return headers
}
