import type { StepUpChallenge } from './challenge'

/**
 * What went wrong, in the terms a caller acts on (retry, re-authenticate, fix input, prompt).
 * `contract`: the backend answered outside its published schema (typed clients checking answers: `validate`).
 */
export type AuthErrorKind = 'network' | 'auth' | 'validation' | 'challenge' | 'rate_limit' | 'server' | 'contract'

/**
 * Every `AuthError.code` Portcullis produces (the README lists what each means). Adapters pass a
 * backend's deliberate codes on in lower case when they are listed here; any other refusal is
 * `http_<status>` (or `graphql_error` for a GraphQL error in a 200).
 */
export type AuthErrorCode =
  // the client itself
  | 'network_error'
  | 'timeout'
  | 'client_disposed'
  | 'session_changed'
  | 'bad_response'
  | 'contract_violation'
  | 'email_required'
  | 'invalid_options'
  // challenges
  | 'invalid_challenge'
  | 'challenge_closed'
  | 'challenge_busy'
  | 'challenge_cancelled'
  | 'step_up_required'
  | 'invalid_code'
  | 'code_expired'
  | 'code_attempts_exhausted'
  | 'otp_invalid'
  | 'otp_attempts_exhausted'
  | 'invalid_session'
  | 'no_pending_challenge'
  // credentials and tokens
  | 'unauthenticated'
  | 'authentication_error'
  | 'invalid_credentials'
  | 'account_disabled'
  | 'invalid_refresh_token'
  | 'refresh_token_expired'
  | 'refresh_token_reused'
  // portcullis/server
  | 'token_expired'
  | 'invalid_token'
  | 'invalid_signature'
  | 'invalid_claims'
  | 'unknown_key'
  | 'jwks_unavailable'
  // input and the backend
  | 'validation_error'
  | 'bad_user_input'
  | 'weak_password'
  | 'email_in_use'
  | 'username_in_use'
  | 'method_not_allowed'
  | 'channel_already_verified'
  | 'channel_not_configured'
  | 'sms_already_configured'
  | 'totp_already_configured'
  | 'totp_not_configured'
  | 'payload_too_large'
  | 'rate_limited'
  | 'email_delivery_failed'
  | 'internal_error'
  | 'internal_server_error'
  | 'graphql_error'
  // the experience API and its OIDC finish
  | 'password_required'
  | 'invalid_credential'
  | 'invalid_method'
  | 'callback_not_reached'
  | 'state_mismatch'
  | 'issuer_mismatch'
  | 'code_missing'
  | OAuthErrorCode
  /** The experience API's own codes, passed on as they are (e.g. `user.email_already_in_use`). */
  | `${string}.${string}`
  // accounts (django-graphql-auth outputs, graphql-jwt, Django form and validator codes)
  | 'not_verified'
  | 'invalid_password'
  | 'expired_token'
  | 'already_verified'
  | 'email_fail'
  | 'password_already_set'
  | 'secondary_email_required'
  | 'throttled'
  | 'identifier_required'
  | 'no_challenge'
  | 'request_failed'
  | 'unique'
  | 'invalid'
  | 'required'
  | 'max_length'
  | 'password_mismatch'
  | 'password_too_similar'
  | 'password_too_short'
  | 'password_too_common'
  | 'password_entirely_numeric'
  | `http_${number}`

/** OAuth 2.0 / OIDC error names (RFC 6749 §4.1.2.1, §5.2; RFC 7009). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'unsupported_token_type'

/** Field-level problems, keyed by input field (`nonFieldErrors` for the rest). */
export type AuthErrorDetails = Readonly<Record<string, readonly string[]>>

/** What an `AuthError` is made of besides its message. */
export interface AuthErrorOptions {
  /** Stable, machine-readable code, e.g. `invalid_credentials`, `network_error`. */
  code: AuthErrorCode
  kind: AuthErrorKind
  /** HTTP status when the error came from a response. */
  status?: number | undefined
  /** Defaults to true for `network`, `rate_limit` and `server`. */
  retryable?: boolean | undefined
  details?: AuthErrorDetails | undefined
  /** For a wrong challenge answer: how many tries remain, when known. */
  attemptsLeft?: number | undefined
  /** How long the server asked to wait before trying again (`Retry-After`), in ms. */
  retryAfterMs?: number | undefined
  /** Kept for debugging only; never serialized (it may hold request data). */
  cause?: unknown
}

/** What an AuthError carries besides its name and message: all of it safe to log or serialize. */
const SAFE_FIELDS = ['code', 'kind', 'status', 'retryable', 'details', 'attemptsLeft', 'retryAfterMs'] as const
type SafeField = (typeof SAFE_FIELDS)[number]

