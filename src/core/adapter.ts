/**
 * The seam between the hand-written core and one backend surface. An adapter is the only code
 * that knows a wire protocol; AuthClient, the refresher and the challenge handoff only see these
 * types. Adapters are plain objects so a bundle carries only the surface it imports.
 */
import type { createStepUp } from './step-up'
import type { FetchLike } from './types'

/**
 * Tokens as the core keeps them. `expiresAt`/`refreshExpiresAt` are epoch ms in server time.
 * The core checks every TokenSet an adapter returns before committing it (`accessToken` a
 * non-empty string, the others strings/numbers or null): a malformed one is a `bad_response`.
 */
export interface TokenSet {
  accessToken: string
  refreshToken: string | null
  /** From the token's `exp` (or the API's stated lifetime); null when unknown. */
  expiresAt: number | null
  /**
   * When the refresh token stops working, when the API says or publishes it (otherwise null):
   * past it the session ends with reason `session_expired` instead of a refresh that must fail.
   */
  refreshExpiresAt?: number | null
  /** From the token's `iat`, used to estimate clock skew. */
  issuedAt?: number | null
}

/** Who signed in, as far as the surface tells (never secrets). */
export interface SessionUser {
  id: string | null
  email?: string | null
  username?: string | null
}

/** The credentials most adapters take; an adapter may narrow them (`AuthAdapter<C>`). */
export interface SignInCredentials {
  email?: string
  username?: string
  password: string
  /** Optional device id forwarded where the API has one (platform `deviceInfo`). */
  deviceId?: string
}

/**
 * What a challenge asks for. `step_up` guards one sensitive call; the others finish a sign-in:
 * `sign_in_code` is a one-time code that replaces the password (passwordless), `missing_profile`
 * asks for account fields the backend requires, `bind_mfa` enrols a second factor,
 * `connector_redirect` waits for the social / SSO provider to send the user back, and
 * `new_identity` asks what to do with a provider identity no account owns yet.
 */
export type ChallengeKind =
  | 'sign_in_2fa'
  | 'step_up'
  | 'change_password_2fa'
  | 'sign_in_code'
  | 'missing_profile'
  | 'bind_mfa'
  | 'connector_redirect'
  | 'new_identity'

/**
 * How the user can answer: a code sent by email, by SMS (otp, platform) or to a phone (the
 * experience API's `phone_code`), an authenticator code, a backup code, a WebAuthn credential.
 */
export type ChallengeMethod = 'email_code' | 'sms_code' | 'phone_code' | 'totp' | 'backup_code' | 'webauthn'

/**
 * The serializable part of a challenge: everything needed to continue it after a reload.
 * `data` is adapter-private (e.g. platform `sessionId` + email); it must not hold a password.
 */
export interface ChallengeState {
  adapter: string
  kind: ChallengeKind
  methods: ChallengeMethod[]
  /** Epoch ms, or null when the API does not say. */
  expiresAt: number | null
  attemptsLeft: number | null
  data: Record<string, string | number | boolean | null>
}

/** What the adapter answers to a sign-in or a challenge response. */
export type AdapterResult =
  | { type: 'session'; tokens: TokenSet; user: SessionUser }
  | { type: 'challenge'; challenge: ChallengeState }
  /** For a step-up or password-change challenge that completed without new tokens. */
  | { type: 'done'; tokens?: TokenSet }

/** What an adapter gets from the core for every call. */
export interface AdapterContext {
  baseUrl: string
  /** Plain (unauthenticated) fetch. */
  fetch: FetchLike
  /** Fetch with the current bearer token, refreshing once on 401. */
  authorizedFetch: FetchLike
  /** Server-corrected now, epoch ms. */
  now(): number
}

/** `C`: what `auth.signIn()` accepts with this adapter (e.g. otp requires `email`). */
export interface AuthAdapter<C extends object = SignInCredentials> {
  readonly name: string
  /** The `Authorization` scheme `auth.fetch` puts before the access token; default `Bearer` (accounts: `JWT`). */
  readonly scheme?: string
  signIn(context: AdapterContext, credentials: C): Promise<AdapterResult>
  /**
   * `response` is a code (string) or a WebAuthn assertion (object). A wrong answer must reject
   * with an AuthError of kind `challenge` (code e.g. `invalid_code`), with `attemptsLeft` when the
   * server says (without it the core counts one down); the challenge then stays open. A `step_up`
   * challenge may resolve `{ type: 'done' }` without a call: the replay with `stepUpHeaders` checks it.
   */
  verifyChallenge(context: AdapterContext, challenge: ChallengeState, response: string | Record<string, unknown>): Promise<AdapterResult>
  /** Sends a new code; returns the updated state (the old code stops working). */
  resendChallenge(context: AdapterContext, challenge: ChallengeState): Promise<ChallengeState>
  /**
   * Must reject with an AuthError. Only kind `auth` ends the session: the backend said the
   * refresh token is unknown, expired, revoked or reused (codes `refresh_token_reused` and
   * `refresh_token_expired` name the sign-out reason; any other `auth` code is `refresh_failed`).
   * Anything else (a 400, 404, 408, an unknown GraphQL error, a timeout) is transient and keeps
   * the session. Callers stop waiting after `refreshTimeoutMs`, but the call itself is left to
   * finish (aborted only by `dispose()`). Return `refreshExpiresAt` when the API tells or
   * publishes it.
   */
  refresh(context: AdapterContext, tokens: TokenSet): Promise<TokenSet>
  /**
   * Ends the session on the server, even when `tokens.accessToken` has expired (refresh first
   * if the API needs a valid one). Resolves `false` when the API has no way to revoke (sign-out
   * is local only); rejects when the server could not be told, so `auth.signOut()` can say so.
   * The core has cleared the session locally before calling this, whatever it does.
   */
  signOut(context: AdapterContext, tokens: TokenSet): Promise<void | false>
  /**
   * Step-up: if `response` (only ever a non-2xx one) says the call needs a second factor,
   * return the challenge to show.
   * After it is verified the core retries the original request once with `stepUpHeaders`; if the
   * replay is a step-up again, the answer counts as wrong (`invalid_code`). Asked before
   * `isUnauthorized`, so a wrong-code 401 is not mistaken for a rejected token. Must not consume
   * `request` or `response` (read clones): the caller still gets the response.
   */
  detectStepUp?(context: AdapterContext, request: Request, response: Response): Promise<ChallengeState | null>
  stepUpHeaders?(challenge: ChallengeState, response: string): Record<string, string>
  /**
   * Required with `detectStepUp`: `createStepUp` from `src/core/step-up` (the waiting call, its
   * replay). The adapter brings it so that a bundle for a surface without step-ups never
   * carries it; the client throws at construction when `detectStepUp` comes without it.
   */
  createStepUp?: typeof createStepUp
  /**
   * Whether a response means "token rejected" (401, or a GraphQL UNAUTHENTICATED error); default
   * `status === 401`. Either leaves `response` unread (read a clone), or reads its body once and
   * passes an unread copy to `handOn`: the caller then gets the copy.
   */
  isUnauthorized?(response: Response, handOn: (copy: Response) => void): Promise<boolean>
}

/** The credentials type of an adapter: what `auth.signIn()` takes. */
export type CredentialsOf<A> = A extends AuthAdapter<infer C> ? C : SignInCredentials
