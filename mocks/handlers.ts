import { http, HttpResponse } from 'msw'
import type { Backend } from './backend'

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

/** msw `http` handlers delegating to the backend; a network-error fault becomes `HttpResponse.error()`. */
export function createHandlers(backend: Backend): MockHandler[] {
  return MOCK_ROUTE_PATTERNS.map((pattern) =>
    http.all(pattern, async ({ request }) => {
      const response = await backend.handle(request)
      if (!response) return undefined
      return response.type === 'error' ? HttpResponse.error() : response
    }),
  )
}
