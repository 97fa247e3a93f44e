/**
 * The registered OIDC clients. Public clients (no secret, PKCE S256 required); fixed, so they
 * survive `/__mock/reset`.
 */
export interface OidcClient {
  id: string
  redirectUris: readonly string[]
  postLogoutRedirectUris: readonly string[]
}

export const DEMO_CLIENT_ID = 'portcullis-demo'
export const DEMO_REDIRECT_URI = 'http://localhost:5173/callback'

export const OIDC_CLIENTS: ReadonlyMap<string, OidcClient> = new Map([
  [DEMO_CLIENT_ID, { id: DEMO_CLIENT_ID, redirectUris: [DEMO_REDIRECT_URI], postLogoutRedirectUris: ['http://localhost:5173/'] }],
])

export function clientById(id: string | null | undefined): OidcClient | undefined {
  return typeof id === 'string' ? OIDC_CLIENTS.get(id) : undefined
}

/** Origins of every registered redirect URI: a custom sign-in page may live there. */
export function clientOrigins(): string[] {
  return [...new Set([...OIDC_CLIENTS.values()].flatMap((client) => client.redirectUris.map((uri) => new URL(uri).origin)))]
}
