import { http, HttpResponse } from 'msw'
import type { Backend } from './backend'
import { keepPageCookies, lostCookies } from './set-cookies'

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

export type MockHandler = ReturnType<typeof http.all>

/**
 * A route pattern as the RegExp msw is given. msw matches string patterns with path-to-regexp,
 * which URI-decodes what each `*` captured and throws `URIError` on a malformed escape such as
 * `/auth/%ZZ`: a 500 under `setupServer`, a dropped connection in the standalone server. The same
 * pattern as a RegExp without capture groups matches the same URLs (any origin, case-insensitive,
 * optional trailing slash, like path-to-regexp) and decodes nothing; the backend then answers the
 * path itself (a 404 for `/auth/%ZZ`).
 */
export function routeRegExp(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${source}\\/?$`, 'i')
}

/** msw `http` handlers delegating to the backend; a network-error fault becomes `HttpResponse.error()`. */
export function createHandlers(backend: Backend): MockHandler[] {
  return MOCK_ROUTE_PATTERNS.map((pattern) =>
    http.all(routeRegExp(pattern), async ({ request, cookies }) => {
      keepPageCookies(request, cookies)
      const response = await backend.handle(request)
      if (!response) return undefined
      if (response.type === 'error') return HttpResponse.error()
      const lost = lostCookies(response)
      if (!lost.length) return response
      // In a page: msw's HttpResponse puts them in document.cookie and its cookie store.
      const headers = new Headers(response.headers)
      for (const cookie of lost) headers.append('set-cookie', cookie)
      return new HttpResponse(response.body, { status: response.status, statusText: response.statusText, headers })
    }),
  )
}
