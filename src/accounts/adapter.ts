/**
 * The accounts adapter: AuthClient over the django-graphql-auth + graphql-jwt API, classic
 * (`POST /graphql`) or relay (`POST /graphql/relay`, `accountsApi({ relay: true })`).
 *
 * - sign-in: `tokenAuth` with the password and one of username / email (username when both are
 *   given); an unverified account is an AuthError with code `not_verified`, wrong credentials
 *   `invalid_credentials` (both kind `auth`);
 * - `auth.fetch` sends `Authorization: JWT <token>`; graphql-jwt's `Signature has expired` (and its
 *   other JWT errors) count as a rejected token: one refresh, one retry;
 * - refresh: `refreshToken`. The API keeps the old refresh token valid after a refresh, so the
 *   adapter revokes it once the new pair is in hand: a leaked or stale copy stops working;
 * - sign-out: `revokeToken` on the current refresh token, which needs no JWT (so it works after
 *   the access token has expired).
 *
 * Plain fetch and trimmed documents (operations.ts), so a sign-in bundle carries no GraphQL client.
 */
import type { AdapterContext, AdapterResult, AuthAdapter, TokenSet } from '../core/adapter'
import { AuthError } from '../core/errors'
import { checkTokens } from '../core/session-codec'
import { jwtTokenSet } from '../transport/jwt-claims'
import { JWT_ERRORS, mutate, type OperationSpec, type Output } from './operations'

/** Options of `accountsApi`: classic or relay schema, and the endpoint path. */
export interface AccountsApiOptions {
  /** Use the relay schema (`input:` arguments) at `/graphql/relay`. Default false: classic at `/graphql`. */
  relay?: boolean
  /** Endpoint path under `baseUrl`; default `/graphql`, or `/graphql/relay` with `relay`. */
  path?: string
}

/** The accounts `passwordChange` input: the old password and the new one twice. */
export interface ChangePasswordInput {
  oldPassword: string
  newPassword1: string
  newPassword2: string
}

export interface AccountsAdapter extends AuthAdapter {
  readonly relay: boolean
  /** Runs one accounts mutation (`authorized`: with the JWT through `auth.fetch`); rejects with an AuthError unless `success`. */
  call(context: AdapterContext, spec: OperationSpec, variables: Record<string, unknown>, authorized?: boolean): Promise<Output>
  /** `passwordChange`: the server revokes the old tokens and returns a new pair, which the client keeps. */
  changePassword(context: AdapterContext, input: ChangePasswordInput): Promise<AdapterResult>
}

const NAME = 'accounts'
const TOKENS = 'token refreshToken'

export const TOKEN_AUTH: OperationSpec = {
  name: 'TokenAuth',
  field: 'tokenAuth',
  variables: 'password:String!,email:String,username:String',
  input: 'ObtainJSONWebTokenInput',
  select: `${TOKENS} refreshExpiresIn user{id username email}`,
}
export const REFRESH_TOKEN: OperationSpec = { name: 'RefreshToken', field: 'refreshToken', variables: 'refreshToken:String!', input: 'RefreshTokenInput', select: `${TOKENS} refreshExpiresIn` }
export const REVOKE_TOKEN: OperationSpec = { name: 'RevokeToken', field: 'revokeToken', variables: 'refreshToken:String!', input: 'RevokeTokenInput' }
export const PASSWORD_CHANGE: OperationSpec = {
  name: 'PasswordChange',
  field: 'passwordChange',
  variables: 'oldPassword:String!,newPassword1:String!,newPassword2:String!',
  input: 'PasswordChangeInput',
  select: TOKENS,
}

/**
 * The TokenSet of an output carrying `token` / `refreshToken` (and `refreshExpiresIn`, unix
 * seconds), checked here already (`bad_response` naming the member: `accessToken is missing`)
 * because a refresh acts on it (revoking the old token) before the core sees it.
 */
