/**
 * A GraphQL error as an AuthError, shared by the platform adapter (plain fetch) and the typed
 * GraphQL clients (graphql-request), so the same server error reads the same through either.
 */
import { AuthError, kindForStatus, retryAfter, type AuthErrorKind } from '../core/errors'

/** One entry of a GraphQL response's `errors`, as far as it is read. */
export interface WireGraphQLError {
  message?: unknown
  extensions?: { code?: unknown; attemptsLeft?: unknown; retryAfterMs?: unknown } | null
}

/** An API's deliberate error codes (`extensions.code`) and what a caller does about them. */
export type GraphQLErrorKinds = Readonly<Record<string, AuthErrorKind>>

/**
 * Only the messages of the codes in `kinds` are passed on: the backend writes those for people
 * and they carry no input. Any other message (graphql-js variable errors quote the offending
 * value, a password included) is replaced. `code` is the wire code in lower case.
 */
export function graphqlError(error: WireGraphQLError | undefined, status: number, headers: Headers, kinds: GraphQLErrorKinds, api: string): AuthError {
  const wireCode = error?.extensions?.code
  const known = typeof wireCode === 'string' ? kinds[wireCode] : undefined
  const attempts = error?.extensions?.attemptsLeft
  // A throttled field says how long to wait in the error itself (the response may hold other results).
  const wait = error?.extensions?.retryAfterMs
  return new AuthError(known && typeof error?.message === 'string' ? error.message : `The ${api} API rejected the request (status ${status}).`, {
    code: typeof wireCode === 'string' ? wireCode.toLowerCase() : status >= 400 ? `http_${status}` : 'graphql_error',
    kind: known ?? (status >= 400 ? kindForStatus(status) : 'validation'),
    status,
    attemptsLeft: typeof attempts === 'number' ? attempts : undefined,
    retryAfterMs: typeof wait === 'number' && wait >= 0 ? wait : retryAfter(headers),
  })
}
