/**
 * The otp adapter: AuthClient over the otp REST API (`/auth/*`).
 *
 * - sign-in: `POST /auth/login` (no second factor at sign-in on this API);
 * - refresh: `POST /auth/login/refresh`, keeping a rotated `refreshToken` when one comes back;
 *   a replayed (already spent) token is 403 `refresh_token_reused`, passed on as the error's
 *   code, so the core ends the session with reason `token_reused` (not `refresh_failed`);
 * - sign-out: local only, the API has no logout (the refresh token stays valid on the server
 *   until it expires): `auth.signOut()` resolves `{ revoked: false }`;
 * - step-up: a call that needs an `x-otp` header (e.g. `DELETE /auth/otp/methods/totp`) is
 *   answered 400 `validation_error` on `header.x-otp` when it is missing, or 401 `otp_invalid`
 *   when it is wrong; both become a `step_up` challenge, and the call is replayed with
 *   `x-otp: <code>` once the user answers.
 *
 * This file is the only code that knows the otp wire protocol. It uses plain fetch (no
 * openapi-fetch) to keep the sign-in bundle small; the generated types keep it honest.
 */
import type { AdapterContext, AuthAdapter, ChallengeMethod, ChallengeState, TokenSet } from '../core/adapter'
import { AuthError, badResponse, kindForStatus, networkError, retryAfter, type AuthErrorCode, type AuthErrorKind } from '../core/errors'
import { createStepUp } from '../core/step-up'
import type { FetchLike } from '../core/types'
import type { components } from '../generated/otp/openapi'
import { jwtTokenSet, readClaims } from '../transport/jwt-claims'

type Schemas = components['schemas']
/** `refreshToken` is optional in a refresh answer: present when the server rotates it. */
type RefreshResponse = Schemas['RefreshResponse'] & { refreshToken?: string }
type ErrorBody = Partial<Schemas['ErrorBody']> & { code?: string }

const NAME = 'otp'

/** The backend's deliberate codes (passed on as the error's code) and the kind a caller acts on. */
const KINDS: Record<string, AuthErrorKind> = {
  validation_error: 'validation',
  unauthenticated: 'auth',
  authentication_error: 'auth',
  invalid_refresh_token: 'auth',
  refresh_token_reused: 'auth',
  otp_invalid: 'challenge',
  otp_attempts_exhausted: 'rate_limit',
  rate_limited: 'rate_limit',
  method_not_allowed: 'validation',
  channel_already_verified: 'validation',
  channel_not_configured: 'validation',
  sms_already_configured: 'validation',
  totp_already_configured: 'validation',
  totp_not_configured: 'validation',
  payload_too_large: 'validation',
  internal_error: 'server',
}

async function send(fetchFn: FetchLike, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, init)
  } catch (cause) {
    throw networkError(cause)
  }
}

const post = (fetchFn: FetchLike, url: string, body: object): Promise<Response> =>
  send(fetchFn, url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) })

/** The JSON body of a 2xx answer, or the AuthError for any other. */
async function read<T>(response: Response, code403?: AuthErrorCode): Promise<T> {
  const body = (await response.json().catch(() => null)) as (T & ErrorBody) | null
  if (response.ok) {
    if (body && typeof body === 'object') return body
    throw badResponse('the body is not a JSON object')
  }
  const status = response.status
  const wire = body?.code
  const kind = wire ? KINDS[wire] : undefined
  const details: Record<string, string[]> = {}
  for (const issue of body?.details ?? []) (details[issue.path] ??= []).push(issue.message)
  // The server's own message is not passed on (it could quote input); the code says it all.
  const code = ((status === 403 && code403) || (kind && wire) || `http_${status}`) as AuthErrorCode
  throw new AuthError(`The otp API refused the request (${code}).`, {
    code,
    kind: kind ?? kindForStatus(status),
    status,
    details: body?.details ? details : undefined,
    retryAfterMs: retryAfter(response.headers),
  })
}

/** Which kind of code a call that lacks `x-otp` wants, from the request it answered. */
async function methodsFor(request: Request): Promise<ChallengeMethod[]> {
  const path = new URL(request.url).pathname
  if (path.endsWith('/otp/methods/totp')) return ['totp']
  // POST /auth/otp/code confirms the channel named in its body with a code of that channel.
  const channel = await request
    .clone()
    .json()
    .then((body: { channel?: unknown } | null) => body?.channel, () => null)
  return channel === 'TOTP' ? ['totp'] : channel === 'SMS' ? ['sms_code'] : ['totp', 'email_code', 'sms_code']
}

