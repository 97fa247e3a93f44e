/**
 * The platform adapter: AuthClient over the platform GraphQL API (`POST /api/graphql`).
 *
 * It posts the generated operation documents as plain strings with `fetch` and reads the
 * `{ data, errors }` envelope itself, so a bundle that signs in carries neither graphql-js nor
 * graphql-request. This file is the only code that knows the platform wire protocol.
 */
import type {
  AdapterContext,
  AdapterResult,
  AuthAdapter,
  ChallengeKind,
  ChallengeState,
  SessionUser,
  SignInCredentials,
  TokenSet,
} from '../core/adapter'
import type { AuthClient } from '../core/auth-client'
import type { AuthResult } from '../core/challenge'
import { AuthError, kindForStatus, type AuthErrorKind } from '../core/errors'
import type { FetchLike } from '../core/types'
import {
  ChangePasswordDocument,
  Confirm2FaDocument,
  ConfirmChangePassword2FaDocument,
  LoginDocument,
  LogoutDocument,
  NewTokenDocument,
  Resend2FaDocument,
  ResendChangePassword2FaDocument,
} from '../generated/platform/graphql'
import { claimMs, readClaims } from '../transport/jwt-claims'

export interface PlatformApiOptions {
  /**
   * Path of the GraphQL endpoint under `baseUrl`. Default `/api/graphql` (not imported from
   * `./client`, which would pull graphql-request into the sign-in bundle).
   */
  path?: string
  /**
   * Lifetime of an emailed 2FA code in ms. The API does not say, so a challenge's `expiresAt`
   * is null unless this is set (the reference backend uses 10 minutes).
   */
  codeTtlMs?: number
  /** Sent as `deviceInfo.deviceId` on login and logout when the credentials carry none. */
  deviceId?: string
}

export interface ChangePasswordInput {
  oldPassword: string
  newPassword: string
}

/** The platform adapter, plus the password change that may need a step-up (emailed code). */
export interface PlatformAdapter extends AuthAdapter {
  /**
   * `changePassword`: `{ type: 'challenge' }` (kind `change_password_2fa`) for a 2FA user, to be
   * completed with `verifyChallenge` (`confirmChangePassword2Fa`); `{ type: 'done' }` otherwise.
   */
  changePassword(context: AdapterContext, input: ChangePasswordInput): Promise<AdapterResult>
}

/** The fields of `LoginResult` the adapter reads (the documents select more). */
interface LoginResult {
  token?: string | null
  refreshToken?: string | null
  promptTwoFactorAuth?: boolean | null
  sessionId?: string | null
  userId?: string | null
  userProfile?: { username?: string | null } | null
}

interface WireError {
  message?: unknown
  extensions?: { code?: unknown; attemptsLeft?: unknown } | null
}

/**
 * The backend's deliberate error codes and what a caller does about them. Their messages are
 * written by the backend for people and carry no input, so they are passed on; any other code
 * (e.g. graphql-js variable errors, which quote the offending value) gets a generic message.
 */
const KINDS: Record<string, AuthErrorKind> = {
  UNAUTHENTICATED: 'auth',
  INVALID_CREDENTIALS: 'auth',
  ACCOUNT_DISABLED: 'auth',
  INVALID_REFRESH_TOKEN: 'auth',
  REFRESH_TOKEN_REUSED: 'auth',
  INVALID_CODE: 'challenge',
  CODE_EXPIRED: 'challenge',
  CODE_ATTEMPTS_EXHAUSTED: 'challenge',
  INVALID_SESSION: 'challenge',
  NO_PENDING_CHALLENGE: 'challenge',
  WEAK_PASSWORD: 'validation',
  EMAIL_IN_USE: 'validation',
  USERNAME_IN_USE: 'validation',
  RATE_LIMITED: 'rate_limit',
  EMAIL_DELIVERY_FAILED: 'server',
  INTERNAL_SERVER_ERROR: 'server',
}

const NAME = 'platform'

function toError(error: WireError | undefined, status: number): AuthError {
  const wireCode = error?.extensions?.code
  const known = typeof wireCode === 'string' ? KINDS[wireCode] : undefined
  const attempts = error?.extensions?.attemptsLeft
  return new AuthError(
    known && typeof error?.message === 'string' ? error.message : `The platform API rejected the request (status ${status}).`,
    {
      code: typeof wireCode === 'string' ? wireCode.toLowerCase() : `http_${status}`,
      kind: known ?? (status >= 400 ? kindForStatus(status) : 'validation'),
      status,
      attemptsLeft: typeof attempts === 'number' ? attempts : undefined,
    },
  )
}

/** Posts one operation and returns its single root field, or rejects with an AuthError. */
async function gql<R>(fetchFn: FetchLike, url: string, document: { toString(): string }, variables: object, token?: string): Promise<R> {
  const query = String(document)
  let response: Response
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, operationName: /\w+\s+(\w+)/.exec(query)?.[1], variables }),
    })
  } catch (cause) {
    if (cause instanceof AuthError) throw cause
    // Only a TypeError (how fetch reports a network failure) is kept: other errors may quote request data.
    throw new AuthError('The platform API could not be reached.', { code: 'network_error', kind: 'network', cause: cause instanceof TypeError ? cause : undefined })
  }
  const status = response.status
  const body = (await response.json().catch(() => null)) as { data?: Record<string, unknown> | null; errors?: WireError[] } | null
  const error = body?.errors?.[0]
  if (error || !response.ok) throw toError(error, status)
  const result = body?.data && Object.values(body.data)[0]
  if (!result) throw new AuthError('The platform API sent an unexpected response.', { code: 'bad_response', kind: 'server', status })
  return result as R
}

