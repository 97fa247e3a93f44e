/**
 * The sign-in interaction, loaded on the first `signIn()`: `GET /oidc/auth` (PKCE S256 +
 * state) sets the interaction cookies, `PUT /api/experience` starts the event, a verification
 * record (a password, or a code: `./next-steps`) identifies the user, `POST .../submit` answers
 * `redirectTo`, following it ends at the redirect URI with the authorization code, and the token
 * endpoint turns code + verifier into tokens. What the backend still wants on the way becomes
 * the next challenge (`./next-steps`).
 */
import type { AdapterContext, AdapterResult } from '../core/adapter'
import { AuthError, kindForStatus, retryAfter, toAuthError, type AuthErrorCode, type OAuthErrorCode } from '../core/errors'
import type { components } from '../generated/experience/openapi'
import { readClaims } from '../transport/jwt-claims'
import { send, type Basics, type ExperienceCredentials } from './adapter'
import { oidcError, type Interaction } from './interaction'
import { startConnector } from './connector'
import { createIdTokenVerifier } from './id-token'
import * as next from './next-steps'

type Schemas = components['schemas']
export type InteractionEvent = Schemas['InteractionEvent']

/** The state of one interaction; everything but `interaction` travels in `ChallengeState.data` (never a password). */
export interface Flow {
  interaction: Interaction
  event: InteractionEvent
  verifier: string
  state: string
  /** Sent with the authorization request, expected back in the ID token (null: a flow saved without one). */
  nonce: string | null
}

/** What `./next-steps` builds on. */
export interface Kit extends Basics {
  call<T>(context: AdapterContext, flow: Flow, method: string, path: string, body?: object): Promise<T>
  advance(context: AdapterContext, flow: Flow, identify?: { verificationId?: string; linkSocialIdentity?: boolean }): Promise<AdapterResult>
  begin(context: AdapterContext, event: InteractionEvent): Promise<Flow>
}

/** The backend's codes a caller acts on, as the SDK's codes and kinds (the rest keep their dotted code). */
const CODES: Record<string, [AuthErrorCode, AuthError['kind']]> = {
  'session.invalid_credentials': ['invalid_credentials', 'auth'],
  'session.verification_blocked_too_many_attempts': ['rate_limited', 'rate_limit'],
  'user.suspended': ['account_disabled', 'auth'],
  // Wrong answers to a challenge keep it open (kind `challenge`).
  'verification_code.code_mismatch': ['invalid_code', 'challenge'],
  'session.mfa.invalid_totp_code': ['invalid_code', 'challenge'],
  'session.mfa.invalid_backup_code': ['invalid_code', 'challenge'],
  'session.mfa.webauthn_verification_failed': ['invalid_code', 'challenge'],
  'verification_code.expired': ['code_expired', 'challenge'],
  'verification_code.exceed_max_try': ['code_attempts_exhausted', 'rate_limit'],
}

function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
const random = (bytes: number): string => base64url(crypto.getRandomValues(new Uint8Array(bytes)))

/** An `/api/experience` error body as an AuthError; the lists in `data` (missing fields, factors) become `details`. */
async function experienceError(response: Response): Promise<AuthError> {
  const status = response.status
  const body = (await response.json().catch(() => null)) as Partial<Schemas['ErrorBody']> | null
  const wire: AuthErrorCode = typeof body?.code === 'string' && body.code.includes('.') ? (body.code as `${string}.${string}`) : `http_${status}`
  const data = (body?.data ?? {}) as Record<string, unknown>
  const details: Record<string, string[]> = {}
  for (const key of ['missingProfile', 'availableFactors', 'skippable']) if (key in data) details[key] = [data[key]].flat().map(String)
  // The backend's messages are fixed English texts per code (no input echoed), fit to show.
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

export function createSignIn(basics: Basics) {
  const { clientId, redirectUri, scopes = ['openid', 'offline_access', 'profile', 'email'] } = basics.options
  const verifyIdToken = createIdTokenVerifier(clientId)

  /** Follows `redirectTo` to the redirect URI, checks what came back, and exchanges the code (PKCE) for tokens. */
  async function finish(context: AdapterContext, flow: Flow, redirectTo: string): Promise<AdapterResult> {
    const callback = (await flow.interaction.follow(redirectTo, redirectUri)).searchParams
    const iss = callback.get('iss')
    const code = callback.get('code')
    const problem =
      (callback.get('error') as OAuthErrorCode | null) ??
      (callback.get('state') !== flow.state ? 'state_mismatch' : iss !== null && iss !== basics.oidc(context, '') ? 'issuer_mismatch' : !code ? 'code_missing' : null)
    if (problem) throw new AuthError('The sign-in could not be finished; start again.', { code: problem, kind: 'auth' })
    const { idToken, ...set } = await basics.tokens(context, { grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri, code_verifier: flow.verifier })
    // Who signed in comes from the verified ID token; without `openid` in the scopes, from the access token.
    const claims = idToken ? await verifyIdToken(context, basics.oidc(context, ''), idToken, flow.nonce) : readClaims(set.accessToken)
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)
    return { type: 'session', tokens: set, user: { id: text(claims?.sub), email: text(claims?.['email']), username: text(claims?.['username']) } }
  }

  const kit: Kit = {
    ...basics,

    async call<T>(context: AdapterContext, flow: Flow, method: string, path: string, body?: object): Promise<T> {
      const response = await send(flow.interaction.fetch, `${context.baseUrl.replace(/\/+$/, '')}/api/experience${path}`, {
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
        return next.nextStep(kit, context, flow, toAuthError(error))
      }
      return next.nextStep(kit, context, flow, null)
    },

    /** Starts an interaction: the authorization request (which sets the cookies), then the experience event. */
    async begin(context, event) {
      const verifier = random(32)
      const state = random(16)
      const nonce = random(16)
      const query = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: scopes.join(' '),
        state,
        nonce,
        code_challenge: base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))),
        code_challenge_method: 'S256',
      })
      const interaction = basics.interactions(context.fetch, null)
      const response = await send(interaction.fetch, basics.oidc(context, `/auth?${query}`), { redirect: 'manual' })
      // A redirect to the sign-in page (opaque in a page) set the cookies; anything else is a refusal.
      if (response.status >= 400) throw await oidcError(response)
      const flow: Flow = { interaction, event, verifier, state, nonce }
      await kit.call(context, flow, 'PUT', '', { interactionEvent: event })
      return flow
    },
  }

  return {
    async signIn(context: AdapterContext, credentials: ExperienceCredentials): Promise<AdapterResult> {
      const fields = credentials as Record<string, string | undefined>
      const flow = await kit.begin(context, 'SignIn')
      const identifier = identifierOf(fields)
      if (fields['password'] === undefined) return next.sendCode(kit, context, flow, identifier, 'identify')
      const { verificationId } = await kit.call<Schemas['VerificationIdResponse']>(context, flow, 'POST', '/verification/password', { identifier, password: fields['password'] })
      return kit.advance(context, flow, { verificationId })
    },
    signUp: next.signUp.bind(null, kit),
    resetPassword: next.resetPassword.bind(null, kit),
    startConnector: startConnector.bind(null, kit),
    verify: next.verify.bind(null, kit),
    resend: next.resend.bind(null, kit),
  }
}
