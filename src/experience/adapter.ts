/**
 * The experience adapter: AuthClient over the Logto-style Experience API and its OIDC finish.
 *
 * What every page load may need is here: the token endpoint (`refresh_token` grant, a rotated
 * token replacing the old one) and revocation at sign-out. The sign-in itself (the interaction
 * behind cookies, PKCE, submit, redirects, the code exchange: `./sign-in`) and what can follow
 * it (codes, MFA, profile fields, enrolment: `./next-steps`) load on the first `signIn()`, so an
 * app that restores a stored session never downloads them.
 *
 * The ID token of a sign-in is verified (signature against discovery's keys, issuer, audience,
 * expiry, nonce: `./id-token`, lazily loaded with jose) before it names the user. Access and
 * refresh tokens are only read: resource servers verify them (`portcullis/server`).
 */
import type { AdapterContext, AdapterResult, AuthAdapter, TokenSet } from '../core/adapter'
import type { AuthClient } from '../core/auth-client'
import type { AuthResult } from '../core/challenge'
import { AuthError, badResponse, networkError } from '../core/errors'
import { checkTokens } from '../core/session-codec'
import type { FetchLike } from '../core/types'
import type { components } from '../generated/experience/openapi'
import { jwtTokenSet } from '../transport/jwt-claims'
import { oidcError, type InteractionFactory } from './interaction'

type Schemas = components['schemas']

/** Options of `experienceApi`: the OIDC client, its redirect URI and the scopes to ask for. */
export interface ExperienceApiOptions {
  /** The OIDC client (application) id, e.g. `portcullis-demo` on the mock. */
  clientId: string
  /** A redirect URI registered for the client; the authorization code arrives there. */
  redirectUri: string
  /** Default `['openid', 'offline_access', 'profile', 'email']` (`offline_access` brings a refresh token, `email` the session's email). */
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

/** A social or enterprise-SSO sign-in (`signInWithConnector`). */
export interface ConnectorSignIn {
  /** The connector's id (on the mock: `google`, `github`, or one set up with `PUT /__mock/config`). */
  connectorId: string
  /** An enterprise-SSO connector (default: social). */
  sso?: boolean
  /** Where the provider sends the user back with `code` and `state` (a route of your app). */
  callbackUri: string
}

export interface ExperienceAdapter extends AuthAdapter<ExperienceCredentials> {
  /** Registers: a `sign_in_code` challenge for an email/phone; then the same steps as a sign-in. */
  signUp(context: AdapterContext, input: ExperienceSignUp): Promise<AdapterResult>
  /** Forgot password: a `sign_in_code` challenge, then `missing_profile` (`password`); ends `done` (sign in next). */
  resetPassword(context: AdapterContext, input: { email: string } | { phone: string }): Promise<AdapterResult>
  /** Social / SSO: a `connector_redirect` step (go to the provider), then the usual steps. */
  startConnector(context: AdapterContext, input: ConnectorSignIn): Promise<AdapterResult>
}

/** What `./sign-in` builds on. */
export interface Basics {
  name: string
  options: ExperienceApiOptions
  interactions: InteractionFactory
  /** `<baseUrl>/oidc<path>`: the spec's OIDC paths under the issuer. */
  oidc(context: AdapterContext, path: string): string
  tokens(context: AdapterContext, params: Record<string, string>, previous?: string | null): Promise<TokenSet & { idToken?: string | undefined }>
}

export async function send(fetchFn: FetchLike, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, init)
  } catch (cause) {
    throw networkError(cause)
  }
}

export function createExperienceApi(options: ExperienceApiOptions, interactions: InteractionFactory): ExperienceAdapter {
  const form = (context: AdapterContext, endpoint: string, params: Record<string, string>): Promise<Response> =>
    send(context.fetch, endpoint, { method: 'POST', body: new URLSearchParams({ client_id: options.clientId, ...params }) })

  const basics: Basics = {
    name: 'experience',
    options,
    interactions,
    oidc: (context, path) => `${context.baseUrl.replace(/\/+$/, '')}/oidc${path}`,
    async tokens(context, params, previous = null) {
      const response = await form(context, basics.oidc(context, '/token'), params)
      if (!response.ok) throw await oidcError(response)
      const body = (await response.json().catch(() => null)) as Partial<Schemas['TokenResponse']> | null
      if (!body || typeof body !== 'object') throw badResponse('the body is not a JSON object')
      // Checked before the sign-in reads it: `bad_response` naming the member (`accessToken is missing`).
      const set = checkTokens(jwtTokenSet(body.access_token!, body.refresh_token ?? previous))
      if (set.expiresAt === null && body.expires_in) set.expiresAt = context.now() + body.expires_in * 1000
      return { ...set, idToken: body.id_token }
    },
  }
  let loaded: ReturnType<typeof load> | undefined
  const load = async () => (await import('./sign-in')).createSignIn(basics)
  const flow = () => (loaded ??= load())

  return {
    name: basics.name,
    signIn: async (context, credentials) => (await flow()).signIn(context, credentials),
    signUp: async (context, input) => (await flow()).signUp(context, input),
    resetPassword: async (context, input) => (await flow()).resetPassword(context, input),
    startConnector: async (context, input) => (await flow()).startConnector(context, input),
    verifyChallenge: async (context, state, answer) => (await flow()).verify(context, state, answer),
    resendChallenge: async (context, state) => (await flow()).resend(context, state),

    async refresh(context, current) {
      if (!current.refreshToken) throw new AuthError('There is no refresh token; sign in again.', { code: 'invalid_grant', kind: 'auth' })
      const { idToken: _, ...set } = await basics.tokens(context, { grant_type: 'refresh_token', refresh_token: current.refreshToken }, current.refreshToken)
      return set
    },

    /** Revokes the refresh token (RFC 7009), which ends the grant on the server. */
    async signOut(context, { refreshToken, accessToken }) {
      const response = await form(context, basics.oidc(context, '/token/revocation'), {
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

/**
 * Social or enterprise-SSO sign-in: resolves a `connector_redirect` challenge. Send the user to
 * `describeStep(challenge).authorizationUri` (in a page, save `JSON.stringify(challenge)` first
 * and resume it on the callback route with `resumeExperienceStep`), then
 * `challenge.verify(callbackUrl)`; a `new_identity`, MFA or profile step may follow.
 */
export function signInWithConnector(auth: AuthClient<ExperienceAdapter>, input: ConnectorSignIn): Promise<AuthResult> {
  return auth.run((context) => auth.api.startConnector(context, input))
}
