import type { SessionUser, TokenSet } from './adapter'

/** What the core keeps (memory and storage): tokens plus who they belong to. */
export interface StoredSession {
  tokens: TokenSet
  user: SessionUser
}

/**
 * The session as the app sees it. It deliberately carries no token: `getAccessToken()` is the
 * one way to read one, so nobody holds on to a stale copy and a logged session leaks nothing.
 */
export interface Session {
  user: SessionUser
  /** When the access token expires, epoch ms on the local clock; null when unknown. */
  expiresAt: number | null
}

export const toSession = (stored: StoredSession, skew: number): Session => ({
  user: { ...stored.user },
  expiresAt: stored.tokens.expiresAt === null ? null : stored.tokens.expiresAt - skew,
})

/**
 * How early to refresh: the configured margin, but never more than half the token's lifetime,
 * or a short-lived token would look due the moment it arrives.
 */
export function refreshAt(tokens: TokenSet, marginMs: number): number | null {
  const { expiresAt, issuedAt } = tokens
  if (expiresAt === null) return null
  const lifetime = typeof issuedAt === 'number' ? expiresAt - issuedAt : Infinity
  return expiresAt - Math.min(marginMs, lifetime / 2)
}

export const isDue = (tokens: TokenSet, marginMs: number, now: number): boolean => {
  const at = refreshAt(tokens, marginMs)
  return at !== null && now >= at
}

export const isExpired = (tokens: TokenSet, now: number): boolean => tokens.expiresAt !== null && now >= tokens.expiresAt

export const sameTokens = (a: StoredSession | null, b: StoredSession | null): boolean =>
  a?.tokens.accessToken === b?.tokens.accessToken && a?.tokens.refreshToken === b?.tokens.refreshToken
