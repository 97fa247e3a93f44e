/**
 * graphql-jwt's tokens on the shared token service. Each `tokenAuth` (or `register`,
 * `passwordChange`) opens an `accounts` session; its JWT carries graphql-jwt's claims
 * `{ username, exp, origIat }` next to the service's own (`sub`, `sid`, `aud` ...), is signed like
 * every other token (ES256, verifiable through the JWKS) and expires on the mock clock after
 * `accounts.jwtTtlSeconds`. Refresh tokens are graphql-jwt's 40 hex characters, valid
 * `accounts.refreshTokenTtlSeconds`; `refreshToken` issues a new one without spending the old
 * (JWT_LONG_RUNNING_REFRESH_TOKEN as graphql-jwt 0.3.0 does it), `revokeToken` ends just one.
 * Revoking a user's refresh tokens (password change/reset, archive, delete) ends their sessions,
 * which also stops the JWTs issued in them (stricter than graphql-jwt, whose JWTs live until `exp`).
 */
import { decodeJwt } from 'jose'
import type { BackendState, SessionRecord, User } from '../../state/types'

export const SURFACE = 'accounts' as const

/** What `tokenAuth`, `refreshToken` and `verifyToken` return as `payload`. */
export interface JwtPayload {
  username: string
  exp: number
  origIat: number
}

export interface TokenPair {
  token: string
  payload: JwtPayload
  refreshToken: string
  refreshExpiresIn: number
}

/** The name graphql-jwt puts in `username` (USERNAME_FIELD); users made without one go by email. */
export const loginName = (user: User): string => user.username ?? user.email ?? user.id

export function payloadOf(claims: Record<string, unknown>): JwtPayload {
  return { username: String(claims['username']), exp: Number(claims['exp']), origIat: Number(claims['origIat']) }
}

async function accessToken(state: BackendState, session: SessionRecord, user: User): Promise<{ token: string; payload: JwtPayload }> {
  const origIat = Math.floor(state.clock.now() / 1000)
  const token = await state.tokens.signAccessToken(session, state.config.accounts.jwtTtlSeconds, { username: loginName(user), origIat })
  // Read back from the token itself, so `payload` is exactly what was signed.
  const claims = decodeJwt(token)
  return { token, payload: { ...payloadOf(claims), origIat: Number(claims.iat) } }
}

function refreshPair(state: BackendState, session: SessionRecord): { refreshToken: string; refreshExpiresIn: number } {
  const issued = state.tokens.issueRefreshToken(session, state.config.accounts.refreshTokenTtlSeconds, 'hex40')
  return { refreshToken: issued.token, refreshExpiresIn: Math.floor(issued.expiresAt / 1000) }
}

/** A new session with a JWT and a refresh token; records the sign-in as the user's last login. */
export async function signIn(state: BackendState, user: User): Promise<TokenPair> {
  const session = state.tokens.startSession({ userId: user.id, surface: SURFACE, amr: ['pwd'] })
  state.users.update(user.id, { lastLoginAt: state.clock.now() })
  return { ...(await accessToken(state, session, user)), ...refreshPair(state, session) }
}

/** A new JWT and an additional refresh token in an existing session. */
export async function renew(state: BackendState, session: SessionRecord, user: User): Promise<TokenPair> {
  return { ...(await accessToken(state, session, user)), ...refreshPair(state, session) }
}

/** Ends every session of the user on every surface: their refresh tokens and JWTs stop working. */
export function revokeUserTokens(state: BackendState, user: User): void {
  state.tokens.revokeUserSessions(user.id)
}

export const REFRESH_TOKEN_PATTERN = /^[0-9a-f]{40}$/
