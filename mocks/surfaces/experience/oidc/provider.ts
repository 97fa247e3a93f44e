/** Discovery, JWKS, userinfo and end-session of the minimal OIDC provider. */
import { createLocalJWKSet, jwtVerify } from 'jose'
import { json } from '../../../control/json'
import type { BackendState } from '../../../state/types'
import { clearedInteractionCookies, setCookies } from '../cookies'
import { oidcError } from '../errors'
import { issuerOf, SUPPORTED_SCOPES } from './authorize'
import { clientById } from './clients'
import { oidcSessions, scopedClaims } from './token'

export const OIDC_PATHS = {
  discovery: '/oidc/.well-known/openid-configuration',
  authorize: '/oidc/auth',
  token: '/oidc/token',
  revocation: '/oidc/token/revocation',
  jwks: '/oidc/jwks',
  userinfo: '/oidc/me',
  endSession: '/oidc/session/end',
} as const

export function discovery(url: URL): Response {
  const origin = url.origin
  return json(
    {
      issuer: issuerOf(origin),
      authorization_endpoint: `${origin}${OIDC_PATHS.authorize}`,
      token_endpoint: `${origin}${OIDC_PATHS.token}`,
      jwks_uri: `${origin}${OIDC_PATHS.jwks}`,
      userinfo_endpoint: `${origin}${OIDC_PATHS.userinfo}`,
      end_session_endpoint: `${origin}${OIDC_PATHS.endSession}`,
      revocation_endpoint: `${origin}${OIDC_PATHS.revocation}`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: [...SUPPORTED_SCOPES],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'amr', 'sid', 'nonce', 'username', 'name', 'email', 'email_verified', 'phone_number', 'phone_number_verified'],
      authorization_response_iss_parameter_supported: true,
      prompt_values_supported: ['login', 'consent', 'none'],
    },
    200,
    { 'cache-control': 'no-cache' },
  )
}

export async function jwks(state: BackendState): Promise<Response> {
  return json(await state.tokens.jwks(), 200, { 'cache-control': 'no-cache' })
}

/** OIDC userinfo: a bearer access token of the experience surface → the claims its scopes allow. */
export async function userinfo(state: BackendState, request: Request): Promise<Response> {
  const unauthorized = (description: string) =>
    json({ error: 'invalid_token', error_description: description }, 401, { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` })
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(request.headers.get('authorization') ?? '')
  if (!match) return unauthorized('a bearer access token is required')
  const verified = await state.tokens.verifyAccessToken(match[1]!, 'experience')
  if (!verified.ok) return unauthorized('the access token is invalid, expired or revoked')
  const info = oidcSessions(state).get(verified.session.id)
  const user = state.users.get(verified.claims.sub)
  if (!info || !user) return unauthorized('the access token is invalid, expired or revoked')
  return json({ ...scopedClaims(user, info.scopes), sub: user.id })
}

/**
 * RP-initiated logout: the session named by `id_token_hint` (signed by us, for that client, even
 * if expired) is revoked; then back to a registered `post_logout_redirect_uri`, or a plain 200.
 */
export async function endSession(state: BackendState, url: URL): Promise<Response> {
  const params = url.searchParams
  const hint = params.get('id_token_hint')
  let clientId = params.get('client_id')
  if (hint) {
    try {
      const { payload } = await jwtVerify(hint, createLocalJWKSet(await state.tokens.jwks()), {
        issuer: issuerOf(url.origin),
        currentDate: new Date(state.clock.now()),
        // An expired id token still names the session to end.
        clockTolerance: Number.MAX_SAFE_INTEGER,
      })
      const aud = typeof payload.aud === 'string' ? payload.aud : null
      if (clientId && aud !== clientId) return oidcError(400, 'invalid_request', 'id_token_hint was not issued to client_id')
      clientId = aud
      if (typeof payload.sid === 'string' && oidcSessions(state).get(payload.sid)?.clientId === aud) state.tokens.revokeSession(payload.sid)
    } catch {
      return oidcError(400, 'invalid_request', 'id_token_hint is not a valid id token of this provider')
    }
  }
  const headers = setCookies(new Headers({ 'cache-control': 'no-store' }), clearedInteractionCookies())
  const target = params.get('post_logout_redirect_uri')
  if (target) {
    const client = clientById(clientId)
    if (!client || !client.postLogoutRedirectUris.includes(target)) return oidcError(400, 'invalid_request', 'post_logout_redirect_uri is not registered for this client')
    const location = new URL(target)
    const logoutState = params.get('state')
    if (logoutState) location.searchParams.set('state', logoutState)
    headers.set('location', location.toString())
    return new Response(null, { status: 303, headers })
  }
  headers.set('content-type', 'application/json; charset=utf-8')
  return new Response(JSON.stringify({ signedOut: true }), { status: 200, headers })
}
