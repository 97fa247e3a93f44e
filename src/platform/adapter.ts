/**
 * The platform adapter: AuthClient over the platform GraphQL API (`POST /api/graphql`).
 *
 * It posts its operations (the generated ones, trimmed to the fields it reads: see `OPERATIONS`)
 * as plain strings with `fetch` and reads the `{ data, errors }` envelope itself, so a bundle
 * that signs in carries neither graphql-js nor graphql-request nor the full documents. This file
 * is the only code that knows the platform wire protocol.
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
import { AuthError, badResponse, networkError } from '../core/errors'
import type { FetchLike } from '../core/types'
import type {
  ChangePasswordMutationVariables,
  Confirm2FaMutationVariables,
  ConfirmChangePassword2FaMutationVariables,
  LoginMutationVariables,
  LogoutMutationVariables,
  NewTokenMutationVariables,
  Resend2FaMutationVariables,
  ResendChangePassword2FaMutationVariables,
} from '../generated/platform/graphql'
import { graphqlError, type WireGraphQLError } from '../transport/graphql-errors'
import { jwtTokenSet } from '../transport/jwt-claims'
import { PLATFORM_ERROR_KINDS } from './errors'

/** Options of `platformApi`: endpoint path, device id, and lifetimes the API does not publish. */
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
  /**
   * Lifetime of a refresh token in ms, for `refreshExpiresAt` (so an expired session ends as
   * `session_expired` without a doomed refresh). Default 24 h, as the backend publishes.
   */
  refreshTtlMs?: number
}

/** The platform `changePassword` input. */
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

/** The fields of `LoginResult` the adapter selects and reads. */
interface LoginResult {
  token?: string | null
  refreshToken?: string | null
  promptTwoFactorAuth?: boolean | null
  sessionId?: string | null
  userId?: string | null
  userProfile?: { username?: string | null } | null
}

const NAME = 'platform'

/** A document the adapter sends: the root field it reads, and the generated operation's variables. */
type Operation<Result, Variables> = string & { readonly __types?: [Result, Variables] }
/** What a resend answers. */
interface Resent {
  sessionId?: string | null
}

const SESSION = '{token refreshToken promptTwoFactorAuth sessionId userId userProfile{username}}'

/**
 * The operations the adapter sends. Each is the generated operation of the same name with the
 * same variables (so the generated `*Variables` types apply and the backend logs the same
 * operation names), selecting only the fields read here: the generated documents select all of
 * `LoginResult` and its profile, about 1 KB min+gzip a sign-in bundle would carry for nothing.
 * A unit test validates them against the schema and compares them with the generated ones.
 */
export const OPERATIONS = {
  Login: `mutation Login($credentials:LoginCredentials!){login(credentials:$credentials)${SESSION}}` as Operation<LoginResult, LoginMutationVariables>,
  Confirm2Fa: `mutation Confirm2Fa($code:String!,$sessionId:String!,$timestamp:Int,$email:EmailAddress!){confirm2Fa(code:$code,sessionId:$sessionId,timestamp:$timestamp,email:$email)${SESSION}}` as Operation<LoginResult, Confirm2FaMutationVariables>,
  Resend2Fa: `mutation Resend2Fa($sessionId:String!,$email:EmailAddress!){resend2Fa(sessionId:$sessionId,email:$email){sessionId}}` as Operation<Resent, Resend2FaMutationVariables>,
  NewToken: `mutation NewToken($refreshToken:String!){newToken(refreshToken:$refreshToken)${SESSION}}` as Operation<LoginResult, NewTokenMutationVariables>,
  Logout: `mutation Logout($deviceInfo:DeviceInfo){logout(deviceInfo:$deviceInfo){status}}` as Operation<unknown, LogoutMutationVariables>,
  ChangePassword: `mutation ChangePassword($oldPassword:String!,$newPassword:String!){changePassword(oldPassword:$oldPassword,newPassword:$newPassword)${SESSION}}` as Operation<LoginResult, ChangePasswordMutationVariables>,
  ConfirmChangePassword2Fa: `mutation ConfirmChangePassword2Fa($code:String!){confirmChangePassword2Fa(code:$code)${SESSION}}` as Operation<LoginResult, ConfirmChangePassword2FaMutationVariables>,
  ResendChangePassword2Fa: `mutation ResendChangePassword2Fa{resendChangePassword2Fa{sessionId}}` as Operation<Resent, ResendChangePassword2FaMutationVariables>,
}

/** Posts one operation and returns its single root field, or rejects with an AuthError. */
async function gql<R, V>(fetchFn: FetchLike, url: string, query: Operation<R, V>, variables: V, token?: string): Promise<R> {
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
    throw networkError(cause)
  }
  const status = response.status
  const body = (await response.json().catch(() => null)) as { data?: Record<string, unknown> | null; errors?: WireGraphQLError[] } | null
  const error = body?.errors?.[0]
  if (error || !response.ok) throw graphqlError(error, status, response.headers, PLATFORM_ERROR_KINDS, NAME)
  // The root field is the first one the document selects (`mutation Login(…){login(…)…`).
  const field = /{(\w+)/.exec(query)![1]!
  const result = body?.data?.[field]
  if (!result) throw badResponse(body ? `data.${field} is missing` : 'the body is not a JSON object')
  return result as R
}

/**
 * The adapter for the platform GraphQL API: sign-in with an emailed 2FA code, refresh, sign-out.
 *
 * @example
 * ```ts
 * const auth = new AuthClient({ baseUrl, api: platformApi({ codeTtlMs: 10 * 60_000 }) })
 * const result = await auth.signIn({ email, password })
 * if (result.status === 'challenge') await result.challenge.verify(codeFromEmail)
 * ```
 */
