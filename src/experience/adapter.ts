/**
 * The experience adapter: AuthClient over the Logto-style Experience API and its OIDC finish.
 *
 * A sign-in is one interaction: `GET /oidc/auth` (PKCE S256 + state) sets the interaction
 * cookies, `PUT /api/experience` starts the event, a verification record (a password, or a code
 * sent by email/SMS) identifies the user, `POST /api/experience/submit` answers `redirectTo`,
 * following it ends at the redirect URI with the authorization code, and the token endpoint
 * turns code + verifier into tokens. Whatever the backend still wants on the way is a challenge
 * (built in `./next-steps`, loaded the first time one is needed):
 *
 * - `sign_in_code` (`email_code` / `phone_code`): the one-time code of a passwordless sign-in,
 *   a sign-up, a password reset, or a profile email/phone;
 * - `sign_in_2fa` (`totp`, `webauthn`, `backup_code`): the MFA the account has;
 * - `missing_profile`: fields the sign-up settings require;
 * - `bind_mfa`: a factor to enrol (policy `Mandatory`), or to skip (`UserControlled`).
 *
 * Refresh is the `refresh_token` grant (a rotated token replaces the old one); sign-out revokes
 * the refresh token. Tokens are read, not verified: they come straight from the token endpoint
 * (resource servers verify them with `portcullis/server`).
 */
import type { AdapterContext, AdapterResult, AuthAdapter, TokenSet } from '../core/adapter'
import type { AuthClient } from '../core/auth-client'
import type { AuthResult } from '../core/challenge'
import { AuthError, kindForStatus, networkError, retryAfter, toAuthError, type AuthErrorCode, type OAuthErrorCode } from '../core/errors'
import type { FetchLike } from '../core/types'
import type { components } from '../generated/experience/openapi'
import { jwtTokenSet, readClaims } from '../transport/jwt-claims'
import { oidcError, type Interaction, type InteractionFactory } from './interaction'

type Schemas = components['schemas']
export type InteractionEvent = Schemas['InteractionEvent']

export interface ExperienceApiOptions {
  /** The OIDC client (application) id, e.g. `portcullis-demo` on the mock. */
  clientId: string
  /** A redirect URI registered for the client; the authorization code arrives there. */
  redirectUri: string
  /** Default `['openid', 'offline_access', 'profile']` (`offline_access` brings a refresh token). */
  scopes?: string[]
}

/** What `auth.signIn()` takes: an identifier with a password, or an email/phone alone for a one-time code. */
export type ExperienceCredentials =
  | { identifier: string; password: string }
  | { username: string; password: string }
  | { email: string; password?: string }
  | { phone: string; password?: string }

/** A new account: an email or phone (confirmed by a code), or a username with a password. */
export type ExperienceSignUp = { email: string } | { phone: string } | { username: string; password: string }

/** Answer to a `missing_profile` challenge: the fields it lists (an email or phone is confirmed by a code next). */
export interface ProfileAnswer {
  username?: string
  password?: string
  email?: string
  phone?: string
}

export interface ExperienceAdapter extends AuthAdapter<ExperienceCredentials> {
  /** Registers: a `sign_in_code` challenge for an email/phone; then the same steps as a sign-in. */
  signUp(context: AdapterContext, input: ExperienceSignUp): Promise<AdapterResult>
  /** Forgot password: a `sign_in_code` challenge, then `missing_profile` (`password`); ends `done` (sign in next). */
  resetPassword(context: AdapterContext, input: { email: string } | { phone: string }): Promise<AdapterResult>
}

/** The state of one interaction; everything but `interaction` travels in `ChallengeState.data` (never a password). */
export interface Flow {
  interaction: Interaction
  event: InteractionEvent
  verifier: string
  state: string
}

/** What `./next-steps` builds on. */
export interface Kit {
  name: string
  interactions: InteractionFactory
  call<T>(context: AdapterContext, flow: Flow, method: string, path: string, body?: object): Promise<T>
  advance(context: AdapterContext, flow: Flow, identify?: { verificationId?: string }): Promise<AdapterResult>
  begin(context: AdapterContext, event: InteractionEvent): Promise<Flow>
}

const NAME = 'experience'

/**
 * The backend's codes a sign-in acts on, as the SDK's codes and kinds (the rest keep their dotted
 * code; the answers to challenges are mapped in `./next-steps`).
 */
