/**
 * `auth.fetch`: fetch with the bearer token, one refresh-and-retry when the token is rejected,
 * and the step-up handoff. A body that can be consumed (a stream, a Request's) is cloned before
 * the first send and every retry sends a fresh clone, so a POST body is replayed intact; a string
 * body is simply sent again. There is exactly one retry per reason, never a loop. The token only goes where `authorize`
 * allows (by default the backend's own origin): a request anywhere else is passed on untouched.
 */
import { abortable } from '../core/abort'
import { AuthError } from '../core/errors'
import type { FetchLike } from '../core/types'

export interface AuthenticatedFetchOptions {
  baseUrl: string
  fetch: FetchLike
  /** Whether a request to `url` may carry the access token. */
  authorize(url: string): boolean
  /** A valid access token, or null when signed out; a wait for a refresh ends when `signal` aborts. */
  accessToken(signal?: AbortSignal | null): Promise<string | null>
  /**
   * Which session a token belongs to (changes on sign-out or another user's sign-in, not on a
   * refresh): a retry or a step-up replay is only sent in the session of the first send.
   */
  session?(): unknown
  /** After the server rejected `token`: a newer token, or null when there is none. */
  refreshRejected(token: string): Promise<string | null>
  /** The `Authorization` scheme before the token; default `Bearer`. */
  scheme?: string | undefined
  /** Whether a response means "token rejected"; default: status 401. See `AuthApi.isUnauthorized`. */
  isUnauthorized?: ((response: Response, handOn: (copy: Response) => void) => Promise<boolean>) | undefined
  /** Step-up: the response to return instead, or null when `response` is not a step-up. */
  stepUp?(request: Request, response: Response, send: (headers?: Record<string, string>) => Promise<Response>): Promise<Response | null>
}

/**
 * The absolute URL of fetch's input. Relative URLs are appended to `baseUrl` (so a baseUrl with
 * a path prefix keeps it: `/users` under `https://x/api` is `https://x/api/users`).
 */
export function toUrl(input: Request | string | URL, baseUrl: string): string {
  const url = isRequest(input) ? input.url : String(input)
  return /^[a-z][a-z\d+.-]*:/i.test(url) ? url : new URL(url.replace(/^\/+/, ''), baseUrl.replace(/\/*$/, '/')).href
}

/**
 * Not `instanceof`: a Request or URL from another realm or a polyfill is still one. A URL has
 * no `method`.
 */
export const isRequest = (input: Request | string | URL): input is Request => typeof input === 'object' && 'method' in input

/** A Request from fetch's arguments, relative URLs resolved as `toUrl` does. */
export function toRequest(input: Request | string | URL, init: RequestInit | undefined, baseUrl: string): Request {
  return isRequest(input) ? new Request(input, init) : new Request(toUrl(input, baseUrl), init)
}

/**
 * `authorize` for `createAuthenticatedFetch`: the origin of `baseUrl`, plus `extra` origins
 * (strings; a full URL counts as its origin) or whatever `extra` (a function) accepts.
 */
export function tokenOrigins(baseUrl: string, extra: readonly string[] | ((url: URL) => boolean) = []): (url: string) => boolean {
  const origin = (url: string | URL): string => new URL(url).origin
  const allowed = new Set([origin(baseUrl), ...(typeof extra === 'function' ? [] : extra.map(origin))])
  return (url) => allowed.has(origin(url)) || (typeof extra === 'function' && extra(new URL(url)))
}

export function createAuthenticatedFetch(o: AuthenticatedFetchOptions): FetchLike {
  const unauthorized = o.isUnauthorized ?? (async (response: Response) => response.status === 401)

  return async (input, init) => {
    const url = toUrl(input, o.baseUrl)
    // Never hand the token to a third party (an absolute URL elsewhere, a CDN, an analytics host).
    const request = isRequest(input)
    if (!o.authorize(url)) return o.fetch(request ? input : url, init)
    // A string body (or none) can simply be sent again; anything else (a stream, a Request's
    // body) is replayed from a clone of the request taken before the first send.
    const body = init?.body
    const resendable = !request && (body == null || typeof body === 'string')
    const template = resendable ? null : toRequest(input, init, o.baseUrl)
    const headers = template?.headers ?? new Headers(init?.headers)
    // The caller brought its own credentials: not ours to refresh.
    if (headers.has('authorization')) return o.fetch(template ?? url, template ? undefined : init)

    // Every wait (a refresh, a step-up check) gives up when the caller aborts.
    const signal = init?.signal ?? (request ? input.signal : undefined)
    let sentToken: string | null = null
    let owner: unknown
    let sends = 0
    const send = async (extra?: Record<string, string>): Promise<Response> => {
      const token = await o.accessToken(signal)
      const session = o.session?.()
      if (sends++ && session !== owner) {
        throw new AuthError('Session changed: not sent again.', { code: 'session_changed', kind: 'auth' })
      }
      owner = session
      sentToken = token
      // A fresh Headers object rather than mutating the clone's: under msw's Node interceptor a
      // cloned Request whose headers were set in place drops its original headers when copied.
      const merged = new Headers(headers)
      if (sentToken) merged.set('authorization', `${o.scheme ?? 'Bearer'} ${sentToken}`)
      for (const [name, value] of Object.entries(extra ?? {})) merged.set(name, value)
      return o.fetch(template ? new Request(template.body ? template.clone() : template, { headers: merged }) : url, template ? undefined : { ...init, headers: merged })
    }
    // A step-up is refused with an error status; only then is the request needed as an object.
    const stepUp = async (response: Response): Promise<Response> =>
      (!response.ok && o.stepUp && (await abortable(o.stepUp(template ?? toRequest(input, init, o.baseUrl), response, send), signal))) || response

    let response = await send()
    // Step-up first: a wrong step-up code can also be a 401 that no refresh would fix.
    let afterStepUp = await stepUp(response)
    // A check that read the body hands on an unread copy of it: the body is read once.
    if (afterStepUp !== response || !sentToken || !(await unauthorized(response, (copy) => (afterStepUp = response = copy)))) return afterStepUp
    const fresh = await abortable(o.refreshRejected(sentToken), signal).catch((error: unknown) => {
      if (signal?.aborted) throw error
      return null
    })
    // No newer token, or one of another session (signed out, someone else signed in): the caller gets the 401.
    if (!fresh || fresh === sentToken || o.session?.() !== owner) return response
    // Nobody reads the rejected body; free its connection.
    response.body?.cancel().catch(() => {})
    return stepUp(await send())
  }
}
