/**
 * `GET /oidc/auth` parks an authorization request as an interaction and sends the browser to the
 * sign-in page; `GET /oidc/auth/:uid` (the `redirectTo` of submit) turns the submitted
 * interaction into an authorization code on the client's redirect URI.
 */
import { nanoid } from '../../../state/random'
import type { BackendState } from '../../../state/types'
import { clearedInteractionCookies, interactionCookies, readSignedCookie, RESUME_COOKIE, setCookies } from '../cookies'
import { oidcError } from '../errors'
import { INTERACTION_TTL_SECONDS, interactions, liveInteraction, type Interaction } from '../interaction'
import { setBounded } from '../bounded'
import { clientById } from './clients'
import { issueAuthorizationCode } from './codes'

export const SIGN_IN_PATH = '/sign-in'
/** Scopes the provider knows; others are dropped from the request. */
export const SUPPORTED_SCOPES = ['openid', 'offline_access', 'profile', 'email', 'phone'] as const
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/

export const issuerOf = (origin: string) => `${origin}/oidc`

function redirect(location: string, cookies: string[] = []): Response {
  return new Response(null, { status: 303, headers: setCookies(new Headers({ location, 'cache-control': 'no-store' }), cookies) })
}

/** An error sent back to the (verified) redirect URI, as RFC 6749 §4.1.2.1 says. */
function errorRedirect(redirectUri: string, origin: string, error: string, description: string, state: string | null): Response {
  const target = new URL(redirectUri)
  target.searchParams.set('error', error)
  target.searchParams.set('error_description', description)
  if (state) target.searchParams.set('state', state)
  target.searchParams.set('iss', issuerOf(origin))
  return redirect(target.toString())
}

export async function authorize(state: BackendState, url: URL): Promise<Response> {
  const params = url.searchParams
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) return oidcError(400, 'invalid_request', `parameter ${name} must not be repeated`)
  }
  const client = clientById(params.get('client_id'))
  if (!client) return oidcError(400, 'invalid_client', 'client_id is missing or unknown')
  const redirectUri = params.get('redirect_uri')
  // Never redirect to an address the client did not register.
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) return oidcError(400, 'invalid_redirect_uri', 'redirect_uri is missing or not registered for this client')
  const oauthState = params.get('state')
  const fail = (error: string, description: string) => errorRedirect(redirectUri, url.origin, error, description, oauthState)

  if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported')
  const codeChallenge = params.get('code_challenge')
  if (params.get('code_challenge_method') !== 'S256' || !codeChallenge || !PKCE_CHALLENGE.test(codeChallenge)) {
    return fail('invalid_request', 'PKCE is required: code_challenge (base64url, 43-128 characters) with code_challenge_method=S256')
  }
  if (!oauthState) return fail('invalid_request', 'state is required')
  const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean)
  if (!scopes.includes('openid')) return fail('invalid_scope', 'the openid scope is required')
  const prompts = (params.get('prompt') ?? '').split(' ').filter(Boolean)
  if (prompts.includes('none')) return fail('login_required', 'an interaction is required to sign in')

  const uid = nanoid()
  const interaction: Interaction = {
    uid,
    request: {
      clientId: client.id,
      redirectUri,
      scopes: [...new Set(scopes.filter((scope) => (SUPPORTED_SCOPES as readonly string[]).includes(scope)))],
      state: oauthState,
      codeChallenge,
      nonce: params.get('nonce'),
    },
    expiresAt: state.clock.now() + INTERACTION_TTL_SECONDS * 1000,
    experience: null,
    result: null,
  }
  setBounded(interactions(state), uid, interaction)
  return redirect(SIGN_IN_PATH, await interactionCookies(state, uid, INTERACTION_TTL_SECONDS))
}

export async function resume(state: BackendState, request: Request, url: URL, uid: string): Promise<Response> {
  const interaction = liveInteraction(state, uid)
  if (!interaction) return oidcError(404, 'invalid_request', 'interaction not found or expired')
  // The resume cookie must name this very interaction; without it the interaction stays usable.
  if ((await readSignedCookie(state, request, RESUME_COOKIE)) !== uid) return oidcError(400, 'invalid_request', 'interaction cookies are missing or belong to another interaction')
  const result = interaction.result
  if (!result) return oidcError(400, 'invalid_request', 'the interaction has not been submitted')
  interactions(state).delete(uid)
  const code = issueAuthorizationCode(state, interaction.request, result)
  const target = new URL(interaction.request.redirectUri)
  target.searchParams.set('code', code)
  target.searchParams.set('state', interaction.request.state)
  target.searchParams.set('iss', issuerOf(url.origin))
  return redirect(target.toString(), clearedInteractionCookies())
}

