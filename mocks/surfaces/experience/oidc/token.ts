/**
 * `POST /oidc/token` (authorization_code with PKCE, refresh_token with rotation and reuse
 * detection) and `POST /oidc/token/revocation`. Public clients: `client_id` in the form body.
 */
import { json } from '../../../control/json'
import { timingSafeEqual } from '../../../state/constant-time'
import { toBase64Url } from '../../../state/bytes'
import type { BackendState, SessionRecord, User } from '../../../state/types'
import { readBodyText, mediaTypeOf } from '../../../validation'
import { setBounded } from '../bounded'
import { oidcError } from '../errors'
import { issuerOf } from './authorize'
import { clientById, type OidcClient } from './clients'
import { authorizationCodes } from './codes'

/** What the token service does not keep about an OIDC session: client, scopes, authentication. */
export interface OidcSession {
  clientId: string
  scopes: string[]
  authTime: number
  amr: string[]
}

export const oidcSessions = (state: BackendState) => state.scratch('experience:oidc-sessions', () => new Map<string, OidcSession>())

const ID_TOKEN_TTL_SECONDS = 3600
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/

/** Token errors: 400 JSON, never `WWW-Authenticate` (public clients do not authenticate). */
const tokenError = (error: string, description: string) => oidcError(400, error, description, { pragma: 'no-cache' })

async function s256(verifier: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
}

/** The form parameters, or an error response (wrong media type, repeated parameter, unreadable body). */
export async function readForm(request: Request): Promise<URLSearchParams | Response> {
  if (mediaTypeOf(request.headers.get('content-type')) !== 'application/x-www-form-urlencoded') {
    return tokenError('invalid_request', 'the body must be application/x-www-form-urlencoded')
  }
  const read = await readBodyText(request)
  if (!read.ok) return read.status === 413 ? oidcError(413, 'invalid_request', 'the body is too large') : tokenError('invalid_request', 'the body could not be read')
  const form = new URLSearchParams(read.text)
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1) return tokenError('invalid_request', `parameter ${name} must not be repeated`)
  }
  return form
}

/** Claims the scopes allow (`profile`, `email`, `phone`) for id tokens and userinfo. */
export function scopedClaims(user: User, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {}
  if (scopes.includes('profile')) {
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ')
    Object.assign(claims, { username: user.username, name: name || null })
  }
  if (scopes.includes('email')) Object.assign(claims, { email: user.email, email_verified: user.emailVerifiedAt !== null || (user.email !== null && user.verified) })
  if (scopes.includes('phone')) Object.assign(claims, { phone_number: user.phone, phone_number_verified: user.phone !== null && user.phoneVerifiedAt !== null })
  return claims
}

async function tokenResponse(state: BackendState, origin: string, client: OidcClient, session: SessionRecord, info: OidcSession, user: User, extras: { nonce?: string | null; refreshToken?: string }): Promise<Response> {
  const ttl = state.config.experience.accessTokenTtlSeconds
  const scope = info.scopes.join(' ')
  const accessToken = await state.tokens.signAccessToken(session, ttl, { client_id: client.id, scope, amr: info.amr })
  const iat = Math.floor(state.clock.now() / 1000)
  const idToken = await state.tokens.signJwt({
    ...scopedClaims(user, info.scopes),
    iss: issuerOf(origin),
    sub: user.id,
    aud: client.id,
    iat,
    exp: iat + ID_TOKEN_TTL_SECONDS,
    auth_time: info.authTime,
    amr: info.amr,
    sid: session.id,
    ...(extras.nonce ? { nonce: extras.nonce } : {}),
  })
  const out: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, id_token: idToken, scope }
  if (extras.refreshToken) out['refresh_token'] = extras.refreshToken
  return json(out, 200, { 'cache-control': 'no-store', pragma: 'no-cache' })
}