export function tokensOf(output: Output, previousRefreshToken: string | null = null): TokenSet {
  // A refresh token of the wrong type is refused by the check, not replaced by the previous one.
  const tokens = checkTokens(jwtTokenSet(output['token'] as string, (output['refreshToken'] as string | null | undefined) ?? previousRefreshToken))
  const refreshExpiresIn = output['refreshExpiresIn']
  return typeof refreshExpiresIn === 'number' ? { ...tokens, refreshExpiresAt: refreshExpiresIn * 1000 } : tokens
}

const noChallenge = async (): Promise<never> => {
  throw new AuthError('The accounts API has no second factor.', { code: 'no_challenge', kind: 'validation' })
}

/**
 * The adapter for the accounts GraphQL API (JWT + refresh tokens, no second factor).
 *
 * @example
 * ```ts
 * const auth = new AuthClient({ baseUrl, api: accountsApi({ relay: true }) })
 * ```
 */
export function accountsApi(options: AccountsApiOptions = {}): AccountsAdapter {
  const relay = options.relay ?? false
  const path = options.path ?? (relay ? '/graphql/relay' : '/graphql')
  const url = (context: AdapterContext): string => context.baseUrl.replace(/\/+$/, '') + path
  const call: AccountsAdapter['call'] = (context, spec, variables, authorized = false) =>
    mutate(authorized ? context.authorizedFetch : context.fetch, url(context), spec, relay, variables)
  const revoke = async (context: AdapterContext, refreshToken: string) => void (await call(context, REVOKE_TOKEN, { refreshToken }))

  return {
    name: NAME,
    relay,
    scheme: 'JWT',
    call,

    async signIn(context, { email, username, password }) {
      if (!email && !username) {
        throw new AuthError('Sign in with a username or an email address.', { code: 'identifier_required', kind: 'validation', details: { username: ['Required.'] } })
      }
      // The API takes exactly one of them.
      const output = await call(context, TOKEN_AUTH, username ? { username, password } : { email, password })
      const user = (output['user'] ?? {}) as { id?: string; username?: string; email?: string }
      return { type: 'session', tokens: tokensOf(output), user: { id: user.id ?? null, username: user.username ?? username ?? null, email: user.email ?? email ?? null } }
    },

    verifyChallenge: noChallenge,
    resendChallenge: noChallenge,

    async refresh(context, tokens) {
      if (!tokens.refreshToken) throw new AuthError('There is no refresh token; sign in again.', { code: 'invalid_token', kind: 'auth' })
      const next = tokensOf(await call(context, REFRESH_TOKEN, { refreshToken: tokens.refreshToken }), tokens.refreshToken)
      // Best effort: the old token would otherwise stay valid until it expires.
      if (next.refreshToken && next.refreshToken !== tokens.refreshToken) await revoke(context, tokens.refreshToken).catch(() => {})
      return next
    },

    /**
     * `revokeToken` needs no JWT, so an expired access token does not matter. A token the server
     * no longer knows (already revoked or expired) counts as revoked; a network or server
     * failure rejects, so `auth.signOut()` reports `{ revoked: false, error }`.
     */
    async signOut(context, tokens) {
      if (!tokens.refreshToken) return false
      await revoke(context, tokens.refreshToken).catch((error: AuthError) => {
        if (error.kind !== 'auth') throw error
      })
    },

    async isUnauthorized(response) {
      if (response.status === 401) return true
      if ((response.url && !response.url.includes(path)) || !/json/.test(response.headers.get('content-type') ?? '')) return false
      const body = (await response.clone().json().catch(() => null)) as { errors?: Array<{ message?: unknown }> } | null
      return body?.errors?.some((error) => typeof error?.message === 'string' && JWT_ERRORS.includes(error.message)) ?? false
    },

    async changePassword(context, input) {
      return { type: 'done', tokens: tokensOf(await call(context, PASSWORD_CHANGE, { ...input }, true)) }
    },
  }
}
