/**
 * A GraphQL error as an AuthError, shared by the platform adapter (plain fetch) and the typed
 * GraphQL clients (graphql-request), so the same server error reads the same through either.
 */
import { AuthError, kindForStatus, retryAfter, type AuthErrorCode, type AuthErrorKind } from '../core/errors'

/** One entry of a GraphQL response's `errors`, as far as it is read. */
export interface WireGraphQLError {
  message?: unknown
  extensions?: { code?: unknown; attemptsLeft?: unknown; retryAfterMs?: unknown } | null
}

/** An API's deliberate error codes (`extensions.code`) and what a caller does about them. */
export type GraphQLErrorKinds = Readonly<Record<string, AuthErrorKind>>

/**
 * A deliberate code (one in `kinds`) becomes the error's `code` in lower case; anything else is
 * `http_<status>` (or `graphql_error` in a 200). The message is never the server's: even a
 * deliberate error's text may quote input (graphql-js variable errors quote the offending
 * value, a password included), so it names the API and the code only.
 */
export function graphqlError(error: WireGraphQLError | undefined, status: number, headers: Headers, kinds: GraphQLErrorKinds, api: string): AuthError {
  // A throttled field says how long to wait in the error itself (the response may hold other results).
  const { code: wireCode, attemptsLeft: attempts, retryAfterMs: wait } = error?.extensions ?? {}
  const known = typeof wireCode === 'string' ? kinds[wireCode] : undefined
  const code = (known ? (wireCode as string).toLowerCase() : status >= 400 ? `http_${status}` : 'graphql_error') as AuthErrorCode
  return new AuthError(`The ${api} API refused the request (${code}).`, {
    code,
    kind: known ?? (status >= 400 ? kindForStatus(status) : 'validation'),
    status,
    attemptsLeft: typeof attempts === 'number' ? attempts : undefined,
    retryAfterMs: typeof wait === 'number' && wait >= 0 ? wait : retryAfter(headers),
  })
}