async function authorizationCodeGrant(state: BackendState, origin: string, client: OidcClient, form: URLSearchParams): Promise<Response> {
  const code = form.get('code')
  const verifier = form.get('code_verifier')
  const redirectUri = form.get('redirect_uri')
  if (!code || !verifier || !redirectUri) return tokenError('invalid_request', 'code, code_verifier and redirect_uri are required')
  const codes = authorizationCodes(state)
  const stored = codes.get(code)
  if (!stored || state.clock.now() >= stored.expiresAt || stored.request.clientId !== client.id) return tokenError('invalid_grant', 'the authorization code is invalid or expired')
  if (stored.sessionId !== null) {
    // A code presented twice: whatever the first exchange issued is revoked (RFC 6749 §4.1.2).
    state.tokens.revokeSession(stored.sessionId)
    return tokenError('invalid_grant', 'the authorization code was already used')
  }
  if (stored.request.redirectUri !== redirectUri) return tokenError('invalid_grant', 'redirect_uri does not match the authorization request')
  // A wrong verifier does not spend the code: only its rightful holder can finish.
  if (!VERIFIER.test(verifier) || !timingSafeEqual(await s256(verifier), stored.request.codeChallenge)) return tokenError('invalid_grant', 'PKCE verification failed')
  const user = state.users.get(stored.result.userId)
  if (!user || user.suspended || !user.isActive) return tokenError('invalid_grant', 'the account is no longer available')

  const session = state.tokens.startSession({ userId: user.id, surface: 'experience', amr: stored.result.amr })
  stored.sessionId = session.id
  const info: OidcSession = { clientId: client.id, scopes: stored.request.scopes, authTime: stored.result.authTime, amr: stored.result.amr }
  setBounded(oidcSessions(state), session.id, info)
  const refreshToken = info.scopes.includes('offline_access') ? state.tokens.issueRefreshToken(session, state.config.experience.refreshTokenTtlSeconds).token : undefined
  return tokenResponse(state, origin, client, session, info, user, { nonce: stored.request.nonce, ...(refreshToken ? { refreshToken } : {}) })
}

async function refreshTokenGrant(state: BackendState, origin: string, client: OidcClient, form: URLSearchParams): Promise<Response> {
  const token = form.get('refresh_token')
  if (!token) return tokenError('invalid_request', 'refresh_token is required')
  // Another client's refresh token is not spent here (another surface's is not even seen).
  const inspected = state.tokens.inspectRefreshToken(token, 'experience')
  if (inspected.ok && oidcSessions(state).get(inspected.session.id)?.clientId !== client.id) return tokenError('invalid_grant', 'the refresh token is invalid')
  const rotated = state.tokens.rotateRefreshToken(token, 'experience', state.config.experience.refreshTokenTtlSeconds)
  if (!rotated.ok) {
    const reused = rotated.reason === 'reused'
    return tokenError('invalid_grant', reused ? 'the refresh token was already used; its session is revoked' : 'the refresh token is invalid, expired or revoked')
  }
  const info = oidcSessions(state).get(rotated.session.id)
  const user = state.users.get(rotated.userId)
  if (!info || !user || user.suspended || !user.isActive) {
    state.tokens.revokeSession(rotated.session.id)
    return tokenError('invalid_grant', 'the refresh token is invalid')
  }
  return tokenResponse(state, origin, client, rotated.session, info, user, { refreshToken: rotated.refreshToken })
}

export async function exchangeToken(state: BackendState, request: Request, url: URL): Promise<Response> {
  const form = await readForm(request)
  if (form instanceof Response) return form
  const clientId = form.get('client_id')
  if (!clientId) return tokenError('invalid_request', 'client_id is required')
  const client = clientById(clientId)
  if (!client) return tokenError('invalid_client', 'unknown client')
  const grant = form.get('grant_type')
  if (!grant) return tokenError('invalid_request', 'grant_type is required')
  if (grant === 'authorization_code') return authorizationCodeGrant(state, url.origin, client, form)
  if (grant === 'refresh_token') return refreshTokenGrant(state, url.origin, client, form)
  return tokenError('unsupported_grant_type', `grant_type ${grant} is not supported`)
}

/**
 * RFC 7009: revoking a refresh or access token ends its whole session (so `signOut` logs the
 * device out). Unknown tokens are answered 200 too, as the RFC asks.
 */
export async function revokeToken(state: BackendState, request: Request): Promise<Response> {
  const form = await readForm(request)
  if (form instanceof Response) return form
  const client = clientById(form.get('client_id'))
  if (!client) return tokenError('invalid_client', 'unknown client')
  const token = form.get('token')
  if (!token) return tokenError('invalid_request', 'token is required')
  const owned = (sessionId: string) => oidcSessions(state).get(sessionId)?.clientId === client.id
  const inspected = state.tokens.inspectRefreshToken(token, 'experience')
  if (inspected.ok && owned(inspected.session.id)) state.tokens.revokeSession(inspected.session.id)
  else if (token.split('.').length === 3) {
    const verified = await state.tokens.verifyAccessToken(token, 'experience')
    if (verified.ok && owned(verified.session.id)) state.tokens.revokeSession(verified.session.id)
  }
  return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } })
}
