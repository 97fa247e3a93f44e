/**
 * How one sign-in interaction reaches the backend. The experience API keeps the interaction
 * behind cookies set by `GET /oidc/auth`, and the finish is a chain of redirects ending at the
 * app's redirect URI with the authorization code. A page and a server do both differently:
 *
 * - in a page the browser keeps the cookies (`credentials: 'include'`) and follows the redirects
 *   itself; the code is read from the final `response.url` (so the redirect URI must be a URL of
 *   the page's own origin, or answer CORS);
 * - on a server (see `../transport/cookie-jar`) a cookie jar carries them and every redirect is
 *   followed by hand, stopping before the redirect URI (nothing listens there).
 */
import { AuthError, kindForStatus, networkError, type OAuthErrorCode } from '../core/errors'
import type { FetchLike } from '../core/types'

export interface Interaction {
  /** Fetch carrying the interaction cookies; never follows redirects by itself (`redirect: 'manual'` is honoured). */
  fetch: FetchLike
  /** Opens `url` (submit's `redirectTo`) and follows it to the redirect URI; resolves with that full URL. */
  follow(url: string, redirectUri: string): Promise<URL>
  /** What to keep so a resumed challenge continues the same interaction (a serialized jar), or null. */
  save(): string | null
}

export type InteractionFactory = (fetch: FetchLike, saved: string | null) => Interaction

const callbackNotReached = (status?: number): AuthError =>
  new AuthError('The sign-in did not come back to the redirect URI.', { code: 'callback_not_reached', kind: 'server', status })

/** Whether `url` is the redirect URI (same origin and path; the query carries the result). */
export const isRedirectUri = (url: URL, redirectUri: string): boolean => {
  const target = new URL(redirectUri)
  return url.origin === target.origin && url.pathname === target.pathname
}

/** The browser's cookie store and redirect handling. */
export const browserInteraction: InteractionFactory = (fetchFn) => {
  const fetch: FetchLike = (input, init) => fetchFn(input, { ...init, credentials: 'include' })
  return {
    fetch,
    async follow(url, redirectUri) {
      let response: Response
      try {
        response = await fetch(url)
      } catch (cause) {
        throw networkError(cause)
      }
      const final = new URL(response.url || url)
      if (!isRedirectUri(final, redirectUri)) throw callbackNotReached(response.status)
      return final
    },
    save: () => null,
  }
}

/** Follows redirects one by one with `fetch` (which keeps cookies), up to the redirect URI. */
export async function followManually(fetch: FetchLike, url: string, redirectUri: string): Promise<URL> {
  let next = new URL(url)
  for (let hop = 0; hop < 10; hop++) {
    if (isRedirectUri(next, redirectUri)) return next
    let response: Response
    try {
      response = await fetch(next.href, { redirect: 'manual', headers: { accept: 'text/html,application/json' } })
    } catch (cause) {
      throw networkError(cause)
    }
    const location = response.headers.get('location')
    if (response.status < 300 || response.status > 399 || !location) throw await oidcError(response)
    await response.body?.cancel()
    next = new URL(location, next)
  }
  throw callbackNotReached()
}

/** An OAuth error answer (`{ error, error_description }`) as an AuthError; the description is not echoed. */
export async function oidcError(response: Response): Promise<AuthError> {
  const body = (await response.json().catch(() => null)) as { error?: unknown; error_description?: unknown } | null
  const error = typeof body?.error === 'string' && /^[a-z_]+$/.test(body.error) ? (body.error as OAuthErrorCode) : null
  // OAuth says `invalid_grant` for any refused refresh token; the description tells a replayed one.
  const reused = typeof body?.error_description === 'string' && /reuse|already used/i.test(body.error_description)
  const status = response.status
  return new AuthError(`The sign-in service refused the request${error ? ` (${error})` : ''}.`, {
    code: reused ? 'refresh_token_reused' : (error ?? `http_${status}`),
    // A refused grant (an unknown, spent or revoked code or refresh token) ends the sign-in or session.
    kind: error === 'invalid_grant' || error === 'access_denied' ? 'auth' : kindForStatus(status),
    status,
  })
}