export const CODES: Record<string, [AuthErrorCode, AuthError['kind']]> = {
  'session.invalid_credentials': ['invalid_credentials', 'auth'],
  'session.verification_blocked_too_many_attempts': ['rate_limited', 'rate_limit'],
  'user.suspended': ['account_disabled', 'auth'],
}

function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
const random = (bytes: number): string => base64url(crypto.getRandomValues(new Uint8Array(bytes)))

async function send(fetchFn: FetchLike, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, init)
  } catch (cause) {
    throw networkError(cause)
  }
}

/** An `/api/experience` error body as an AuthError; the lists in `data` (missing fields, factors) become `details`. */
async function experienceError(response: Response): Promise<AuthError> {
  const status = response.status
  const body = (await response.json().catch(() => null)) as Partial<Schemas['ErrorBody']> | null
  const wire: AuthErrorCode = typeof body?.code === 'string' && body.code.includes('.') ? (body.code as `${string}.${string}`) : `http_${status}`
  const data = (body?.data ?? {}) as Record<string, unknown>
  const details: Record<string, string[]> = {}
  for (const key of ['missingProfile', 'availableFactors', 'skippable']) if (key in data) details[key] = [data[key]].flat().map(String)
  return new AuthError(typeof body?.message === 'string' ? body.message : `The experience API rejected the request (status ${status}).`, {
    code: CODES[wire]?.[0] ?? wire,
    kind: CODES[wire]?.[1] ?? kindForStatus(status),
    status,
    details: Object.keys(details).length ? details : undefined,
    retryAfterMs: retryAfter(response.headers),
  })
}

function identifierOf({ identifier = '', email, phone, username }: Record<string, string | undefined>): Schemas['SignInIdentifier'] {
  if (email) return { type: 'email', value: email }
  if (phone) return { type: 'phone', value: phone }
  if (username) return { type: 'username', value: username }
  return { type: identifier.includes('@') ? 'email' : /^\+?[\d\s()-]{6,}$/.test(identifier) ? 'phone' : 'username', value: identifier }
}

