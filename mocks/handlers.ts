import { http, HttpResponse } from 'msw'
import type { Backend } from './backend'
import { PAGE_COOKIE_HEADER } from './state/request-cookies'

/**
 * Path patterns the backend may answer, origin-agnostic (`*​/...`) so the same handlers serve
 * `setupServer`, `setupWorker` and the standalone server whatever the base URL. A matching
 * request the backend does not own (say an app's own `/auth/callback`) falls through: the
 * resolver returns nothing and msw moves on.
 */
export const MOCK_ROUTE_PATTERNS = [
  '*/api/graphql',
  '*/graphql',
  '*/graphql/relay',
  '*/api/experience',
  '*/api/experience/*',
  '*/oidc/*',
  '*/sign-in',
  '*/consent',
  '*/auth/*',
  '*/__mock',
  '*/__mock/*',
  '*/.well-known/jwks.json',
] as const

/** An msw request handler serving the mock backend. */
export type MockHandler = ReturnType<typeof http.all>

/**
 * The route patterns as one RegExp msw is given. msw matches string patterns with
 * path-to-regexp, which URI-decodes what each `*` captured and throws `URIError` on a malformed
 * escape such as `/auth/%ZZ`: a 500 under `setupServer`. The same patterns as a RegExp without
 * capture groups match the same URLs (any origin, case-insensitive, optional trailing slash, like
 * path-to-regexp) and decode nothing; the backend then answers the path itself (a 404 for
 * `/auth/%ZZ`).
 */
export function routeRegExp(patterns: readonly string[]): RegExp {
  const sources = patterns.map((pattern) =>
    pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*'),
  )
  return new RegExp(`^(?:${sources.join('|')})\\/?$`, 'i')
}

/**
 * In a page the request cannot carry its `Cookie` header (msw reads the page's cookies into
 * `cookies` instead): they travel to the backend in `PAGE_COOKIE_HEADER`. Outside a page the
 * request's own `Cookie` header is the only source, so a client that sends none has none.
 */
function withPageCookies(request: Request, cookies: Record<string, string>): Request {
  const names = Object.keys(cookies)
  if (typeof document === 'undefined' || names.length === 0 || request.headers.has('cookie')) return request
  const headers = new Headers(request.headers)
  headers.set(PAGE_COOKIE_HEADER, names.map((name) => `${name}=${cookies[name]}`).join('; '))
  return new Request(request, { headers })
}

/**
 * One msw handler for the whole backend, delegating to it; a network-error fault becomes
 * `HttpResponse.error()`. One rather than one per route: msw prepares each handler it tries
 * (cookies, URL matching) per request, so a route matched last paid that once per handler.
 */
export function createHandlers(backend: Backend): MockHandler[] {
  return [
    http.all(routeRegExp(MOCK_ROUTE_PATTERNS), async ({ request, cookies }) => {
      const response = await backend.handle(withPageCookies(request, cookies))
      if (!response) return undefined
      return response.type === 'error' ? HttpResponse.error() : response
    }),
  ]
}