export function platformApi(options: PlatformApiOptions = {}): PlatformAdapter {
  const path = options.path ?? '/api/graphql'
  const ttl = options.refreshTtlMs ?? 86_400_000
  /** The core checks the token's shape; a rotated refresh token lives `ttl` from now, a kept one keeps its expiry. */
  const tokenSet = (context: AdapterContext, result: LoginResult, previous?: TokenSet): TokenSet => ({
    ...jwtTokenSet(result.token!, result.refreshToken ?? previous?.refreshToken ?? null),
    refreshExpiresAt: result.refreshToken ? context.now() + ttl : (previous?.refreshExpiresAt ?? null),
  })
  const session = (context: AdapterContext, result: LoginResult, user: SessionUser): AdapterResult => ({
    type: 'session',
    tokens: tokenSet(context, result),
    user: { ...user, id: result.userId ?? user.id },
  })
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
  const refresh = async (context: AdapterContext, previous: TokenSet): Promise<TokenSet> =>
    tokenSet(context, await gql(context.fetch, url(context), OPERATIONS.NewToken, { refreshToken: previous.refreshToken! }), previous)

  return {
    name: NAME,

    async signIn(context, { email, username, password, deviceId }: SignInCredentials) {
      const result = await gql(context.fetch, url(context), OPERATIONS.Login, {
        credentials: { email, username, password, ...deviceInfo(deviceId) },
      })
      if (result.promptTwoFactorAuth) {
        return {
          type: 'challenge',
          challenge: challenge(context, 'sign_in_2fa', { sessionId: result.sessionId ?? null, email: email ?? null, userId: result.userId ?? null }),
        }
      }
      return session(context, result, { id: null, email: email ?? null, username: username ?? result.userProfile?.username ?? null })
    },

    /**
     * `response` is the emailed code, or `{ code, email }` when the sign-in used a username:
     * confirm2Fa needs the account's email, which the API does not return.
     */
    async verifyChallenge(context, state, response) {
      const { code, email = state.data['email'] } = typeof response === 'string' ? { code: response } : response
      if (typeof code !== 'string') throw new AuthError('A code is required.', { code: 'invalid_code', kind: 'validation' })
      if (state.kind === 'change_password_2fa') {
        const result = await gql(context.authorizedFetch, url(context), OPERATIONS.ConfirmChangePassword2Fa, { code })
        return result.token ? { type: 'done', tokens: tokenSet(context, result) } : { type: 'done' }
      }
      if (typeof email !== 'string') {
        throw new AuthError('An email address is required.', { code: 'email_required', kind: 'validation', details: { email: ['Required.'] } })
      }
      const { sessionId, userId } = state.data
      const result = await gql(context.fetch, url(context), OPERATIONS.Confirm2Fa, { code, sessionId: `${sessionId ?? ''}`, email })
      return session(context, result, { id: typeof userId === 'string' ? userId : null, email })
    },

    async resendChallenge(context, state) {
      const changing = state.kind === 'change_password_2fa'
      const result = changing
        ? await gql(context.authorizedFetch, url(context), OPERATIONS.ResendChangePassword2Fa, {})
        : await gql(context.fetch, url(context), OPERATIONS.Resend2Fa, {
            sessionId: `${state.data['sessionId'] ?? ''}`,
            email: `${state.data['email'] ?? ''}`,
          })
      const next = challenge(context, state.kind, state.data)
      if (!changing && result.sessionId) next.data = { ...state.data, sessionId: result.sessionId }
      return next
    },

    refresh,

    /**
     * `logout` ends the session on the server, but only for a valid access token. One the
     * server refuses (expired: a laptop closed for an hour) is traded for a fresh one, since the
     * refresh token still names the session; if that is refused too, nothing is left to end.
     */
    async signOut(context, tokens) {
      const logout = (token: string) => gql(context.fetch, url(context), OPERATIONS.Logout, deviceInfo(), token)
      await logout(tokens.accessToken).catch(async (error: AuthError) => {
        if (error.kind !== 'auth') throw error
        const fresh = await refresh(context, tokens).catch((refused: AuthError) => {
          if (refused.kind !== 'auth') throw refused
        })
        if (fresh) await logout(fresh.accessToken)
      })
    },

    async isUnauthorized(response, handOn) {
      if (response.status === 401) return true
      // GraphQL reports a rejected token as a 200 with an UNAUTHENTICATED error; only bodies of
      // this endpoint are read, so other APIs called through auth.fetch pay nothing.
      if ((response.url && !response.url.includes(path)) || !/json/.test(response.headers.get('content-type') ?? '')) return false
      // Read once, not cloned: the caller gets an unread copy and parses it, once. Here the text is
      // only searched for a string starting with the code: the platform schema has no such value,
      // and a user's text starting with it would cost one refresh and retry (the bundle budget).
      const text = await response.text()
      handOn(new Response(text, response))
      return /"UNAUTHENTICATED/.test(text)
    },

    async changePassword(context, { oldPassword, newPassword }) {
      const result = await gql(context.authorizedFetch, url(context), OPERATIONS.ChangePassword, { oldPassword, newPassword })
      if (result.promptTwoFactorAuth) return { type: 'challenge', challenge: challenge(context, 'change_password_2fa', {}) }
      return result.token ? { type: 'done', tokens: tokenSet(context, result) } : { type: 'done' }
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