export function createExperienceApi(options: ExperienceApiOptions, interactions: InteractionFactory): ExperienceAdapter {
  const { clientId, redirectUri } = options
  const scope = (options.scopes ?? ['openid', 'offline_access', 'profile']).join(' ')
  // The OIDC endpoints are the spec's paths under `<baseUrl>/oidc` (the issuer), as discovery names them.
  const root = (context: AdapterContext): string => context.baseUrl.replace(/\/+$/, '')
  const oidc = (context: AdapterContext, path: string): string => `${root(context)}/oidc${path}`
  const nextSteps = () => import('./next-steps')

  const form = (context: AdapterContext, endpoint: string, params: Record<string, string>): Promise<Response> =>
    send(context.fetch, endpoint, {
      method: 'POST',
      body: new URLSearchParams({ client_id: clientId, ...params }),
    })

  async function tokens(context: AdapterContext, params: Record<string, string>, previous: string | null = null): Promise<TokenSet & { idToken?: string }> {
    const response = await form(context, oidc(context, '/token'), params)
    if (!response.ok) throw await oidcError(response)
    const body = (await response.json().catch(() => null)) as Partial<Schemas['TokenResponse']> | null
    if (!body?.access_token) throw new AuthError('The token endpoint sent no access token.', { code: 'bad_response', kind: 'server', status: response.status })
    const set = jwtTokenSet(body.access_token, body.refresh_token ?? previous)
    if (set.expiresAt === null && body.expires_in) set.expiresAt = context.now() + body.expires_in * 1000
    return { ...set, idToken: body.id_token }
  }

  /** Follows `redirectTo` to the redirect URI, checks what came back, and exchanges the code (PKCE) for tokens. */
  async function finish(context: AdapterContext, flow: Flow, redirectTo: string): Promise<AdapterResult> {
    const callback = (await flow.interaction.follow(redirectTo, redirectUri)).searchParams
    const iss = callback.get('iss')
    const code = callback.get('code')
    const problem =
      (callback.get('error') as OAuthErrorCode | null) ?? (callback.get('state') !== flow.state ? 'state_mismatch' : iss !== null && iss !== oidc(context, '') ? 'issuer_mismatch' : !code && 'code_missing')
    if (problem) throw new AuthError('The sign-in could not be finished; start again.', { code: problem, kind: 'auth' })
    const { idToken, ...set } = await tokens(context, { grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri, code_verifier: flow.verifier })
    const claims = readClaims(idToken ?? set.accessToken)
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)
    return { type: 'session', tokens: set, user: { id: text(claims?.sub), email: text(claims?.['email']), username: text(claims?.['username']) } }
  }

  const kit: Kit = {
    name: NAME,
    interactions,
    async call<T>(context: AdapterContext, flow: Flow, method: string, path: string, body?: object): Promise<T> {
      const response = await send(flow.interaction.fetch, `${root(context)}/api/experience${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body && JSON.stringify(body),
      })
      if (!response.ok) throw await experienceError(response)
      return (await response.json().catch(() => ({}))) as T
    },

    /** Identification (when asked), then submit and the finish; what the backend still wants becomes the next step. */
    async advance(context, flow, identify) {
      try {
        if (identify) await kit.call(context, flow, 'POST', '/identification', identify)
        // A password reset submits only after the new password (a next step).
        if (flow.event !== 'ForgotPassword') {
          const { redirectTo } = await kit.call<Schemas['SubmitInteractionResponse']>(context, flow, 'POST', '/submit')
          return await finish(context, flow, redirectTo)
        }
      } catch (error) {
        return (await nextSteps()).nextStep(kit, context, flow, toAuthError(error))
      }
      return (await nextSteps()).nextStep(kit, context, flow, null)
    },

    /** Starts an interaction: the authorization request (which sets the cookies), then the experience event. */
    async begin(context, event) {
      const verifier = random(32)
      const state = random(16)
      const query = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope,
        state,
        code_challenge: base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))),
        code_challenge_method: 'S256',
      })
      const interaction = interactions(context.fetch, null)
      const response = await send(interaction.fetch, oidc(context, `/auth?${query}`), { redirect: 'manual' })
      // A redirect to the sign-in page (opaque in a page) set the cookies; anything else is a refusal.
      if (response.status >= 400) throw await oidcError(response)
      const flow: Flow = { interaction, event, verifier, state }
      await kit.call(context, flow, 'PUT', '', { interactionEvent: event })
      return flow
    },
  }

  return {
    name: NAME,

    async signIn(context, credentials) {
      const fields = credentials as Record<string, string | undefined>
      const flow = await kit.begin(context, 'SignIn')
      const identifier = identifierOf(fields)
      if (fields['password'] === undefined) return (await nextSteps()).sendCode(kit, context, flow, identifier, 'identify')
      const { verificationId } = await kit.call<Schemas['VerificationIdResponse']>(context, flow, 'POST', '/verification/password', { identifier, password: fields['password'] })
      return kit.advance(context, flow, { verificationId })
    },

    signUp: async (context, input) => (await nextSteps()).signUp(kit, context, input),
    resetPassword: async (context, input) => (await nextSteps()).resetPassword(kit, context, input),
    verifyChallenge: async (context, state, answer) => (await nextSteps()).verify(kit, context, state, answer),
    resendChallenge: async (context, state) => (await nextSteps()).resend(kit, context, state),

    async refresh(context, current) {
      if (!current.refreshToken) throw new AuthError('There is no refresh token; sign in again.', { code: 'invalid_grant', kind: 'auth' })
      const { idToken: _, ...set } = await tokens(context, { grant_type: 'refresh_token', refresh_token: current.refreshToken }, current.refreshToken)
      return set
    },

    /** Revokes the refresh token (RFC 7009), which ends the grant on the server. */
    async signOut(context, { refreshToken, accessToken }) {
      const response = await form(context, oidc(context, '/token/revocation'), {
        token: refreshToken ?? accessToken,
        token_type_hint: refreshToken ? 'refresh_token' : 'access_token',
      })
      if (!response.ok) throw await oidcError(response)
    },
  }
}

/** Creates an account (`{ email }`, `{ phone }` or `{ username, password }`); the code and any further steps come back as challenges. */
export function signUp(auth: AuthClient<ExperienceAdapter>, input: ExperienceSignUp): Promise<AuthResult> {
  return auth.run((context) => auth.api.signUp(context, input))
}

/** Forgot password: a code to the email/phone, then a `missing_profile` step for the new password; resolves `verified` (sign in next). */
export function resetPassword(auth: AuthClient<ExperienceAdapter>, input: { email: string } | { phone: string }): Promise<AuthResult> {
  return auth.run((context) => auth.api.resetPassword(context, input))
}