/** What `auth.signIn()` takes with the otp adapter: the API signs in by email only. */
export interface OtpCredentials {
  email: string
  password: string
}

/** Options of `otpApi`. */
export interface OtpApiOptions {
  /**
   * Lifetime of a refresh token in ms. The API does not say, so without this the client learns
   * that a session expired only when a refresh is refused (the reference mock uses 7 days).
   */
  refreshTtlMs?: number
}

/**
 * The adapter for the otp REST API: JWT sign-in and refresh, and the `x-otp` step-up.
 *
 * @example
 * ```ts
 * const auth = new AuthClient({ baseUrl, api: otpApi() })
 * await auth.signIn({ email, password })
 * ```
 */
export function otpApi(options: OtpApiOptions = {}): AuthAdapter<OtpCredentials> {
  const url = (context: AdapterContext, path: string): string => context.baseUrl.replace(/\/+$/, '') + path
  /** Each new refresh token lives `refreshTtlMs` from now; an unrotated one keeps its expiry. */
  const tokens = (context: AdapterContext, idToken: string, refreshToken: string | undefined, previous?: TokenSet): TokenSet => ({
    ...jwtTokenSet(idToken, refreshToken ?? previous?.refreshToken ?? null),
    refreshExpiresAt: refreshToken ? (options.refreshTtlMs ? context.now() + options.refreshTtlMs : null) : (previous?.refreshExpiresAt ?? null),
  })

  return {
    name: NAME,

    async signIn(context, { email, password }) {
      if (!email) throw new AuthError('The otp API signs in with an email address.', { code: 'email_required', kind: 'validation', details: { email: ['Required.'] } })
      const body = await read<Schemas['LoginResponse']>(await post(context.fetch, url(context, '/auth/login'), { email, password }), 'invalid_credentials')
      return { type: 'session', tokens: tokens(context, body.idToken, body.refreshToken), user: { id: readClaims(body.idToken)?.sub ?? null, email } }
    },

    // A step-up code is checked by the replayed call itself (`stepUpHeaders`), not here.
    async verifyChallenge() {
      return { type: 'done' }
    },

    /**
     * Has a code emailed (`GET /auth/otp/code?method=EMAIL`) when an emailed code is accepted.
     * Otherwise nothing is sent: an authenticator code is never sent, and the code that confirms
     * a new phone comes from `POST /auth/otp/methods/sms` (which needs the number again).
     */
    async resendChallenge(context, state) {
      if (!state.methods.includes('email_code')) return state
      const body = await read<Schemas['OtpCodeResponse']>(await send(context.authorizedFetch, url(context, '/auth/otp/code?method=EMAIL')))
      return { ...state, expiresAt: Date.parse(body.validUntil) || null, attemptsLeft: null }
    },

    async refresh(context, previous) {
      const body = await read<RefreshResponse>(await post(context.fetch, url(context, '/auth/login/refresh'), { refreshToken: previous.refreshToken }))
      return tokens(context, body.idToken, body.refreshToken, previous)
    },

    /** The otp API has no logout: signing out only forgets the tokens on this side (`revoked: false`). */
    async signOut() {
      return false
    },

    async detectStepUp(_context, request, response) {
      if (response.status !== 400 && response.status !== 401) return null
      const body = (await response.clone().json().catch(() => null)) as ErrorBody | null
      const wantsOtp = body?.code === 'otp_invalid' || (body?.code === 'validation_error' && body.details?.some((issue) => issue.path === 'header.x-otp'))
      if (!wantsOtp) return null
      const state: ChallengeState = {
        adapter: NAME,
        kind: 'step_up',
        methods: await methodsFor(request),
        expiresAt: null,
        attemptsLeft: body.attemptsLeft ?? null,
        data: { method: request.method, path: new URL(request.url).pathname },
      }
      return state
    },

    stepUpHeaders: (_state, code) => ({ 'x-otp': code }),
    createStepUp,

    /** 401 means a rejected bearer token, except `otp_invalid` (a wrong step-up code). */
    async isUnauthorized(response) {
      if (response.status !== 401) return false
      const body = (await response.clone().json().catch(() => null)) as ErrorBody | null
      return body?.code !== 'otp_invalid'
    },
  }
}
