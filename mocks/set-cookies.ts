/**
 * Cookies across the in-page mock. In a page, `Set-Cookie` and `Cookie` are forbidden headers:
 * a `Response` built there drops the one, a `Request` the other. So the cookies a response sets
 * are also kept beside it, for msw's handler (mocks/handlers.ts) to hand to msw's own cookie
 * support (`document.cookie`), and the cookies msw found for a request (`document.cookie`) are
 * kept beside the request for the surfaces to read (`cookieHeader`). Outside a page the headers
 * carry both, and this changes nothing.
 */
const kept = new WeakMap<Response, readonly string[]>()
const sent = new WeakMap<Request, string>()

/** The request's `Cookie` header, or in a page the cookies msw found for it. */
export const cookieHeader = (request: Request): string | null => request.headers.get('cookie') ?? sent.get(request) ?? null

/** In a page: the cookies msw found for `request` (its `cookies` resolver argument). */
export function keepPageCookies(request: Request, cookies: Record<string, string>): void {
  if (typeof document === 'undefined') return
  const pairs = Object.entries(cookies).map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
  if (pairs.length && !request.headers.has('cookie')) sent.set(request, pairs.join('; '))
}

/** `new Response(body, init)` with `Set-Cookie: <each of cookies>`, wherever it runs. */
export function responseWithCookies(body: BodyInit | null, init: ResponseInit & { headers: Headers }, cookies: readonly string[]): Response {
  for (const cookie of cookies) init.headers.append('set-cookie', cookie)
  const response = new Response(body, init)
  kept.set(response, cookies)
  return response
}

/** The cookies `response` should set that its headers lost (none outside a page). */
export function lostCookies(response: Response): readonly string[] {
  const cookies = kept.get(response) ?? []
  return cookies.length && response.headers.getSetCookie().length === 0 ? cookies : []
}
