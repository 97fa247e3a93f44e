/**
 * `auth.fetch`: fetch with the bearer token, one refresh-and-retry when the token is rejected,
 * and the step-up handoff. The request is cloned before it is sent and every retry sends a
 * fresh clone, so a POST body is replayed intact (a sent body is consumed and cannot be reused);
 * there is exactly one retry per reason, never a loop.
 */
import type { FetchLike } from '../core/types'

export interface AuthenticatedFetchOptions {
  baseUrl: string
  fetch: FetchLike
  /** A valid access token, or null when signed out. */
  accessToken(): Promise<string | null>
  /** After the server rejected `token`: a newer token, or null when there is none. */
  refreshRejected(token: string): Promise<string | null>
  /** Whether a response means "token rejected"; default: status 401. */
  isUnauthorized?(response: Response): Promise<boolean>
  /** Step-up: the response to return instead, or null when `response` is not a step-up. */
  stepUp?(request: Request, response: Response, send: (headers?: Record<string, string>) => Promise<Response>): Promise<Response | null>
}

/**
 * A Request from fetch's arguments. Relative URLs are appended to `baseUrl` (so a baseUrl with a
 * path prefix keeps it: `/users` under `https://x/api` is `https://x/api/users`).
 */
export function toRequest(input: Request | string | URL, init: RequestInit | undefined, baseUrl: string): Request {
  // Not `instanceof`: a Request from another realm or a polyfill is still a Request.
  if (typeof input === 'object' && !(input instanceof URL)) return new Request(input, init)
  const url = String(input)
  return new Request(/^[a-z][a-z\d+.-]*:/i.test(url) ? url : new URL(url.replace(/^\/+/, ''), baseUrl.replace(/\/*$/, '/')), init)
}

export function createAuthenticatedFetch(o: AuthenticatedFetchOptions): FetchLike {
  const unauthorized = o.isUnauthorized ?? (async (response: Response) => response.status === 401)

  return async (input, init) => {
    const template = toRequest(input, init, o.baseUrl)
    // The caller brought its own credentials: not ours to refresh.
    if (template.headers.has('authorization')) return o.fetch(template)

    let sentToken: string | null = null
    const send = async (headers?: Record<string, string>): Promise<Response> => {
      sentToken = await o.accessToken()
      // A fresh Headers object rather than mutating the clone's: under msw's Node interceptor a
      // cloned Request whose headers were set in place drops its original headers when copied.
      const merged = new Headers(template.headers)
      if (sentToken) merged.set('authorization', `Bearer ${sentToken}`)
      for (const [name, value] of Object.entries(headers ?? {})) merged.set(name, value)
      return o.fetch(new Request(template.clone(), { headers: merged }))
    }
    const stepUp = async (response: Response): Promise<Response> => (await o.stepUp?.(template, response, send)) ?? response

    const response = await send()
    // Step-up first: a wrong step-up code can also be a 401 that no refresh would fix.
    const afterStepUp = await stepUp(response)
    if (afterStepUp !== response || !sentToken || !(await unauthorized(response))) return afterStepUp
    const fresh = await o.refreshRejected(sentToken).catch(() => null)
    if (!fresh || fresh === sentToken) return response
    // Nobody reads the rejected body; free its connection.
    response.body?.cancel().catch(() => {})
    return stepUp(await send())
  }
}