/**
 * The one error type every Portcullis call rejects with. Messages are written for people and
 * never contain tokens, codes or passwords; `toJSON()` carries only the safe fields.
 */
export class AuthError extends Error {
  override readonly name: string = 'AuthError'
  // `declare`: set in the constructor only, so the bundle carries no class-field list for them.
  declare readonly code: AuthErrorCode
  declare readonly kind: AuthErrorKind
  declare readonly status: number | undefined
  declare readonly retryable: boolean
  declare readonly details: AuthErrorDetails | undefined
  declare readonly attemptsLeft: number | undefined
  /** How long the server asked to wait before trying again (`Retry-After` on a 429 or 503), in ms. */
  declare readonly retryAfterMs: number | undefined

  constructor(message: string, options: AuthErrorOptions) {
    // Error's own `cause` (ES2022): not enumerable, so spreading or JSON-serializing the error
    // cannot leak it. A runtime without error causes drops it (it is for debugging only).
    super(message, options)
    // One list of the safe fields serves the constructor and toJSON (smaller than spelling them out twice).
    for (const key of SAFE_FIELDS) (this as Record<SafeField, unknown>)[key] = options[key]
    this.retryable = options.retryable ?? (options.kind === 'network' || options.kind === 'rate_limit' || options.kind === 'server')
  }

  /** The safe fields (unset ones are left out of JSON). */
  toJSON(): Pick<AuthError, 'name' | 'message' | 'code' | 'kind' | 'status' | 'retryable' | 'details' | 'attemptsLeft' | 'retryAfterMs'> {
    const json: Record<string, unknown> = { name: this.name, message: this.message }
    for (const key of SAFE_FIELDS) json[key] = this[key]
    return json as ReturnType<AuthError['toJSON']>
  }
}

/**
 * A call needs a second factor and nobody listens for `challenge`: the caller answers
 * `error.challenge` itself (`verify` then resolves with the replayed response).
 */
export class ChallengeRequiredError extends AuthError {
  override readonly name: string = 'ChallengeRequiredError'
  readonly challenge: StepUpChallenge

  constructor(challenge: StepUpChallenge) {
    super('This call needs a second factor.', { code: 'step_up_required', kind: 'challenge', status: 401 })
    this.challenge = challenge
  }
}

/**
 * The backend answered 2xx with something unusable (retryable: the next answer may be fine).
 * `problem` names the field and the rule it broke (`accessToken is missing`), never a value.
 */
export const badResponse = (problem: string): AuthError => new AuthError(`The backend's answer is unusable: ${problem}.`, { code: 'bad_response', kind: 'server' })

/** Nothing answered in time (a stalled request, a lock held too long): transient. */
export const timeoutError = (): AuthError => new AuthError('No answer in time.', { code: 'timeout', kind: 'network' })

const isAbort = (error: unknown): boolean => (error as { name?: unknown } | null)?.name === 'AbortError'

/**
 * What `fetch` itself threw, as an AuthError: only call it around the fetch call, where a
 * TypeError means the network failed. An abort (the caller's `AbortSignal`) stays an abort.
 */
export function networkError(error: unknown): unknown {
  if (error instanceof AuthError || isAbort(error)) return error
  return new AuthError('The backend could not be reached.', { code: 'network_error', kind: 'network', cause: error instanceof TypeError ? error : undefined })
}

/**
 * Passes an AuthError (or an abort) through and rethrows anything else: a TypeError or
 * RangeError here is a bug, not a retryable network failure.
 */
export function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error
  throw error
}

/** An AuthError with the same safe fields and a known `attemptsLeft`. */
export function withAttemptsLeft(error: AuthError, attemptsLeft: number | undefined): AuthError {
  // toJSON() is exactly the safe fields; its `name` and `message` are not options and are ignored.
  return new AuthError(error.message, { ...error.toJSON(), attemptsLeft, cause: error })
}

/** A response's `Retry-After` (delay in seconds, or an HTTP date) in ms, when it has a usable one. */
export function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim()
  if (!value) return undefined
  // An HTTP date names its day and month; Date.parse alone would take `-5` or `1.5` for dates.
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : /[a-z]/i.test(value) ? Date.parse(value) - now : NaN
  return ms === ms ? Math.max(0, ms) : undefined
}

/** Maps an HTTP status to the kind a caller should react to. */
export function kindForStatus(status: number): AuthErrorKind {
  if (status === 429) return 'rate_limit'
  if (status === 401 || status === 403) return 'auth'
  if (status >= 500) return 'server'
  return 'validation'
}