function tokenSet(result: LoginResult, previousRefreshToken: string | null = null): TokenSet {
  if (!result.token) throw new AuthError('The platform API sent no token.', { code: 'bad_response', kind: 'server' })
  const claims = readClaims(result.token)
  return {
    accessToken: result.token,
    refreshToken: result.refreshToken ?? previousRefreshToken,
    expiresAt: claimMs(claims?.exp),
    issuedAt: claimMs(claims?.iat),
  }
}

function session(result: LoginResult, user: SessionUser): AdapterResult {
  return { type: 'session', tokens: tokenSet(result), user: { ...user, id: result.userId ?? user.id } }
}

export function platformApi(options: PlatformApiOptions = {}): PlatformAdapter {
  const path = options.path ?? '/api/graphql'
  const url = (context: AdapterContext): string => context.baseUrl.replace(/\/+$/, '') + path
  const challenge = (context: AdapterContext, kind: ChallengeKind, data: ChallengeState['data']): ChallengeState => ({
    adapter: NAME,
    kind,
    methods: ['email_code'],
    expiresAt: options.codeTtlMs ? context.now() + options.codeTtlMs : null,
    attemptsLeft: null,
    data,
  })
  const deviceInfo = (deviceId = options.deviceId) => (deviceId ? { deviceInfo: { deviceId } } : {})

  return {
    name: NAME,

    async signIn(context, { email, username, password, deviceId }: SignInCredentials) {
      const result = await gql<LoginResult>(context.fetch, url(context), LoginDocument, {
        credentials: { email, username, password, ...deviceInfo(deviceId) },
      })
      if (result.promptTwoFactorAuth) {
        return {
          type: 'challenge',
          challenge: challenge(context, 'sign_in_2fa', { sessionId: result.sessionId ?? null, email: email ?? null, userId: result.userId ?? null }),
        }
      }
      return session(result, { id: null, email: email ?? null, username: username ?? result.userProfile?.username ?? null })
    },

    /**
     * `response` is the emailed code, or `{ code, email }` when the sign-in used a username:
     * confirm2Fa needs the account's email, which the API does not return.
     */
    async verifyChallenge(context, state, response) {
      const { code, email = state.data['email'] } = typeof response === 'string' ? { code: response } : response
      if (typeof code !== 'string') throw new AuthError('Enter the code that was emailed to you.', { code: 'invalid_code', kind: 'validation' })
      if (state.kind === 'change_password_2fa') {
        const result = await gql<LoginResult>(context.authorizedFetch, url(context), ConfirmChangePassword2FaDocument, { code })
        return result.token ? { type: 'done', tokens: tokenSet(result) } : { type: 'done' }
      }
      if (typeof email !== 'string') {
        throw new AuthError('Enter the email address of the account to finish signing in.', { code: 'email_required', kind: 'validation', details: { email: ['Required.'] } })
      }
      const { sessionId, userId } = state.data
      const result = await gql<LoginResult>(context.fetch, url(context), Confirm2FaDocument, { code, sessionId, email })
      return session(result, { id: typeof userId === 'string' ? userId : null, email })
    },

    async resendChallenge(context, state) {
      const changing = state.kind === 'change_password_2fa'
      const result = changing
        ? await gql<{ sessionId?: string | null }>(context.authorizedFetch, url(context), ResendChangePassword2FaDocument, {})
        : await gql<{ sessionId?: string | null }>(context.fetch, url(context), Resend2FaDocument, {
            sessionId: state.data['sessionId'],
            email: state.data['email'],
          })
      const next = challenge(context, state.kind, state.data)
      if (!changing && result.sessionId) next.data = { ...state.data, sessionId: result.sessionId }
      return next
    },

    async refresh(context, tokens) {
      if (!tokens.refreshToken) throw new AuthError('There is no refresh token; sign in again.', { code: 'invalid_refresh_token', kind: 'auth' })
      const result = await gql<LoginResult>(context.fetch, url(context), NewTokenDocument, { refreshToken: tokens.refreshToken })
      return tokenSet(result, tokens.refreshToken)
    },

    async signOut(context, tokens) {
      // `logout` invalidates every token of the session on the server.
      await gql(context.fetch, url(context), LogoutDocument, deviceInfo(), tokens.accessToken)
    },

    async isUnauthorized(response) {
      if (response.status === 401) return true
      // GraphQL reports a rejected token as a 200 with an UNAUTHENTICATED error; only bodies of
      // this endpoint are read, so other APIs called through auth.fetch pay nothing.
      if ((response.url && !response.url.includes(path)) || !/json/.test(response.headers.get('content-type') ?? '')) return false
      const body = (await response.clone().json().catch(() => null)) as { errors?: WireError[] } | null
      return body?.errors?.some((error) => error?.extensions?.code === 'UNAUTHENTICATED') ?? false
    },

    async changePassword(context, { oldPassword, newPassword }) {
      const result = await gql<LoginResult>(context.authorizedFetch, url(context), ChangePasswordDocument, { oldPassword, newPassword })
      if (result.promptTwoFactorAuth) return { type: 'challenge', challenge: challenge(context, 'change_password_2fa', {}) }
      return result.token ? { type: 'done', tokens: tokenSet(result) } : { type: 'done' }
    },
  }
}

/**
 * Changes the signed-in user's password. For a user with 2FA the result is
 * `{ status: 'challenge', challenge }` (kind `change_password_2fa`, code emailed): answer it
 * with `challenge.verify(code)` (`confirmChangePassword2Fa`); `challenge.resend()` mails a new
 * code. Without 2FA it is `{ status: 'verified' }` at once. Either way the server revokes the
 * old tokens and the client stores the new pair it returns.
 */
export function changePassword(auth: AuthClient<PlatformAdapter>, input: ChangePasswordInput): Promise<AuthResult> {
  return auth.run((context) => auth.api.changePassword(context, input))
}
